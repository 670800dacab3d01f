"""Enterprises and user membership (broker delegations: models/delegations.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from declarations.identifiers import validate_customs_code, validate_uscc

CUSTOMS_CODE_TAKEN = _(
    "Another enterprise in the portal already has this customs registration code. Each code belongs to one "
    "enterprise; ask its administrator to add you as a member instead."
)


def customs_code_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another enterprise already holds this customs code (the constraint below, asked ahead)."""
    taken = Enterprise.objects.filter(customs_code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return bool(code) and taken.exists()


class Enterprise(models.Model):
    """An enterprise registered with customs; its roles say which parties it may act as."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    customs_code = models.CharField(
        _("customs registration code"), max_length=10, blank=True, validators=[validate_customs_code]
    )
    is_exporter = models.BooleanField(_("e-commerce enterprise (exporter)"), default=False)
    is_platform = models.BooleanField(_("e-commerce platform"), default=False)
    is_logistics = models.BooleanField(_("logistics enterprise"), default=False)
    is_broker = models.BooleanField(_("customs broker"), default=False)
    is_site_operator = models.BooleanField(_("supervised-site operator"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    home_office = models.ForeignKey(
        "declarations.CustomsOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("home customs office"),
    )
    dxp_id = models.CharField(_("DXP transmission id"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            # Receipts name the enterprise by this code: a second enterprise holding it could take the first
            # one's receipts (services.receipts.receipt_correlate). Empty codes (not yet registered) may repeat.
            models.UniqueConstraint(
                fields=["customs_code"],
                condition=~models.Q(customs_code=""),
                name="enterprise_customs_code_unique",
                violation_error_message=CUSTOMS_CODE_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ceb_code(self) -> str:
        """The code CEB messages carry: the 10-character customs code when known, else the USCC."""
        return self.customs_code or self.uscc


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    # Indexed by membership_unique, which leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"
