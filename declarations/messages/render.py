"""Which messages a business type needs, and rendering them: build, sign, validate, (wrap).

Nothing leaves here unvalidated: a message that fails our schema raises schema.SchemaInvalid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from django.conf import settings

from declarations.choices import Channel, MessageType

from . import dxp, schema
from .ceb303 import render_order
from .ceb505 import render_waybill
from .ceb507 import render_arrival
from .ceb509 import render_departure
from .ceb603 import render_inventory
from .ceb605 import render_cancel
from .ceb607 import render_master_bill
from .common import Rendered, RenderError, china_time
from .signing import Signer, app_status_for, get_signer

RENDERERS: dict[str, Callable[..., Rendered]] = {
    MessageType.CEB303: render_order,
    MessageType.CEB505: render_waybill,
    MessageType.CEB507: render_arrival,
    MessageType.CEB509: render_departure,
    MessageType.CEB603: render_inventory,
    MessageType.CEB605: render_cancel,
}

# Sent on submission; CEB507/509 (after release, by other parties) and CEB605 are rendered on demand.
MESSAGES_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    Channel.LIST: (MessageType.CEB303, MessageType.CEB505, MessageType.CEB603),
    Channel.CUSTOMS_DECLARATION: (MessageType.CEB303,),
}


def _channel(declaration) -> str:
    channel = declaration.effective_channel
    if channel not in MESSAGES_BY_CHANNEL:
        raise RenderError(f"declaration has no clearance channel (got {channel!r})")
    return channel


def messages_for(declaration, lines: Sequence = ()) -> list[str]:
    """Message types the business type sends: list channel CEB303 + CEB505 + CEB603, else CEB303 only."""
    return [str(message_type) for message_type in MESSAGES_BY_CHANNEL[_channel(declaration)]]


def needs_declaration_draft(declaration) -> bool:
    """The customs-declaration channel also needs the 报关单 draft (customs_declaration.py) for the broker."""
    return _channel(declaration) == Channel.CUSTOMS_DECLARATION


def render_one(
    message_type: str,
    declaration,
    lines: Sequence = (),
    *,
    signer: Signer | None = None,
    **options,
) -> Rendered:
    """Render one message, sign it, validate it against our schema and wrap it in DxpMsg if DXP_WRAP.

    appStatus follows the signer (2 only when it really signs); `options` go to the renderer (guid, at,
    cop_no, invt_no, reason, sender ...).
    """
    renderer = RENDERERS.get(message_type)
    if renderer is None:
        raise RenderError(f"no renderer for {message_type!r}")
    signer = signer or get_signer()
    if "app_status" in options:
        raise RenderError("appStatus follows the signer; it cannot be chosen here")
    rendered = renderer(declaration, lines, app_status=app_status_for(signer), **options)
    return finish_rendered(rendered, signer=signer)


def finish_rendered(rendered: Rendered, *, signer: Signer) -> Rendered:
    """Sign, validate against our schema and (DXP_WRAP) wrap a renderer's output: the one way out."""
    content = signer.sign(rendered.content)
    schema.assert_valid_ours(content)
    if settings.DXP_WRAP:
        content = dxp.wrap(content)
    return replace(rendered, content=content, signed=signer.signs)


def render_master_bill_message(bill, items: Sequence, *, signer: Signer | None = None, **options) -> Rendered:
    """CEB607 for a master bill (not a declaration's message), finished like every other."""
    signer = signer or get_signer()
    rendered = render_master_bill(bill, items, app_status=app_status_for(signer), **options)
    return finish_rendered(rendered, signer=signer)


def render_all(
    declaration, lines: Sequence, *, signer: Signer | None = None, at: datetime | None = None
) -> list[Rendered]:
    """Every message the declaration's business type needs, in sending order, all with the same appTime and
    the declaration's appType (1 new, 2 change)."""
    signer = signer or get_signer()
    at = china_time(at)
    lines = list(lines)
    app_type = getattr(declaration, "app_type", "") or "1"  # 2: a returned declaration declared again
    return [
        render_one(message_type, declaration, lines, signer=signer, at=at, app_type=app_type)
        for message_type in messages_for(declaration, lines)
    ]
