import datetime
from decimal import Decimal

import pytest

from declarations.choices import DeclarationStatus
from tests import factories as f


@pytest.fixture(autouse=True)
def exchange_dirs(settings, tmp_path):
    """Each test its own outbox and inbox: the simulator answers every file it finds there."""
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.INBOX_DIR = tmp_path / "inbox"
    settings.OUTBOX_DIR.mkdir()
    settings.INBOX_DIR.mkdir()


@pytest.fixture
def agent(db):
    return f.EnterpriseFactory(name="丙报关行", is_exporter=False, is_broker=True)


@pytest.fixture
def agent_user(agent):
    return f.MembershipFactory(enterprise=agent).user


def released_list(agent, n: int, **overrides):
    """A released list-channel declaration filed by ``agent``, with its list number."""
    values = dict(
        agent=agent,
        status=DeclarationStatus.RELEASED,
        invt_no=f"51412026E{n:09d}",
        gross_weight=Decimal("42.5"),
        submitted_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    values.update(overrides)
    return f.DeclarationFactory(**values)


@pytest.fixture
def three_lists(agent):
    return [released_list(agent, n) for n in (1, 2, 3)]


HEAD = {
    "customs_code": "5141",
    "traf_mode": "4",
    "traf_name": "粤A12345/粤B54321",
    "voyage_no": "20261205",
    "bill_no": "MBL-2026-000123",
    "gross_weight": Decimal("130"),
    "pack_no": 12,
    "logistics_code": "4401980ABC",
    "logistics_name": "示例国际物流有限公司",
}
