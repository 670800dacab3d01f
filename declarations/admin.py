"""Django admin: review queues for registrations and filings, declarations read-mostly with service actions,
the unmatched-receipts queue, code tables and exchange rates editable with CSV/XLSX import and export.

Every state change goes through declarations/services; the admin only collects input and reports results.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields as ie_fields
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.widgets import ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from declarations import (
    admin_delegations,  # noqa: F401  (delegations: status and events read-only)
    admin_review,  # noqa: F401  (registers the review queues)
)
from declarations import models as m
from declarations.admin_codes import (
    CodePickerAdminMixin,
    DeclarationAdminForm,
    country_label,
    customs_office_label,
    price_label,
    quantity_label,
    total_price_label,
)
from declarations.admin_declaration_documents import DeclarationDocumentInline  # also registers its admin
from declarations.admin_freeze import DeclarationFreezeMixin, WarehouseRefileMixin
from declarations.choices import ReceiptState
from declarations.code_labels import receipt_status_label
from declarations.search import bound_admin_search
from declarations.services.declarations import declaration_validate
from declarations.services.dispatch import dispatch_publish
from declarations.services.receipt_admin import receipt_attach
from declarations.services.receipts import receipt_raw_bytes
from declarations.services.submission import declaration_render, message_write_outbox

# --- intermediate action pages ----------------------------------------------------------------------------------

# Rendered from a string so the admin needs no template files of its own; extends the stock admin layout.
_ACTION_FORM = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}{% load i18n %}
{% block content %}
<form method="post">{% csrf_token %}
  <p>{{ intro }}</p>
  <ul>{% for obj in queryset %}<li>{{ obj }}</li>{% endfor %}</ul>
  {{ form.as_p }}
  {% for obj in queryset %}<input type="hidden" name="_selected_action" value="{{ obj.pk }}">{% endfor %}
  <input type="hidden" name="action" value="{{ action }}">
  <input type="hidden" name="apply" value="1">
  <input type="submit" value="{{ submit_label }}">
  <a href="{{ cancel_url }}" class="button cancel-link">{% translate "Cancel" %}</a>
</form>
{% endblock %}"""
)


def _render_action_form(modeladmin, request, queryset, *, action, form, title, intro, submit_label):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "queryset": queryset,
        "form": form,
        "action": action,
        "submit_label": submit_label,
        "opts": opts,
        "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return HttpResponse(_ACTION_FORM.render(context, request))


# --- declarations ------------------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeclarationLineInline(ReadOnlyInline):
    model = m.DeclarationLine
    fields = [
        "gnum",
        "item_no",
        "gcode",
        "gname",
        "gmodel",
        quantity_label,
        price_label,
        total_price_label,
    ]
    readonly_fields = fields


class StatusEventInline(ReadOnlyInline):
    model = m.StatusEvent
    fields = ["created_at", "from_status", "to_status", "source", "actor", "return_status", "note"]
    readonly_fields = fields


