"""API routes of a declaration's documents (included by declarations.api.urls)."""

from django.urls import path

from declarations.api import declaration_documents as views

urlpatterns = [
    path(
        "declarations/<int:pk>/documents/",
        views.DeclarationDocumentListView.as_view(),
        name="api-declaration-documents",
    ),
    path(
        "declarations/<int:pk>/documents/generate/",
        views.DeclarationDocumentGenerateView.as_view(),
        name="api-declaration-document-generate",
    ),
    path(
        "declarations/<int:pk>/documents/<int:document_id>/",
        views.DeclarationDocumentDownloadView.as_view(),
        name="api-declaration-document",
    ),
]
