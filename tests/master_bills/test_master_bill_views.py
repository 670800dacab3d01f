"""The master bill screens: a broker files one for its clients' lists; findings show at their fields; sending
asks for confirmation; another tenant reaches nothing (the route probe covers every method)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from declarations.models import MasterBill
from declarations.rules.finding import Finding
from declarations.services.codes import code_tables_load
from declarations.services.master_bills import master_bill_create
from tests import factories as f
from tests.master_bills.conftest import HEAD, released_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_agent(agent_user):
    code_tables_load()
    client = Client()
    client.force_login(agent_user)
    return client


def _post(three_lists, **head):
    data = {
        "agent": three_lists[0].agent_id,
        "lists": [d.pk for d in three_lists],
        **{k: v for k, v in HEAD.items()},
        "action": "save",
    }
    data.update(head)
    return data


def test_form_offers_only_declared_lists_no_bill_names(client_agent, agent, three_lists):
    draft = f.DeclarationFactory(agent=agent)  # a draft: not offered
    on_bill = released_list(agent, 7)
    master_bill_create(agent=agent, declarations=[on_bill], head=dict(HEAD, gross_weight=Decimal(50)))

    page = client_agent.get(reverse("master_bill_create")).content.decode()

    for d in three_lists:
        assert f'id="list-{d.pk}"' in page and d.invt_no in page
    assert f'id="list-{draft.pk}"' not in page
    assert f'id="list-{on_bill.pk}"' not in page


def test_prefill_takes_office_carrier_weight_and_packages_from_the_lists(client_agent, three_lists):
    data = {"agent": three_lists[0].agent_id, "lists": [d.pk for d in three_lists], "action": "prefill"}

    response = client_agent.post(reverse("master_bill_create"), data)

    form = response.context["form"]
    assert form.initial["customs_code"] == "5141"
    assert form.initial["logistics_code"] == "4401980ABC"
    assert form.initial["gross_weight"] == "127.5"
    assert form.initial["pack_no"] == 12
    assert response.context["selected"] == {d.pk for d in three_lists}
    assert MasterBill.objects.count() == 0


def test_save_then_confirm_then_send(client_agent, three_lists):
    response = client_agent.post(reverse("master_bill_create"), _post(three_lists))
    bill = MasterBill.objects.get()
    assert response.status_code == 302 and response.url == reverse("master_bill_detail", args=[bill.pk])

    confirm = client_agent.get(reverse("master_bill_submit", args=[bill.pk])).content.decode()
    assert "MBL-2026-000123" in confirm and "CEB607" in confirm
    assert MasterBill.objects.get().status == MasterBill.Status.DRAFT  # looking sends nothing

    client_agent.post(reverse("master_bill_submit", args=[bill.pk]))
    bill.refresh_from_db()
    assert bill.status == MasterBill.Status.SENT
    download = client_agent.get(reverse("master_bill_message", args=[bill.pk]))
    assert download.content == bytes(bill.message_content)
    assert download["Content-Disposition"] == f'attachment; filename="CEB607_{bill.message_guid}.xml"'
    assert (settings.OUTBOX_DIR / f"CEB607_{bill.message_guid}.xml").exists()


def test_findings_show_at_their_fields_and_nothing_is_stored(client_agent, three_lists):
    response = client_agent.post(
        reverse("master_bill_create"), _post(three_lists, gross_weight="100", voyage_no="")
    )

    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("zh-hans"):
        assert form.errors["voyage_no"] == [Finding.of("REQUIRED", "voyageNo").message]
    assert len(form.errors["gross_weight"]) == 1
    page = response.content.decode()
    assert 'data-code="MB_GROSS_WEIGHT_BELOW_LISTS"' in page
    assert MasterBill.objects.count() == 0


def test_another_tenants_list_cannot_be_named(client_agent, three_lists):
    foreign = released_list(f.EnterpriseFactory(), 99)

    response = client_agent.post(
        reverse("master_bill_create"), _post(three_lists, lists=[three_lists[0].pk, foreign.pk])
    )

    assert response.status_code == 200
    assert "lists" in response.context["form"].errors
    assert MasterBill.objects.count() == 0


def test_draft_preview_and_delete(client_agent, agent, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)

    preview = client_agent.get(reverse("master_bill_message", args=[bill.pk]))
    assert preview["Content-Disposition"] == 'attachment; filename="CEB607_preview.xml"'
    assert b"<ceb:billNo>MBL-2026-000123</ceb:billNo>" in preview.content
    assert MasterBill.objects.get().message_guid == ""  # a preview stores nothing

    client_agent.post(reverse("master_bill_delete", args=[bill.pk]))
    assert MasterBill.objects.count() == 0


def test_the_list_page_shows_its_master_bill_and_other_tenants_get_404(client_agent, agent, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)

    fragment = client_agent.get(reverse("declaration_list_life", args=[three_lists[0].pk])).content.decode()
    assert reverse("master_bill_detail", args=[bill.pk]) in fragment
    assert "MBL-2026-000123" in fragment

    outsider = Client()
    outsider.force_login(f.MembershipFactory().user)
    assert outsider.get(reverse("master_bill_detail", args=[bill.pk])).status_code == 404
    assert outsider.post(reverse("master_bill_submit", args=[bill.pk])).status_code == 404
    assert MasterBill.objects.get().status == MasterBill.Status.DRAFT


def test_an_exporter_sees_the_brokers_bill_number_on_its_list_but_not_the_bill(agent, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)
    exporter_user = f.MembershipFactory(enterprise=three_lists[0].enterprise).user
    client = Client()
    client.force_login(exporter_user)

    fragment = client.get(reverse("declaration_list_life", args=[three_lists[0].pk])).content.decode()

    assert "MBL-2026-000123" in fragment
    assert reverse("master_bill_detail", args=[bill.pk]) not in fragment
    assert client.get(reverse("master_bill_detail", args=[bill.pk])).status_code == 404
