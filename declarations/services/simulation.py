"""A customs simulator for demos and tests: answers outbox messages with realistic receipts in the inbox.

It is not a transport. It reads each outbox file as customs would (from the XML, not the database), writes the
receipts the real system would send, and moves the answered file to ``outbox/sent/`` as the official client does.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from lxml import etree

from declarations.identifiers import new_guid
from declarations.messages import exchange
from declarations.messages.receipt_render import render_receipt

CEB = "{http://www.chinaport.gov.cn/ceb}"

# Outcome -> returnStatus sequence per message type answered.
OUTCOMES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "release": {
        "CEB303": [("2", "电子口岸申报中"), ("120", "海关入库")],
        "CEB505": [("2", "电子口岸申报中"), ("120", "海关入库")],
        "CEB603": [("2", "电子口岸申报中"), ("120", "海关入库"), ("399", "海关审结"), ("800", "放行")],
        "CEB605": [("2", "电子口岸申报中"), ("399", "撤销审结")],
        "CEB607": [("2", "电子口岸申报中"), ("120", "海关入库")],
        "CEB507": [("120", "运抵入库")],
        "CEB509": [("120", "离境入库")],
    },
    "inspect": {
        "CEB303": [("120", "海关入库")],
        "CEB505": [("120", "海关入库")],
        "CEB603": [("120", "海关入库"), ("500", "查验")],
    },
    "reject": {
        "CEB303": [("120", "海关入库")],
        "CEB505": [("120", "海关入库")],
        "CEB603": [("100", "海关退单：商品编码与品名不符")],
        "CEB607": [("100", "海关退单：提运单号与舱单不符")],
    },
}
# A withdrawal (CEB603 appType 3 删除) per outcome: granted (审结) or refused (退单); the list stays returned then.
WITHDRAWAL_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "release": [("2", "电子口岸申报中"), ("399", "海关审结：清单已删除")],
    "inspect": [("2", "电子口岸申报中"), ("399", "海关审结：清单已删除")],
    "reject": [("100", "海关退单：删除申请不予受理")],
}
RECEIPT_FOR = {
    "CEB303": "CEB304",
    "CEB505": "CEB506",
    "CEB603": "CEB604",
    "CEB605": "CEB606",
    "CEB607": "CEB608",
    "CEB507": "CEB508",
    "CEB509": "CEB510",
}
# Head element and the keys its receipt echoes, for the messages answered from their head alone.
_HEAD_KEYS = {
    "CEB507": ("Arrival/{ceb}ArrivalHead", ("operatorCode", "logisticsCode", "copNo", "billNo", "msgSeqNo")),
    "CEB509": ("Departure/{ceb}DepartureHead", ("logisticsCode", "copNo", "msgSeqNo")),
    "CEB607": ("WayBill/{ceb}WayBillHead", ("agentCode", "logisticsCode", "copNo", "billNo", "msgSeqNo")),
}


@dataclass
class SimulationSummary:
    answered: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)


def _serial(cop_no: str) -> int:
    """A stable 9-digit serial per document, like the e-port's numbering."""
    return int(hashlib.sha256(cop_no.encode()).hexdigest(), 16) % 10**9


def _text(node, name: str) -> str:
    found = node.find(f"{CEB}{name}")
    return (found.text or "").strip() if found is not None else ""


def _entries(message_type: str, root, statuses: list[tuple[str, str]]) -> list[dict]:
    now = timezone.localtime()
    if message_type == "CEB303":
        head = root.find(f"{CEB}Order/{CEB}OrderHead")
        keys = {k: _text(head, k) for k in ("ebpCode", "ebcCode", "orderNo")}
    elif message_type == "CEB505":
        head = root.find(f"{CEB}Logistics")
        keys = {k: _text(head, k) for k in ("logisticsCode", "logisticsNo")}
    elif message_type == "CEB603":
        head = root.find(f"{CEB}Inventory/{CEB}InventoryHead")
        year = now.strftime("%Y")
        keys = {
            k: _text(head, k)
            for k in ("agentCode", "copNo", "ebcCode", "ebpCode", "orderNo", "statisticsFlag")
        }
        serial = _serial(keys["copNo"])
        keys["preNo"] = f"B{now:%Y%m%d}{serial:09d}"
        keys["invtNo"] = f"{_text(head, 'customsCode')}{year}E{serial:09d}"
    elif message_type in _HEAD_KEYS:
        path, names = _HEAD_KEYS[message_type]
        head = root.find(CEB + path.format(ceb=CEB))
        keys = {k: _text(head, k) for k in names}
        keys["preNo"] = f"B{now:%Y%m%d}{_serial(message_type + keys['copNo']):09d}"
    else:  # CEB605
        head = root.find(f"{CEB}InvtCancel")
        keys = {k: _text(head, k) for k in ("agentCode", "copNo", "invtNo")}
        keys["preNo"] = f"B{now:%Y%m%d}{_serial(keys['copNo']):09d}"
    guid = _text(head, "guid")
    entries = []
    for i, (status, info) in enumerate(statuses):
        entry = dict(
            keys, guid=guid, returnStatus=status, returnInfo=info, returnTime=now + timedelta(milliseconds=i)
        )
        entries.append(entry)
    return entries


def customs_simulate(*, outbox_dir: Path, inbox_dir: Path, outcome: str = "release") -> SimulationSummary:
    plan = OUTCOMES[outcome]
    summary = SimulationSummary()
    for path in sorted(Path(outbox_dir).glob("CEB*.xml")):
        message_type = path.name[:6]
        if message_type not in plan:
            continue
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(path.read_bytes(), parser)
        statuses = plan[message_type]
        if (
            message_type == "CEB603"
            and root.findtext(f"{CEB}Inventory/{CEB}InventoryHead/{CEB}appType") == "3"
        ):
            statuses = WITHDRAWAL_ANSWERS[outcome]
        # One receipt file per status, as customs sends them one by one.
        for i, entry in enumerate(_entries(message_type, root, statuses)):
            receipt_type = RECEIPT_FOR[message_type]
            content = render_receipt(receipt_type, [entry])
            name = f"{receipt_type}_{new_guid()}_{i}.xml"
            exchange.outbox_write(directory=Path(inbox_dir), file_name=name, content=content)
            summary.receipts.append(name)
        sent = Path(outbox_dir) / "sent"
        sent.mkdir(exist_ok=True)
        path.rename(sent / path.name)
        summary.answered.append(path.name)
    return summary
