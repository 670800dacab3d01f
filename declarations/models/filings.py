"""Registrations with customs and overseas warehouses with their filings (出口海外仓业务模式备案)."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from declarations.choices import EnterpriseRole, ReviewStatus, WarehouseOwnership

DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class Reviewable(models.Model):
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    reason = models.TextField(_("reviewer's reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class Registration(Reviewable):
    """报关单位注册登记 / 跨境电商企业类型登记 at one customs office for one enterprise type."""

    enterprise = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,  # indexed by registration_unique, which leads with it
    )
    customs_office = models.ForeignKey(
        "declarations.CustomsOffice", on_delete=models.PROTECT, verbose_name=_("customs office")
    )
    enterprise_type = models.CharField(_("enterprise type"), max_length=20, choices=EnterpriseRole.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "customs_office", "enterprise_type"], name="registration_unique"
            )
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        # The decision alone (approve / reject through the admin actions): reviewers hold it and view, not change.
        permissions = [("review_registration", _("Can approve or reject registrations"))]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.customs_office_id} {self.get_enterprise_type_display()}"


class RegistrationAttachment(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(
        _("file"),
        upload_to="registrations/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration attachment")
        verbose_name_plural = _("registration attachments")

    def __str__(self) -> str:
        return self.title


class OverseasWarehouse(models.Model):
    """Overseas warehouse master data; required for every 9810 booking order."""

    enterprise = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.CASCADE,
        related_name="warehouses",
        db_index=False,  # indexed by warehouse_name_unique, which leads with it
    )
    name = models.CharField(_("warehouse name"), max_length=100)
    country = models.ForeignKey("declarations.Country", on_delete=models.PROTECT, verbose_name=_("country"))
    address = models.CharField(_("full address"), max_length=255)
    ownership = models.CharField(_("ownership"), max_length=10, choices=WarehouseOwnership.choices)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    platform_name = models.CharField(_("platform served"), max_length=100, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="warehouse_name_unique")]
        verbose_name = _("overseas warehouse")
        verbose_name_plural = _("overseas warehouses")

    def __str__(self) -> str:
        return self.name

    @property
    def approved_filing(self):
        return self.filings.filter(status=ReviewStatus.APPROVED).first()


class WarehouseFiling(Reviewable):
    """出口海外仓业务模式备案: one filing per warehouse, reviewed by the portal's admins."""

    warehouse = models.ForeignKey(OverseasWarehouse, on_delete=models.CASCADE, related_name="filings")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("overseas warehouse filing")
        verbose_name_plural = _("overseas warehouse filings")
        permissions = [("review_warehousefiling", _("Can approve or reject overseas warehouse filings"))]

    def __str__(self) -> str:
        return f"{self.warehouse} ({self.get_status_display()})"


class WarehouseDocument(models.Model):
    class DocType(models.TextChoices):
        OWNERSHIP = "ownership", _("Ownership deed")
        LEASE = "lease", _("Lease contract")
        INBOUND = "inbound", _("Inbound record")
        OTHER = "other", _("Other")

    filing = models.ForeignKey(WarehouseFiling, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=12, choices=DocType.choices)
    file = models.FileField(
        _("file"),
        upload_to="warehouse-filings/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse document")
        verbose_name_plural = _("warehouse documents")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.file.name}"
