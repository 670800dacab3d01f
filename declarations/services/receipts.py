"""Receipts (回执): ingest the inbox, correlate by business keys, move declarations forward only."""

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
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
from declarations.models import Declaration, Receipt, RenderedMessage
from declarations.rules.amendments import withdrawal_target
from declarations.services.master_bills import master_bill_receipt_apply
from declarations.services.notifications import enterprise_notify
from declarations.services.receipt_order import receipt_order_key
from declarations.services.status import declaration_set_status, transition_allowed

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
    # processing/ entries a killed process had left, given back to the inbox at the start of the run
    reclaimed: int = 0
    # files given back to the inbox because the database was unreachable (the next run takes them)
    deferred: int = 0
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


# The message each receipt answers: a receipt's guid may echo our message's guid (domain notes §2.7.1).
ANSWERED_MESSAGE = {
    "CEB304": "CEB303",
    "CEB506": "CEB505",
    "CEB508": "CEB507",
    "CEB510": "CEB509",
    "CEB604": "CEB603",
    "CEB606": "CEB605",
    "CEB608": "CEB607",  # a message we do not send: no guid of ours
}


def _by_message_guid(entry: ReceiptEntry) -> Declaration | None:
    """The declaration whose sent message carries the guid the receipt echoes: a guid is ours alone."""
    guids = {g.strip().upper() for g in (entry.guid, entry.message_guid) if g and g.strip()}
    if not guids:
        return None
    ids = set(
        RenderedMessage.objects.filter(
            guid__in=guids, message_type=ANSWERED_MESSAGE.get(entry.message_type, "")
        ).values_list("declaration_id", flat=True)[:2]
    )
    if len(ids) != 1:
        return None
    return Declaration.objects.exclude(status=DeclarationStatus.DRAFT).filter(pk__in=ids).first()


