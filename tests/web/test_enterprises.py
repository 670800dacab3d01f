import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from declarations.models import Enterprise, Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

VALID_USCC = f.make_uscc(777)


def _data(**overrides):
    data = {"name": "新出口公司", "uscc": VALID_USCC, "customs_code": "4401961234", "is_exporter": "on"}
    data.update(overrides)
    return data


def test_list_shows_only_own_and_delegating(client_broker, exporter_a, exporter_b, broker_c):
    names = [e.name for e in client_broker.get(reverse("enterprise_list")).context["enterprises"]]
    assert sorted(names) == sorted([exporter_a.name, broker_c.name])


def test_create_makes_the_user_admin(client, db):
    user = f.UserFactory()
    client.force_login(user)
    response = client.post(reverse("enterprise_create"), _data())
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=VALID_USCC)
    assert Membership.objects.filter(user=user, enterprise=enterprise, role="admin").count() == 1


def test_invalid_uscc_error_names_the_field_in_english(client, db):
    client.force_login(f.UserFactory())
    with translation.override("en"):
        url = reverse("enterprise_create")
    response = client.post(url, _data(uscc="91440300MA5ABCDEF0"))
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0
    assert "Unified social credit code: 91440300MA5ABCDEF0 is not a valid unified social credit code" in (
        response.content.decode()
    )


def test_invalid_uscc_error_names_the_field_in_chinese(client, db):
    client.force_login(f.UserFactory())
    response = client.post(reverse("enterprise_create"), _data(uscc=""))
    with translation.override("zh-hans"):
        expected = str(capfirst(Enterprise._meta.get_field("uscc").verbose_name)) + ": 该字段是必填项。"
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_edit_by_admin(client_a, exporter_a):
    response = client_a.post(
        reverse("enterprise_edit", args=[exporter_a.pk]),
        _data(name="甲出口贸易（新）", uscc=exporter_a.uscc, customs_code=exporter_a.customs_code),
    )
    assert response.status_code == 302
    exporter_a.refresh_from_db()
    assert exporter_a.name == "甲出口贸易（新）"


def test_other_tenant_is_404_and_unchanged(client_b, exporter_a):
    url = reverse("enterprise_edit", args=[exporter_a.pk])
    assert client_b.get(url).status_code == 404
    assert client_b.post(url, _data(uscc=exporter_a.uscc)).status_code == 404
    exporter_a.refresh_from_db()
    assert exporter_a.name == "甲出口贸易有限公司"


def test_broker_cannot_edit_delegating_exporter(client_broker, exporter_a):
    url = reverse("enterprise_edit", args=[exporter_a.pk])
    response = client_broker.post(url, _data(uscc=exporter_a.uscc))
    assert response.status_code == 403
    exporter_a.refresh_from_db()
    assert exporter_a.name == "甲出口贸易有限公司"


def test_plain_member_cannot_edit(client, exporter_a):
    member = f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.MEMBER).user
    client.force_login(member)
    response = client.post(reverse("enterprise_edit", args=[exporter_a.pk]), _data(uscc=exporter_a.uscc))
    assert response.status_code == 403
    exporter_a.refresh_from_db()
    assert exporter_a.name == "甲出口贸易有限公司"


def test_anonymous_post_changes_nothing(client, db):
    response = client.post(reverse("enterprise_create"), _data())
    assert response.status_code == 302
    assert Enterprise.objects.count() == 0
