"""A declaration customs returned (退单): rendered as version 1, then answered with CEB604 100, as in life."""

import datetime

from declarations.choices import DeclarationStatus
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ, parse_receipt
from declarations.models import Declaration
from declarations.services.codes import code_tables_load
from declarations.services.receipts import receipt_apply
from declarations.services.submission import declaration_render
from tests import factories as f

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)
RETURN_INFO = "海关退单：商品编码与品名不符"


def inventory_receipt(declaration, status: str, *, seconds: int = 0, info: str = "") -> None:
    """Apply a CEB604 with ``status`` to the declaration, as the inbox would."""
    entry = {
        "guid": "3A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
        "agentCode": declaration.agent.ceb_code,
        "copNo": declaration.cop_no,
        "preNo": "B20261124000000001",
        "invtNo": "",
        "ebcCode": declaration.enterprise.ceb_code,
        "ebpCode": declaration.ebp_code,
        "orderNo": declaration.order_no,
        "statisticsFlag": "A",
        "returnStatus": status,
        "returnTime": T0 + datetime.timedelta(seconds=seconds),
        "returnInfo": info or f"status {status}",
    }
    raw = render_receipt("CEB604", [entry])
    for parsed in parse_receipt(raw):
        receipt_apply(entry=parsed, raw=raw, file_name=f"CEB604_{status}_{seconds}.xml")


def returned_declaration(*, enterprise=None, outbox=None, settings=None) -> Declaration:
    """A valid list-channel declaration sent as version 1 and returned by customs (CEB604 100)."""
    if settings is not None and outbox is not None:
        settings.OUTBOX_DIR = outbox
    code_tables_load()
    enterprise = enterprise or f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
    Declaration.objects.filter(pk=line.declaration_id).update(
        status=DeclarationStatus.SUBMITTED, version=1, channel="list"
    )
    declaration_render(declaration_id=line.declaration_id, version=1)
    declaration = Declaration.objects.get(pk=line.declaration_id)
    inventory_receipt(declaration, "2", seconds=0)
    inventory_receipt(declaration, "100", seconds=1, info=RETURN_INFO)
    return Declaration.objects.get(pk=line.declaration_id)
