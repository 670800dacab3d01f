"""Code pickers and names beside codes in the Django admin (the same widget and lookups as the portal)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from declarations import code_labels
from declarations import models as m
from declarations.forms import HEAD_PICKERS
from declarations.widgets import CodePicker

# Code-table model -> picker table, for foreign keys to a code table.
FOREIGN_KEY_TABLES = {
    m.CustomsOffice: "office",
    m.Country: "country",
    m.Currency: "currency",
    m.Unit: "unit",
    m.TransportMode: "transport",
}


class CodePickerAdminMixin:
    """Foreign keys to a code table are picked with the code picker instead of a plain <select>."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        table = FOREIGN_KEY_TABLES.get(db_field.related_model)
        if table is not None and db_field.name not in getattr(self, "raw_id_fields", ()):
            kwargs["widget"] = CodePicker(table)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DeclarationAdminForm(forms.ModelForm):
    class Meta:
        model = m.Declaration
        exclude: list[str] = []  # every field the admin shows (it narrows them itself)
        widgets = HEAD_PICKERS


@admin.display(description=_("declaring customs office"), ordering="customs_code")
def customs_office_label(obj) -> str:
    return code_labels.code_label("office", obj.customs_code)


@admin.display(description=_("destination country"), ordering="country")
def country_label(obj) -> str:
    return code_labels.code_label("country", obj.country)


@admin.display(description=_("quantity"))
def quantity_label(obj) -> str:
    return code_labels.quantity_text(obj.qty, obj.unit)


@admin.display(description=_("unit price"))
def price_label(obj) -> str:
    return code_labels.amount_text(obj.price, obj.currency)


@admin.display(description=_("total price"))
def total_price_label(obj) -> str:
    return code_labels.amount_text(obj.total_price, obj.currency)
