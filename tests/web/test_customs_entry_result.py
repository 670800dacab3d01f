"""The 报关单 channel's result: recorded on the web and through the API with the same checks; it moves the status
through services.status (one event) and shows in the timeline; other tenants are refused."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.choices import Channel, DeclarationStatus
from declarations.models import CustomsEntryResult, Declaration, StatusEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

ENTRY_NO = "514120261000012345"
TODAY = datetime.date.today().isoformat()


@pytest.fixture
def accepted(exporter_a):
    """A 报关单-channel declaration whose order customs took in (CEB304 120): it waits for the 报关单 result."""
    return f.DeclarationFactory(
        enterprise=exporter_a,
        channel=Channel.CUSTOMS_DECLARATION,
        status=DeclarationStatus.ACCEPTED,
        version=1,
    )


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _url(declaration):
    return reverse("declaration_customs_result", args=[declaration.pk])


def test_web_release_moves_the_status_and_shows_in_the_timeline(client_a, accepted):
    response = client_a.post(
        _url(accepted), {"entry_no": ENTRY_NO, "result": "released", "result_date": TODAY}
    )
    assert response["Location"] == reverse("declaration_detail", args=[accepted.pk])
    assert Declaration.objects.get(pk=accepted.pk).status == DeclarationStatus.RELEASED
    event = StatusEvent.objects.get(declaration=accepted)
    assert (event.from_status, event.to_status, event.source) == ("accepted", "released", "user")
    assert CustomsEntryResult.objects.get().event == event
    detail = client_a.get(reverse("declaration_detail", args=[accepted.pk]))
    html = detail.content.decode()
    assert html.count(ENTRY_NO) >= 2  # the timeline line and the header's result
    assert detail.context["status_event"].entry.entry_no == ENTRY_NO


def test_inspection_then_returned_with_reason(client_a, accepted):
    client_a.post(_url(accepted), {"entry_no": ENTRY_NO, "result": "inspection", "result_date": TODAY})
    client_a.post(
        _url(accepted),
        {"entry_no": ENTRY_NO, "result": "returned", "result_date": TODAY, "reason": "品名不符"},
    )
    assert Declaration.objects.get(pk=accepted.pk).status == DeclarationStatus.REJECTED
    assert list(StatusEvent.objects.filter(declaration=accepted).values_list("to_status", flat=True)) == [
        "inspection",
        "rejected",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"entry_no": "51412026100001234", "result": "released"}, "entry_no"),  # 17 digits
        ({"entry_no": "51412026100001234X", "result": "released"}, "entry_no"),
        ({"entry_no": ENTRY_NO, "result": "returned"}, "reason"),  # returned without a reason
        ({"entry_no": ENTRY_NO, "result": "lost"}, "result"),
        ({"entry_no": ENTRY_NO, "result": "released", "result_date": "2999-01-01"}, "result_date"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client_a, accepted, data, field):
    response = client_a.post(_url(accepted), {"result_date": TODAY, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (Declaration.objects.get(pk=accepted.pk).status, CustomsEntryResult.objects.count()) == (
        "accepted",
        0,
    )
    assert StatusEvent.objects.count() == 0


def test_list_channel_and_drafts_are_refused(client_a, exporter_a):
    for declaration in (
        f.DeclarationFactory(enterprise=exporter_a, channel=Channel.LIST, status=DeclarationStatus.SENT),
        f.DeclarationFactory(enterprise=exporter_a, channel=Channel.CUSTOMS_DECLARATION, status="draft"),
    ):
        response = client_a.post(
            _url(declaration), {"entry_no": ENTRY_NO, "result": "released", "result_date": TODAY}
        )
        assert response.status_code == 200 and response.context["allowed"] is False
    assert (CustomsEntryResult.objects.count(), StatusEvent.objects.count()) == (0, 0)


def test_released_cannot_be_recorded_twice(client_a, accepted):
    data = {"entry_no": ENTRY_NO, "result": "released", "result_date": TODAY}
    client_a.post(_url(accepted), data)
    response = client_a.post(_url(accepted), data)
    assert response.status_code == 200
    assert CustomsEntryResult.objects.count() == 1


def test_other_tenant_is_refused_on_web_and_api(client_b, user_b, accepted):
    data = {"entry_no": ENTRY_NO, "result": "released", "result_date": TODAY}
    assert client_b.get(_url(accepted)).status_code == 404
    assert client_b.post(_url(accepted), data).status_code == 404
    api = _api(user_b)
    url = reverse("api-declaration-customs-results", args=[accepted.pk])
    assert api.get(url).status_code == 404
    assert (
        api.post(
            url, {"entryNo": ENTRY_NO, "result": "released", "resultDate": TODAY}, format="json"
        ).status_code
        == 404
    )
    assert (Declaration.objects.get(pk=accepted.pk).status, CustomsEntryResult.objects.count()) == (
        "accepted",
        0,
    )


def test_api_records_and_lists(user_a, accepted):
    api = _api(user_a)
    url = reverse("api-declaration-customs-results", args=[accepted.pk])
    response = api.post(
        url, {"entryNo": ENTRY_NO, "result": "inspection", "resultDate": TODAY}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["entryNo"] == ENTRY_NO
    assert Declaration.objects.get(pk=accepted.pk).status == DeclarationStatus.INSPECTION
    assert [r["result"] for r in api.get(url).json()] == ["inspection"]


def test_api_bad_entry_number_is_a_field_error(user_a, accepted):
    api = _api(user_a)
    url = reverse("api-declaration-customs-results", args=[accepted.pk])
    response = api.post(url, {"entryNo": "12345", "result": "released", "resultDate": TODAY}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["entryNo"]
    assert CustomsEntryResult.objects.count() == 0
