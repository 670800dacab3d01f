import pytest
from django.urls import reverse

from declarations.models import CatalogueItem
from tests.web.payloads import LINE, declaration_post

pytestmark = pytest.mark.django_db


def _rows(response):
    return [
        {name: row["form"].initial.get(name) for name in ("item_no", "gcode", "unit")}
        for row in response.context["rows"]
    ]


def test_add_line(client_a, exporter_a):
    data = declaration_post(enterprise=exporter_a, action="add")
    response = client_a.post(reverse("declaration_lines"), data)
    assert _rows(response) == [
        {"item_no": "SKU-0001", "gcode": "9617001100", "unit": "007"},
        {"item_no": None, "gcode": None, "unit": None},
    ]
    assert 'name="lines-TOTAL_FORMS" value="2"' in response.content.decode()


def test_remove_line(client_a, exporter_a):
    lines = [dict(LINE), dict(LINE, item_no="SKU-2")]
    response = client_a.post(
        reverse("declaration_lines"),
        declaration_post(enterprise=exporter_a, lines=lines, action="remove", index=0),
    )
    assert [r["item_no"] for r in _rows(response)] == ["SKU-2"]


def test_last_line_is_not_removed(client_a, exporter_a):
    response = client_a.post(
        reverse("declaration_lines"), declaration_post(enterprise=exporter_a, action="remove", index=0)
    )
    assert [r["item_no"] for r in _rows(response)] == ["SKU-0001"]


def _catalogue_item(enterprise):
    return CatalogueItem.objects.create(
        enterprise=enterprise,
        item_no="CAT-1",
        item_name="旅行箱",
        gcode="4202129000",
        gname="旅行箱",
        gmodel="PC|24寸",
        unit="011",
        unit1="011",
    )


def test_fill_line_from_catalogue(client_a, exporter_a):
    _catalogue_item(exporter_a)
    data = declaration_post(enterprise=exporter_a, action="fill", index=0)
    data["lines-0-catalogue"] = "CAT-1"
    response = client_a.post(reverse("declaration_lines"), data)
    assert _rows(response) == [{"item_no": "CAT-1", "gcode": "4202129000", "unit": "011"}]


def test_other_tenants_catalogue_does_not_fill(client_b, exporter_a, exporter_b):
    _catalogue_item(exporter_a)
    data = declaration_post(enterprise=exporter_b, action="fill", index=0)
    data["lines-0-catalogue"] = "CAT-1"
    response = client_b.post(reverse("declaration_lines"), data)
    assert _rows(response) == [{"item_no": "SKU-0001", "gcode": "9617001100", "unit": "007"}]
