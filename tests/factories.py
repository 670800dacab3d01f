"""factory_boy factories for every model. Codes used here exist in the shipped code tables."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from declarations import models as m
from declarations.choices import Channel, EnterpriseRole, Mode, ReviewStatus, WarehouseOwnership
from declarations.identifiers import USCC_ALPHABET, uscc_check_character


def make_uscc(n: int) -> str:
    """A valid synthetic USCC: 9144030 + 10-digit serial + check character."""
    body = f"9144030{n:010d}"
    assert all(c in USCC_ALPHABET for c in body)
    return body + uscc_check_character(body)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-Secret-123")


class CustomsOfficeFactory(DjangoModelFactory):
    class Meta:
        model = m.CustomsOffice
        django_get_or_create = ("code",)

    code = "5141"
    name_zh = "广州机场"
    parent_code = "5100"
    pilot_zone = True


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = m.Country
        django_get_or_create = ("code",)

    code = "502"
    name_zh = "美国"
    name_en = "United States"
    iso_alpha3 = "USA"


class CurrencyFactory(DjangoModelFactory):
    class Meta:
        model = m.Currency
        django_get_or_create = ("code",)

    code = "502"
    name_zh = "美元"
    iso_code = "USD"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = m.Unit
        django_get_or_create = ("code",)

    code = "007"
    name_zh = "个"


class TransportModeFactory(DjangoModelFactory):
    class Meta:
        model = m.TransportMode
        django_get_or_create = ("code",)

    code = "4"
    name_zh = "公路运输"


class PackingTypeFactory(DjangoModelFactory):
    class Meta:
        model = m.PackingType
        django_get_or_create = ("kind", "code")

    kind = m.PackingType.Kind.CEB
    code = "2"
    name_zh = "纸箱"


class HSCodeFactory(DjangoModelFactory):
    class Meta:
        model = m.HSCode
        django_get_or_create = ("code",)

    code = "961700"
    description = "Vacuum flasks and other vacuum vessels"
    parent = "9617"
    level = 6
    section = "XX"


class ExchangeRateFactory(DjangoModelFactory):
    class Meta:
        model = m.ExchangeRate
        django_get_or_create = ("currency", "month")

    currency = factory.SubFactory(CurrencyFactory)
    month = factory.LazyFunction(lambda: datetime.date.today().replace(day=1))
    rate = Decimal("7.100000")


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = m.Enterprise

    name = factory.Sequence(lambda n: f"示例贸易有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n + 1000))
    customs_code = factory.Sequence(lambda n: f"44019{n:05d}"[:10])
    is_exporter = True
    home_office = factory.SubFactory(CustomsOfficeFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = m.Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = m.Delegation

    broker = factory.SubFactory(EnterpriseFactory, is_exporter=False, is_broker=True)
    exporter = factory.SubFactory(EnterpriseFactory)


class DelegationEventFactory(DjangoModelFactory):
    class Meta:
        model = m.DelegationEvent

    delegation = factory.SubFactory(DelegationFactory)
    kind = "requested"
    side = "broker"


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = m.Registration

    enterprise = factory.SubFactory(EnterpriseFactory)
    customs_office = factory.SubFactory(CustomsOfficeFactory)
    enterprise_type = EnterpriseRole.EXPORTER
    status = ReviewStatus.APPROVED


class RegistrationAttachmentFactory(DjangoModelFactory):
    class Meta:
        model = m.RegistrationAttachment

    registration = factory.SubFactory(RegistrationFactory)
    title = "营业执照"
    file = factory.django.FileField(filename="licence.pdf", data=b"%PDF-1.4 test")


class OverseasWarehouseFactory(DjangoModelFactory):
    class Meta:
        model = m.OverseasWarehouse

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Example US Warehouse {n}")
    country = factory.SubFactory(CountryFactory)
    address = "1 Warehouse Way, Ontario, CA 91761, USA"
    ownership = WarehouseOwnership.LEASED
    lease_start = datetime.date(2025, 1, 1)
    lease_end = datetime.date(2027, 12, 31)


class WarehouseFilingFactory(DjangoModelFactory):
    class Meta:
        model = m.WarehouseFiling

    warehouse = factory.SubFactory(OverseasWarehouseFactory)
    status = ReviewStatus.APPROVED


class WarehouseDocumentFactory(DjangoModelFactory):
    class Meta:
        model = m.WarehouseDocument

    filing = factory.SubFactory(WarehouseFilingFactory)
    doc_type = m.WarehouseDocument.DocType.LEASE
    file = factory.django.FileField(filename="lease.pdf", data=b"%PDF-1.4 lease")


class DeclarationFactory(DjangoModelFactory):
    """A 9710 list-channel declaration; add lines with DeclarationLineFactory."""

    class Meta:
        model = m.Declaration

    mode = Mode.DIRECT
    channel = Channel.LIST
    enterprise = factory.SubFactory(EnterpriseFactory)
    agent = factory.SelfAttribute("enterprise")
    cop_no = factory.Sequence(lambda n: f"COP{n:08d}")
    order_no = factory.Sequence(lambda n: f"B2B-ORDER-{n:06d}")
    customs_code = "5141"
    port_code = "5141"
    ebp_code = "无"
    ebp_name = "Example Global B2B Marketplace"
    logistics_code = "4401980ABC"
    logistics_name = "示例国际物流有限公司"
    logistics_no = factory.Sequence(lambda n: f"SF{n:010d}")
    ie_date = factory.LazyFunction(datetime.date.today)
    traf_mode = "4"
    country = "502"
    pod = "502"
    currency = "142"
    freight = Decimal("150")
    insured_fee = Decimal("0")
    wrap_type = "2"
    pack_no = 4
    gross_weight = Decimal("42.5")
    net_weight = Decimal("40")
    goods_info = "不锈钢保温杯"


class DeclarationLineFactory(DjangoModelFactory):
    class Meta:
        model = m.DeclarationLine

    declaration = factory.SubFactory(DeclarationFactory)
    # Consecutive per declaration, as the rules demand.
    gnum = factory.LazyAttribute(lambda o: o.declaration.lines.count() + 1 if o.declaration.pk else 1)
    item_no = factory.Sequence(lambda n: f"SKU-{n:04d}")
    item_name = "不锈钢保温杯"
    gcode = "9617001100"
    gname = "保温杯"
    gmodel = "不锈钢|500ml|无品牌"
    bar_code = "无"
    country = "502"
    currency = "142"
    qty = Decimal("100")
    unit = "007"
    qty1 = Decimal("100")
    unit1 = "007"
    price = Decimal("32")
    total_price = Decimal("3200")


class DeclarationDocumentFactory(DjangoModelFactory):
    class Meta:
        model = m.DeclarationDocument

    declaration = factory.SubFactory(DeclarationFactory)
    doc_type = m.DeclarationDocument.DocType.CONTRACT
    file = factory.django.FileField(filename="contract.pdf", data=b"%PDF-1.4 contract")
    file_name = "contract.pdf"
    size = 17


class RenderedMessageFactory(DjangoModelFactory):
    class Meta:
        model = m.RenderedMessage

    declaration = factory.SubFactory(DeclarationFactory)
    message_type = "CEB303"
    version = 1
    guid = factory.Sequence(lambda n: f"00000000-0000-4000-8000-{n:012d}")
    content = b"<x/>"
    sha256 = "0" * 64


class ReceiptFactory(DjangoModelFactory):
    class Meta:
        model = m.Receipt

    receipt_type = "CEB304"
    state = "unmatched"
    raw = b"<x/>"
    sha256 = "0" * 64


class StatusEventFactory(DjangoModelFactory):
    class Meta:
        model = m.StatusEvent

    declaration = factory.SubFactory(DeclarationFactory)
    from_status = "draft"
    to_status = "submitted"
    source = "user"


class CatalogueItemFactory(DjangoModelFactory):
    class Meta:
        model = m.CatalogueItem

    enterprise = factory.SubFactory(EnterpriseFactory)
    item_no = factory.Sequence(lambda n: f"CAT-{n:04d}")
    item_name = "不锈钢保温杯"
    gcode = "9617001100"
    gname = "保温杯"
    gmodel = "不锈钢|500ml|无品牌"
    unit = "007"
    unit1 = "007"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = m.Notification

    user = factory.SubFactory(UserFactory)
    kind = "rejected"
    text = "海关退单"


class ImportJobFactory(DjangoModelFactory):
    class Meta:
        model = m.ImportJob

    user = factory.SubFactory(UserFactory)
    file = factory.django.FileField(filename="upload.xlsx", data=b"PK\x03\x04")
    file_name = "upload.xlsx"
    sha256 = "0" * 64


class TaskDispatchFactory(DjangoModelFactory):
    class Meta:
        model = m.TaskDispatch

    task_name = "declarations.tasks.declaration_render_task"
    args = factory.LazyFunction(lambda: [1, 1])


class CustomsEntryResultFactory(DjangoModelFactory):
    """A 报关单 result (issue 22) as the user records it; normally made by services.customs_entry."""

    class Meta:
        model = m.CustomsEntryResult

    declaration = factory.SubFactory(DeclarationFactory, channel="customs_declaration", status="released")
    entry_no = "514120261000012345"
    result = "released"
    result_date = datetime.date(2026, 12, 1)


class SupervisionConditionFactory(DjangoModelFactory):
    class Meta:
        model = m.SupervisionCondition
        django_get_or_create = ("code",)

    code = "4"
    name_zh = "出口许可证"
    name_en = "Export licence"
    export_licence = True


class InspectionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = m.InspectionCategory
        django_get_or_create = ("code",)

    code = "N"
    name_zh = "出口商品检验"
    name_en = "Export commodity inspection"
    outbound = True


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = m.Tariff
        django_get_or_create = ("code",)

    code = "8518300000"
    name_zh = "耳机及耳塞机"
    name_en = "Headphones and earphones"
    unit1 = "007"
    unit2 = "035"
    elements = "1:品牌类型;2:出口享惠情况;3:用途;4:品牌;5:型号"


class MasterBillFactory(DjangoModelFactory):
    """A draft master bill (清单总分单); add lists with MasterBillItemFactory or file one with the service."""

    class Meta:
        model = m.MasterBill

    agent = factory.SubFactory(EnterpriseFactory, is_exporter=False, is_broker=True)
    cop_no = factory.Sequence(lambda n: f"MB{n:018d}")
    customs_code = "5141"
    traf_mode = "4"
    traf_name = "粤A12345"
    voyage_no = "20261205"
    bill_no = factory.Sequence(lambda n: f"MBL-{n:06d}")
    gross_weight = Decimal("42.5")
    pack_no = 4
    logistics_code = "4401980ABC"
    logistics_name = "示例国际物流有限公司"


class MasterBillItemFactory(DjangoModelFactory):
    class Meta:
        model = m.MasterBillItem

    master_bill = factory.SubFactory(MasterBillFactory)
    declaration = factory.SubFactory(DeclarationFactory, status="released", invt_no="51412026E000000001")
    gnum = 1
    logistics_no = factory.SelfAttribute("declaration.logistics_no")
    invt_no = factory.SelfAttribute("declaration.invt_no")


class MasterBillEventFactory(DjangoModelFactory):
    class Meta:
        model = m.MasterBillEvent

    master_bill = factory.SubFactory(MasterBillFactory)
    to_status = "draft"
    source = "user"


class DeclarationReturnFactory(DjangoModelFactory):
    """A return (退运) of a released declaration; add lines with DeclarationReturnLineFactory or make one with the
    service (services.returns), which runs the rules."""

    class Meta:
        model = m.DeclarationReturn

    declaration = factory.SubFactory(DeclarationFactory, status="released")
    number = factory.Sequence(lambda n: n + 1)
    reason = "unsold"
    return_date = factory.LazyFunction(datetime.date.today)
    port_code = "5141"
    supervision_mode = "4561"


class DeclarationReturnLineFactory(DjangoModelFactory):
    class Meta:
        model = m.DeclarationReturnLine

    goods_return = factory.SubFactory(DeclarationReturnFactory)
    line = factory.SubFactory(
        DeclarationLineFactory, declaration=factory.SelfAttribute("..goods_return.declaration")
    )
    qty = Decimal("1")
    total_price = Decimal("32")
