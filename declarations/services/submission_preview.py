"""What a submit will send, shown to the user before they confirm it (a read: nothing is changed here)."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from declarations.choices import Channel, MessageType, Mode
from declarations.models import Declaration
from declarations.rules.amounts import currency_label, month_label, plain, valuation
from declarations.rules.finding import Finding
from declarations.selectors import advice_context, channel_advice, declaration_goods_lines

# What each channel produces on submission (messages.render.MESSAGES_BY_CHANNEL), and the 报关单 draft.
_PRODUCED = {
    Channel.LIST: (MessageType.CEB303, MessageType.CEB505, MessageType.CEB603),
    Channel.CUSTOMS_DECLARATION: (MessageType.CEB303,),
}


@dataclass
class SubmitPreview:
    declaration: Declaration
    mode_label: str
    channel: str
    channel_label: str
    channel_reason: str
    order_label: str  # order number (9710) or booking number (9810)
    order_no: str
    logistics_no: str
    line_count: int
    value: str  # Σ totalPrice in the declaration's currency
    currency: str
    value_cny: str  # "" when no rate is known
    rate: str
    rate_month: str
    produced: list[str] = field(default_factory=list)
    blocking: list[Finding] = field(default_factory=list)
    fingerprint: str = ""


def declaration_submit_preview(*, declaration: Declaration) -> SubmitPreview:
    """Mode, channel and why, the value in CNY with the rate used, the numbers, lines and messages to be sent."""
    lines = declaration_goods_lines(declaration=declaration)
    ctx = advice_context()
    worth = valuation(declaration, lines, ctx=ctx)
    advice = channel_advice(declaration=declaration, lines=lines)
    channel = declaration.channel or advice.channel
    produced = [str(MessageType(t).label) for t in _PRODUCED.get(channel, ())]
    if channel == Channel.CUSTOMS_DECLARATION:
        produced.append(
            _("Customs declaration (报关单) draft: spreadsheet and printable page, for the broker")
        )
    order_label = _("Booking number") if declaration.mode == Mode.WAREHOUSE else _("Order number")
    preview = SubmitPreview(
        declaration=declaration,
        mode_label=str(Mode(declaration.mode).label) if declaration.mode in Mode.values else declaration.mode,
        channel=channel,
        channel_label=str(Channel(channel).label) if channel in Channel.values else "",
        channel_reason=advice.reason_message if not declaration.channel or channel == advice.channel else "",
        order_label=order_label,
        order_no=declaration.order_no,
        logistics_no=declaration.logistics_no,
        line_count=len(lines),
        value=plain(worth.value) if worth.value is not None else "",
        currency=currency_label(worth.currency, ctx),
        value_cny=worth.value_cny_display,
        rate=plain(worth.rate) if worth.rate is not None else "",
        rate_month=month_label(worth.month),
        produced=produced,
        blocking=[f for f in (Finding.from_dict(d) for d in declaration.findings or []) if f.is_error],
    )
    preview.fingerprint = _fingerprint(declaration, preview)
    return preview


def _fingerprint(declaration: Declaration, preview: SubmitPreview) -> str:
    """Changes whenever what the user was shown may have: a confirmation of an older page is not accepted."""
    parts = [
        str(declaration.pk),
        str(declaration.version),
        declaration.updated_at.isoformat() if declaration.updated_at else "",
        preview.channel,
        preview.order_no,
        preview.logistics_no,
        str(preview.line_count),
        preview.value,
        preview.value_cny,
        preview.rate,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
