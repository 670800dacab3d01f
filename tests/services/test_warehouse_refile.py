"""Issue 22 part 4: changing data an approved filing covers returns the filing to draft (after the caller's
confirmation), recorded on both histories and notified; other changes leave the approval alone."""

import datetime

import pytest

from declarations.choices import ReviewStatus
from declarations.models import Notification, OverseasWarehouse, WarehouseFiling
from declarations.services.filings import RefileNotConfirmed, warehouse_filing_changes, warehouse_save
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(exporter_a):
    member = f.MembershipFactory(enterprise=exporter_a).user
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.APPROVED)
    return filing, member


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Renamed DC"),
        ("address", "2 Dock Road, Felixstowe"),
        ("ownership", "owned"),
        ("lease_start", datetime.date(2025, 6, 1)),
        ("lease_end", datetime.date(2028, 12, 31)),
    ],
)
def test_covered_change_needs_confirmation_then_returns_filing_to_draft(
    approved, field, value, django_capture_on_commit_callbacks
):
    filing, member = approved
    warehouse = OverseasWarehouse.objects.get(pk=filing.warehouse_id)
    before = OverseasWarehouse.objects.filter(pk=warehouse.pk).values().get()
    with pytest.raises(RefileNotConfirmed):
        warehouse_save(warehouse=warehouse, **{field: value})
    assert OverseasWarehouse.objects.filter(pk=warehouse.pk).values().get() == before
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.APPROVED

    warehouse = OverseasWarehouse.objects.get(pk=filing.warehouse_id)
    with django_capture_on_commit_callbacks(execute=True):
        warehouse_save(warehouse=warehouse, refile_confirmed=True, **{field: value})
    assert getattr(OverseasWarehouse.objects.get(pk=warehouse.pk), field) == value
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.DRAFT
    assert filing.history.first().history_change_reason == filing.reason
    label = str(OverseasWarehouse._meta.get_field(field).verbose_name)
    assert label in warehouse.history.first().history_change_reason
    assert Notification.objects.get(user=member).kind == "filing_reopened"


def test_country_change_is_covered(approved):
    filing, _member = approved
    warehouse = filing.warehouse
    other = f.CountryFactory(code="304", name_zh="德国")
    assert warehouse_filing_changes(warehouse=warehouse, fields={"country": other}) != []
    assert warehouse_filing_changes(warehouse=warehouse, fields={"country": warehouse.country}) == []


def test_uncovered_change_keeps_the_approval(approved):
    filing, member = approved
    warehouse = filing.warehouse
    warehouse_save(warehouse=warehouse, phone="+1 555 0100", contact_name="Pat")
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.APPROVED
    assert not Notification.objects.filter(user=member).exists()


def test_same_values_are_no_change(approved):
    filing, _member = approved
    warehouse = filing.warehouse
    warehouse_save(warehouse=warehouse, name=warehouse.name, address=warehouse.address)
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.APPROVED


def test_warehouse_without_approved_filing_needs_no_confirmation(exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    warehouse_save(warehouse=filing.warehouse, address="Elsewhere 1")
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.SUBMITTED
