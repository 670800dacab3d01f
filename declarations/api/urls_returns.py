"""API routes of returns (退运) under /api/declarations/{pk}/returns/, included from api/urls.py."""

from django.urls import path

from declarations.api import returns

urlpatterns = [
    path("", returns.DeclarationReturnListView.as_view(), name="api-declaration-returns"),
    path(
        "<int:return_id>/",
        returns.DeclarationReturnDetailView.as_view(),
        name="api-declaration-return-detail",
    ),
]
