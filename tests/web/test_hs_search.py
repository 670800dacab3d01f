import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def hs(db):
    f.HSCodeFactory(code="961700", description="Vacuum flasks and other vacuum vessels")
    f.HSCodeFactory(
        code="9617001100", description="Vacuum flasks of stainless steel", parent="961700", level=10
    )
    f.HSCodeFactory(code="420212", description="Trunks with outer surface of plastics", parent="4202")


def _codes(response):
    return [c.code for c in response.context["codes"]]


def test_by_code_prefix(client_a, hs):
    assert _codes(client_a.get(reverse("hs_search"), {"q": "9617"})) == ["961700", "9617001100"]


def test_by_description_words(client_a, hs):
    assert _codes(client_a.get(reverse("hs_search"), {"q": "vacuum steel"})) == ["9617001100"]


def test_value_of_a_line_input(client_a, hs):
    assert _codes(client_a.get(reverse("hs_search"), {"lines-3-gcode": "4202"})) == ["420212"]


def test_empty_query(client_a, hs):
    assert _codes(client_a.get(reverse("hs_search"), {"q": ""})) == []
