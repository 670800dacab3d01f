"""Reads of a declaration's documents: its tenants see them with the declaration, reviewers see every one."""

from django.db.models import QuerySet

from declarations.messages.trade_documents import source_digest
from declarations.models import Declaration, DeclarationDocument
from declarations.precompiled import as_id
from declarations.review_selectors import is_reviewer_of
from declarations.selectors import declaration_for_user, get_object_for_user


def declaration_documents(*, declaration: Declaration) -> list[DeclarationDocument]:
    """The documents of a declaration the caller has already read through ``declaration_for_user``, newest first;
    each generated one knows whether the declaration still shows what it shows (``current``)."""
    documents = list(declaration.documents.select_related("uploaded_by").order_by("-created_at", "-pk"))
    if any(document.generated for document in documents):
        digest = source_digest(declaration, list(declaration.lines.all()))
        for document in documents:
            document.current = document.generated and document.source_digest == digest
    return documents


def declaration_document_for_user(
    *, user, declaration_id, document_id, reviewers: bool = True
) -> DeclarationDocument:
    """One document of a declaration the user sees (or any, for a reviewer when ``reviewers``: the portal's
    download, which the admin links to; the API serves tenants only); anyone else's: 404."""
    if reviewers and is_reviewer_of(user=user, model=DeclarationDocument):
        documents: QuerySet = DeclarationDocument.objects.filter(declaration_id=as_id(declaration_id))
    else:
        documents = declaration_for_user(user=user, pk=declaration_id).documents.all()  # 404 for another's
    return get_object_for_user(documents, pk=as_id(document_id))
