"""Unmatched receipts: attach one to a declaration from the admin; it is applied like an ingested receipt."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from declarations.services.receipt_admin import receipt_attach
from tests import factories as f

pytestmark = pytest.mark.django_db


def _receipt(**kw):
    return f.ReceiptFactory(
        state="unmatched",
        receipt_type="CEB604",
        return_status="120",
        return_time=datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC),
        return_info="accepted",
        keys={"copNo": "X"},
        **kw,
    )


def test_attach_moves_the_declaration_forward(superuser, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    receipt = receipt_attach(receipt=_receipt(), declaration=declaration, actor=superuser)
    declaration.refresh_from_db()
    assert (receipt.state, receipt.declaration_id) == ("applied", declaration.pk)
    assert (declaration.status, declaration.last_return_status) == ("accepted", "120")
    assert declaration.events.get().source == "admin"


def test_attach_twice_is_refused(superuser, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    receipt = _receipt()
    receipt_attach(receipt=receipt, declaration=declaration, actor=superuser)
    with pytest.raises(ValidationError):
        receipt_attach(receipt=receipt, declaration=declaration, actor=superuser)
    assert declaration.events.count() == 1


def test_attach_from_admin_action(admin_client_su, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1, cop_no="COP-ATTACH")
    receipt = _receipt()
    response = admin_client_su.post(
        "/admin/declarations/receipt/",
        {
            "action": "attach_to_declaration",
            "_selected_action": [receipt.pk],
            "apply": "1",
            "declaration": "COP-ATTACH",
        },
    )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert (receipt.state, receipt.declaration_id) == ("applied", declaration.pk)


def test_attach_to_unknown_declaration_changes_nothing(admin_client_su):
    receipt = _receipt()
    response = admin_client_su.post(
        "/admin/declarations/receipt/",
        {
            "action": "attach_to_declaration",
            "_selected_action": [receipt.pk],
            "apply": "1",
            "declaration": "NOPE",
        },
    )
    assert response.status_code == 200
    receipt.refresh_from_db()
    assert (receipt.state, receipt.declaration_id) == ("unmatched", None)


def test_receipt_change_page_shows_raw_xml(admin_client_su):
    receipt = f.ReceiptFactory(raw=b"<CEB604Message>raw</CEB604Message>")
    response = admin_client_su.get(f"/admin/declarations/receipt/{receipt.pk}/change/")
    assert response.status_code == 200
    assert b"&lt;CEB604Message&gt;raw" in response.content
