"""Declarations (9710 / 9810) with their goods lines.

Header and line fields keep the CEB element names in ``CEB_HEAD_FIELDS`` / ``CEB_LINE_FIELDS`` so renderers,
the spreadsheet template and the API map them in one place. Codes are stored as text and checked by the rules
engine, so a draft can hold a wrong code and show a finding instead of failing to save.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from declarations.choices import Channel, DeclarationStatus, Mode


def money(verbose_name, **kwargs):
    """N19,5 as in the CEB XSD."""
    return models.DecimalField(verbose_name, max_digits=19, decimal_places=5, **kwargs)


class Declaration(models.Model):
    mode = models.CharField(_("mode"), max_length=4, choices=Mode.choices)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text=_("Empty: recommended.")
    )
    recommended_channel = models.CharField(
        _("recommended channel"), max_length=20, choices=Channel.choices, blank=True
    )
    channel_reason = models.CharField(_("reason for the channel"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DRAFT,
        db_index=True,
    )

    # No index of their own: the (enterprise, order_no) / (enterprise, created) indexes and the (agent, cop_no)
    # unique constraint lead with them. A bulk import writes every index of every row it stores.
    enterprise = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("e-commerce enterprise (consignor)"),
        db_index=False,
    )
    agent = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.PROTECT,
        related_name="agent_declarations",
        verbose_name=_("declaring agent"),
        db_index=False,
    )
    warehouse = models.ForeignKey(
        "declarations.OverseasWarehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("overseas warehouse"),
    )
    site_operator = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="site_declarations",
        verbose_name=_("supervised-site operator"),
    )

    cop_no = models.CharField(_("enterprise document number (copNo)"), max_length=30)
    order_no = models.CharField(_("order / booking number"), max_length=60)
    customs_code = models.CharField(_("declaring customs office"), max_length=4)
    port_code = models.CharField(_("exit port customs"), max_length=4)
    ebp_code = models.CharField(_("platform code"), max_length=18, blank=True)
    ebp_name = models.CharField(_("platform name"), max_length=100, blank=True)
    logistics_code = models.CharField(_("logistics enterprise code"), max_length=18, blank=True)
    logistics_name = models.CharField(_("logistics enterprise name"), max_length=100, blank=True)
    logistics_no = models.CharField(_("waybill number"), max_length=32, blank=True)
    owner_code = models.CharField(_("producer/seller code"), max_length=18, blank=True)
    owner_name = models.CharField(_("producer/seller name"), max_length=100, blank=True)
    ie_date = models.DateField(_("export date"), null=True, blank=True)
    traf_mode = models.CharField(_("transport mode"), max_length=1)
    traf_name = models.CharField(_("means of transport"), max_length=100, blank=True)
    voyage_no = models.CharField(_("voyage / flight number"), max_length=32, blank=True)
    bill_no = models.CharField(_("bill of lading"), max_length=37, blank=True)
    total_package_no = models.CharField(_("total package number"), max_length=37, blank=True)
    loct_no = models.CharField(_("supervised site code"), max_length=10, blank=True)
    license_no = models.CharField(_("licence number"), max_length=19, blank=True)
    country = models.CharField(_("destination country"), max_length=3)
    pod = models.CharField(_("port of destination"), max_length=4)
    currency = models.CharField(_("currency"), max_length=3)
    freight = money(_("freight"), default=Decimal("0"))
    insured_fee = money(_("insurance"), default=Decimal("0"))
    wrap_type = models.CharField(_("packing type"), max_length=1)
    pack_no = models.PositiveIntegerField(_("packages"))
    gross_weight = money(_("gross weight (kg)"))
    net_weight = money(_("net weight (kg)"))
    goods_info = models.CharField(_("main goods information"), max_length=200, blank=True)
    domestic_traf_no = models.CharField(_("domestic vehicle number"), max_length=100, blank=True)
    leave_time = models.DateTimeField(_("departure time"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    findings = models.JSONField(_("findings"), default=list, blank=True)
    version = models.PositiveIntegerField(_("message version"), default=0)
    pre_no = models.CharField(_("pre-entry number"), max_length=18, blank=True)
    invt_no = models.CharField(_("inventory number"), max_length=20, blank=True)
    last_return_status = models.CharField(_("last receipt status"), max_length=10, blank=True)
    last_return_info = models.CharField(_("last receipt text"), max_length=1000, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=1000, blank=True)
    # Set on a copy (declaration_copy): its source's numbers, which the copy must not be submitted with.
    copy_of_order_no = models.CharField(_("copied from order / booking number"), max_length=60, blank=True)
    copy_of_logistics_no = models.CharField(_("copied from waybill number"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The history is read per declaration (id, history_date); the copied fields' indexes would only cost writes.
    history = HistoricalRecords(
        excluded_fields=["findings", "updated_at"],
        no_db_index=["status", "enterprise", "agent", "warehouse", "site_operator", "created_by"],
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "cop_no"], name="declaration_cop_no_per_agent")
        ]
        indexes = [
            models.Index(fields=["enterprise", "order_no"]),
            models.Index(fields=["logistics_code", "logistics_no"]),
            models.Index(fields=["ebp_code", "order_no"]),
            # The list's default order; without it a large tenant's first page sorts the whole table.
            models.Index(fields=["-created_at", "-id"], name="declaration_created_desc"),
            # A tenant's list, newest first: its own declarations, and those it filed as agent for another
            # enterprise (only those: most declarations are filed by the exporter itself). See selectors.
            models.Index(fields=["enterprise", "-created_at", "-id"], name="declaration_tenant_created"),
            models.Index(
                fields=["agent", "-created_at", "-id"],
                name="declaration_agent_created",
                condition=~models.Q(agent=models.F("enterprise")),
            ),
        ]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return f"{self.mode} {self.order_no}"

    @property
    def effective_channel(self) -> str:
        return self.channel or self.recommended_channel

    @property
    def business_type(self) -> str:
        return f"{self.mode}-{self.effective_channel or '?'}"


class DeclarationLine(models.Model):
    """Goods line (表体): one item of the order and of the inventory list, aligned by gnum."""

    # Indexed by the (declaration, gnum) unique constraint, which leads with it.
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    gnum = models.PositiveIntegerField(_("line number"))
    item_no = models.CharField(_("item number"), max_length=30)
    item_name = models.CharField(_("item name"), max_length=250, blank=True)
    gcode = models.CharField(_("HS code"), max_length=10)
    gname = models.CharField(_("goods name"), max_length=250)
    gmodel = models.CharField(_("model / specification"), max_length=250)
    bar_code = models.CharField(_("barcode"), max_length=50, blank=True, default="无")
    country = models.CharField(_("destination country"), max_length=3)
    currency = models.CharField(_("currency"), max_length=3)
    qty = money(_("quantity"))
    unit = models.CharField(_("unit"), max_length=3)
    qty1 = money(_("first legal quantity"))
    unit1 = models.CharField(_("first legal unit"), max_length=3)
    qty2 = money(_("second legal quantity"), null=True, blank=True)
    unit2 = models.CharField(_("second legal unit"), max_length=3, blank=True)
    price = money(_("unit price"))
    total_price = money(_("total price"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    licence = models.BooleanField(_("needs a licence"), default=False)
    inspection = models.BooleanField(_("needs inspection"), default=False)
    tax = models.BooleanField(_("export duty or tax refund"), default=False)

    class Meta:
        ordering = ["declaration", "gnum"]
        constraints = [models.UniqueConstraint(fields=["declaration", "gnum"], name="line_gnum_unique")]
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")

    def __str__(self) -> str:
        return f"{self.gnum} {self.gname}"


# CEB element name -> model field; the spreadsheet template and the API use the same keys.
CEB_HEAD_FIELDS: dict[str, str] = {
    "customsCode": "customs_code",
    "portCode": "port_code",
    "ebpCode": "ebp_code",
    "ebpName": "ebp_name",
    "orderNo": "order_no",
    "logisticsCode": "logistics_code",
    "logisticsName": "logistics_name",
    "logisticsNo": "logistics_no",
    "copNo": "cop_no",
    "ownerCode": "owner_code",
    "ownerName": "owner_name",
    "ieDate": "ie_date",
    "trafMode": "traf_mode",
    "trafName": "traf_name",
    "voyageNo": "voyage_no",
    "billNo": "bill_no",
    "totalPackageNo": "total_package_no",
    "loctNo": "loct_no",
    "licenseNo": "license_no",
    "country": "country",
    "POD": "pod",
    "currency": "currency",
    "freight": "freight",
    "insuredFee": "insured_fee",
    "wrapType": "wrap_type",
    "packNo": "pack_no",
    "grossWeight": "gross_weight",
    "netWeight": "net_weight",
    "goodsInfo": "goods_info",
    "note": "note",
}

CEB_LINE_FIELDS: dict[str, str] = {
    "gnum": "gnum",
    "itemNo": "item_no",
    "itemName": "item_name",
    "gcode": "gcode",
    "gname": "gname",
    "gmodel": "gmodel",
    "barCode": "bar_code",
    "country": "country",
    "currency": "currency",
    "qty": "qty",
    "unit": "unit",
    "qty1": "qty1",
    "unit1": "unit1",
    "qty2": "qty2",
    "unit2": "unit2",
    "price": "price",
    "totalPrice": "total_price",
    "note": "note",
}
