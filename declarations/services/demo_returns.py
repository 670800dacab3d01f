"""Demo data of returns (退运): a released 9710 declaration of exporter A with two lines, one of which partly
came back. Called by ``services.demo.demo_load``; idempotent like the rest of the demo."""

import datetime
from decimal import Decimal

from django.utils import timezone

from declarations.choices import Channel, DeclarationStatus, EventSource, Mode
from declarations.models import Declaration, DeclarationReturn, Enterprise, StatusEvent

COP_NO = "DEMO-9710-RELEASED"


def demo_returns_load(*, exporter: Enterprise, user, common: dict) -> DeclarationReturn:
    """The released declaration and its first return (R1: 20 of the 100 vacuum flasks, unsold)."""
    from declarations.services.demo import _declaration, _line
    from declarations.services.returns import return_create

    today = timezone.localdate()
    exported = today - datetime.timedelta(days=30)
    declaration = _declaration(
        agent=exporter,
        cop_no=COP_NO,
        mode=Mode.DIRECT,
        channel=Channel.LIST,
        order_no="B2B-DEMO-0005",
        logistics_no="SF1000000005",
        currency="142",
        freight=Decimal("120"),
        pack_no=3,
        gross_weight=Decimal("35"),
        net_weight=Decimal("32"),
        invt_no="514120260000000051",
        version=1,
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
            ),
            _line("SKU-002", "不锈钢餐盒", "732393", "餐盒", "不锈钢|1L|无品牌", "60", "007", "25", "142"),
        ],
        **{**common, "ie_date": exported, "ebp_code": "无", "ebp_name": "Example Global B2B Marketplace"},
    )
    if declaration.status != DeclarationStatus.RELEASED and not declaration.goods_returns.exists():
        Declaration.objects.filter(pk=declaration.pk).update(status=DeclarationStatus.RELEASED)
        StatusEvent.objects.create(
            declaration=declaration,
            from_status=DeclarationStatus.DRAFT,
            to_status=DeclarationStatus.RELEASED,
            source=EventSource.SYSTEM,
            note="demo",
        )
        declaration.status = DeclarationStatus.RELEASED
    existing = declaration.goods_returns.first()
    if existing is not None:
        return existing
    return return_create(
        declaration=declaration,
        actor=user,
        quantities={1: Decimal("20")},
        reason="unsold",
        return_date=today,
        port_code=declaration.port_code,
        original_state=True,
    )
