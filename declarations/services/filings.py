"""Registrations (企业注册登记), overseas warehouses and their filings (海外仓备案): create, submit, review."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.choices import REVIEW_TRANSITIONS, ReviewStatus, WarehouseOwnership
from declarations.models import (
    OverseasWarehouse,
    Registration,
    RegistrationAttachment,
    WarehouseDocument,
    WarehouseFiling,
)
from declarations.services.common import assign_validated
from declarations.services.notifications import enterprise_notify


def _move(obj, to_status: str) -> None:
    if to_status not in REVIEW_TRANSITIONS[obj.status]:
        raise ValidationError(
            _("Cannot change the status from “%(from)s” to “%(to)s”.")
            % {"from": obj.get_status_display(), "to": ReviewStatus(to_status).label},
            code="invalid_transition",
        )
    obj.status = to_status


# The proof a filing needs by ownership (出口海外仓业务模式备案: deed or lease contract).
REQUIRED_PROOF = {
    WarehouseOwnership.OWNED: WarehouseDocument.DocType.OWNERSHIP,
    WarehouseOwnership.LEASED: WarehouseDocument.DocType.LEASE,
}


def _submit(obj):
    _move(obj, ReviewStatus.SUBMITTED)
    obj.submitted_at = timezone.now()
    obj.reason = ""
    obj.save(update_fields=["status", "submitted_at", "reason"])
    return obj


def _review(obj, *, approve: bool, reason: str, reviewer):
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("A rejection needs a reason.")}, code="reason_required")
    _move(obj, ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED)
    obj.reason = reason
    obj.reviewed_at = timezone.now()
    obj.reviewed_by = reviewer
    obj.save(update_fields=["status", "reason", "reviewed_at", "reviewed_by"])
    return obj


@transaction.atomic
def registration_submit(*, registration: Registration, actor=None) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if not locked.attachments.exists():
        raise ValidationError(
            _("Upload at least one attachment before submitting."), code="attachments_missing"
        )
    return _submit(locked)


@transaction.atomic
def registration_review(
    *, registration: Registration, approve: bool, reason: str = "", reviewer=None
) -> Registration:
    obj = _review(
        Registration.objects.select_for_update().get(pk=registration.pk),
        approve=approve,
        reason=reason,
        reviewer=reviewer,
    )
    if approve:
        text = _("Registration at customs office %(office)s approved.") % {"office": obj.customs_office_id}
    else:
        text = _("Registration at customs office %(office)s rejected: %(reason)s") % {
            "office": obj.customs_office_id,
            "reason": obj.reason,
        }
    transaction.on_commit(
        lambda: enterprise_notify(enterprise=obj.enterprise, kind="registration_reviewed", text=text)
    )
    return obj


@transaction.atomic
def warehouse_filing_submit(*, filing: WarehouseFiling, actor=None) -> WarehouseFiling:
    locked = WarehouseFiling.objects.select_for_update().select_related("warehouse").get(pk=filing.pk)
    needed = REQUIRED_PROOF.get(locked.warehouse.ownership)
    if needed and not locked.documents.filter(doc_type=needed).exists():
        raise ValidationError(
            _("Upload the %(document)s before submitting.")
            % {"document": WarehouseDocument.DocType(needed).label},
            code="proof_missing",
        )
    return _submit(locked)


@transaction.atomic
def warehouse_filing_review(
    *, filing: WarehouseFiling, approve: bool, reason: str = "", reviewer=None
) -> WarehouseFiling:
    obj = _review(
        WarehouseFiling.objects.select_for_update().get(pk=filing.pk),
        approve=approve,
        reason=reason,
        reviewer=reviewer,
    )
    warehouse = obj.warehouse
    if approve:
        text = _("Filing of overseas warehouse %(name)s approved.") % {"name": warehouse.name}
    else:
        text = _("Filing of overseas warehouse %(name)s rejected: %(reason)s") % {
            "name": warehouse.name,
            "reason": obj.reason,
        }
    transaction.on_commit(
        lambda: enterprise_notify(enterprise=warehouse.enterprise, kind="filing_reviewed", text=text)
    )
    return obj


def _assert_open(obj, message: str) -> None:
    """Documents may be added while the record can still be submitted (draft, or rejected and being corrected)."""
    if ReviewStatus.SUBMITTED not in REVIEW_TRANSITIONS[obj.status]:
        raise ValidationError(message, code="not_open")


@transaction.atomic
def registration_attachment_add(*, registration: Registration, title: str, file) -> RegistrationAttachment:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _assert_open(registration, _("Attachments can only be added before the registration is submitted."))
    return RegistrationAttachment.objects.create(registration=registration, title=title, file=file)


@transaction.atomic
def warehouse_document_add(*, filing: WarehouseFiling, doc_type: str, file) -> WarehouseDocument:
    filing = WarehouseFiling.objects.select_for_update().get(pk=filing.pk)
    _assert_open(filing, _("Documents can only be added before the filing is submitted."))
    return WarehouseDocument.objects.create(filing=filing, doc_type=doc_type, file=file)


def registration_create(**fields) -> Registration:
    """A draft registration; attachments follow, then registration_submit."""
    with transaction.atomic():
        return assign_validated(Registration(), fields)


# The warehouse data a filing (出口海外仓业务模式备案) vouches for: changing any of it voids the approval.
FILING_COVERED_FIELDS = ("name", "country", "address", "ownership", "lease_start", "lease_end")


class RefileNotConfirmed(ValidationError):
    """The change would return an approved filing to draft and the caller has not confirmed it."""


def warehouse_filing_changes(*, warehouse: OverseasWarehouse, fields: dict) -> list[str]:
    """The verbose names of the covered fields ``fields`` would change on a warehouse with an approved filing
    (empty: nothing to re-file). Compared with the stored row, not the possibly already assigned instance."""
    if warehouse.pk is None:
        return []
    stored = OverseasWarehouse.objects.filter(pk=warehouse.pk).first()
    if stored is None or not stored.filings.filter(status=ReviewStatus.APPROVED).exists():
        return []
    return [
        str(OverseasWarehouse._meta.get_field(name).verbose_name)
        for name in FILING_COVERED_FIELDS
        if name in fields and fields[name] != getattr(stored, name)
    ]


def warehouse_save(
    *, warehouse: OverseasWarehouse | None = None, refile_confirmed: bool = False, actor=None, **fields
) -> OverseasWarehouse:
    """Create (warehouse=None) or update an overseas warehouse.

    Changing data an approved filing covers returns that filing to draft for re-filing; the caller must have
    warned the user and pass ``refile_confirmed`` (else RefileNotConfirmed, nothing saved). The change and the
    return to draft are both recorded (history rows with their reason) and the enterprise is notified."""
    with transaction.atomic():
        if warehouse is not None and warehouse.pk is not None:
            OverseasWarehouse.objects.select_for_update().filter(pk=warehouse.pk).first()
        changed = warehouse_filing_changes(warehouse=warehouse, fields=fields) if warehouse else []
        if changed and not refile_confirmed:
            raise RefileNotConfirmed(
                _("This warehouse has an approved filing; changing %(fields)s returns it to draft.")
                % {"fields": ", ".join(changed)},
                code="refile_not_confirmed",
            )
        obj = warehouse or OverseasWarehouse()
        if changed:
            obj._change_reason = _("Changed data its filing covers: %(fields)s") % {
                "fields": ", ".join(changed)
            }
        obj = assign_validated(obj, fields)
        if changed:
            _filings_return_to_draft(warehouse=obj, changed=changed)
        return obj


def _filings_return_to_draft(*, warehouse: OverseasWarehouse, changed: list[str]) -> None:
    reason = _("Warehouse data changed (%(fields)s): file it again.") % {"fields": ", ".join(changed)}
    for filing in WarehouseFiling.objects.select_for_update().filter(
        warehouse=warehouse, status=ReviewStatus.APPROVED
    ):
        # Not a review transition (approved is final for a reviewer): the approval no longer covers the data.
        filing.status = ReviewStatus.DRAFT
        filing.reason = reason
        filing._change_reason = reason
        filing.save(update_fields=["status", "reason"])
    text = _("Filing of overseas warehouse %(name)s returned to draft: %(reason)s") % {
        "name": warehouse.name,
        "reason": reason,
    }
    transaction.on_commit(
        lambda: enterprise_notify(enterprise=warehouse.enterprise, kind="filing_reopened", text=text)
    )


def warehouse_filing_open(*, warehouse: OverseasWarehouse) -> WarehouseFiling:
    """The warehouse's open filing (anything not rejected), or a new draft when there is none."""
    with transaction.atomic():
        OverseasWarehouse.objects.select_for_update().filter(pk=warehouse.pk).first()  # one opener at a time
        open_filing = warehouse.filings.exclude(status=ReviewStatus.REJECTED).first()
        if open_filing is not None:
            return open_filing
        return WarehouseFiling.objects.create(warehouse=warehouse)