class RenderedMessageInline(ReadOnlyInline):
    model = m.RenderedMessage
    fields = ["message_type", "version", "guid", "signed", "written_at", "download"]
    readonly_fields = fields

    @admin.display(description=_("XML"))
    def download(self, obj):
        url = reverse("admin:declarations_renderedmessage_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)


class ReceiptInline(ReadOnlyInline):
    model = m.Receipt
    fields = ["received_at", "receipt_type", "return_status", "return_info", "state"]
    readonly_fields = fields


@admin.register(m.Declaration)
class DeclarationAdmin(DeclarationFreezeMixin, SimpleHistoryAdmin):
    form = DeclarationAdminForm
    list_display = [
        "cop_no",
        "order_no",
        "mode",
        "channel",
        "status",
        "enterprise",
        "agent",
        customs_office_label,
        country_label,
        "ie_date",
    ]
    list_filter = ["mode", "channel", "status", "customs_code", "ie_date"]
    search_fields = ["order_no", "logistics_no", "cop_no", "enterprise__name", "enterprise__uscc"]
    inlines = [
        DeclarationLineInline,
        RenderedMessageInline,
        ReceiptInline,
        StatusEventInline,
        DeclarationDocumentInline,
    ]
    raw_id_fields = ["enterprise", "agent", "warehouse", "site_operator", "created_by"]
    # State belongs to the services; the admin can only look and run the actions below.
    readonly_fields = [
        "status",
        "version",
        "findings",
        "recommended_channel",
        "channel_reason",
        "pre_no",
        "invt_no",
        "last_return_status",
        "last_return_info",
        "submitted_at",
        "created_by",
    ]
    actions = ["revalidate", "rerender", "resend"]

    @admin.action(description=_("Re-validate (rules engine)"), permissions=["change"])
    def revalidate(self, request, queryset):
        for declaration in queryset:
            declaration_validate(declaration_id=declaration.pk)
        self.message_user(
            request, gettext("%(count)d re-validated.") % {"count": len(queryset)}, messages.SUCCESS
        )

    @admin.action(description=_("Re-render the current version"), permissions=["change"])
    def rerender(self, request, queryset):
        """Idempotent: stored messages are reused, only a submitted declaration without messages renders anew."""
        count = 0
        for declaration in queryset:
            if declaration.version == 0:
                self.message_user(
                    request, gettext("%(obj)s was never submitted.") % {"obj": declaration}, messages.WARNING
                )
                continue
            stored = declaration_render(declaration_id=declaration.pk, version=declaration.version)
            if not stored:
                self.message_user(
                    request,
                    gettext("%(obj)s: nothing to render in status “%(status)s”.")
                    % {"obj": declaration, "status": declaration.get_status_display()},
                    messages.WARNING,
                )
                continue
            count += 1
        if count:
            self.message_user(request, gettext("%(count)d rendered.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Re-send the current messages to the outbox"), permissions=["change"])
    def resend(self, request, queryset):
        """Idempotent: writing the same bytes under the same name again changes nothing."""
        count = 0
        for declaration in queryset:
            for message in declaration.messages.filter(version=declaration.version):
                message_write_outbox(message=message)
                count += 1
        self.message_user(
            request, gettext("%(count)d messages written.") % {"count": count}, messages.SUCCESS
        )


# --- messages and receipts --------------------------------------------------------------------------------------


@admin.register(m.RenderedMessage)
class RenderedMessageAdmin(admin.ModelAdmin):
    list_display = ["message_type", "version", "guid", "declaration", "created_at", "written_at"]
    list_filter = ["message_type"]
    search_fields = ["guid", "declaration__order_no", "declaration__cop_no"]
    readonly_fields = [f.name for f in m.RenderedMessage._meta.fields if f.name != "content"] + ["xml"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("XML"))
    def xml(self, obj):
        url = reverse("admin:declarations_renderedmessage_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", view, name="declarations_renderedmessage_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        message = get_object_or_404(m.RenderedMessage, pk=pk)
        response = HttpResponse(bytes(message.content), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{message.file_name}"'
        return response


class AttachForm(forms.Form):
    declaration = forms.CharField(
        label=_("Declaration"),
        max_length=60,
        help_text=_("The declaration's id, copNo or order / booking number."),
    )

    def clean_declaration(self):
        value = self.cleaned_data["declaration"].strip()
        from django.db.models import Q

        query = Q(cop_no=value) | Q(order_no=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        matches = list(m.Declaration.objects.filter(query)[:2])
        if not matches:
            raise forms.ValidationError(_("No declaration matches."))
        if len(matches) > 1:
            raise forms.ValidationError(_("More than one declaration matches; enter its id."))
        return matches[0]


@admin.register(m.Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """The unmatched queue is the ``state = unmatched`` filter; attach a receipt to apply it."""

    list_display = ["receipt_type", "return_status_label", "state", "declaration", "file_name", "received_at"]
    list_filter = ["state", "receipt_type"]
    search_fields = ["file_name", "guid", "return_info"]
    exclude = ["raw"]
    readonly_fields = [
        "receipt_type",
        "state",
        "declaration",
        "file_name",
        "sha256",
        "guid",
        "business_keys",
        "return_status",
        "return_time",
        "return_info",
        "error",
        "received_at",
        "raw_xml",
    ]
    actions = ["attach_to_declaration"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("return status"), ordering="return_status")
    def return_status_label(self, obj):
        return receipt_status_label(obj.return_status)

    @admin.display(description=_("business keys"))
    def business_keys(self, obj):
        return format_html_join("", "<div>{}: {}</div>", sorted((obj.keys or {}).items()))

    @admin.display(description=_("raw XML"))
    def raw_xml(self, obj):
        # The file's bytes are stored once, on its first entry (services.receipts.receipt_raw_bytes).
        return format_html("<pre>{}</pre>", receipt_raw_bytes(obj).decode("utf-8", errors="replace"))

    @admin.action(description=_("Attach to a declaration and apply"), permissions=["change"])
    def attach_to_declaration(self, request, queryset):
        queryset = queryset.filter(state=ReceiptState.UNMATCHED)
        if not queryset:
            self.message_user(request, gettext("Only unmatched receipts can be attached."), messages.ERROR)
            return None
        form = AttachForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for receipt in queryset:
                try:
                    receipt_attach(
                        receipt=receipt, declaration=form.cleaned_data["declaration"], actor=request.user
                    )
                except ValidationError as exc:
                    self.message_user(request, f"{receipt}: {' '.join(exc.messages)}", messages.ERROR)
                    continue
                self.message_user(request, gettext("%(obj)s attached.") % {"obj": receipt}, messages.SUCCESS)
            return None
        return _render_action_form(
            self,
            request,
            queryset,
            action="attach_to_declaration",
            form=form,
            title=gettext("Attach receipts"),
            intro=gettext("The following unmatched receipts will be attached and applied:"),
            submit_label=gettext("Attach"),
        )


# --- enterprises and warehouses -------------------------------------------------------------------------------


@admin.register(m.TaskDispatch)
class TaskDispatchAdmin(admin.ModelAdmin):
    """The transactional outbox: pending intents show a broker outage; staff may publish them at once."""

    list_display = ["task_name", "args", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = [("dispatched_at", admin.EmptyFieldListFilter), "task_name"]
    readonly_fields = ["task_name", "args", "created_at", "dispatched_at", "attempts", "last_error"]
    actions = ["publish_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Publish the selected pending tasks now"), permissions=["view"])
    def publish_now(self, request, queryset):
        published = failed = 0
        for intent_id in queryset.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
            if dispatch_publish(intent_id=intent_id):
                published += 1
            else:
                failed += 1
        self.message_user(
            request,
            gettext("%(published)d published, %(failed)d still pending (the broker did not accept them).")
            % {"published": published, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )


@admin.register(m.Enterprise)
class EnterpriseAdmin(CodePickerAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "uscc", "customs_code", "is_exporter", "is_broker", "is_platform", "is_logistics"]
    search_fields = ["name", "uscc", "customs_code"]
    list_filter = ["is_exporter", "is_broker", "is_platform", "is_logistics"]


@admin.register(m.OverseasWarehouse)
class OverseasWarehouseAdmin(WarehouseRefileMixin, CodePickerAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "enterprise", "country", "ownership"]
    search_fields = ["name", "enterprise__name"]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "role"]


# --- code tables and exchange rates (CSV / XLSX import and export) ---------------------------------------------


def code_resource(model, *, import_id_fields=("code",)):
    meta = type("Meta", (), {"model": model, "import_id_fields": import_id_fields, "skip_unchanged": True})
    return type(f"{model.__name__}Resource", (resources.ModelResource,), {"Meta": meta})


class ExchangeRateResource(resources.ModelResource):
    # The currency is imported by its customs code, one rate per currency and month.
    currency = ie_fields.Field(
        attribute="currency", column_name="currency", widget=ForeignKeyWidget(m.Currency, field="code")
    )

    class Meta:
        model = m.ExchangeRate
        fields = ("currency", "month", "rate")
        import_id_fields = ("currency", "month")
        skip_unchanged = True


class CodeTableAdmin(ImportExportModelAdmin):
    formats = [CSV, XLSX]


@admin.register(m.CustomsOffice)
class CustomsOfficeAdmin(CodeTableAdmin):
    resource_classes = [code_resource(m.CustomsOffice)]
    list_display = ["code", "name_zh", "parent_code", "province", "pilot_zone"]
    list_filter = ["pilot_zone", "province"]
    list_editable = ["pilot_zone"]
    search_fields = ["code", "name_zh"]


@admin.register(m.ExchangeRate)
class ExchangeRateAdmin(CodePickerAdminMixin, CodeTableAdmin):
    resource_classes = [ExchangeRateResource]
    list_display = ["currency", "month", "rate"]
    list_filter = ["month", "currency"]


@admin.register(m.PackingType)
class PackingTypeAdmin(CodeTableAdmin):
    resource_classes = [code_resource(m.PackingType, import_id_fields=("kind", "code"))]
    list_display = ["kind", "code", "name_zh", "ceb_code"]
    list_filter = ["kind"]
    search_fields = ["code", "name_zh"]


for model in (m.Country, m.Currency, m.Unit, m.TransportMode, m.HSCode):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (CodeTableAdmin,),
            {
                "resource_classes": [code_resource(model)],
                "list_display": ["code", "name_zh"]
                if hasattr(model, "name_zh")
                else ["code", "description", "level"],
                "search_fields": ["code", "name_zh"]
                if hasattr(model, "name_zh")
                else ["code", "description"],
            },
        ),
    )

import declarations.admin_returns  # noqa: E402, F401  (returns, view only)
from declarations import admin_tariff  # noqa: E402, F401  (the tariff and its code tables)

# Every admin search box within the search bounds (declarations.search), as the portal's and the API's.
for _model_admin in admin.site._registry.values():
    bound_admin_search(_model_admin)
