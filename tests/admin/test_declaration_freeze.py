"""Issue 22 part 4: a declaration customs has is read-only in admin (only the actions remain) and in the API;
an editable one is saved through the service, which records the edit on the timeline."""

import re

import pytest

from declarations.models import Declaration, StatusEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/admin/declarations/declaration/"


@pytest.mark.parametrize("status", ["submitted", "sent", "declaring", "released"])
def test_frozen_declaration_is_read_only_in_admin(admin_client_su, exporter_a, status):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status=status, order_no="KEEP-1")
    page = admin_client_su.get(f"{URL}{declaration.pk}/change/").content.decode()
    assert 'id="declaration-frozen"' in page
    assert 'name="order_no"' not in page
    response = admin_client_su.post(f"{URL}{declaration.pk}/change/", {"order_no": "CHANGED"})
    assert response.status_code == 403
    assert admin_client_su.post(f"{URL}{declaration.pk}/delete/", {"post": "yes"}).status_code == 403
    declaration.refresh_from_db()
    assert (declaration.order_no, declaration.status) == ("KEEP-1", status)
    assert not StatusEvent.objects.filter(declaration=declaration).exists()


def test_bulk_delete_is_not_offered(admin_client_su, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="released")
    page = admin_client_su.get(URL).content.decode()
    assert 'value="delete_selected"' not in page
    admin_client_su.post(
        URL, {"action": "delete_selected", "_selected_action": [declaration.pk], "post": "yes"}
    )
    assert Declaration.objects.filter(pk=declaration.pk).exists()


def test_actions_remain_on_a_released_declaration(admin_client_su, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="released")
    page = admin_client_su.get(URL).content.decode()
    for action in ("revalidate", "rerender", "resend"):
        assert f'value="{action}"' in page
    response = admin_client_su.post(URL, {"action": "revalidate", "_selected_action": [declaration.pk]})
    assert response.status_code == 302


def test_editable_declaration_edit_goes_through_the_service_and_is_recorded(
    admin_client_su, superuser, exporter_a
):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="draft", order_no="OLD-1")
    page = admin_client_su.get(f"{URL}{declaration.pk}/change/").content.decode()
    assert 'id="declaration-frozen"' not in page and 'name="order_no"' in page
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(declaration).items()}
    data.update({"order_no": "NEW-1"})
    # Every inline's management form, as the page renders them (lines, messages, receipts, events, documents).
    prefixes = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page)
    assert {"lines", "messages", "receipts", "events"} <= set(prefixes)
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client_su.post(f"{URL}{declaration.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    declaration.refresh_from_db()
    assert (declaration.order_no, declaration.status) == ("NEW-1", "draft")
    event = StatusEvent.objects.get(declaration=declaration)
    assert (event.source, event.actor, event.from_status, event.to_status) == (
        "admin",
        superuser,
        "draft",
        "draft",
    )
    assert "order_no" in event.note


def test_service_refuses_a_declaration_that_froze_meanwhile(exporter_a):
    from declarations.services.declaration_admin import declaration_admin_save
    from declarations.services.declarations import DeclarationNotEditable

    declaration = f.DeclarationFactory(enterprise=exporter_a, status="draft", order_no="OLD-1")
    Declaration.objects.filter(pk=declaration.pk).update(status="sent")
    declaration.order_no = "NEW-1"
    with pytest.raises(DeclarationNotEditable):
        declaration_admin_save(declaration=declaration, changed=["order_no"], actor=None)
    assert Declaration.objects.get(pk=declaration.pk).order_no == "OLD-1"
