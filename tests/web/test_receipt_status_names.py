"""A receipt's returnStatus reads with its name (回执状态, domain notes §3.2) wherever it is shown: the detail
page, the status fragment, the dashboard, admin and the API; a negative code is a processing error; an unknown
code stays as it is."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from declarations.code_labels import receipt_status_label
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(exporter_a):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status="released", last_return_status="800", last_return_info="放行"
    )
    f.ReceiptFactory(
        declaration=declaration,
        receipt_type="CEB604",
        return_status="800",
        return_info="放行",
        state="applied",
    )
    return declaration


@pytest.mark.parametrize(
    ("code", "language", "label"),
    [
        ("800", "zh-hans", "800 放行"),
        ("800", "en", "800 Released"),
        ("100", "en", "100 Returned by customs"),
        ("-301", "zh-hans", "-301 处理异常"),
        ("-301", "en", "-301 Processing error"),
        ("777", "en", "777"),
        ("", "en", ""),
        (None, "en", ""),
    ],
)
def test_label(code, language, label):
    from django.utils import translation

    with translation.override(language):
        assert receipt_status_label(code) == label


@pytest.mark.parametrize(("prefix", "text"), [("", "<td>800 放行</td>"), ("/en", "<td>800 Released</td>")])
def test_detail_page_names_the_status(client_a, released, prefix, text):
    body = client_a.get(f"{prefix}/declarations/{released.pk}/").content.decode()
    assert text in body


def test_dashboard_names_the_status(client_a, exporter_a):
    returned = f.DeclarationFactory(enterprise=exporter_a, status="rejected")
    f.ReceiptFactory(
        declaration=returned, receipt_type="CEB604", return_status="100", return_info="退单", state="applied"
    )
    body = client_a.get("/en/").content.decode()
    assert "CEB604 100 Returned by customs" in body


def test_api_gives_code_and_name(user_a, released):
    client = APIClient()
    client.force_authenticate(user_a)
    body = client.get(f"/api/declarations/{released.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["last_return_status"], body["lastReturnStatusName"]) == ("800", "Released")
    receipts = client.get(f"/api/receipts/?declaration={released.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    rows = receipts["results"] if isinstance(receipts, dict) else receipts
    assert [(r["return_status"], r["returnStatusName"]) for r in rows] == [("800", "放行")]


def test_admin_receipt_list_names_the_status(admin_client, released):
    body = admin_client.get(reverse("admin:declarations_receipt_changelist")).content.decode()
    assert "800 放行" in body


def test_timeline_leaves_out_info_that_repeats_the_name(client_a, released, user_a):
    receipt = released.receipts.get()
    f.StatusEventFactory(
        declaration=released, from_status="concluded", to_status="released", source="receipt", receipt=receipt
    )
    zh = client_a.get(f"/declarations/{released.pk}/status/").content.decode()
    en = client_a.get(f"/en/declarations/{released.pk}/status/").content.decode()
    assert "CEB604 800 放行 </span>" in zh  # 放行 is not said twice
    assert "CEB604 800 Released 放行</span>" in en  # customs' own words beside the English name
