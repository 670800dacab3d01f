"""Demo data: exporters A and B, broker C delegated by A (and asking B: a pending request), a platform, a logistics enterprise, rates and the
four business types. Idempotent: every record is found by its natural key before it is created."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from declarations.choices import Channel, EnterpriseRole, Mode, ReviewStatus, WarehouseOwnership
from declarations.models import (
    Country,
    Currency,
    CustomsOffice,
    Declaration,
    DeclarationLine,
    Delegation,
    DelegationEvent,
    Enterprise,
    ExchangeRate,
    Membership,
    OverseasWarehouse,
    Registration,
    WarehouseFiling,
)
from declarations.models.delegations import DelegationEventKind, DelegationSide, DelegationStatus
from declarations.services.codes import code_tables_load
from declarations.services.staff import reviewer_group_ensure
from declarations.services.tariff import tariff_load_sample

DEMO_PASSWORD = "demo-Portal-2026"
DEMO_OFFICE = "5141"  # 广州机场 (Guangzhou), a comprehensive pilot zone

# Current-month demo rates, CNY per unit (illustrative; admins maintain the real customs rates).
DEMO_RATES = {"502": Decimal("7.100000"), "300": Decimal("7.700000"), "110": Decimal("0.910000")}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    description: str


def _enterprise(uscc: str, **fields) -> Enterprise:
    obj, _ = Enterprise.objects.get_or_create(uscc=uscc, defaults=fields)
    return obj


def _user(
    username: str, *, enterprise: Enterprise | None = None, superuser: bool = False, staff: bool = False
):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(
            username=username,
            email=f"{username}@example.com",
            is_superuser=superuser,
            is_staff=staff or superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    if enterprise is not None:
        Membership.objects.get_or_create(
            user=user, enterprise=enterprise, defaults={"role": Membership.Role.ADMIN}
        )
    return user


def _declaration(*, agent: Enterprise, cop_no: str, lines: list[dict], **fields) -> Declaration:
    existing = Declaration.objects.filter(agent=agent, cop_no=cop_no).first()
    if existing is not None:
        return existing
    declaration = Declaration.objects.create(agent=agent, cop_no=cop_no, **fields)
    DeclarationLine.objects.bulk_create(
        DeclarationLine(declaration=declaration, gnum=i, **line) for i, line in enumerate(lines, start=1)
    )
    return declaration


def _line(item_no, item_name, gcode, gname, gmodel, qty, unit, price, currency, **extra) -> dict:
    qty, price = Decimal(qty), Decimal(price)
    return dict(
        item_no=item_no,
        item_name=item_name,
        gcode=gcode,
        gname=gname,
        gmodel=gmodel,
        bar_code="无",
        country="502",
        currency=currency,
        qty=qty,
        unit=unit,
        qty1=qty,
        unit1=unit,
        price=price,
        total_price=qty * price,
        **extra,
    )


def _delegations(*, broker_c: Enterprise, exporter_a: Enterprise, exporter_b: Enterprise) -> None:
    """A delegates to C (in force); C asks to act for B under 9710 at the demo office (pending: B decides)."""
    given, created = Delegation.objects.get_or_create(
        broker=broker_c, exporter=exporter_a, defaults={"agreement_no": "DL-2026-001"}
    )
    if created:
        DelegationEvent.objects.create(
            delegation=given, kind=DelegationEventKind.RECORDED, side=DelegationSide.ADMIN
        )
    if not Delegation.objects.filter(broker=broker_c, exporter=exporter_b).exists():
        asked = Delegation.objects.create(
            broker=broker_c,
            exporter=exporter_b,
            status=DelegationStatus.PENDING,
            initiated_by=DelegationSide.BROKER,
            modes=[Mode.DIRECT],
            offices=[DEMO_OFFICE],
            agreement_no="DL-2026-002",
        )
        DelegationEvent.objects.create(
            delegation=asked, kind=DelegationEventKind.REQUESTED, side=DelegationSide.BROKER
        )


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    code_tables_load()
    tariff_load_sample()  # the SAMPLE tariff (skipped when an official tariff is loaded)
    office = CustomsOffice.objects.get(code=DEMO_OFFICE)
    if not office.pilot_zone:
        office.pilot_zone = True
        office.save(update_fields=["pilot_zone"])
    today = timezone.localdate()
    month = today.replace(day=1)
    for code, rate in DEMO_RATES.items():
        ExchangeRate.objects.get_or_create(
            currency=Currency.objects.get(code=code), month=month, defaults={"rate": rate}
        )

    exporter_a = _enterprise(
        "91440101MA5CYFRN49",
        name="广州示例跨境贸易有限公司",
        name_en="Guangzhou Example Trading Co., Ltd.",
        customs_code="4401960ABC",
        is_exporter=True,
        home_office=office,
        address="广州市白云区机场路1号",
        contact_name="陈经理",
        phone="020-00000001",
        email="exporter-a@example.com",
        dxp_id="DXPENT0000000001",
    )
    exporter_b = _enterprise(
        "91440300MA5F000181",
        name="深圳示例出口有限公司",
        name_en="Shenzhen Example Export Co., Ltd.",
        customs_code="4403960XYZ",
        is_exporter=True,
        home_office=office,
        email="exporter-b@example.com",
        dxp_id="DXPENT0000000002",
    )
    broker_c = _enterprise(
        "91440101MA9W8GXQ1P",
        name="广州示例报关有限公司",
        name_en="Guangzhou Example Customs Broker",
        customs_code="4401980BRK",
        is_broker=True,
        home_office=office,
        email="broker-c@example.com",
        dxp_id="DXPENT0000000003",
    )
    platform = _enterprise(
        "91330100MA27AB124U",
        name="示例跨境电商平台有限公司",
        name_en="Example B2B Marketplace",
        customs_code="3301960PLT",
        is_platform=True,
    )
    logistics = _enterprise(
        "91110108100023453W",
        name="示例国际物流有限公司",
        name_en="Example International Logistics",
        customs_code="4401980LGS",
        is_logistics=True,
        is_site_operator=True,
        home_office=office,
    )
    _delegations(broker_c=broker_c, exporter_a=exporter_a, exporter_b=exporter_b)
    for enterprise, role in (
        (exporter_a, EnterpriseRole.EXPORTER),
        (broker_c, EnterpriseRole.BROKER),
        (logistics, EnterpriseRole.LOGISTICS),
    ):
        Registration.objects.get_or_create(
            enterprise=enterprise,
            customs_office=office,
            enterprise_type=role,
            defaults={
                "status": ReviewStatus.APPROVED,
                "submitted_at": timezone.now(),
                "reviewed_at": timezone.now(),
            },
        )
    Registration.objects.get_or_create(
        enterprise=exporter_b,
        customs_office=office,
        enterprise_type=EnterpriseRole.EXPORTER,
        defaults={"status": ReviewStatus.SUBMITTED, "submitted_at": timezone.now()},
    )
    warehouse, _ = OverseasWarehouse.objects.get_or_create(
        enterprise=exporter_a,
        name="Example US Warehouse ONT8",
        defaults=dict(
            country=Country.objects.get(code="502"),
            address="1 Warehouse Way, Ontario, CA 91761, USA",
            ownership=WarehouseOwnership.LEASED,
            lease_start=datetime.date(2025, 1, 1),
            lease_end=datetime.date(2028, 12, 31),
            platform_name="Amazon",
            area_m2=Decimal("1200"),
        ),
    )
    if not warehouse.filings.exists():
        WarehouseFiling.objects.create(
            warehouse=warehouse,
            status=ReviewStatus.APPROVED,
            submitted_at=timezone.now(),
            reviewed_at=timezone.now(),
        )

    common = dict(
        enterprise=exporter_a,
        customs_code=DEMO_OFFICE,
        port_code=DEMO_OFFICE,
        logistics_code=logistics.ceb_code,
        logistics_name=logistics.name,
        traf_mode="5",
        country="502",
        pod="502",
        wrap_type="2",
        ie_date=today,
        site_operator=logistics,
        goods_info="保温杯",
    )
    _declaration(
        agent=exporter_a,
        cop_no="DEMO-9710-LIST",
        mode=Mode.DIRECT,
        channel=Channel.LIST,
        order_no="B2B-DEMO-0001",
        ebp_code=platform.ceb_code,
        ebp_name=platform.name,
        logistics_no="SF1000000001",
        currency="142",
        freight=Decimal("150"),
        pack_no=4,
        gross_weight=Decimal("42.5"),
        net_weight=Decimal("40"),
        lines=[
            _line(
                "SKU-001",
                "不锈钢保温杯",
                "961700",
                "保温杯",
                "不锈钢|500ml|无品牌",
                "100",
                "007",
                "32",
                "142",
            )
        ],
        **common,
    )
    _declaration(
        agent=broker_c,
        cop_no="DEMO-9710-DECL",
        mode=Mode.DIRECT,
        channel=Channel.CUSTOMS_DECLARATION,
        order_no="B2B-DEMO-0002",
        ebp_code=platform.ceb_code,
        ebp_name=platform.name,
        logistics_no="SF1000000002",
        currency="502",
        freight=Decimal("300"),
        pack_no=20,
        gross_weight=Decimal("410"),
        net_weight=Decimal("380"),
        lines=[
            _line(
                "SKU-101",
                "蓝牙耳机",
                "8518300000",
                "蓝牙耳机",
                "无线|蓝牙5.3|示例牌",
                "500",
                "007",
                "12.5",
                "502",
                unit2="035",  # the tariff's second legal unit (kg)
                qty2=Decimal("25"),
            ),
            _line(
                "SKU-102", "充电线", "8544422100", "充电线", "USB-C|1m|示例牌", "1000", "007", "1.2", "502"
            ),
        ],
        **common,
    )
    _declaration(
        agent=exporter_a,
        cop_no="DEMO-9810-LIST",
        mode=Mode.WAREHOUSE,
        channel=Channel.LIST,
        warehouse=warehouse,
        order_no="OW-ONT8-0001",
        ebp_code="无",
        ebp_name=warehouse.name,
        logistics_no="SF1000000003",
        currency="142",
        freight=Decimal("200"),
        pack_no=6,
        gross_weight=Decimal("60"),
        net_weight=Decimal("55"),
        lines=[
            _line("SKU-201", "硅胶厨具", "392410", "硅胶厨具", "硅胶|套装|无品牌", "150", "006", "28", "142")
        ],
        **common,
    )
    _declaration(
        agent=exporter_a,
        cop_no="DEMO-9810-DECL",
        mode=Mode.WAREHOUSE,
        channel=Channel.CUSTOMS_DECLARATION,
        warehouse=warehouse,
        order_no="OW-ONT8-0002",
        ebp_code="无",
        ebp_name=warehouse.name,
        logistics_no="SF1000000004",
        currency="502",
        freight=Decimal("800"),
        pack_no=40,
        gross_weight=Decimal("900"),
        net_weight=Decimal("860"),
        lines=[
            _line(
                "SKU-301",
                "户外折叠椅",
                "9401710000",
                "折叠椅",
                "铝合金|户外|示例牌",
                "400",
                "008",
                "18",
                "502",
                inspection=False,
            )
        ],
        **common,
    )

    _user("admin", superuser=True)
    reviewer = _user("reviewer", staff=True)
    reviewer.groups.add(reviewer_group_ensure())
    _user("exporter_a", enterprise=exporter_a)
    from declarations.services.demo_returns import demo_returns_load  # issue 25: one return

    demo_returns_load(exporter=exporter_a, user=_user("exporter_a", enterprise=exporter_a), common=common)
    _user("exporter_b", enterprise=exporter_b)
    _user("broker_c", enterprise=broker_c)
    return [
        DemoLogin("admin", DEMO_PASSWORD, "superuser: Django admin and every enterprise"),
        DemoLogin("reviewer", DEMO_PASSWORD, "staff reviewer: registrations and filings in Django admin"),
        DemoLogin("exporter_a", DEMO_PASSWORD, f"exporter A: {exporter_a.name}"),
        DemoLogin("exporter_b", DEMO_PASSWORD, f"exporter B: {exporter_b.name}"),
        DemoLogin("broker_c", DEMO_PASSWORD, f"broker C: {broker_c.name} (delegated by A; asks B, pending)"),
    ]
