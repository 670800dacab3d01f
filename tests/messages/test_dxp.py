"""DxpMsg terminal-node wrapper (self-developed access only)."""

import base64
import datetime

import pytest
from lxml import etree

from declarations.messages import schema
from declarations.messages.ceb303 import render_order
from declarations.messages.dxp import DXP_NS, DxpError, unwrap, wrap
from declarations.messages.render import render_all
from tests import factories as f
from tests.messages.test_render_business_types import (
    child_names,
    find_text,
    make_business_type,
    parse,
    require_official_xsd,
)
from tests.messages.test_signing import FakeSigner

pytestmark = pytest.mark.django_db


def terminal_schema() -> etree.XMLSchema:
    path = require_official_xsd()
    return etree.XMLSchema(etree.parse(str(path.parent / "ceb-terminal-node-202205.xsd")))


def test_wrapped_order_carries_the_exact_bytes_and_validates(settings):
    settings.DXP_RECEIVER_ID = "DXPEDCCEB0000003"
    enterprise = f.EnterpriseFactory(dxp_id="DXPENT0000019448")
    declaration, lines = make_business_type(enterprise=enterprise)
    order = FakeSigner().sign(render_order(declaration, lines, app_status="2").content)

    wrapped = wrap(order, created=datetime.datetime(2024, 3, 15, 2, 30, tzinfo=datetime.UTC))

    root = parse(wrapped)
    assert wrapped.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == f"{{{DXP_NS}}}DxpMsg"
    assert root.prefix == "dxp"
    assert root.get("ver") == "1.0"
    assert child_names(root) == ["TransInfo", "Data"]
    assert child_names(root[0]) == ["CopMsgId", "SenderId", "ReceiverIds", "CreatTime", "MsgType"]
    assert find_text(root, "dxp:TransInfo/dxp:SenderId") == "DXPENT0000019448"
    assert find_text(root, "dxp:TransInfo/dxp:ReceiverIds/dxp:ReceiverId") == "DXPEDCCEB0000003"
    assert find_text(root, "dxp:TransInfo/dxp:MsgType") == "CEB303Message"
    assert find_text(root, "dxp:TransInfo/dxp:CreatTime") == "2024-03-15T10:30:00"
    assert base64.b64decode(find_text(root, "dxp:Data")) == order
    assert unwrap(wrapped) == order
    schema_ = terminal_schema()
    assert schema_.validate(root), schema_.error_log


def test_receiver_and_sender_can_be_given(settings):
    settings.DXP_RECEIVER_ID = "DXPEDCCEB0000009"
    declaration, lines = make_business_type()
    order = render_order(declaration, lines).content

    root = parse(wrap(order, sender_id="DXPENT0000000001", cop_msg_id="MSG-1"))

    assert find_text(root, "dxp:TransInfo/dxp:ReceiverIds/dxp:ReceiverId") == "DXPEDCCEB0000009"
    assert find_text(root, "dxp:TransInfo/dxp:SenderId") == "DXPENT0000000001"
    assert find_text(root, "dxp:TransInfo/dxp:CopMsgId") == "MSG-1"


def test_a_dxp_id_longer_than_16_characters_cannot_be_a_sender():
    enterprise = f.EnterpriseFactory(dxp_id="DXPENT00000000000000001")  # BaseTransfer allows 30, DxpMsg 16
    declaration, lines = make_business_type(enterprise=enterprise)

    with pytest.raises(DxpError, match="SenderId"):
        wrap(render_order(declaration, lines).content)


def test_render_all_wraps_when_configured(settings):
    settings.DXP_WRAP = True
    declaration, lines = make_business_type(enterprise=f.EnterpriseFactory(dxp_id="DXPENT0000019448"))

    rendered = render_all(declaration, lines)

    roots = [parse(message.content) for message in rendered]
    assert {root.tag for root in roots} == {f"{{{DXP_NS}}}DxpMsg"}
    msg_types = [find_text(root, "dxp:TransInfo/dxp:MsgType") for root in roots]
    assert msg_types == ["CEB303Message", "CEB505Message", "CEB603Message"]
    for message in rendered:
        inner = unwrap(message.content)
        assert parse(inner).get("guid") == message.guid
        assert schema.validate_ours(inner) == []
    terminal = terminal_schema()
    assert all(terminal.validate(root) for root in roots), terminal.error_log


def test_unwrap_refuses_other_documents():
    with pytest.raises(DxpError, match="not a DxpMsg"):
        unwrap(b"<x/>")
