import datetime
from decimal import Decimal

import pytest

from declarations.choices import Channel, DeclarationStatus
from declarations.models import Membership
from tests import factories as f

EXPORT_DATE = datetime.date(2026, 10, 20)
RETURN_DATE = datetime.date(2026, 12, 1)


@pytest.fixture
def port(db):
    return f.CustomsOfficeFactory(code="5141")


@pytest.fixture
def released(exporter_a, port):
    """A released 9710 declaration of exporter A (报关单 channel) with three lines: 100, 50 and 10 units."""
    declaration = f.DeclarationFactory(
        enterprise=exporter_a,
        channel=Channel.CUSTOMS_DECLARATION,
        status=DeclarationStatus.RELEASED,
        version=1,
        ie_date=EXPORT_DATE,
        order_no="B2B-RETURN-1",
        invt_no="",
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=2,
        gcode="8518300000",
        gname="蓝牙耳机",
        qty=Decimal("50"),
        qty1=Decimal("50"),
        price=Decimal("12.5"),
        total_price=Decimal("625"),
    )
    f.DeclarationLineFactory(
        declaration=declaration, gnum=3, qty=Decimal("10"), qty1=Decimal("10"), total_price=Decimal("320")
    )
    return declaration


@pytest.fixture
def member_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def member_b(exporter_b):
    return f.MembershipFactory(enterprise=exporter_b, role=Membership.Role.ADMIN).user


@pytest.fixture
def broker_member(broker_c):
    return f.MembershipFactory(enterprise=broker_c, role=Membership.Role.ADMIN).user


def return_args(**overrides):
    args = dict(
        quantities={1: Decimal("30"), 2: Decimal("50")},
        reason="buyer_return",
        return_date=RETURN_DATE,
        port_code="5141",
        original_state=True,
    )
    args.update(overrides)
    return args
