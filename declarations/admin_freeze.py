"""Records that freeze in Django admin.

A declaration customs has (submitted, sent, released…) is read-only: only the re-validate, re-render and
re-send actions remain (cancel is the portal's and the API's). An editable one is saved through a service
that records the edit on its timeline. A warehouse edit goes through ``warehouse_save``, which returns an
approved filing to draft when the data it covers changes (the page warns first).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from declarations.services.declaration_admin import declaration_admin_save, declaration_is_frozen
from declarations.services.declarations import DeclarationNotEditable
from declarations.services.filings import warehouse_filing_changes, warehouse_save


class DeclarationFreezeMixin:
    change_form_template = "admin/declarations/declaration_change_form.html"

    def has_change_permission(self, request, obj=None):
        if obj is not None and declaration_is_frozen(declaration=obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and declaration_is_frozen(declaration=obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk delete checks no object's status: a released declaration must never go that way.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["declaration_frozen"] = obj is not None and declaration_is_frozen(declaration=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            declaration_admin_save(declaration=obj, changed=list(form.changed_data), actor=request.user)
        except DeclarationNotEditable as exc:
            raise PermissionDenied(str(exc)) from exc


class WarehouseRefileMixin:
    change_form_template = "admin/declarations/warehouse_change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["has_approved_filing"] = obj is not None and obj.approved_filing is not None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        changed = warehouse_filing_changes(warehouse=obj, fields=fields)
        # The admin page states the consequence above the form (has_approved_filing): saving confirms it.
        warehouse_save(warehouse=obj, refile_confirmed=True, actor=request.user, **fields)
        if changed:
            self.message_user(
                request,
                gettext("Its approved filing returned to draft for re-filing (changed: %(fields)s).")
                % {"fields": ", ".join(changed)},
                messages.WARNING,
            )
