"""Issue 22 part 4 through the API: a released declaration refuses update and delete; its actions remain."""

import pytest

from declarations.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/declarations/"


@pytest.mark.parametrize("status", ["submitted", "sent", "released"])
def test_frozen_declaration_refuses_put_patch_delete(api_a, exporter_a, status):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status=status, order_no="KEEP-1")
    before = Declaration.objects.filter(pk=declaration.pk).values().get()
    for method in ("patch", "put"):
        response = getattr(api_a, method)(f"{URL}{declaration.pk}/", {"orderNo": "CHANGED"}, format="json")
        assert response.status_code in (400, 409)
        if response.status_code == 409:
            assert [e["code"] for e in response.json()["errors"]] == ["NOT_EDITABLE"]
    response = api_a.delete(f"{URL}{declaration.pk}/")
    assert response.status_code == 409
    assert Declaration.objects.filter(pk=declaration.pk).values().get() == before


def test_revalidate_remains_on_a_released_declaration(api_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="released")
    assert api_a.post(f"{URL}{declaration.pk}/validate/").status_code == 200
    assert Declaration.objects.get(pk=declaration.pk).status == "released"