def receipt_correlate(entry: ReceiptEntry) -> Declaration | None:
    """Find the one declaration a receipt entry answers; ambiguous or no match gives None.

    First by the guid of the message we sent, when the receipt echoes it. Otherwise by the business keys, and
    only among declarations that were submitted: a draft (anyone's, under any enterprise) never competes for a
    receipt. The enterprise keys (ebcCode, agentCode, operatorCode) name the enterprise that sent the message;
    customs codes are unique per enterprise (constraint ``enterprise_customs_code_unique``), so no other
    tenant's declaration can match them. Should two submitted declarations still match (a waybill number
    reused), the one that actually sent the answered message type wins, if it is one.
    """
    found = _by_message_guid(entry)
    if found is not None:
        return found
    submitted = Declaration.objects.exclude(status=DeclarationStatus.DRAFT)
    for names in correlation_key_fields(entry):
        query = Q()
        for name in names:
            query &= _KEY_FILTERS[name](entry.keys[name])
        matches = list(submitted.filter(query).distinct()[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            senders = list(
                submitted.filter(query)
                .filter(messages__message_type=ANSWERED_MESSAGE.get(entry.message_type, ""))
                .distinct()[:2]
            )
            if len(senders) == 1:
                return senders[0]
    return None


def _target_status(entry: ReceiptEntry, declaration: Declaration) -> str | None:
    code = entry.return_status
    if entry.message_type == "CEB604" and declaration.status == DeclarationStatus.WITHDRAWAL_REQUESTED:
        return withdrawal_target(code)  # customs' answer to a withdrawal (CEB603 appType 3)
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
def receipt_apply(*, entry: ReceiptEntry, raw: bytes, file_name: str = "", sha256: str = "") -> Receipt:
    """Record one receipt entry and apply it; a duplicate or an older status changes nothing.

    ``raw`` may be empty for every entry of a file but its first, with ``sha256`` the file's: the file's
    bytes are stored once, on its first entry (``receipt_raw_bytes`` finds them for the others).
    """
    if entry.message_type == "CEB608":  # a master bill's receipt, not a declaration's
        return master_bill_receipt_apply(entry=entry, raw=raw, file_name=file_name, sha256=sha256)
    receipt = Receipt.from_entry(entry, raw=raw, file_name=file_name, sha256=sha256)
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
    target = _target_status(entry, declaration)
    moves_forward = (
        target is not None
        and target != declaration.status
        and STATUS_RANK[target] > STATUS_RANK[declaration.status]
        and transition_allowed(declaration.status, target)
    )
    # Behind the current status (older, or a step the declaration is already past): kept on the receipts
    # table only, never a timeline line. One that confirms the current status changes nothing either.
    receipt.state = (
        ReceiptState.STALE
        if target is not None and target != declaration.status and not moves_forward
        else ReceiptState.APPLIED
    )
    receipt.save()
    updates = {}
    for key, attr in (("preNo", "pre_no"), ("invtNo", "invt_no")):
        if entry.message_type == "CEB604" and entry.keys.get(key):
            updates[attr] = entry.keys[key]
    if moves_forward:
        # "Latest receipt" is the one that set the current status, not the last file read.
        updates.update(last_return_status=entry.return_status, last_return_info=entry.return_info[:1000])
    if updates:
        Declaration.objects.filter(pk=declaration.pk).update(**updates)
    if not moves_forward:
        return receipt
    event = dict(source=source, actor=actor, receipt=receipt, return_status=entry.return_status, note=note)
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


def receipt_raw_bytes(receipt: Receipt) -> bytes:
    """The bytes of the file a receipt entry came from: its own, or those stored on the file's first entry."""
    if receipt.raw:
        return bytes(receipt.raw)
    if not receipt.sha256:
        return b""
    first = (
        Receipt.objects.filter(sha256=receipt.sha256, file_name=receipt.file_name)
        .exclude(raw=b"")
        .order_by("pk")
        .values_list("raw", flat=True)
        .first()
    )
    return bytes(first or b"")


def _claim_stale_seconds() -> float:
    return float(getattr(settings, "RECEIPT_CLAIM_STALE_SECONDS", 900))


def receipts_ingest(*, directory: Path | None = None, stale_after: float | None = None) -> IngestSummary:
    """Apply the inbox's receipts one file at a time, moving each to processed/ or failed/ (never deleted).

    First, processing/ entries older than ``stale_after`` seconds (left by a killed process) go back to the
    inbox. The files are then applied in the order of their receipts' own time and sequence
    (``receipt_order_key``), not in the order or under the names they arrived with: a release receipt that
    lands before the "declaring" one still gives the timeline declaring → … → released. To know that order the
    inbox is read once without claiming anything; each file is claimed only when its turn comes. A file stays
    one unit (all its entries or none), its entries applied in their own order. Whatever goes wrong with one
    file sends it to failed/ with the reason and the others continue, except an unreachable database: the
    file goes back to the inbox and the run stops (the next run takes it again).
    """
    directory = Path(directory or settings.INBOX_DIR)
    summary = IngestSummary()
    bound = _claim_stale_seconds() if stale_after is None else stale_after
    summary.reclaimed = len(exchange.inbox_reclaim_stale(directory, older_than=bound))
    keys = {name: _file_order_key(directory / name) for name in exchange.inbox_names(directory)}
    for path in exchange.inbox_claims(directory, order=lambda name: (keys.get(name, ()), name)):
        summary.files += 1
        try:
            _ingest_file(path, directory=directory, summary=summary)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("receipt %s deferred, the database is unavailable: %s", path.name, exc)
            _release(path, directory=directory, summary=summary)
            break
        except Exception as exc:  # one bad file must not stop the inbox
            logger.exception("receipt %s could not be applied", path.name)
            _quarantine(path, directory=directory, summary=summary, reason=_error_reason(exc))
    return summary


def _file_order_key(path: Path) -> tuple:
    """The order key of a file's earliest receipt; () (first) for a file that cannot be read or parsed, which
    is then claimed and sent to failed/ with its reason."""
    try:
        with path.open("rb") as fh:
            entries = parse_receipt(fh.read(settings.RECEIPT_MAX_BYTES + 1))
    except (ReceiptRejected, OSError):
        return ()
    return min(receipt_order_key(e, i) for i, e in enumerate(entries))


def _error_reason(exc: Exception) -> str:
    return _("Could not apply: %(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"[:2000]}


def _release(path: Path, *, directory: Path, summary: IngestSummary) -> None:
    summary.files -= 1
    summary.deferred += 1
    try:
        exchange.inbox_release(path, directory=directory)
    except OSError:  # left in processing/: re-claimed once stale
        logger.exception("receipt %s could not be given back to the inbox", path.name)


def _quarantine(path: Path, *, directory: Path, summary: IngestSummary, reason: str) -> None:
    summary.failed += 1
    summary.failures.append(f"{path.name}: {reason}")
    try:
        exchange.inbox_failed(path, directory=directory, reason=reason)
    except OSError:  # left in processing/: re-claimed once stale
        logger.exception("receipt %s could not be moved to failed/", path.name)


def _ingest_file(path: Path, *, directory: Path, summary: IngestSummary) -> None:
    raw = b""
    try:
        with path.open("rb") as fh:
            # Read at most one byte past the limit: a huge file is rejected without loading it.
            raw = fh.read(settings.RECEIPT_MAX_BYTES + 1)
        entries = parse_receipt(raw)
    except (ReceiptRejected, OSError) as exc:
        reason = str(exc)
        receipt_reject(raw=raw[: settings.RECEIPT_MAX_BYTES], file_name=path.name, reason=reason)
        _quarantine(path, directory=directory, summary=summary, reason=reason)
        return
    ordered = sorted(((receipt_order_key(e, i), e) for i, e in enumerate(entries)), key=lambda pair: pair[0])
    entries = [e for _key, e in ordered]
    digest = hashlib.sha256(raw).hexdigest()
    # One transaction per file (all of it or none, so a re-run after a crash applies it whole); the entries
    # per file are bounded (RECEIPT_MAX_ENTRIES) and the bytes stored once, which keeps it short.
    with transaction.atomic():
        receipts = [
            receipt_apply(entry=e, raw=raw if i == 0 else b"", file_name=path.name, sha256=digest)
            for i, e in enumerate(entries)
        ]
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
