"""Admin for the national tariff (税则) and its code tables.

The tariff's upload runs the same service as ``manage.py load_tariff`` (services/tariff.py): good rows load,
bad rows are refused with their reasons, codes missing from the file become inactive. django-import-export's
import is all-or-nothing per file and knows neither refusals with reasons nor deactivation, so the tariff
uses this upload; its small code tables keep import-export like the other code tables.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from declarations import models as m
from declarations.services.tariff import TARIFF_COLUMNS, TariffFileError, tariff_load

REFUSALS_SHOWN = 50


class TariffFileForm(forms.Form):
    file = forms.FileField(
        label=_("Tariff file (CSV or XLSX)"),
        help_text=_("Columns, exactly: %(columns)s") % {"columns": ",".join(TARIFF_COLUMNS)},
    )


@admin.register(m.Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "unit1",
        "unit2",
        "supervision",
        "inspection",
        "active",
        "sample",
    ]
    list_filter = ["active", "sample", "source"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["sample", "source", "updated_at"]
    change_list_template = "admin/declarations/tariff/change_list.html"

    def get_urls(self):
        load = path("load/", self.admin_site.admin_view(self.load_view), name="declarations_tariff_load")
        return [load, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "sample_loaded": m.Tariff.objects.filter(sample=True, active=True).exists(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def load_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:declarations_tariff_changelist")
        form = TariffFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = tariff_load(content=upload.read(), file_name=upload.name)
            except TariffFileError as exc:
                form.add_error("file", str(exc))
            else:
                level = messages.WARNING if result.refused else messages.SUCCESS
                self.message_user(request, result.summary, level)
                for refused in result.refused[:REFUSALS_SHOWN]:
                    self.message_user(
                        request,
                        gettext("row %(row)s (%(code)s) refused: %(reasons)s")
                        % {
                            "row": refused.row,
                            "code": refused.code or "—",
                            "reasons": "; ".join(refused.reasons),
                        },
                        messages.WARNING,
                    )
                if len(result.refused) > REFUSALS_SHOWN:
                    self.message_user(
                        request,
                        gettext(
                            "… and %(count)d more refused rows; run manage.py load_tariff for the full list."
                        )
                        % {"count": len(result.refused) - REFUSALS_SHOWN},
                        messages.WARNING,
                    )
                return redirect("admin:declarations_tariff_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": gettext("Load a tariff file"),
        }
        return TemplateResponse(request, "admin/declarations/tariff/load.html", context)


def _code_resource(model):
    meta = type("Meta", (), {"model": model, "import_id_fields": ("code",), "skip_unchanged": True})
    return type(f"{model.__name__}Resource", (resources.ModelResource,), {"Meta": meta})


@admin.register(m.SupervisionCondition)
class SupervisionConditionAdmin(ImportExportModelAdmin):
    formats = [CSV, XLSX]
    resource_classes = [_code_resource(m.SupervisionCondition)]
    list_display = ["code", "name_zh", "name_en", "export_licence", "outbound_inspection"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(m.InspectionCategory)
class InspectionCategoryAdmin(ImportExportModelAdmin):
    formats = [CSV, XLSX]
    resource_classes = [_code_resource(m.InspectionCategory)]
    list_display = ["code", "name_zh", "name_en", "outbound"]
    search_fields = ["code", "name_zh", "name_en"]
