import pytest
from django.urls import reverse

from declarations.models import CatalogueItem
from tests import factories as f

pytestmark = pytest.mark.django_db


def _item(enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "item_no": "SKU-1",
        "item_name": "保温杯",
        "gcode": "9617001100",
        "gname": "保温杯",
        "gmodel": "500ml",
        "bar_code": "无",
        "unit": "007",
        "unit1": "007",
    }
    data.update(overrides)
    return data


def test_create_list_edit_delete(client_a, exporter_a):
    assert client_a.post(reverse("catalogue_create"), _item(exporter_a)).status_code == 302
    item = CatalogueItem.objects.get()
    assert "SKU-1" in client_a.get(reverse("catalogue_list")).content.decode()
    client_a.post(reverse("catalogue_edit", args=[item.pk]), _item(exporter_a, gmodel="750ml"))
    item.refresh_from_db()
    assert item.gmodel == "750ml"
    client_a.post(reverse("catalogue_delete", args=[item.pk]))
    assert CatalogueItem.objects.count() == 0


def test_duplicate_item_number_is_a_field_error(client_a, exporter_a):
    client_a.post(reverse("catalogue_create"), _item(exporter_a))
    response = client_a.post(reverse("catalogue_create"), _item(exporter_a))
    assert response.status_code == 200
    assert response.context["form"].errors["item_no"]
    assert CatalogueItem.objects.count() == 1


def test_other_tenant_is_404_and_unchanged(client_b, exporter_a):
    item = CatalogueItem.objects.create(**{**_item(exporter_a), "enterprise": exporter_a})
    assert client_b.get(reverse("catalogue_edit", args=[item.pk])).status_code == 404
    assert (
        client_b.post(reverse("catalogue_edit", args=[item.pk]), _item(exporter_a, gmodel="x")).status_code
        == 404
    )
    assert client_b.post(reverse("catalogue_delete", args=[item.pk])).status_code == 404
    assert "SKU-1" not in client_b.get(reverse("catalogue_list")).content.decode()
    item.refresh_from_db()
    assert item.gmodel == "500ml"


def test_cannot_add_to_another_enterprise(client_b, exporter_a):
    response = client_b.post(reverse("catalogue_create"), _item(exporter_a))
    assert response.status_code == 200
    assert CatalogueItem.objects.count() == 0


def test_broker_cannot_delete_exporter_item(client_broker, exporter_a):
    item = CatalogueItem.objects.create(**{**_item(exporter_a), "enterprise": exporter_a})
    assert client_broker.post(reverse("catalogue_delete", args=[item.pk])).status_code == 403
    assert CatalogueItem.objects.count() == 1
    assert f.EnterpriseFactory._meta.model.objects.filter(pk=exporter_a.pk).exists()
