"""Master bills (清单总分单, CEB607): the transport details filed after the lists, for a batch of lists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.choices import EventSource

from .declaration import money


class MasterBill(models.Model):
    """One CEB607 for lists of one declaring agent, declaring office and logistics enterprise."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to customs")
        DECLARING = "declaring", _("Declaring")
        SEND_FAILED = "send_failed", _("Sending to customs failed")
        ACCEPTED = "accepted", _("Accepted by customs")
        REJECTED = "rejected", _("Rejected by customs")

    agent = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.PROTECT,
        related_name="master_bills",
        verbose_name=_("declaring agent"),
        db_index=False,  # indexed by master_bill_cop_no_per_agent, which leads with it
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    cop_no = models.CharField(_("enterprise document number (copNo)"), max_length=30)
    customs_code = models.CharField(_("declaring customs office"), max_length=4)
    loct_no = models.CharField(_("supervised site code"), max_length=10, blank=True)
    traf_mode = models.CharField(_("transport mode"), max_length=1)
    traf_name = models.CharField(_("means of transport"), max_length=100)
    voyage_no = models.CharField(_("voyage / flight number"), max_length=32)
    bill_no = models.CharField(_("bill of lading"), max_length=37)
    domestic_traf_no = models.CharField(_("domestic vehicle number"), max_length=100, blank=True)
    gross_weight = money(_("gross weight (kg)"))
    pack_no = models.PositiveIntegerField(_("packages"))
    logistics_code = models.CharField(_("logistics enterprise code"), max_length=18)
    logistics_name = models.CharField(_("logistics enterprise name"), max_length=100)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    pre_no = models.CharField(_("pre-entry number"), max_length=18, blank=True)
    last_return_status = models.CharField(_("last receipt status"), max_length=10, blank=True)
    last_return_info = models.CharField(_("last receipt text"), max_length=1000, blank=True)
    # The CEB607 as sent: immutable once stored (a master bill is sent once; a new one is a new record).
    message_guid = models.CharField(_("guid"), max_length=36, blank=True)
    message_content = models.BinaryField(_("content"), null=True, blank=True)
    message_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "cop_no"], name="master_bill_cop_no_per_agent")
        ]
        verbose_name = _("master bill")
        verbose_name_plural = _("master bills")

    def __str__(self) -> str:
        return f"{self.bill_no} ({self.cop_no})"


class MasterBillItem(models.Model):
    """One list (its waybill and list number) on a master bill (WayBillList)."""

    # Indexed by the master_bill_item_once constraint, which leads with it.
    master_bill = models.ForeignKey(
        MasterBill, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.PROTECT,
        related_name="master_bill_items",
        verbose_name=_("inventory list"),
    )
    gnum = models.PositiveIntegerField(_("item number"))
    logistics_no = models.CharField(_("waybill number"), max_length=32)
    invt_no = models.CharField(_("inventory number"), max_length=20)

    class Meta:
        ordering = ["master_bill", "gnum"]
        constraints = [
            models.UniqueConstraint(fields=["master_bill", "declaration"], name="master_bill_item_once"),
            models.UniqueConstraint(fields=["master_bill", "gnum"], name="master_bill_item_gnum"),
        ]
        verbose_name = _("master bill item")
        verbose_name_plural = _("master bill items")

    def __str__(self) -> str:
        return f"{self.gnum} {self.logistics_no} {self.invt_no}"


class MasterBillEvent(models.Model):
    """One change of a master bill's status, with who or what made it (an audit row per change)."""

    master_bill = models.ForeignKey(MasterBill, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_status = models.CharField(_("return status"), max_length=10, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("master bill event")
        verbose_name_plural = _("master bill events")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
