"""Creating registrations, warehouses and filings through the filings service."""

import pytest
from django.core.exceptions import ValidationError

from declarations.choices import EnterpriseRole, ReviewStatus
from declarations.models import OverseasWarehouse, Registration, WarehouseFiling
from declarations.services.filings import registration_create, warehouse_filing_open, warehouse_save
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_registration_is_created_as_a_draft(exporter_a, office):
    registration = registration_create(
        enterprise=exporter_a, customs_office=office, enterprise_type=EnterpriseRole.EXPORTER
    )
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.enterprise, stored.customs_office, stored.status) == (
        exporter_a,
        office,
        ReviewStatus.DRAFT,
    )


def test_registration_with_unknown_type_stores_nothing(exporter_a, office):
    with pytest.raises(ValidationError) as exc:
        registration_create(enterprise=exporter_a, customs_office=office, enterprise_type="pirate")
    assert "enterprise_type" in exc.value.message_dict
    assert Registration.objects.count() == 0


def test_warehouse_create_and_update(exporter_a):
    template = f.OverseasWarehouseFactory.build(enterprise=exporter_a, country=f.CountryFactory())
    fields = {
        name: getattr(template, name)
        for name in ("enterprise", "name", "country", "address", "ownership", "lease_start", "lease_end")
    }
    warehouse = warehouse_save(**fields)
    warehouse_save(warehouse=warehouse, address="2 Dock Road, Felixstowe")
    assert OverseasWarehouse.objects.get(pk=warehouse.pk).address == "2 Dock Road, Felixstowe"


def test_warehouse_update_refused_keeps_stored_values(exporter_a):
    warehouse = f.OverseasWarehouseFactory(enterprise=exporter_a, name="Ontario DC")
    with pytest.raises(ValidationError):
        warehouse_save(warehouse=warehouse, name="")
    assert OverseasWarehouse.objects.get(pk=warehouse.pk).name == "Ontario DC"


def test_filing_open_reuses_the_open_filing_and_reopens_after_rejection(exporter_a):
    warehouse = f.OverseasWarehouseFactory(enterprise=exporter_a)
    first = warehouse_filing_open(warehouse=warehouse)
    assert first.status == ReviewStatus.DRAFT
    assert warehouse_filing_open(warehouse=warehouse) == first
    WarehouseFiling.objects.filter(pk=first.pk).update(status=ReviewStatus.REJECTED)
    second = warehouse_filing_open(warehouse=warehouse)
    assert second != first
    assert WarehouseFiling.objects.filter(warehouse=warehouse).count() == 2
