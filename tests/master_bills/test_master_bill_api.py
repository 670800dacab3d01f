"""The master bill API runs the portal's selectors, services and rules: same findings, same tenancy."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import MasterBill
from tests import factories as f
from tests.master_bills.conftest import released_list

pytestmark = pytest.mark.django_db

BODY = {
    "customsCode": "5141",
    "trafMode": "4",
    "trafName": "粤A12345",
    "voyageNo": "20261205",
    "billNo": "MBL-API-1",
    "grossWeight": "130",
    "packNo": 12,
    "logisticsCode": "4401980ABC",
    "logisticsName": "示例国际物流有限公司",
}


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api(agent_user):
    return _api(agent_user)


def test_create_then_submit(api, three_lists):
    created = api.post("/api/master-bills/", {**BODY, "lists": [d.pk for d in three_lists]}, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["billNo"], body["status"]) == ("MBL-API-1", "draft")
    assert [(i["gnum"], i["declaration"], i["invtNo"]) for i in body["items"]] == [
        (n, d.pk, d.invt_no) for n, d in enumerate(three_lists, start=1)
    ]
    sent = api.post(f"/api/master-bills/{body['id']}/submit/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    again = api.post(f"/api/master-bills/{body['id']}/submit/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "NOT_DRAFT"
    assert api.delete(f"/api/master-bills/{body['id']}/").status_code == 409


def test_findings_come_back_in_the_error_shape(api, three_lists):
    response = api.post(
        "/api/master-bills/",
        {**BODY, "grossWeight": "100", "lists": [d.pk for d in three_lists]},
        format="json",
    )

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("MB_GROSS_WEIGHT_BELOW_LISTS", "grossWeight")
    ]
    assert MasterBill.objects.count() == 0


def test_another_tenants_list_is_refused(api, three_lists):
    foreign = released_list(f.EnterpriseFactory(), 99)

    response = api.post(
        "/api/master-bills/", {**BODY, "lists": [three_lists[0].pk, foreign.pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lists"
    assert MasterBill.objects.count() == 0


def test_another_tenant_sees_and_sends_nothing(api, three_lists):
    bill_id = api.post(
        "/api/master-bills/", {**BODY, "lists": [d.pk for d in three_lists]}, format="json"
    ).json()["id"]
    outsider = _api(f.MembershipFactory().user)

    assert outsider.get("/api/master-bills/").json()["results"] == []
    assert outsider.get(f"/api/master-bills/{bill_id}/").status_code == 404
    assert outsider.post(f"/api/master-bills/{bill_id}/submit/").status_code == 404
    assert outsider.delete(f"/api/master-bills/{bill_id}/").status_code == 404
    assert MasterBill.objects.get(pk=bill_id).status == MasterBill.Status.DRAFT
