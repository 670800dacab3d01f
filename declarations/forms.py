"""Portal forms. Querysets of choice fields are narrowed to the user's tenancy in ``__init__``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from declarations.choices import Channel, DeclarationStatus, Mode
from declarations.documents import MAX_UPLOAD_BYTES, check_document  # noqa: F401  (shared upload checks)
from declarations.identifiers import validate_identifier_characters
from declarations.models import (
    CatalogueItem,
    CustomsOffice,
    Declaration,
    DeclarationLine,
    Enterprise,
    OverseasWarehouse,
    Registration,
    RegistrationAttachment,
    WarehouseDocument,
)
from declarations.models.enterprise import CUSTOMS_CODE_TAKEN, customs_code_taken
from declarations.rules.fields import IDENTIFIER_ATTRS, MAX_LINES
from declarations.rules.finding import Finding
from declarations.search import SEARCH_MAX_CHARS
from declarations.widgets import CodePicker


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "name_en",
            "uscc",
            "customs_code",
            "is_exporter",
            "is_platform",
            "is_logistics",
            "is_broker",
            "is_site_operator",
            "address",
            "contact_name",
            "phone",
            "email",
            "home_office",
            "dxp_id",
        ]
        widgets = {"home_office": CodePicker("office")}

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper()

    def clean_customs_code(self):
        code = (self.cleaned_data.get("customs_code") or "").strip().upper()
        if code and customs_code_taken(code, exclude_pk=self.instance.pk):
            # The model's constraint says the same, but on the whole form: here it sits on the field.
            raise ValidationError(CUSTOMS_CODE_TAKEN)
        return code


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["enterprise", "customs_office", "enterprise_type"]
        widgets = {"customs_office": CodePicker("office")}

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["customs_office"].queryset = CustomsOffice.objects.order_by("code")

    def clean(self):
        data = super().clean()
        exists = Registration.objects.filter(
            enterprise=data.get("enterprise"),
            customs_office=data.get("customs_office"),
            enterprise_type=data.get("enterprise_type"),
        ).exists()
        if exists:
            raise ValidationError(_("This enterprise is already registered for that type at that office."))
        return data

    def validate_unique(self):
        """Uniqueness is reported by clean() with a readable message."""


class DocumentUploadMixin:
    """Type and size of an uploaded proof document are checked the same way for every document form."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        check_document(upload)
        return upload


