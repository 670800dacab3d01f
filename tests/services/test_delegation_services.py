"""Delegations managed by the parties (services.delegations): request, entrust, accept, refuse, end, expire.
Each change is an event; a refused action changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from declarations.models import Delegation, DelegationEvent, Membership, Notification
from declarations.services.codes import code_tables_load
from declarations.services.delegations import (
    DelegationRefused,
    delegation_accept,
    delegation_end,
    delegation_entrust,
    delegation_refuse,
    delegation_request,
    delegations_expire,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def exporter():
    return f.EnterpriseFactory(name="Exporter X", customs_code="4401960XXX")


@pytest.fixture
def broker():
    return f.EnterpriseFactory(name="Broker Y", is_exporter=False, is_broker=True, customs_code="4401980YYY")


@pytest.fixture
def exporter_admin(exporter):
    return f.MembershipFactory(enterprise=exporter, role=Membership.Role.ADMIN).user


@pytest.fixture
def broker_admin(broker):
    return f.MembershipFactory(enterprise=broker, role=Membership.Role.ADMIN).user


def _request(broker_admin, broker, exporter, **terms):
    return delegation_request(actor=broker_admin, broker=broker, code=exporter.uscc, **terms)


def _kinds(delegation):
    return list(DelegationEvent.objects.filter(delegation=delegation).values_list("kind", "side"))


def test_request_is_pending_with_its_event_and_tells_the_exporter(
    broker_admin, broker, exporter, exporter_admin
):
    code_tables_load()
    delegation = delegation_request(
        actor=broker_admin,
        broker=broker,
        code=exporter.customs_code.lower(),  # found by customs code, case-insensitive
        modes=["9710"],
        offices=["5141"],
        valid_until=datetime.date(2099, 12, 31),
    )
    assert (delegation.status, delegation.initiated_by) == ("pending", "broker")
    assert (delegation.modes, delegation.offices) == (["9710"], ["5141"])
    assert _kinds(delegation) == [("requested", "broker")]
    notice = Notification.objects.get(user=exporter_admin)
    assert notice.text == "Broker Y asks to declare on behalf of Exporter X."
    assert not Notification.objects.filter(user=broker_admin).exists()


def test_accept_makes_it_live(broker_admin, broker, exporter, exporter_admin):
    delegation = _request(broker_admin, broker, exporter)
    delegation_accept(actor=exporter_admin, delegation=delegation, note="ok")
    delegation.refresh_from_db()
    assert delegation.status == "accepted" and delegation.decided_at is not None
    assert Delegation.objects.live().filter(pk=delegation.pk).exists()
    assert _kinds(delegation) == [("requested", "broker"), ("accepted", "exporter")]
    assert DelegationEvent.objects.get(kind="accepted").actor == exporter_admin


def test_refuse(broker_admin, broker, exporter, exporter_admin):
    delegation = _request(broker_admin, broker, exporter)
    delegation_refuse(actor=exporter_admin, delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.status == "refused"
    assert not Delegation.objects.live().exists()
    # A refused request is for the record; the broker may ask again.
    assert _request(broker_admin, broker, exporter).status == "pending"


@pytest.mark.parametrize("who", ["broker", "exporter"])
def test_either_side_ends(who, broker_admin, broker, exporter, exporter_admin):
    delegation = _request(broker_admin, broker, exporter)
    delegation_accept(actor=exporter_admin, delegation=delegation)
    actor = broker_admin if who == "broker" else exporter_admin
    delegation_end(actor=actor, delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.status == "ended" and delegation.ended_at is not None
    assert _kinds(delegation)[-1] == ("ended", who)
    assert not Delegation.objects.live().exists()


def test_entrust_is_in_force_at_once(broker, exporter, exporter_admin, broker_admin):
    delegation = delegation_entrust(actor=exporter_admin, exporter=exporter, code=broker.uscc)
    assert (delegation.status, delegation.initiated_by) == ("accepted", "exporter")
    assert _kinds(delegation) == [("entrusted", "exporter")]
    assert (
        Notification.objects.get(user=broker_admin).text
        == "Exporter X entrusted Broker Y to declare on its behalf."
    )


def _snapshot():
    return (
        list(Delegation.objects.order_by("pk").values()),
        DelegationEvent.objects.count(),
        Notification.objects.count(),
    )


def test_only_the_exporters_administrator_decides(broker_admin, broker, exporter, exporter_admin):
    delegation = _request(broker_admin, broker, exporter)
    member = f.MembershipFactory(enterprise=exporter, role=Membership.Role.MEMBER).user
    outsider = f.MembershipFactory(role=Membership.Role.ADMIN).user
    before = _snapshot()
    for actor in (broker_admin, member, outsider):
        for service in (delegation_accept, delegation_refuse):
            with pytest.raises(PermissionDenied):
                service(actor=actor, delegation=delegation)
    with pytest.raises(PermissionDenied):
        delegation_end(actor=outsider, delegation=delegation)
    assert _snapshot() == before


def test_only_a_brokers_administrator_requests(broker, exporter):
    member = f.MembershipFactory(enterprise=broker, role=Membership.Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        delegation_request(actor=member, broker=broker, code=exporter.uscc)
    exporter_admin = f.MembershipFactory(enterprise=exporter, role=Membership.Role.ADMIN).user
    with pytest.raises(PermissionDenied):  # an exporter is not a broker
        delegation_request(actor=exporter_admin, broker=exporter, code=exporter.uscc)
    assert not Delegation.objects.exists()


def _codes(exc_info):
    return [(p.code, p.field) for p in exc_info.value.problems]


def test_refusals_name_the_rule_and_the_field(broker_admin, broker, exporter, exporter_admin):
    code_tables_load()
    with pytest.raises(DelegationRefused) as refused:
        delegation_request(actor=broker_admin, broker=broker, code="91000000MA0000000X")
    assert _codes(refused) == [("DLG_NO_COUNTERPARTY", "code")]
    with pytest.raises(DelegationRefused) as refused:  # a broker is found only as broker, not as exporter
        delegation_request(actor=broker_admin, broker=broker, code=broker.uscc)
    assert _codes(refused) == [("DLG_NO_COUNTERPARTY", "code")]
    today = timezone.localdate()
    with pytest.raises(DelegationRefused) as refused:
        _request(
            broker_admin,
            broker,
            exporter,
            modes=["9610"],
            offices=["5141", "ZZZZ"],
            valid_from=today + datetime.timedelta(days=5),
            valid_until=today + datetime.timedelta(days=1),
        )
    assert _codes(refused) == [
        ("DLG_UNKNOWN_MODE", "modes"),
        ("DLG_PERIOD_ORDER", "valid_until"),
        ("DLG_UNKNOWN_OFFICE", "offices"),
    ]
    assert "ZZZZ" in refused.value.problems[2].message
    with pytest.raises(DelegationRefused) as refused:
        _request(broker_admin, broker, exporter, valid_until=today - datetime.timedelta(days=1))
    assert _codes(refused) == [("DLG_PERIOD_PAST", "valid_until")]
    assert not Delegation.objects.exists()

    _request(broker_admin, broker, exporter)
    before = _snapshot()
    with pytest.raises(DelegationRefused) as refused:
        _request(broker_admin, broker, exporter)
    assert _codes(refused) == [("DLG_ALREADY_OPEN", "code")]
    with pytest.raises(DelegationRefused) as refused:
        delegation_entrust(actor=exporter_admin, exporter=exporter, code=broker.customs_code)
    assert _codes(refused) == [("DLG_ALREADY_OPEN", "code")]
    assert _snapshot() == before


def test_an_ended_delegation_cannot_be_accepted_or_ended_again(
    broker_admin, broker, exporter, exporter_admin
):
    delegation = _request(broker_admin, broker, exporter)
    delegation_end(actor=broker_admin, delegation=delegation)  # the broker withdraws its request
    before = _snapshot()
    for service in (delegation_accept, delegation_refuse, delegation_end):
        with pytest.raises(DelegationRefused) as refused:
            service(actor=exporter_admin, delegation=delegation)
        assert _codes(refused) == [("DLG_NOT_OPEN", None)]
        assert refused.value.problems[0].message == (
            "This delegation is “Ended” and can no longer be changed this way."
        )
    assert _snapshot() == before


def test_expiry_stops_it_at_once_and_the_sweep_records_it(broker, exporter, broker_admin, exporter_admin):
    today = timezone.localdate()
    lapsed = f.DelegationFactory(
        broker=broker, exporter=exporter, valid_until=today - datetime.timedelta(days=1)
    )
    other = f.EnterpriseFactory()
    current = f.DelegationFactory(broker=broker, exporter=other, valid_until=today)
    future = f.DelegationFactory(exporter=exporter, valid_from=today + datetime.timedelta(days=1))
    # Not live before the sweep ran: the definition reads the date, not the status.
    assert list(Delegation.objects.live()) == [current]
    assert future not in Delegation.objects.live()

    assert delegations_expire() == 1
    lapsed.refresh_from_db()
    assert lapsed.status == "expired"
    assert _kinds(lapsed) == [("expired", "")]
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert sorted(Notification.objects.values_list("user__memberships__enterprise", "text")) == sorted(
        [
            (party.pk, f"The delegation from Exporter X to Broker Y expired after {yesterday}.")
            for party in (exporter, broker)
        ]
    )
    assert delegations_expire() == 0  # once
