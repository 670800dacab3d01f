"""Portal routes of returns (退运), included from urls.py."""

from django.urls import path

from declarations.views import returns

urlpatterns = [
    path(
        "declarations/<int:pk>/returns/panel/",
        returns.declaration_returns_panel,
        name="declaration_returns_panel",
    ),
    path(
        "declarations/<int:pk>/returns/new/",
        returns.declaration_return_create,
        name="declaration_return_create",
    ),
    path(
        "declarations/<int:pk>/returns/<int:return_id>/",
        returns.declaration_return_detail,
        name="declaration_return_detail",
    ),
    path(
        "declarations/<int:pk>/returns/<int:return_id>/draft.xlsx",
        returns.declaration_return_draft_xlsx,
        name="declaration_return_draft_xlsx",
    ),
    path(
        "declarations/<int:pk>/returns/<int:return_id>/draft/",
        returns.declaration_return_draft_print,
        name="declaration_return_draft_print",
    ),
]
