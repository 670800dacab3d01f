"""Master bills (清单总分单): file one for a batch of declared lists (CEB607), follow its receipts (CEB608)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.choices import EventSource, ReceiptState
from declarations.messages import exchange
from declarations.messages.receipts import ReceiptEntry
from declarations.messages.render import render_master_bill_message
from declarations.models import Declaration, Enterprise, MasterBill, MasterBillEvent, MasterBillItem, Receipt
from declarations.rules.finding import Finding
from declarations.rules.master_bill import check_master_bill
from declarations.selectors_master_bills import master_bill_list_facts

logger = logging.getLogger(__name__)
Status = MasterBill.Status

# Head fields a user fills in (the rest comes from the lists or from customs).
HEAD_FIELDS = (
    "customs_code",
    "loct_no",
    "traf_mode",
    "traf_name",
    "voyage_no",
    "bill_no",
    "domestic_traf_no",
    "gross_weight",
    "pack_no",
    "logistics_code",
    "logistics_name",
    "note",
)
# CEB608 returnStatus -> master bill status; negative codes are business errors (rejected).
RETURN_STATUS_MAP = {
    "1": Status.DECLARING,
    "2": Status.DECLARING,
    "3": Status.DECLARING,
    "4": Status.SEND_FAILED,
    "100": Status.REJECTED,
    "120": Status.ACCEPTED,
    "399": Status.ACCEPTED,
    "800": Status.ACCEPTED,
}
# Receipts only move a master bill forward in this order (accepted and rejected are final).
RANK = {
    Status.DRAFT: 0,
    Status.SENT: 1,
    Status.DECLARING: 2,
    Status.SEND_FAILED: 3,
    Status.ACCEPTED: 4,
    Status.REJECTED: 4,
}
_FINAL = frozenset({Status.ACCEPTED, Status.REJECTED})


class MasterBillBlocked(Exception):
    """The master bill cannot be filed or sent; carries the blocking findings or a reason."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        self.findings = findings or []
        super().__init__(message)


@dataclass
class _Head:
    """The head as the rules see it before anything is stored."""

    customs_code: str = ""
    loct_no: str = ""
    traf_mode: str = ""
    traf_name: str = ""
    voyage_no: str = ""
    bill_no: str = ""
    domestic_traf_no: str = ""
    gross_weight: Decimal | None = None
    pack_no: int | None = None
    logistics_code: str = ""
    logistics_name: str = ""
    note: str = ""


def master_bill_defaults(*, declarations: list[Declaration]) -> dict:
    """Head values the lists already agree on (office, carrier, transport), and their gross weight and packages."""
    if not declarations:
        return {}
    first = declarations[0]
    defaults = {
        name: getattr(first, name)
        for name in ("customs_code", "loct_no", "traf_mode", "traf_name", "voyage_no", "logistics_code")
        if all(getattr(d, name) == getattr(first, name) for d in declarations)
    }
    if "logistics_code" in defaults:
        defaults["logistics_name"] = first.logistics_name
    defaults["gross_weight"] = sum((d.gross_weight or Decimal(0) for d in declarations), Decimal(0))
    defaults["pack_no"] = sum(d.pack_no or 0 for d in declarations)
    return defaults


def master_bill_check(*, head: dict, declarations: list[Declaration], exclude_bill_id=None) -> list[Finding]:
    facts = master_bill_list_facts(declarations=declarations, exclude_bill_id=exclude_bill_id)
    return check_master_bill(_Head(**{k: head.get(k) for k in HEAD_FIELDS if k in head}), facts)


def _new_cop_no() -> str:
    return f"MB{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**4):04d}"


def master_bill_create(
    *, agent: Enterprise, declarations: list[Declaration], head: dict, actor=None
) -> MasterBill:
    """Store a draft master bill for ``declarations`` (read through the user's selectors); refused with the
    findings when any rule fails, so that a stored draft can be sent as it is."""
    findings = master_bill_check(head=head, declarations=declarations)
    if any(f.is_error for f in findings):
        raise MasterBillBlocked(_("The master bill has errors."), findings)
    values = {k: head[k] for k in HEAD_FIELDS if k in head and head[k] is not None}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                bill = MasterBill.objects.create(
                    agent=agent, cop_no=_new_cop_no(), created_by=actor, findings=[], **values
                )
                MasterBillItem.objects.bulk_create(
                    MasterBillItem(
                        master_bill=bill,
                        declaration=d,
                        gnum=gnum,
                        logistics_no=d.logistics_no,
                        invt_no=d.invt_no,
                    )
                    for gnum, d in enumerate(declarations, start=1)
                )
                _event(bill, from_status="", to_status=Status.DRAFT, source=EventSource.USER, actor=actor)
                return bill
        except IntegrityError:  # the same copNo drawn twice in one second: draw again
            continue
    raise MasterBillBlocked(_("Could not number the master bill; try again."))


def _event(bill: MasterBill, *, from_status: str, to_status: str, **fields) -> MasterBillEvent:
    fields["note"] = (fields.get("note") or "")[:1000]
    return MasterBillEvent.objects.create(
        master_bill=bill, from_status=from_status, to_status=to_status, **fields
    )


