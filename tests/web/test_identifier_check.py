import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def url_en():
    def build(field):
        with translation.override("en"):
            return reverse("enterprise_check", args=[field])

    return build


def test_valid_uscc(client_a, url_en):
    body = client_a.get(url_en("uscc"), {"uscc": f.make_uscc(555)}).content.decode()
    assert 'class="ok"' in body
    assert "Valid." in body


def test_wrong_check_character(client_a, url_en):
    good = f.make_uscc(555)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    body = client_a.get(url_en("uscc"), {"uscc": bad}).content.decode()
    assert 'class="error"' in body
    assert "Not a valid unified social credit code" in body


def test_uscc_already_registered(client_a, exporter_b, url_en):
    body = client_a.get(url_en("uscc"), {"uscc": exporter_b.uscc}).content.decode()
    assert "already registered" in body


def test_uscc_of_the_enterprise_being_edited_is_fine(client_a, exporter_a, url_en):
    body = client_a.get(url_en("uscc"), {"uscc": exporter_a.uscc, "pk": exporter_a.pk}).content.decode()
    assert "Valid." in body


def test_customs_code(client_a, url_en):
    assert "Valid." in client_a.get(url_en("customs_code"), {"customs_code": "44019612AB"}).content.decode()
    body = client_a.get(url_en("customs_code"), {"customs_code": "4401-96"}).content.decode()
    assert "Not a valid customs registration code" in body


def test_needs_login(client, db, url_en):
    assert client.get(url_en("uscc"), {"uscc": "x"}).status_code == 302
