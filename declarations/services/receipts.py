"""Receipts (回执): ingest the inbox, correlate by business keys, move declarations forward only."""

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from declarations.choices import (
    CANCEL_RETURN_STATUS_MAP,
    NON_DRIVING_CEILING,
    RETURN_STATUS_MAP,
    STATUS_DRIVING_RECEIPTS,
    STATUS_RANK,
    DeclarationStatus,
    EventSource,
    ReceiptState,
)
from declarations.messages import exchange
from declarations.messages.receipts import (
    ReceiptEntry,
    ReceiptRejected,
    correlation_key_fields,
    parse_receipt,
)
from declarations.models import Declaration, Receipt
from declarations.services.master_bills import master_bill_receipt_apply
from declarations.services.notifications import enterprise_notify
from declarations.services.status import declaration_record_event, declaration_set_status, transition_allowed

logger = logging.getLogger(__name__)

NOTIFY_STATUSES = frozenset(
    {
        DeclarationStatus.REJECTED,
        DeclarationStatus.INSPECTION,
        DeclarationStatus.DETAINED,
        DeclarationStatus.RELEASED,
    }
)


@dataclass
class IngestSummary:
    files: int = 0
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    unmatched: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _code_q(prefix: str, code: str) -> Q:
    """ebcCode / agentCode may be the 10-character customs code or the USCC."""
    return Q(**{f"{prefix}__customs_code": code}) | Q(**{f"{prefix}__uscc": code})


# Receipt key field -> how it filters declarations.
_KEY_FILTERS = {
    "ebcCode": lambda v: _code_q("enterprise", v),
    "agentCode": lambda v: _code_q("agent", v),
    "operatorCode": lambda v: _code_q("site_operator", v),
    "orderNo": lambda v: Q(order_no=v),
    "copNo": lambda v: Q(cop_no=v),
    "logisticsCode": lambda v: Q(logistics_code=v),
    "logisticsNo": lambda v: Q(logistics_no=v),
    "preNo": lambda v: Q(pre_no=v),
    "invtNo": lambda v: Q(invt_no=v),
}


