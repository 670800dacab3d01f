"""Code tables: read-only, searchable; HS by code prefix or by words of the description."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_hs_by_code_prefix(api_a, codes):
    body = api_a.get("/api/codes/hs/", {"q": "961700"}).json()
    assert [h["code"] for h in body["results"]] == ["961700"]


def test_hs_by_words(api_a, codes):
    codes_found = [
        h["code"] for h in api_a.get("/api/codes/hs/", {"q": "vacuum flasks", "level": 6}).json()["results"]
    ]
    assert codes_found == ["961700"]


def test_countries_by_name_and_detail(api_a, codes):
    body = api_a.get("/api/codes/countries/", {"q": "美国"}).json()
    assert "502" in [c["code"] for c in body["results"]]
    assert api_a.get("/api/codes/countries/502/").json()["name_zh"] == "美国"
    assert api_a.get("/api/codes/countries/XXX/").status_code == 404


def test_code_tables_are_read_only(api_a, codes):
    response = api_a.post("/api/codes/countries/", {"code": "999"}, format="json")
    assert response.status_code == 405
    assert [e["code"] for e in response.json()["errors"]] == ["METHOD_NOT_ALLOWED"]


def test_exchange_rates_filter(api_a):
    rate = f.ExchangeRateFactory()
    body = api_a.get("/api/codes/exchange-rates/", {"currency": rate.currency_id}).json()
    assert [(r["currency"], r["rate"]) for r in body["results"]] == [(rate.currency_id, "7.100000")]
    response = api_a.get("/api/codes/exchange-rates/", {"month": "not-a-date"})
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("INVALID", "month")]


def test_pagination(api_a, codes):
    body = api_a.get("/api/codes/countries/", {"page_size": 2}).json()
    assert len(body["results"]) == 2
    assert body["next"] is not None
    response = api_a.get("/api/codes/countries/", {"page": 9999})
    assert response.status_code == 404
    assert [e["code"] for e in response.json()["errors"]] == ["NOT_FOUND"]
