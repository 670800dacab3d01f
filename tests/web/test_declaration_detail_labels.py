"""The detail page and status fragment show choice labels in the active language (looked up once per language,
not per row) and link each rendered message."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(exporter_a, user_a):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status="rejected", channel="", recommended_channel="list"
    )
    receipt = f.ReceiptFactory(
        declaration=declaration,
        receipt_type="CEB604",
        return_status="100",
        return_info="退单",
        state="applied",
    )
    f.StatusEventFactory(declaration=declaration, from_status="", to_status="submitted", actor=user_a)
    f.StatusEventFactory(
        declaration=declaration, from_status="sent", to_status="rejected", source="receipt", receipt=receipt
    )
    message = f.RenderedMessageFactory(declaration=declaration, message_type="CEB603")
    return declaration, message


@pytest.mark.parametrize(
    ("prefix", "texts"),
    [
        (
            "/en",
            [
                "<h1>9710 B2B direct export · ",
                'data-status="rejected">Rejected by customs</span>',
                "— → <strong>Submitted, rendering</strong>\n      <small>User · ",
                "Messages in outbox → <strong>Rejected by customs</strong>\n      <small>Customs receipt</small>",
                "Recommended: Inventory list",
                "<td>退单</td><td>Applied</td>",
            ],
        ),
        (
            "",
            [
                "<h1>9710 跨境电商B2B直接出口 · ",
                'data-status="rejected">退单</span>',
                "报文已在发件箱 → <strong>退单</strong>",
                ": 申报清单",
            ],
        ),
    ],
)
def test_labels_in_the_active_language(client_a, followed, prefix, texts):
    declaration, _ = followed
    body = client_a.get(f"{prefix}/declarations/{declaration.pk}/").content.decode()
    for text in texts:
        assert text in body


def test_status_fragment_labels(client_a, followed):
    declaration, _ = followed
    body = client_a.get(f"/en/declarations/{declaration.pk}/status/").content.decode()
    assert 'data-status="rejected">Rejected by customs</span>' in body
    assert "<strong>Rejected by customs</strong>" in body
    assert "CEB604 100 Returned by customs 退单" in body


def test_message_links(client_a, followed):
    declaration, message = followed
    url = reverse("declaration_message", args=[declaration.pk, message.pk])
    body = client_a.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()
    assert f'<a href="{url}">CEB603</a>' in body
    assert f'<a href="{url}?download=1">' in body
