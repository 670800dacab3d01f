"""Another tenant can never make your receipts unmatched: receipts correlate by our message's guid first, else
only against submitted declarations; a customs code belongs to one enterprise (issue 19, item 3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from declarations.choices import DeclarationStatus, ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ, parse_receipt
from declarations.models import Declaration, Enterprise
from declarations.services.enterprises import enterprise_create
from declarations.services.receipts import receipt_apply
from tests import factories as f

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)
GUID = "1A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41"


def _apply(raw):
    return [receipt_apply(entry=e, raw=raw, file_name="r.xml") for e in parse_receipt(raw)]


def _waybill_receipt(declaration, guid=GUID):
    entry = {
        "guid": guid,
        "logisticsCode": declaration.logistics_code,
        "logisticsNo": declaration.logistics_no,
        "returnStatus": "2",
        "returnTime": T0,
        "returnInfo": "申报中",
    }
    return render_receipt("CEB506", [entry])


def _order_receipt(declaration):
    entry = {
        "guid": GUID,
        "ebpCode": declaration.ebp_code,
        "ebcCode": declaration.enterprise.ceb_code,
        "orderNo": declaration.order_no,
        "returnStatus": "2",
        "returnTime": T0,
        "returnInfo": "申报中",
    }
    return render_receipt("CEB304", [entry])


def _status(declaration):
    return Declaration.objects.get(pk=declaration.pk).status


def test_another_tenants_draft_with_my_waybill_number_cannot_take_my_receipt(exporter_a, exporter_b):
    mine = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)
    f.DeclarationFactory(
        enterprise=exporter_b,
        logistics_code=mine.logistics_code,
        logistics_no=mine.logistics_no,
        status=DeclarationStatus.DRAFT,
    )
    [receipt] = _apply(_waybill_receipt(mine))
    assert (receipt.state, receipt.declaration_id) == (ReceiptState.APPLIED, mine.pk)
    assert _status(mine) == DeclarationStatus.DECLARING


def test_a_draft_with_my_order_number_does_not_make_my_order_receipt_ambiguous(exporter_a):
    mine = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)
    draft = f.DeclarationFactory(
        enterprise=exporter_a, order_no=mine.order_no, status=DeclarationStatus.DRAFT
    )
    [receipt] = _apply(_order_receipt(mine))
    assert (receipt.state, receipt.declaration_id) == (ReceiptState.APPLIED, mine.pk)
    assert _status(draft) == DeclarationStatus.DRAFT


def test_a_draft_alone_never_receives_a_receipt(exporter_b):
    draft = f.DeclarationFactory(enterprise=exporter_b, status=DeclarationStatus.DRAFT)
    [receipt] = _apply(_waybill_receipt(draft))
    assert (receipt.state, receipt.declaration_id) == (ReceiptState.UNMATCHED, None)
    assert _status(draft) == DeclarationStatus.DRAFT


def test_the_guid_of_the_message_we_sent_decides_between_submitted_declarations(exporter_a, exporter_b):
    mine = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)
    other = f.DeclarationFactory(
        enterprise=exporter_b,
        logistics_code=mine.logistics_code,
        logistics_no=mine.logistics_no,
        status=DeclarationStatus.SENT,
    )
    f.RenderedMessageFactory(declaration=mine, message_type="CEB505", guid=GUID)
    f.RenderedMessageFactory(declaration=other, message_type="CEB505")
    [receipt] = _apply(_waybill_receipt(mine, guid=GUID))
    assert (receipt.state, receipt.declaration_id) == (ReceiptState.APPLIED, mine.pk)
    assert _status(other) == DeclarationStatus.SENT


def test_without_our_guid_the_declaration_that_sent_the_message_type_wins(exporter_a, exporter_b):
    mine = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)
    other = f.DeclarationFactory(
        enterprise=exporter_b,
        logistics_code=mine.logistics_code,
        logistics_no=mine.logistics_no,
        status=DeclarationStatus.SUBMITTED,  # submitted, nothing rendered yet
    )
    f.RenderedMessageFactory(declaration=mine, message_type="CEB505")
    [receipt] = _apply(_waybill_receipt(mine, guid="00000000-0000-4000-8000-FFFFFFFFFFFF"))
    assert receipt.declaration_id == mine.pk
    assert _status(other) == DeclarationStatus.SUBMITTED


def test_two_submitted_senders_stay_ambiguous_for_an_admin(exporter_a, exporter_b):
    mine = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)
    other = f.DeclarationFactory(
        enterprise=exporter_b,
        logistics_code=mine.logistics_code,
        logistics_no=mine.logistics_no,
        status=DeclarationStatus.SENT,
    )
    for declaration in (mine, other):
        f.RenderedMessageFactory(declaration=declaration, message_type="CEB505")
    [receipt] = _apply(_waybill_receipt(mine, guid="00000000-0000-4000-8000-FFFFFFFFFFFF"))
    assert receipt.state == ReceiptState.UNMATCHED
    assert {_status(mine), _status(other)} == {DeclarationStatus.SENT}


# --- a customs code belongs to one enterprise ----------------------------------------------------------------


def test_the_database_refuses_a_second_enterprise_with_the_same_customs_code(exporter_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="克隆", uscc=f.make_uscc(999), customs_code=exporter_a.customs_code)
    # Enterprises without a customs code yet are many.
    Enterprise.objects.create(name="无编码一", uscc=f.make_uscc(997), customs_code="")
    Enterprise.objects.create(name="无编码二", uscc=f.make_uscc(998), customs_code="")


def test_the_service_refuses_a_clone_with_a_clear_message(exporter_a):
    user = f.UserFactory()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        enterprise_create(
            creator=user, name="克隆", uscc=f.make_uscc(999), customs_code=exporter_a.customs_code
        )
    assert "already has this customs registration code" in " ".join(refused.value.messages)
    assert Enterprise.objects.filter(customs_code=exporter_a.customs_code).count() == 1


@pytest.mark.parametrize(
    "language, text", [("en", "already has this customs registration code"), ("zh-hans", "海关注册编码")]
)
def test_the_form_refuses_a_clone_on_its_field(client, exporter_a, language, text):
    client.force_login(f.UserFactory())
    data = {"name": "克隆公司", "uscc": f.make_uscc(999), "customs_code": exporter_a.customs_code.lower()}
    with translation.override(language):
        response = client.post(reverse("enterprise_create"), data)
    assert response.status_code == 200
    assert "customs_code" in response.context["form"].errors
    assert text in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_editing_keeps_ones_own_code_and_the_live_check_names_a_taken_one(client, exporter_a, exporter_b):
    user = f.UserFactory()
    f.MembershipFactory(user=user, enterprise=exporter_a, role="admin")
    client.force_login(user)
    with translation.override("en"):
        url = reverse("enterprise_check", args=["customs_code"])
        own = client.get(url, {"customs_code": exporter_a.customs_code, "pk": exporter_a.pk})
        taken = client.get(url, {"customs_code": exporter_b.customs_code, "pk": exporter_a.pk})
    assert "already registered in the portal" not in own.content.decode()
    assert "already registered in the portal" in taken.content.decode()