def receipt_correlate(entry: ReceiptEntry) -> Declaration | None:
    """Find the one declaration the business keys name; ambiguous or no match gives None (never by guid)."""
    for names in correlation_key_fields(entry):
        query = Q()
        for name in names:
            query &= _KEY_FILTERS[name](entry.keys[name])
        matches = list(Declaration.objects.filter(query).distinct()[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def _target_status(entry: ReceiptEntry, declaration: Declaration) -> str | None:
    code = entry.return_status
    if entry.message_type == "CEB606":
        if code.startswith("-"):
            return DeclarationStatus.RELEASED
        return CANCEL_RETURN_STATUS_MAP.get(code)
    if code.startswith("-"):
        return DeclarationStatus.REJECTED
    target = RETURN_STATUS_MAP.get(code)
    if target is None:
        return None
    driving = STATUS_DRIVING_RECEIPTS.get(declaration.channel, frozenset())
    if entry.message_type not in driving and target not in (
        DeclarationStatus.REJECTED,
        DeclarationStatus.SEND_FAILED,
    ):
        # e.g. CEB304 120 in the list channel: the order is in, the list is not yet; cap the progress.
        if STATUS_RANK[target] > STATUS_RANK[NON_DRIVING_CEILING]:
            target = NON_DRIVING_CEILING
    return target


@transaction.atomic
def receipt_apply(*, entry: ReceiptEntry, raw: bytes, file_name: str = "") -> Receipt:
    """Record one receipt entry and apply it; a duplicate or an older status changes nothing."""
    if entry.message_type == "CEB608":  # a master bill's receipt, not a declaration's
        return master_bill_receipt_apply(entry=entry, raw=raw, file_name=file_name)
    receipt = Receipt(
        receipt_type=entry.message_type,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        file_name=file_name,
        guid=entry.guid,
        keys=entry.keys,
        return_status=entry.return_status,
        return_time=entry.return_time,
        return_info=entry.return_info[:1000],
        state=ReceiptState.UNMATCHED,
    )
    declaration = receipt_correlate(entry)
    if declaration is None:
        receipt.save()
        return receipt
    note = f"{entry.message_type} {entry.return_status} {entry.return_info}"
    return receipt_apply_to_declaration(
        receipt=receipt, entry=entry, declaration=declaration, source=EventSource.RECEIPT, note=note
    )


def receipt_apply_to_declaration(
    *, receipt: Receipt, entry: ReceiptEntry, declaration: Declaration, source: str, note: str, actor=None
) -> Receipt:
    """Apply a receipt to its declaration under a row lock: duplicates are marked, status moves forward only."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    receipt.declaration = declaration
    duplicate = (
        Receipt.objects.filter(
            declaration=declaration,
            receipt_type=entry.message_type,
            return_status=entry.return_status,
            return_time=entry.return_time,
        )
        .exclude(pk=receipt.pk)
        .exists()
    )
    if duplicate:
        receipt.state = ReceiptState.DUPLICATE
        receipt.save()
        return receipt
    receipt.state = ReceiptState.APPLIED
    receipt.save()
    updates = {"last_return_status": entry.return_status, "last_return_info": entry.return_info[:1000]}
    for key, attr in (("preNo", "pre_no"), ("invtNo", "invt_no")):
        if entry.message_type == "CEB604" and entry.keys.get(key):
            updates[attr] = entry.keys[key]
    Declaration.objects.filter(pk=declaration.pk).update(**updates)
    target = _target_status(entry, declaration)
    moves_forward = (
        target is not None
        and target != declaration.status
        and STATUS_RANK[target] > STATUS_RANK[declaration.status]
        and transition_allowed(declaration.status, target)
    )
    event = dict(source=source, actor=actor, receipt=receipt, return_status=entry.return_status, note=note)
    if not moves_forward:
        if target is not None and target != declaration.status:
            receipt.state = ReceiptState.STALE
            receipt.save(update_fields=["state"])
        declaration_record_event(declaration=declaration, **event)
        return receipt
    declaration_set_status(declaration=declaration, to_status=target, **event)
    if target in NOTIFY_STATUSES:
        text = _("Declaration %(order)s: %(status)s (%(code)s %(info)s)") % {
            "order": declaration.order_no,
            "status": DeclarationStatus(target).label,
            "code": entry.return_status,
            "info": entry.return_info,
        }
        transaction.on_commit(
            lambda: enterprise_notify(
                enterprise=declaration.enterprise, kind=str(target), text=text, declaration=declaration
            )
        )
    return receipt


def receipt_reject(*, raw: bytes, file_name: str, reason: str) -> Receipt:
    return Receipt.objects.create(
        state=ReceiptState.FAILED,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        file_name=file_name,
        error=reason[:5000],
    )


def receipts_ingest(*, directory: Path | None = None) -> IngestSummary:
    """Claim every inbox file, apply it, and move it to processed/ or failed/ (never deleted)."""
    directory = Path(directory or settings.INBOX_DIR)
    summary = IngestSummary()
    for path in exchange.inbox_claim(directory):
        summary.files += 1
        raw = b""
        try:
            with path.open("rb") as fh:
                # Read at most one byte past the limit: a huge file is rejected without loading it.
                raw = fh.read(settings.RECEIPT_MAX_BYTES + 1)
            entries = parse_receipt(raw)
        except (ReceiptRejected, OSError) as exc:
            reason = str(exc)
            receipt_reject(raw=raw[: settings.RECEIPT_MAX_BYTES], file_name=path.name, reason=reason)
            exchange.inbox_failed(path, directory=directory, reason=reason)
            summary.failed += 1
            summary.failures.append(f"{path.name}: {reason}")
            continue
        try:
            with transaction.atomic():
                receipts = [receipt_apply(entry=e, raw=raw, file_name=path.name) for e in entries]
        except Exception as exc:  # keep the file for admins; one bad file must not stop the inbox
            logger.exception("receipt %s could not be applied", path.name)
            reason = _("Could not apply: %(error)s") % {"error": exc}
            exchange.inbox_failed(path, directory=directory, reason=reason)
            summary.failed += 1
            summary.failures.append(f"{path.name}: {reason}")
            continue
        for receipt in receipts:
            if receipt.state == ReceiptState.APPLIED:
                summary.applied += 1
            elif receipt.state == ReceiptState.DUPLICATE:
                summary.duplicates += 1
            elif receipt.state == ReceiptState.STALE:
                summary.stale += 1
            else:
                summary.unmatched += 1
        exchange.inbox_done(path, directory=directory)
    return summary
