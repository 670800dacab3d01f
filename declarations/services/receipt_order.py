"""The order receipts are applied in: their own time and sequence, never the order their files arrived in."""

from datetime import datetime

from declarations.choices import RETURN_STATUS_MAP, STATUS_RANK
from declarations.messages.receipts import ReceiptEntry


def _sequence(entry: ReceiptEntry) -> int:
    """msgSeqNo (CEB508/510/608: the message's sequence when customs splits it); 0 where the receipt has none."""
    value = (entry.keys or {}).get("msgSeqNo", "")
    return int(value) if value.isdigit() else 0


def _progress(entry: ReceiptEntry) -> int:
    """Rank of the status the code stands for: two receipts of the same millisecond apply in progress order."""
    code = entry.return_status
    if code.startswith("-"):
        return STATUS_RANK["rejected"]
    target = RETURN_STATUS_MAP.get(code)
    return STATUS_RANK.get(target, 0) if target else 0


def receipt_order_key(entry: ReceiptEntry, position: int = 0) -> tuple:
    """Sort key of one receipt entry: returnTime, then the message's sequence (msgSeqNo, then the entry's
    position in its file), then progress; the message type and code last, so equal keys never depend on
    the files' order."""
    when: datetime = entry.return_time
    return (
        when,
        _sequence(entry),
        position,
        _progress(entry),
        entry.message_type,
        entry.return_status,
    )