def _set_status(bill: MasterBill, to_status: str, **event) -> None:
    from_status = bill.status
    MasterBill.objects.filter(pk=bill.pk).update(status=to_status)
    bill.status = to_status
    _event(bill, from_status=from_status, to_status=to_status, **event)


def master_bill_submit(*, master_bill: MasterBill, actor=None) -> MasterBill:
    """Check again, render CEB607 (validated), store it and move the draft to SENT; the file is written to the
    outbox after the commit, as the cancellation is."""
    with transaction.atomic():
        bill = MasterBill.objects.select_for_update().select_related("agent").get(pk=master_bill.pk)
        if bill.status != Status.DRAFT:
            raise MasterBillBlocked(_("Only a draft master bill can be sent."))
        items = list(bill.items.select_related("declaration").order_by("gnum"))
        head = {k: getattr(bill, k) for k in HEAD_FIELDS}
        findings = master_bill_check(
            head=head, declarations=[i.declaration for i in items], exclude_bill_id=bill.pk
        )
        MasterBill.objects.filter(pk=bill.pk).update(findings=[f.as_dict() for f in findings])
        if any(f.is_error for f in findings):
            raise MasterBillBlocked(_("The master bill has errors."), findings)
        rendered = render_master_bill_message(bill, items)
        bill.message_guid, bill.message_content = rendered.guid, rendered.content
        bill.message_sha256 = hashlib.sha256(rendered.content).hexdigest()
        bill.sent_at = timezone.now()
        bill.save(update_fields=["message_guid", "message_content", "message_sha256", "sent_at"])
        _set_status(bill, Status.SENT, source=EventSource.USER, actor=actor, note=master_bill_file_name(bill))
    exchange.outbox_write(
        directory=settings.OUTBOX_DIR,
        file_name=master_bill_file_name(bill),
        content=bytes(bill.message_content),
    )
    return bill


def master_bill_preview(*, master_bill: MasterBill) -> bytes:
    """The CEB607 a draft would send, rendered and validated but not stored (its guid is not the one sent)."""
    items = list(master_bill.items.order_by("gnum"))
    return render_master_bill_message(master_bill, items).content


def master_bill_file_name(bill: MasterBill) -> str:
    return f"CEB607_{bill.message_guid}.xml"


def master_bill_delete(*, master_bill: MasterBill) -> None:
    """A draft that was never sent may be deleted; anything sent stays for the record."""
    with transaction.atomic():
        bill = MasterBill.objects.select_for_update().get(pk=master_bill.pk)
        if bill.status != Status.DRAFT:
            raise MasterBillBlocked(_("Only a draft master bill can be deleted."))
        bill.delete()


def _code_q(code: str) -> Q:
    return Q(agent__customs_code=code) | Q(agent__uscc=code)


def master_bill_correlate(entry: ReceiptEntry) -> MasterBill | None:
    """The one master bill a CEB608 names: by (agentCode, copNo) of a sent bill, else by preNo."""
    keys = entry.keys
    sent = MasterBill.objects.exclude(status=Status.DRAFT)
    candidates = []
    if keys.get("agentCode") and keys.get("copNo"):
        candidates.append(sent.filter(_code_q(keys["agentCode"]), cop_no=keys["copNo"]))
    if keys.get("preNo"):
        candidates.append(sent.filter(pre_no=keys["preNo"]))
    for query in candidates:
        found = list(query[:2])
        if len(found) == 1:
            return found[0]
    return None


@transaction.atomic
def master_bill_receipt_apply(
    *, entry: ReceiptEntry, raw: bytes, file_name: str = "", sha256: str = ""
) -> Receipt:
    """Record one CEB608 entry and move its master bill forward (never back); a duplicate changes nothing.
    ``raw`` may be empty for all but a file's first entry (the receipts service stores a file's bytes once)."""
    receipt = Receipt.from_entry(entry, raw=raw, file_name=file_name, sha256=sha256)
    bill = master_bill_correlate(entry)
    if bill is None:
        receipt.save()
        return receipt
    bill = MasterBill.objects.select_for_update().get(pk=bill.pk)
    receipt.master_bill = bill
    if Receipt.objects.filter(
        master_bill=bill,
        return_status=entry.return_status,
        return_time=entry.return_time,
    ).exists():
        receipt.state = ReceiptState.DUPLICATE
        receipt.save()
        return receipt
    code = entry.return_status
    target = Status.REJECTED if code.startswith("-") else RETURN_STATUS_MAP.get(code)
    forward = target is not None and RANK[target] > RANK[bill.status] and bill.status not in _FINAL
    receipt.state = ReceiptState.APPLIED if forward or target is None else ReceiptState.STALE
    receipt.save()
    updates = {"last_return_status": code, "last_return_info": entry.return_info[:1000]}
    if entry.keys.get("preNo"):
        updates["pre_no"] = entry.keys["preNo"]
    MasterBill.objects.filter(pk=bill.pk).update(**updates)
    note = f"{entry.message_type} {code} {entry.return_info}"
    if forward:
        _set_status(bill, target, source=EventSource.RECEIPT, return_status=code, note=note)
    return receipt
