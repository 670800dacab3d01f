"""Django admin: review of registrations and filings, declarations read-mostly, code tables editable."""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from declarations import models as m


class DeclarationLineInline(admin.TabularInline):
    model = m.DeclarationLine
    extra = 0


class StatusEventInline(admin.TabularInline):
    model = m.StatusEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "from_status", "to_status", "source", "actor", "return_status", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = [
        "cop_no",
        "order_no",
        "mode",
        "channel",
        "status",
        "enterprise",
        "agent",
        "customs_code",
        "ie_date",
    ]
    list_filter = ["mode", "channel", "status", "customs_code", "ie_date"]
    search_fields = ["order_no", "logistics_no", "cop_no", "enterprise__name", "enterprise__uscc"]
    inlines = [DeclarationLineInline, StatusEventInline]
    raw_id_fields = ["enterprise", "agent", "warehouse", "site_operator", "created_by"]


@admin.register(m.Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "customs_code", "is_exporter", "is_broker", "is_platform", "is_logistics"]
    search_fields = ["name", "uscc", "customs_code"]
    list_filter = ["is_exporter", "is_broker", "is_platform", "is_logistics"]


class RegistrationAttachmentInline(admin.TabularInline):
    model = m.RegistrationAttachment
    extra = 0


@admin.register(m.Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = [
        "enterprise",
        "customs_office",
        "enterprise_type",
        "status",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["status", "enterprise_type", "customs_office", "submitted_at"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    inlines = [RegistrationAttachmentInline]


class WarehouseDocumentInline(admin.TabularInline):
    model = m.WarehouseDocument
    extra = 0


@admin.register(m.WarehouseFiling)
class WarehouseFilingAdmin(SimpleHistoryAdmin):
    list_display = ["warehouse", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "submitted_at"]
    inlines = [WarehouseDocumentInline]


@admin.register(m.OverseasWarehouse)
class OverseasWarehouseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "enterprise", "country", "ownership"]
    search_fields = ["name", "enterprise__name"]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "role"]


@admin.register(m.Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["exporter", "broker", "active", "valid_until"]


@admin.register(m.RenderedMessage)
class RenderedMessageAdmin(admin.ModelAdmin):
    list_display = ["message_type", "version", "guid", "declaration", "created_at", "written_at"]
    list_filter = ["message_type"]
    readonly_fields = [f.name for f in m.RenderedMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(m.Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["receipt_type", "return_status", "state", "declaration", "file_name", "received_at"]
    list_filter = ["state", "receipt_type"]


@admin.register(m.CustomsOffice)
class CustomsOfficeAdmin(ImportExportModelAdmin):
    list_display = ["code", "name_zh", "parent_code", "province", "pilot_zone"]
    list_filter = ["pilot_zone", "province"]
    list_editable = ["pilot_zone"]
    search_fields = ["code", "name_zh"]


@admin.register(m.ExchangeRate)
class ExchangeRateAdmin(ImportExportModelAdmin):
    list_display = ["currency", "month", "rate"]
    list_filter = ["month", "currency"]


for model in (m.Country, m.Currency, m.Unit, m.TransportMode, m.PackingType, m.HSCode):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ImportExportModelAdmin,),
            {"search_fields": ["code", "name_zh"] if hasattr(model, "name_zh") else ["code", "description"]},
        ),
    )
