"""Django admin: a declaration's documents, view-only for everyone (they change only through the portal's
services). Files open through the portal's permission-checked download, which lets reviewers (the
``view_declarationdocument`` permission) read every declaration's documents; MEDIA_URL is never served."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from declarations.models import DeclarationDocument


def _download(obj) -> str:
    if not obj.pk:
        return "—"
    url = reverse("declaration_document", args=[obj.declaration_id, obj.pk])
    return format_html('<a href="{}" class="declaration-document">{}</a>', url, obj.file_name)


class _ViewOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeclarationDocumentInline(_ViewOnly, admin.TabularInline):
    """On the declaration's admin page (declarations.admin.DeclarationAdmin)."""

    model = DeclarationDocument
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["doc_type", "download", "generated", "declaration_version", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return _download(obj)


@admin.register(DeclarationDocument)
class DeclarationDocumentAdmin(_ViewOnly, admin.ModelAdmin):
    list_display = [
        "declaration",
        "doc_type",
        "download",
        "generated",
        "declaration_version",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["doc_type", "generated", "created_at"]
    list_select_related = ["declaration", "uploaded_by"]
    search_fields = ["declaration__cop_no", "declaration__order_no", "file_name"]
    fields = [
        "declaration",
        "doc_type",
        "download",
        "generated",
        "declaration_version",
        "source_digest",
        "details",
        "size",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return _download(obj)
