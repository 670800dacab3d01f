"""Enterprises, warehouses, filings (submit), messages (download), receipts: scoped lists and 404 across tenants."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_enterprises_lists_own_only(api_a, exporter_a, exporter_b):
    response = api_a.get("/api/enterprises/")
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [exporter_a.pk]


def test_broker_sees_delegating_exporter(api_c, exporter_a, broker_c):
    ids = {e["id"] for e in api_c.get("/api/enterprises/").json()["results"]}
    assert ids == {exporter_a.pk, broker_c.pk}


def test_enterprise_of_other_tenant_is_404(api_b, exporter_a):
    assert api_b.get(f"/api/enterprises/{exporter_a.pk}/").status_code == 404


def test_warehouses_scoped_and_filtered(api_a, exporter_a, exporter_b):
    own = f.OverseasWarehouseFactory(enterprise=exporter_a)
    other = f.OverseasWarehouseFactory(enterprise=exporter_b)
    f.WarehouseFilingFactory(warehouse=own)
    body = api_a.get("/api/warehouses/", {"enterprise": exporter_a.pk}).json()
    assert [(w["id"], w["filing_status"]) for w in body["results"]] == [(own.pk, "approved")]
    assert api_a.get(f"/api/warehouses/{other.pk}/").status_code == 404
    assert api_a.get("/api/warehouses/", {"enterprise": "x"}).status_code == 400


def test_filing_submit(api_a, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="draft")
    f.WarehouseDocumentFactory(filing=filing, doc_type="lease")
    response = api_a.post(f"/api/filings/{filing.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    filing.refresh_from_db()
    assert filing.status == "submitted"


def test_filing_submit_without_the_required_proof_is_400(api_a, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="draft")
    response = api_a.post(f"/api/filings/{filing.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "提交前请上传租赁合同。"
    filing.refresh_from_db()
    assert filing.status == "draft"


def test_filing_submit_in_wrong_status_is_400(api_a, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="approved")
    response = api_a.post(f"/api/filings/{filing.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID"
    filing.refresh_from_db()
    assert filing.status == "approved"


def test_filing_of_other_tenant_is_404(api_b, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="draft")
    assert api_b.get(f"/api/filings/{filing.pk}/").status_code == 404
    assert api_b.post(f"/api/filings/{filing.pk}/submit/").status_code == 404
    filing.refresh_from_db()
    assert filing.status == "draft"
    assert api_b.get("/api/filings/").json()["count"] == 0


def test_messages_list_and_download(api_a, declaration_a):
    message = f.RenderedMessageFactory(declaration=declaration_a, content=b"<CEB303Message/>")
    body = api_a.get("/api/messages/", {"declaration": declaration_a.pk}).json()
    assert [x["id"] for x in body["results"]] == [message.pk]
    response = api_a.get(f"/api/messages/{message.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content == b"<CEB303Message/>"
    assert message.file_name in response["Content-Disposition"]


def test_message_of_other_tenant_is_404(api_b, declaration_a):
    message = f.RenderedMessageFactory(declaration=declaration_a)
    assert api_b.get(f"/api/messages/{message.pk}/").status_code == 404
    assert api_b.get(f"/api/messages/{message.pk}/download/").status_code == 404
    assert api_b.get("/api/messages/").json()["count"] == 0


def test_receipts_scoped_unmatched_hidden(api_a, api_b, declaration_a):
    receipt = f.ReceiptFactory(declaration=declaration_a, state="applied", return_status="120")
    f.ReceiptFactory(state="unmatched")
    body = api_a.get("/api/receipts/", {"state": "applied"}).json()
    assert [(r["id"], r["return_status"]) for r in body["results"]] == [(receipt.pk, "120")]
    assert api_b.get("/api/receipts/").json()["count"] == 0
    assert api_a.get("/api/receipts/", {"declaration": "x"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/enterprises/",
        "/api/warehouses/",
        "/api/filings/",
        "/api/messages/",
        "/api/receipts/",
        "/api/codes/hs/",
        "/api/codes/exchange-rates/",
    ],
)
def test_lists_need_authentication(anon, url):
    response = anon.get(url)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["NOT_AUTHENTICATED"]


def test_unauthenticated_download_and_submit_are_401(anon, declaration_a, exporter_a):
    message = f.RenderedMessageFactory(declaration=declaration_a)
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="draft")
    assert anon.get(f"/api/messages/{message.pk}/download/").status_code == 401
    assert anon.post(f"/api/filings/{filing.pk}/submit/").status_code == 401
    filing.refresh_from_db()
    assert filing.status == "draft"