class AttachmentForm(DocumentUploadMixin, forms.ModelForm):
    class Meta:
        model = RegistrationAttachment
        fields = ["title", "file"]


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = OverseasWarehouse
        fields = [
            "enterprise",
            "name",
            "country",
            "address",
            "ownership",
            "lease_start",
            "lease_end",
            "platform_name",
            "area_m2",
            "contact_name",
            "phone",
        ]
        widgets = {
            "lease_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lease_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "country": CodePicker("country"),
        }

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["country"].queryset = self.fields["country"].queryset.filter(declarable=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("lease_start"), data.get("lease_end")
        if data.get("ownership") == "leased" and not (start and end):
            self.add_error("lease_end", _("A leased warehouse needs the lease start and end."))
        if start and end and end < start:
            self.add_error("lease_end", _("The lease ends before it starts."))
        enterprise, name = data.get("enterprise"), data.get("name")
        if enterprise and name:
            clash = OverseasWarehouse.objects.filter(enterprise=enterprise, name=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This enterprise already has a warehouse with that name."))
        return data

    def validate_unique(self):
        """Reported by clean() on the name field."""


class WarehouseDocumentForm(DocumentUploadMixin, forms.ModelForm):
    class Meta:
        model = WarehouseDocument
        fields = ["doc_type", "file"]


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = [
            "enterprise",
            "item_no",
            "item_name",
            "gcode",
            "gname",
            "gmodel",
            "bar_code",
            "unit",
            "unit1",
            "unit2",
        ]
        widgets = {name: CodePicker("unit") for name in ("unit", "unit1", "unit2")}

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["gcode"].widget.attrs.update({"class": "hs-input", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        enterprise, item_no = data.get("enterprise"), data.get("item_no")
        if enterprise and item_no:
            clash = CatalogueItem.objects.filter(enterprise=enterprise, item_no=item_no)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("item_no", _("This item number is already in the catalogue."))
        return data

    def validate_unique(self):
        """Reported by clean() on the item number."""


# The declaration form's header, in display sections; the form's field list is derived from it.
HEAD_SECTIONS = [
    (
        _("Declaration"),
        ["mode", "channel", "enterprise", "agent", "warehouse", "order_no", "customs_code", "port_code"],
    ),
    (
        _("Platform and logistics"),
        [
            "ebp_code",
            "ebp_name",
            "logistics_code",
            "logistics_name",
            "logistics_no",
            "owner_code",
            "owner_name",
        ],
    ),
    (
        _("Transport"),
        [
            "ie_date",
            "traf_mode",
            "traf_name",
            "voyage_no",
            "bill_no",
            "total_package_no",
            "loct_no",
            "license_no",
            "country",
            "pod",
        ],
    ),
    (
        _("Packages and value"),
        [
            "currency",
            "freight",
            "insured_fee",
            "wrap_type",
            "pack_no",
            "gross_weight",
            "net_weight",
            "goods_info",
            "note",
        ],
    ),
]
HEAD_FIELDS = [name for _title, names in HEAD_SECTIONS for name in names]

LINE_FIELDS = [
    "item_no",
    "item_name",
    "gcode",
    "gname",
    "gmodel",
    "bar_code",
    "country",
    "currency",
    "qty",
    "unit",
    "qty1",
    "unit1",
    "qty2",
    "unit2",
    "price",
    "total_price",
    "note",
    "licence",
    "inspection",
    "tax",
]


# Coded fields and the code table each is picked from (POD has no code table: domain notes §9.3).
HEAD_PICKERS = {
    name: CodePicker(table)
    for name, table in (
        ("customs_code", "office"),
        ("port_code", "office"),
        ("traf_mode", "transport"),
        ("country", "country"),
        ("currency", "currency"),
        ("wrap_type", "packing"),
    )
}
LINE_PICKERS = {
    name: CodePicker(table)
    for name, table in (
        ("country", "country"),
        ("currency", "currency"),
        ("unit", "unit"),
        ("unit1", "unit"),
        ("unit2", "unit"),
    )
}


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = HEAD_FIELDS
        widgets = {
            "ie_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **HEAD_PICKERS,
        }

    def __init__(self, *args, enterprises, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises.filter(is_exporter=True)
        self.fields["agent"].queryset = enterprises
        self.fields["agent"].required = False
        self.fields["agent"].help_text = _("Empty: the enterprise declares itself.")
        self.fields["warehouse"].queryset = warehouses
        for name in IDENTIFIER_ATTRS:  # copNo, orderNo, waybill...: the one character rule, as the API
            if name in self.fields:
                self.fields[name].validators.append(validate_identifier_characters)

    def clean(self):
        data = super().clean()
        if data.get("agent") is None and data.get("enterprise") is not None:
            data["agent"] = data["enterprise"]
        return data

    def validate_unique(self):
        """copNo uniqueness is a rule finding, not a form error."""


class DeclarationLineForm(forms.ModelForm):
    class Meta:
        model = DeclarationLine
        fields = LINE_FIELDS
        widgets = LINE_PICKERS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gcode"].widget.attrs.update({"class": "hs-input", "autocomplete": "off"})
        self.fields["bar_code"].required = False


class BaseDeclarationLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        # More lines than a message can carry is refused outright (nothing stored), as in the API.
        count = sum(1 for form in self.forms if not self._should_delete_form(form))
        if count > MAX_LINES:
            finding = Finding.of("TOO_MANY_LINES", "lines", max=MAX_LINES, count=count)
            raise ValidationError(finding.message, code="too_many_forms")


DeclarationLineFormSet = forms.formset_factory(
    DeclarationLineForm, formset=BaseDeclarationLineFormSet, extra=0, can_delete=True, min_num=1
)


class DeclarationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_CHARS)
    mode = forms.ChoiceField(label=_("mode"), choices=[("", "---------"), *Mode.choices], required=False)
    channel = forms.ChoiceField(
        label=_("channel"), choices=[("", "---------"), *Channel.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "---------"), *DeclarationStatus.choices], required=False
    )
    office = forms.CharField(
        label=_("declaring customs office"), required=False, max_length=4, widget=CodePicker("office")
    )
    date_from = forms.DateField(
        label=_("created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("created to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
