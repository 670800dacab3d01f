"""Issue 22 part 4 on the page: editing an approved warehouse's covered data warns first, then re-files."""

import pytest
from django.urls import reverse

from declarations.choices import ReviewStatus
from declarations.models import OverseasWarehouse, WarehouseFiling
from tests import factories as f

pytestmark = pytest.mark.django_db


def _data(warehouse, **overrides):
    data = {
        "enterprise": warehouse.enterprise_id,
        "name": warehouse.name,
        "country": warehouse.country_id,
        "address": warehouse.address,
        "ownership": warehouse.ownership,
        "lease_start": warehouse.lease_start.isoformat(),
        "lease_end": warehouse.lease_end.isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def filing(exporter_a):
    return f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.APPROVED)


def test_edit_page_says_what_the_filing_covers(client_a, filing):
    body = client_a.get(reverse("warehouse_edit", args=[filing.warehouse_id])).content.decode()
    assert 'id="refile-note"' in body


def test_covered_change_warns_and_stores_nothing_until_confirmed(client_a, filing):
    warehouse = filing.warehouse
    url = reverse("warehouse_edit", args=[warehouse.pk])
    response = client_a.post(url, _data(warehouse, address="2 Dock Road, Felixstowe"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="refile-warning"' in body and 'name="confirm_refile"' in body
    assert "2 Dock Road, Felixstowe" in body  # the user's input is kept in the form
    assert OverseasWarehouse.objects.get(pk=warehouse.pk).address == warehouse.address
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.APPROVED

    response = client_a.post(url, _data(warehouse, address="2 Dock Road, Felixstowe", confirm_refile="1"))
    assert response.status_code == 302
    assert OverseasWarehouse.objects.get(pk=warehouse.pk).address == "2 Dock Road, Felixstowe"
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.DRAFT


def test_uncovered_change_saves_without_a_warning(client_a, filing):
    warehouse = filing.warehouse
    response = client_a.post(reverse("warehouse_edit", args=[warehouse.pk]), _data(warehouse, phone="123"))
    assert response.status_code == 302
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.APPROVED


def test_other_tenant_cannot_confirm_a_refile(client_b, filing):
    warehouse = filing.warehouse
    response = client_b.post(
        reverse("warehouse_edit", args=[warehouse.pk]), _data(warehouse, address="X", confirm_refile="1")
    )
    assert response.status_code == 404
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.APPROVED


def test_admin_edit_warns_and_refiles(client, filing):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    warehouse = filing.warehouse
    url = f"/admin/declarations/overseaswarehouse/{warehouse.pk}/change/"
    assert 'id="refile-warning"' in client.get(url).content.decode()
    data = _data(warehouse, address="9 New Street")
    data.update({"platform_name": "", "area_m2": "", "contact_name": "", "phone": ""})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert OverseasWarehouse.objects.get(pk=warehouse.pk).address == "9 New Street"
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.DRAFT
