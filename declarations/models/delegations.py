"""Broker delegations (代理报关委托) the parties manage themselves, and their events.

A broker asks to act for an exporter and the exporter's administrator accepts or refuses, or the exporter entrusts
a broker directly; either side ends it. ``live_q`` is the one definition of a delegation that lets a broker act:
accepted, within its validity period, not ended. Every tenant-scoped read (selectors, permissions, imports,
notifications) filters by it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now, TruncDate
from django.utils.translation import gettext_lazy as _


class DelegationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the exporter")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (DelegationStatus.PENDING, DelegationStatus.ACCEPTED)


class DelegationSide(models.TextChoices):
    BROKER = "broker", _("Broker")
    EXPORTER = "exporter", _("Exporter")
    ADMIN = "admin", _("Portal administrators")


class DelegationEventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested by the broker")
    ENTRUSTED = "entrusted", _("Entrusted by the exporter")
    ACCEPTED = "accepted", _("Accepted by the exporter")
    REFUSED = "refused", _("Refused by the exporter")
    ENDED = "ended", _("Ended")
    EXPIRED = "expired", _("Expired at the end of its validity")
    RECORDED = "recorded", _("Recorded by the portal's administrators")


def live_q(prefix: str = "") -> Q:
    """Delegations that let the broker act today: accepted, started, not past ``valid_until``, not ended.

    ``prefix`` reaches a delegation through a relation (``"memberships__enterprise__delegations_received__"``).
    "Today" is the database's current date in the portal's time zone, so a compiled read (``Precompiled``) never
    keeps a stale date, and an expired delegation stops counting before the daily sweep marks it expired.
    """
    today = TruncDate(Now())
    return (
        Q(**{f"{prefix}status": DelegationStatus.ACCEPTED})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))
    )


class DelegationQuerySet(models.QuerySet):
    def live(self) -> "DelegationQuerySet":
        return self.filter(live_q())


class Delegation(models.Model):
    """An exporter's delegation to a customs broker to declare on its behalf, within a scope and a period."""

    broker = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("broker"),
        db_index=False,  # indexed by delegation_broker_status, which leads with it
    )
    exporter = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("exporter"),
    )
    agreement_no = models.CharField(_("agreement number"), max_length=50, blank=True)
    # Accepted by default: a delegation an administrator adds in Django admin is live at once, as before.
    status = models.CharField(
        _("status"), max_length=10, choices=DelegationStatus.choices, default=DelegationStatus.ACCEPTED
    )
    initiated_by = models.CharField(
        _("initiated by"), max_length=10, choices=DelegationSide.choices, default=DelegationSide.ADMIN
    )
    # Scope: empty means every supervision mode / every declaring office.
    modes = models.JSONField(_("supervision modes"), default=list, blank=True)
    offices = models.JSONField(
        _("declaring customs offices"), default=list, blank=True
    )  # CustomsOffice codes
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open (pending or accepted) delegation per pair; ended and refused ones stay for the record.
            models.UniqueConstraint(
                fields=["broker", "exporter"],
                condition=Q(status__in=["pending", "accepted"]),
                name="delegation_open_unique",
            )
        ]
        indexes = [models.Index(fields=["broker", "status"], name="delegation_broker_status")]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.exporter} → {self.broker}"


class DelegationEvent(models.Model):
    """One change of a delegation, seen by both sides."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=DelegationEventKind.choices)
    side = models.CharField(_("by"), max_length=10, choices=DelegationSide.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delegation event")
        verbose_name_plural = _("delegation events")

    def __str__(self) -> str:
        return f"{self.delegation} · {self.get_kind_display()}"
