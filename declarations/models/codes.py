"""Code tables (customs parameter codes) and monthly exchange rates; all loaded as data from fixtures/codes."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized_name(name_zh: str, name_en: str) -> str:
    """The name in the active language: English where the language is English and a name exists."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name_zh


class CodeTable(models.Model):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        return localized_name(self.name_zh, self.name_en)

    @property
    def label(self) -> str:
        """ "502 美国" in zh-hans, "502 United States" in English: what a picker and a page show."""
        return f"{self.code} {self.name}"


class CustomsOffice(CodeTable):
    """关区: 4-digit customs office code (JGS/T 18). The shipped table is partial; admins add the rest."""

    parent_code = models.CharField(_("parent office"), max_length=4, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    pilot_zone = models.BooleanField(
        _("comprehensive pilot zone"),
        default=False,
        help_text=_(
            "Offices in a comprehensive pilot zone (综试区) accept 6-digit HS codes in the list channel."
        ),
    )

    declarable = models.BooleanField(
        _("declarable"),
        default=True,
        help_text=_("An office where goods are declared; headquarters and directorate headings are not."),
    )

    class Meta(CodeTable.Meta):
        verbose_name = _("customs office")
        verbose_name_plural = _("customs offices")


class Country(CodeTable):
    """国别地区: numeric 3-digit customs country code used in CEB messages."""

    iso_alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    iso_alpha2 = models.CharField(_("ISO alpha-2"), max_length=2, blank=True)
    declarable = models.BooleanField(_("declarable"), default=True)
    destination = models.BooleanField(
        _("export destination"),
        default=True,
        help_text=_(
            "A place goods can be exported to (destination / arrival country). China itself, 701 unknown, "
            "702 international organisations, 999 neutral packaging and continent headings are not."
        ),
    )

    class Meta(CodeTable.Meta):
        verbose_name = _("country or region")
        verbose_name_plural = _("countries and regions")


class Currency(CodeTable):
    """币制: numeric 3-digit customs currency code, with ISO 4217 for the customs declaration."""

    iso_code = models.CharField(_("ISO 4217 code"), max_length=3, blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Obsolete currencies stay for history and are refused on new declarations."),
    )

    class Meta(CodeTable.Meta):
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")


class Unit(CodeTable):
    """计量单位: 3-digit unit of measure."""

    class Meta(CodeTable.Meta):
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")


class TransportMode(CodeTable):
    """运输方式: 1-character transport mode."""

    class Meta(CodeTable.Meta):
        verbose_name = _("transport mode")
        verbose_name_plural = _("transport modes")


class PackingType(models.Model):
    """包装种类: the 1-digit CEB wrapType set and the 2-digit customs-declaration set."""

    class Kind(models.TextChoices):
        CEB = "ceb", _("CEB message (1 digit)")
        DECLARATION = "declaration", _("Customs declaration (2 digits)")

    kind = models.CharField(_("set"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=2)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    ceb_code = models.CharField(_("CEB code"), max_length=1, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="packing_type_kind_code_unique")]
        verbose_name = _("packing type")
        verbose_name_plural = _("packing types")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        return localized_name(self.name_zh, self.name_en)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class HSCode(models.Model):
    """HS 2022 nomenclature (chapters, headings, 6-digit subheadings)."""

    code = models.CharField(_("HS code"), max_length=10, primary_key=True)
    description = models.TextField(_("description"))
    parent = models.CharField(_("parent"), max_length=10, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    section = models.CharField(_("section"), max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"


class ExchangeRate(models.Model):
    """Customs monthly rate: CNY per one unit of the currency for a calendar month."""

    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, verbose_name=_("currency"), db_index=False
    )  # indexed by exchange_rate_unique_month, which leads with it
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    rate = models.DecimalField(_("CNY per unit"), max_digits=18, decimal_places=6)

    class Meta:
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="exchange_rate_unique_month")
        ]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self) -> str:
        return f"{self.currency_id} {self.month:%Y-%m} {self.rate}"
