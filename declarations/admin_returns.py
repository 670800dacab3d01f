"""Admin for returns (退运): view only. A return is made in the portal or the API (services.returns), never here."""

from django.contrib import admin

from declarations import models as m


class DeclarationReturnLineInline(admin.TabularInline):
    model = m.DeclarationReturnLine
    fields = ["line", "qty", "total_price"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(m.DeclarationReturn)
class DeclarationReturnAdmin(admin.ModelAdmin):
    list_display = ["declaration", "number", "reason", "return_date", "port_code", "tax_free", "created_at"]
    list_filter = ["reason", "tax_free"]
    search_fields = ["declaration__order_no", "declaration__cop_no"]
    list_select_related = ["declaration"]
    raw_id_fields = ["declaration", "event", "created_by"]
    inlines = [DeclarationReturnLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
