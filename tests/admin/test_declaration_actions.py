"""Declaration admin actions: re-validate, re-render, re-send; idempotent, through the services."""

import pytest
from django.conf import settings

from declarations.services.codes import code_tables_load
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/admin/declarations/declaration/"


def test_revalidate_twice_stores_the_same_findings(admin_client_su, exporter_a):
    code_tables_load()
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    for _ in range(2):
        admin_client_su.post(URL, {"action": "revalidate", "_selected_action": [declaration.pk]})
    declaration.refresh_from_db()
    assert [x["code"] for x in declaration.findings] == ["REGISTRATION_MISSING"]


def test_resend_writes_the_outbox_idempotently(admin_client_su, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    message = f.RenderedMessageFactory(declaration=declaration, version=1, content=b"<a/>")
    for _ in range(2):
        response = admin_client_su.post(URL, {"action": "resend", "_selected_action": [declaration.pk]})
        assert response.status_code == 302
    assert (settings.OUTBOX_DIR / message.file_name).read_bytes() == b"<a/>"
    message.refresh_from_db()
    assert message.outbox_file == message.file_name


def test_rerender_reuses_stored_messages(admin_client_su, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    f.RenderedMessageFactory(declaration=declaration, version=1)
    admin_client_su.post(URL, {"action": "rerender", "_selected_action": [declaration.pk]})
    assert declaration.messages.count() == 1
    declaration.refresh_from_db()
    assert declaration.status == "sent"


def test_message_download(admin_client_su, exporter_a):
    message = f.RenderedMessageFactory(declaration__enterprise=exporter_a, content=b"<x/>")
    response = admin_client_su.get(f"/admin/declarations/renderedmessage/{message.pk}/download/")
    assert response.status_code == 200
    assert response.content == b"<x/>"
