import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_next_of_the_switcher_drops_the_english_prefix(client_a):
    with translation.override("en"):
        url = reverse("declaration_list")
    body = client_a.get(url).content.decode()
    assert '<input name="next" type="hidden" value="/declarations/">' in body


def test_switch_back_to_chinese_lands_on_the_unprefixed_page(client_a):
    response = client_a.post("/i18n/setlang/", {"language": "zh-hans", "next": "/declarations/"})
    assert response["Location"] == "/declarations/"
    response = client_a.post("/i18n/setlang/", {"language": "en", "next": "/declarations/"})
    assert response["Location"] == "/en/declarations/"
