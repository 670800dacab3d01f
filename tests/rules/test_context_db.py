"""rule_context_load: code sets loaded once, lookups behind the callables, the engine end to end."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.choices import EnterpriseRole, Mode, ReviewStatus
from declarations.models import CustomsOffice, Declaration
from declarations.rules.engine import check_declaration
from declarations.selectors_rule_context import rule_context_load
from tests import factories as f
from tests.rules.helpers import triples

pytestmark = pytest.mark.django_db

CODE_TABLES = ("customsoffice", "country", "currency", "unit", "transportmode", "packingtype", "hscode")


@pytest.fixture
def registered(code_tables, exporter_a):
    f.RegistrationFactory(enterprise=exporter_a, customs_office=CustomsOffice.objects.get(code="5141"))
    return exporter_a


def test_code_sets(code_tables):
    CustomsOffice.objects.filter(code="5141").update(pilot_zone=True)
    ctx = rule_context_load()
    assert {"5141", "5100"} <= ctx.customs_offices
    assert "5141" in ctx.pilot_offices and "5100" not in ctx.pilot_offices
    assert {"142", "502"} <= ctx.currencies and ctx.currency_iso["502"] == "USD"
    assert "502" in ctx.countries and "100" not in ctx.countries  # continent headings are not declarable
    assert "007" in ctx.units and "4" in ctx.transport_modes
    assert ctx.packing_types == frozenset("1234567")  # the 1-digit CEB set only
    assert "961700" in ctx.hs6 and "9617" not in ctx.hs6


def test_settings(code_tables, settings):
    settings.LIST_CHANNEL_LIMIT_CNY = "8000"
    settings.REQUIRE_WAREHOUSE_FILING = False
    ctx = rule_context_load()
    assert (ctx.list_limit_cny, ctx.require_warehouse_filing) == (Decimal("8000"), False)


def test_rate_for(code_tables):
    f.ExchangeRateFactory(currency_id="502", month=datetime.date(2025, 6, 1), rate=Decimal("7.1"))
    ctx = rule_context_load()
    assert ctx.rate_for("502", datetime.date(2025, 6, 1)) == Decimal("7.1")
    assert ctx.rate_for("502", datetime.date(2025, 7, 1)) is None


def test_registration(registered, exporter_b):
    office_5100 = CustomsOffice.objects.get(code="5100")
    f.RegistrationFactory(enterprise=exporter_b, customs_office=office_5100, status=ReviewStatus.SUBMITTED)
    f.RegistrationFactory(
        enterprise=exporter_b, customs_office=office_5100, enterprise_type=EnterpriseRole.BROKER
    )
    ctx = rule_context_load()
    assert ctx.has_approved_registration(registered.pk, "5141")
    assert not ctx.has_approved_registration(registered.pk, "5100")
    assert not ctx.has_approved_registration(exporter_b.pk, "5100")  # submitted, or another role
    assert not ctx.has_approved_registration(None, "5141")


def test_warehouse_filing(code_tables):
    approved = f.WarehouseFilingFactory().warehouse
    pending = f.WarehouseFilingFactory(status=ReviewStatus.SUBMITTED).warehouse
    ctx = rule_context_load()
    assert ctx.warehouse_filing_approved(approved.pk)
    assert not ctx.warehouse_filing_approved(pending.pk)
    assert not ctx.warehouse_filing_approved(f.OverseasWarehouseFactory().pk)


def test_duplicates(code_tables):
    saved = f.DeclarationFactory(order_no="O-1", logistics_no="SF1", cop_no="C-1")
    ctx = rule_context_load()
    platform = ("无", saved.ebp_name)
    assert ctx.is_duplicate("order_no", (*platform, "O-1"), None)
    assert not ctx.is_duplicate("order_no", (*platform, "O-1"), saved.pk)
    assert not ctx.is_duplicate("order_no", ("无", "Another platform", "O-1"), None)
    assert ctx.is_duplicate("waybill", (saved.logistics_code, "SF1"), None)
    assert not ctx.is_duplicate("waybill", ("4401980XYZ", "SF1"), None)
    assert ctx.is_duplicate("cop_no", (saved.agent_id, "C-1"), None)
    assert not ctx.is_duplicate("cop_no", (saved.agent_id + 1000, "C-1"), None)
    with pytest.raises(ValueError):
        ctx.is_duplicate("nonsense", (), None)


def test_empty_platform_code_is_the_placeholder(code_tables):
    saved = f.DeclarationFactory(order_no="O-2", ebp_code="")
    ctx = rule_context_load()
    assert ctx.is_duplicate("order_no", ("无", saved.ebp_name, "O-2"), None)


def test_9810_order_numbers_are_unique_per_warehouse(code_tables):
    warehouse = f.OverseasWarehouseFactory(name="LA Warehouse")
    f.DeclarationFactory(mode=Mode.WAREHOUSE, warehouse=warehouse, ebp_name="", order_no="W-1")
    ctx = rule_context_load()
    assert ctx.is_duplicate("order_no", ("无", "LA Warehouse", "W-1"), None)
    assert not ctx.is_duplicate("order_no", ("无", "NY Warehouse", "W-1"), None)


def test_waybills_may_be_reused_after_six_months(code_tables):
    saved = f.DeclarationFactory(logistics_no="SF-OLD")
    Declaration.objects.filter(pk=saved.pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=200)
    )
    assert not rule_context_load().is_duplicate("waybill", (saved.logistics_code, "SF-OLD"), None)


def test_saved_factory_declaration_is_clean(registered):
    line = f.DeclarationLineFactory(declaration=f.DeclarationFactory(enterprise=registered))
    declaration = line.declaration
    assert check_declaration(declaration, list(declaration.lines.all()), ctx=rule_context_load()) == []


def test_engine_finds_database_problems(code_tables, exporter_a):
    line = f.DeclarationLineFactory(
        declaration__enterprise=exporter_a, declaration__currency="999", currency="999"
    )
    declaration = line.declaration
    found = triples(check_declaration(declaration, [line], ctx=rule_context_load()))
    assert ("UNKNOWN_CURRENCY", "currency", None) in found
    assert ("UNKNOWN_CURRENCY", "currency", 1) in found
    assert ("REGISTRATION_MISSING", "customsCode", None) in found


def test_bulk_checks_do_not_reread_the_code_tables(registered):
    ctx = rule_context_load()
    heads = [f.DeclarationFactory.build(enterprise=registered, agent=registered) for _ in range(50)]
    with CaptureQueriesContext(connection) as queries:
        for head in heads:
            line = f.DeclarationLineFactory.build(declaration=head, gnum=1)
            assert check_declaration(head, [line], ctx=ctx) == []
    tables = [f"declarations_{name}" for name in CODE_TABLES]
    assert not [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]
    # Per row only the three uniqueness lookups; registration is memoised per (enterprise, office), and so is
    # the tariff per code (one code here).
    assert len(queries) == 50 * 3 + 1 + 1
