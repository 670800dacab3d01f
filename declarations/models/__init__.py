from .codes import Country, Currency, CustomsOffice, ExchangeRate, HSCode, PackingType, TransportMode, Unit
from .customs_entry import CustomsEntryResult
from .declaration import CEB_HEAD_FIELDS, CEB_LINE_FIELDS, Declaration, DeclarationLine
from .delegations import Delegation, DelegationEvent
from .dispatch import TaskDispatch
from .enterprise import Enterprise, Membership
from .events import StatusEvent
from .filings import (
    OverseasWarehouse,
    Registration,
    RegistrationAttachment,
    WarehouseDocument,
    WarehouseFiling,
)
from .master_bills import MasterBill, MasterBillEvent, MasterBillItem
from .messages import Receipt, RenderedMessage
from .portal import CatalogueItem, ImportJob, Notification

__all__ = [
    "CatalogueItem",
    "ImportJob",
    "Notification",
    "CEB_HEAD_FIELDS",
    "CEB_LINE_FIELDS",
    "Country",
    "Currency",
    "CustomsEntryResult",
    "CustomsOffice",
    "Declaration",
    "DeclarationLine",
    "Delegation",
    "DelegationEvent",
    "Enterprise",
    "ExchangeRate",
    "HSCode",
    "MasterBill",
    "MasterBillEvent",
    "MasterBillItem",
    "Membership",
    "OverseasWarehouse",
    "PackingType",
    "Receipt",
    "Registration",
    "RegistrationAttachment",
    "RenderedMessage",
    "StatusEvent",
    "TaskDispatch",
    "TransportMode",
    "Unit",
    "WarehouseDocument",
    "WarehouseFiling",
]

from .tariff import InspectionCategory, SupervisionCondition, Tariff  # noqa: E402

__all__ += ["InspectionCategory", "SupervisionCondition", "Tariff"]

from .returns import DeclarationReturn, DeclarationReturnLine, ReturnReason  # noqa: E402

__all__ += ["DeclarationReturn", "DeclarationReturnLine", "ReturnReason"]
from .declaration_documents import DeclarationDocument  # noqa: E402

__all__ += ["DeclarationDocument"]
