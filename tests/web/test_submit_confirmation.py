"""Submitting shows what will be sent and waits for the user's confirmation; a copy needs its own numbers."""

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, StatusEvent
from tests.submit_confirm import confirm_submit

pytestmark = pytest.mark.django_db


def test_get_shows_what_will_be_sent_and_changes_nothing(client_a, clean_declaration):
    response = client_a.get(reverse("declaration_submit", args=[clean_declaration.pk]))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.channel, preview.line_count, preview.order_no) == ("list", 1, clean_declaration.order_no)
    assert preview.value_cny and preview.rate  # the factory's 3,200 at the month's rate
    html = response.content.decode()
    assert f"{preview.value_cny} CNY" in html and preview.rate in html
    assert [m.split()[0] for m in preview.produced] == ["CEB303", "CEB505", "CEB603"]
    assert 'id="confirm-submit"' in html
    clean_declaration.refresh_from_db()
    assert (clean_declaration.status, StatusEvent.objects.count()) == ("draft", 0)


def test_post_without_confirm_only_shows_the_page(client_a, clean_declaration):
    response = client_a.post(reverse("declaration_submit", args=[clean_declaration.pk]))
    assert response.status_code == 200 and "preview" in response.context
    assert Declaration.objects.get(pk=clean_declaration.pk).status == "draft"


def test_confirm_submits(client_a, clean_declaration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_submit(client_a, clean_declaration.pk)
    assert response["Location"] == reverse("declaration_detail", args=[clean_declaration.pk])
    assert Declaration.objects.get(pk=clean_declaration.pk).status == DeclarationStatus.SENT


def test_a_stale_confirmation_is_shown_again(client_a, clean_declaration):
    url = reverse("declaration_submit", args=[clean_declaration.pk])
    fingerprint = client_a.get(url).context["preview"].fingerprint
    Declaration.objects.filter(pk=clean_declaration.pk).update(logistics_no="SF-CHANGED-1")
    response = client_a.post(url, {"confirm": "1", "fingerprint": fingerprint})
    assert response.status_code == 200
    assert response.context["preview"].logistics_no == "SF-CHANGED-1"
    assert (Declaration.objects.get(pk=clean_declaration.pk).status, StatusEvent.objects.count()) == (
        "draft",
        0,
    )


def test_other_tenant_cannot_see_the_confirmation(client_b, clean_declaration):
    assert client_b.get(reverse("declaration_submit", args=[clean_declaration.pk])).status_code == 404


def test_copy_cannot_be_submitted_until_its_numbers_change(client_a, clean_declaration):
    client_a.post(reverse("declaration_copy", args=[clean_declaration.pk]))
    copy = Declaration.objects.exclude(pk=clean_declaration.pk).get()
    assert (copy.copy_of_order_no, copy.copy_of_logistics_no) == (
        clean_declaration.order_no,
        clean_declaration.logistics_no,
    )
    codes = {d["code"] for d in copy.findings}
    assert {"COPY_ORDER_NO_UNCHANGED"} <= codes
    with translation.override("en"):
        page = client_a.get(reverse("declaration_edit", args=[copy.pk])).content.decode()
    assert 'id="copy-notice"' in page
    confirmation = client_a.get(reverse("declaration_submit", args=[copy.pk]))
    assert 'id="confirm-submit"' not in confirmation.content.decode()
    assert "COPY_ORDER_NO_UNCHANGED" in confirmation.content.decode()
    response = client_a.post(
        reverse("declaration_submit", args=[copy.pk]), {"confirm": "1", "fingerprint": "x"}
    )
    assert Declaration.objects.get(pk=copy.pk).status == "draft"
    # Forced through (a confirmation with the right fingerprint): the service refuses it all the same.
    response = confirm_submit(client_a, copy.pk)
    assert Declaration.objects.get(pk=copy.pk).status == "draft"
    assert response.status_code in (200, 302)


def test_copy_with_its_own_numbers_submits(client_a, clean_declaration, django_capture_on_commit_callbacks):
    from declarations.services.declarations import declaration_copy, declaration_validate

    copy = declaration_copy(declaration=clean_declaration)
    Declaration.objects.filter(pk=copy.pk).update(order_no="NEW-ORDER-9", logistics_no="SF9999999999")
    declaration_validate(declaration_id=copy.pk)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_submit(client_a, copy.pk)
    assert Declaration.objects.get(pk=copy.pk).status == DeclarationStatus.SENT


def test_api_preview_matches_the_page_and_submit_needs_no_flag(
    user_a, user_b, clean_declaration, django_capture_on_commit_callbacks
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    url = reverse("api-declaration-submit-preview", args=[clean_declaration.pk])
    assert api(user_b).get(url).status_code == 404
    body = api(user_a).get(url).json()
    assert (body["channel"], body["lines"], body["orderNo"]) == ("list", 1, clean_declaration.order_no)
    assert body["valueCny"] and body["rate"] and body["blocking"] == []
    assert [m.split()[0] for m in body["messages"]] == ["CEB303", "CEB505", "CEB603"]
    assert Declaration.objects.get(pk=clean_declaration.pk).status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        response = api(user_a).post(f"/api/declarations/{clean_declaration.pk}/submit/")
    assert response.status_code == 200
    assert Declaration.objects.get(pk=clean_declaration.pk).status == DeclarationStatus.SENT
