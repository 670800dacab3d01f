"""Enterprise and catalogue services: the one path that writes them, with the model's validation."""

import pytest
from django.core.exceptions import ValidationError

from declarations.models import CatalogueItem, Enterprise, Membership
from declarations.services.enterprises import (
    catalogue_item_delete,
    catalogue_item_save,
    enterprise_create,
    enterprise_update,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _fields(office, **overrides):
    fields = {
        "name": "新开贸易有限公司",
        "uscc": f.make_uscc(777),
        "customs_code": "4401960001",
        "is_exporter": True,
        "home_office": office,
    }
    fields.update(overrides)
    return fields


def test_creator_becomes_administrator(office):
    user = f.UserFactory()
    enterprise = enterprise_create(creator=user, **_fields(office))
    assert Enterprise.objects.get(pk=enterprise.pk).name == "新开贸易有限公司"
    membership = Membership.objects.get(enterprise=enterprise)
    assert (membership.user, membership.role) == (user, Membership.Role.ADMIN)


def test_invalid_uscc_stores_nothing(office):
    user = f.UserFactory()
    bad = f.make_uscc(777)[:-1] + ("0" if f.make_uscc(777)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        enterprise_create(creator=user, **_fields(office, uscc=bad))
    assert "uscc" in exc.value.message_dict
    assert Enterprise.objects.count() == 0
    assert Membership.objects.count() == 0


def test_update_validates_and_keeps_old_values_on_error(exporter_a):
    enterprise = exporter_a
    enterprise_update(enterprise=enterprise, contact_name="王五")
    assert Enterprise.objects.get(pk=enterprise.pk).contact_name == "王五"
    with pytest.raises(ValidationError):
        enterprise_update(enterprise=enterprise, customs_code="44-01")
    assert Enterprise.objects.get(pk=enterprise.pk).customs_code != "44-01"


def test_catalogue_item_create_update_delete():
    enterprise = f.EnterpriseFactory()
    item = catalogue_item_save(
        enterprise=enterprise,
        item_no="SKU-1",
        item_name="保温杯",
        gcode="9617001100",
        gname="保温杯",
        gmodel="不锈钢|500ml",
        unit="007",
        unit1="007",
    )
    catalogue_item_save(item=item, item_name="真空保温杯")
    assert CatalogueItem.objects.get(pk=item.pk).item_name == "真空保温杯"
    catalogue_item_delete(item=item)
    assert not CatalogueItem.objects.filter(pk=item.pk).exists()


def test_catalogue_item_number_is_unique_per_enterprise():
    existing = f.CatalogueItemFactory(item_no="SKU-9")
    with pytest.raises(ValidationError) as exc:
        catalogue_item_save(
            enterprise=existing.enterprise,
            item_no="SKU-9",
            item_name="x",
            gcode="9617001100",
            gname="x",
            gmodel="x",
            unit="007",
            unit1="007",
        )
    assert list(exc.value.message_dict) == ["__all__"]
    assert CatalogueItem.objects.filter(enterprise=existing.enterprise).count() == 1
