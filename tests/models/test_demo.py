import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from declarations.models import Declaration, Delegation, Enterprise, Registration, WarehouseFiling
from declarations.selectors import declarations_for_user

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "users": get_user_model().objects.count(),
        "enterprises": Enterprise.objects.count(),
        "declarations": Declaration.objects.count(),
        "registrations": Registration.objects.count(),
        "filings": WarehouseFiling.objects.count(),
        "delegations": Delegation.objects.count(),
    }


def test_load_demo_creates_the_four_business_types_and_prints_logins(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("admin", "reviewer", "exporter_a", "exporter_b", "broker_c"):
        assert username in out
    types = sorted((d.mode, d.channel) for d in Declaration.objects.all())
    assert types == [
        ("9710", "customs_declaration"),
        ("9710", "list"),
        ("9710", "list"),  # the released one with a return (issue 25)
        ("9810", "customs_declaration"),
        ("9810", "list"),
    ]
    for declaration in Declaration.objects.filter(mode="9810"):
        assert declaration.warehouse is not None
        assert declaration.warehouse.approved_filing is not None


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    before = _snapshot()
    call_command("load_demo")
    assert _snapshot() == before


def test_demo_tenancy():
    call_command("load_demo")
    users = get_user_model().objects
    a = set(declarations_for_user(user=users.get(username="exporter_a")).values_list("cop_no", flat=True))
    b = set(declarations_for_user(user=users.get(username="exporter_b")).values_list("cop_no", flat=True))
    c = set(declarations_for_user(user=users.get(username="broker_c")).values_list("cop_no", flat=True))
    assert len(a) == 5
    assert b == set()
    assert c == a  # broker C acts for A
