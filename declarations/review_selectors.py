"""Reads for the review queues (审核): what a staff reviewer may open, and how much waits for review.

A reviewer is staff with the view permission on the record; tenants (exporters, brokers) keep reading through
``declarations.selectors``. Other tenants' documents stay a 404 for everyone else.
"""

from django.db.models import QuerySet

from declarations.choices import ReviewStatus
from declarations.models import (
    Registration,
    RegistrationAttachment,
    WarehouseDocument,
    WarehouseFiling,
)
from declarations.selectors import get_object_for_user, registrations_for_user, warehouse_filings_for_user


def is_reviewer_of(*, user, model) -> bool:
    """Staff allowed to look at every record of ``model`` (the reviewers group, superusers)."""
    if not user or not user.is_authenticated or not user.is_staff:
        return False
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def is_reviewer(*, user) -> bool:
    """Staff who work at least one review queue (a portal login is led to the queue, not to an empty portal)."""
    return any(is_reviewer_of(user=user, model=model) for model in (Registration, WarehouseFiling))


def warehouse_document_for_user(*, user, filing_id: int, document_id: int) -> WarehouseDocument:
    """A filing's proof document for its tenants and for reviewers; anyone else's: 404."""
    if is_reviewer_of(user=user, model=WarehouseDocument):
        documents = WarehouseDocument.objects.all()
    else:
        documents = WarehouseDocument.objects.filter(filing__in=warehouse_filings_for_user(user=user))
    return get_object_for_user(documents.filter(filing_id=filing_id), pk=document_id)


def registration_attachment_for_user(
    *, user, registration_id: int, attachment_id: int
) -> RegistrationAttachment:
    """A registration's attachment for its tenants and for reviewers; anyone else's: 404."""
    if is_reviewer_of(user=user, model=RegistrationAttachment):
        attachments = RegistrationAttachment.objects.all()
    else:
        attachments = RegistrationAttachment.objects.filter(
            registration__in=registrations_for_user(user=user)
        )
    return get_object_for_user(attachments.filter(registration_id=registration_id), pk=attachment_id)


def pending_review_counts(*, user) -> list[dict]:
    """One row per review queue the user may see: the model and how many records wait (submitted)."""
    rows = []
    for model in (Registration, WarehouseFiling):
        if is_reviewer_of(user=user, model=model):
            queryset: QuerySet = model.objects.filter(status=ReviewStatus.SUBMITTED)
            rows.append({"model": model, "count": queryset.count()})
    return rows
