"""The national tariff (海关进出口税则, 10-digit codes) and the code tables its columns use.

Customs publishes the tariff yearly; a deployment loads the official file (``manage.py load_tariff`` or the
admin upload). Codes that disappear from a later file stay, inactive, so old declarations remain readable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import CodeTable, localized_name


class SupervisionCondition(CodeTable):
    """监管条件 / 监管证件代码: a licence or certificate a code needs (as data, see fixtures/codes)."""

    export_licence = models.BooleanField(
        _("export licence"),
        default=False,
        help_text=_("Exporting goods under this condition needs a licence."),
    )
    outbound_inspection = models.BooleanField(
        _("outbound inspection"),
        default=False,
        help_text=_("Exporting goods under this condition needs inspection before export."),
    )

    class Meta(CodeTable.Meta):
        verbose_name = _("supervision condition")
        verbose_name_plural = _("supervision conditions")


class InspectionCategory(CodeTable):
    """检验检疫类别: M, N, P, Q, R, S … (as data, see fixtures/codes)."""

    outbound = models.BooleanField(
        _("outbound"), default=False, help_text=_("The category applies to exported goods.")
    )

    class Meta(CodeTable.Meta):
        verbose_name = _("inspection category")
        verbose_name_plural = _("inspection categories")


class Tariff(models.Model):
    """One 10-digit tariff code with its legal units, conditions, rates and declaration elements (申报要素)."""

    code = models.CharField(_("tariff code"), max_length=10, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    unit1 = models.CharField(_("first legal unit"), max_length=3)
    unit2 = models.CharField(_("second legal unit"), max_length=3, blank=True)
    supervision = models.CharField(_("supervision conditions"), max_length=30, blank=True)
    inspection = models.CharField(_("inspection category"), max_length=30, blank=True)
    export_duty_rate = models.DecimalField(
        _("export duty rate (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    refund_rate = models.DecimalField(
        _("export VAT refund rate (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    elements = models.TextField(
        _("declaration elements"), blank=True, help_text=_("1:品牌类型;2:出口享惠情况;3:用途;…")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Codes missing from the latest loaded file are inactive.")
    )
    sample = models.BooleanField(
        _("sample"),
        default=False,
        help_text=_("Loaded from the shipped SAMPLE file, not the official tariff."),
    )
    source = models.CharField(_("loaded from"), max_length=255, blank=True)
    # Indexed: the assistant's name index is rebuilt when the newest change is newer than the index.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tariff code")
        verbose_name_plural = _("tariff codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        return localized_name(self.name_zh, self.name_en)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"
