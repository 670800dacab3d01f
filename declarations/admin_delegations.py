"""Django admin of delegations: the administrators' view. The parties manage delegations in the portal; here the
status, scope and events are read-only, and ending goes through the same service (with its event)."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from declarations.models import Delegation, DelegationEvent
from declarations.services.delegations import DelegationRefused, delegation_end, delegation_recorded


class DelegationEventInline(admin.TabularInline):
    model = DelegationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "side", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["exporter", "broker", "status", "initiated_by", "valid_from", "valid_until", "created_at"]
    list_filter = ["status", "initiated_by"]
    search_fields = ["exporter__name", "broker__name", "exporter__uscc", "broker__uscc", "agreement_no"]
    readonly_fields = [
        "status",
        "initiated_by",
        "modes",
        "offices_display",
        "decided_at",
        "ended_at",
        "created_at",
    ]
    fields = [
        "broker",
        "exporter",
        "agreement_no",
        "valid_until",
        "note",
        *readonly_fields,
    ]
    inlines = [DelegationEventInline]
    actions = ["end_delegations"]

    def get_readonly_fields(self, request, obj=None):
        # The parties of an existing delegation are its identity (its events name them): fixed once added.
        return [*self.readonly_fields, "broker", "exporter"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            delegation_recorded(actor=request.user, delegation=obj)

    @admin.display(description=_("declaring customs offices"))
    def offices_display(self, obj):
        return ", ".join(obj.offices) or "—"

    @admin.action(description=_("End the selected delegations"))
    def end_delegations(self, request, queryset):
        ended = 0
        for delegation in queryset:
            try:
                delegation_end(actor=request.user, delegation=delegation)
                ended += 1
            except DelegationRefused as exc:
                self.message_user(request, f"{delegation}: {exc}", messages.WARNING)
        self.message_user(request, gettext("%(count)d delegations ended.") % {"count": ended})
