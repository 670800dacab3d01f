"""Routes of a declaration's documents (随附单证: uploaded, and the generated invoice and packing list)."""

from django.urls import path

from declarations.views import declaration_documents as views

urlpatterns = [
    path("declarations/<int:pk>/documents/", views.declaration_documents_view, name="declaration_documents"),
    path(
        "declarations/<int:pk>/documents/upload/",
        views.declaration_document_upload_view,
        name="declaration_document_upload",
    ),
    path(
        "declarations/<int:pk>/documents/generate/",
        views.declaration_document_generate_view,
        name="declaration_document_generate",
    ),
    path(
        "declarations/<int:pk>/documents/<int:document_id>/",
        views.declaration_document_download,
        name="declaration_document",
    ),
]
