import io
import zipfile

import pytest
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from tests import factories as f
from tests.submit_confirm import confirm_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(client_a, clean_declaration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirm_submit(client_a, clean_declaration.pk)
    clean_declaration.refresh_from_db()
    return clean_declaration


def test_detail_shows_timeline_and_messages(client_a, sent):
    response = client_a.get(reverse("declaration_detail", args=[sent.pk]))
    assert response.status_code == 200
    assert [e.to_status for e in response.context["events"]] == ["submitted", "sent"]
    assert sorted(m.message_type for m in response.context["rendered"]) == ["CEB303", "CEB505", "CEB603"]
    assert response.context["polling"] is True


def test_status_fragment_polls_until_final(client_a, sent):
    fragment = client_a.get(reverse("declaration_status", args=[sent.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    Declaration.objects.filter(pk=sent.pk).update(status=DeclarationStatus.RELEASED)
    fragment = client_a.get(reverse("declaration_status", args=[sent.pk])).content.decode()
    assert 'hx-trigger="every 2s"' not in fragment
    assert 'data-status="released"' in fragment


def test_receipt_code_and_text_in_timeline(client_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.REJECTED)
    receipt = f.ReceiptFactory(
        declaration=declaration,
        receipt_type="CEB604",
        return_status="100",
        return_info="商品编码与品名不符",
        state="applied",
    )
    declaration.events.create(
        from_status="sent", to_status="rejected", source="receipt", receipt=receipt, return_status="100"
    )
    body = client_a.get(reverse("declaration_status", args=[declaration.pk])).content.decode()
    assert "CEB604 100 海关退单 商品编码与品名不符" in body


def test_message_view_download_and_zip(client_a, sent):
    message = sent.messages.get(message_type="CEB603")
    view = client_a.get(reverse("declaration_message", args=[sent.pk, message.pk]))
    assert "InventoryHead" in view.content.decode()
    download = client_a.get(reverse("declaration_message", args=[sent.pk, message.pk]), {"download": "1"})
    assert download["Content-Disposition"] == f'attachment; filename="{message.file_name}"'
    assert download.content == bytes(message.content)
    archive = zipfile.ZipFile(
        io.BytesIO(client_a.get(reverse("declaration_messages_zip", args=[sent.pk])).content)
    )
    assert sorted(archive.namelist()) == sorted(f"v1/{m.file_name}" for m in sent.messages.all())


def test_customs_declaration_draft(client_a, clean_declaration):
    assert client_a.get(reverse("declaration_draft_xlsx", args=[clean_declaration.pk])).status_code == 404
    Declaration.objects.filter(pk=clean_declaration.pk).update(channel="customs_declaration")
    xlsx = client_a.get(reverse("declaration_draft_xlsx", args=[clean_declaration.pk]))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    page = client_a.get(reverse("declaration_draft_print", args=[clean_declaration.pk]))
    assert clean_declaration.order_no in page.content.decode()


def test_other_tenant_gets_404_everywhere(client_b, sent):
    message = sent.messages.first()
    Declaration.objects.filter(pk=sent.pk).update(channel="customs_declaration")
    for url in (
        reverse("declaration_detail", args=[sent.pk]),
        reverse("declaration_status", args=[sent.pk]),
        reverse("declaration_message", args=[sent.pk, message.pk]),
        reverse("declaration_messages_zip", args=[sent.pk]),
        reverse("declaration_draft_xlsx", args=[sent.pk]),
        reverse("declaration_draft_print", args=[sent.pk]),
    ):
        assert client_b.get(url).status_code == 404, url


def test_message_of_another_declaration_is_404(client_a, sent, exporter_a):
    other = f.DeclarationFactory(enterprise=exporter_a)
    message = sent.messages.first()
    assert client_a.get(reverse("declaration_message", args=[other.pk, message.pk])).status_code == 404
