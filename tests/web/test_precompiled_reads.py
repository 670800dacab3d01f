"""Reads compiled once per process (``declarations.precompiled``) return exactly what the plain queryset returns,
compile once per shape, and refuse what they cannot carry."""

import threading

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from declarations.models import Declaration, Enterprise
from declarations.precompiled import Precompiled, PrecompileError
from declarations.selectors import (
    declaration_for_user,
    enterprise_ids_for_user,
    enterprises_for_user,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A broker with two delegating exporters (one delegation revoked), an exporter, an outsider, a superuser."""
    broker = f.EnterpriseFactory(is_broker=True, is_exporter=False)
    a, b, c = f.EnterpriseFactory(), f.EnterpriseFactory(), f.EnterpriseFactory()
    f.DelegationFactory(broker=broker, exporter=a)
    f.DelegationFactory(broker=broker, exporter=b, status="ended")
    users = {
        "broker": f.MembershipFactory(enterprise=broker).user,
        "exporter_a": f.MembershipFactory(enterprise=a).user,
        "two_hats": f.MembershipFactory(enterprise=c).user,
        "nobody": f.UserFactory(),
        "root": f.UserFactory(is_superuser=True),
    }
    f.MembershipFactory(enterprise=broker, user=users["two_hats"])
    declarations = {
        "a": f.DeclarationFactory(enterprise=a, agent=broker),
        "b": f.DeclarationFactory(enterprise=b, agent=b),
        "c": f.DeclarationFactory(enterprise=c, agent=c),
    }
    return users, declarations


def _plain_declaration(user, pk):
    """The same read through the plain ORM: the user's tenants' declarations."""
    ids = set(enterprises_for_user(user=user).values_list("pk", flat=True))
    found = Declaration.objects.filter(pk=pk).select_related("enterprise", "agent", "warehouse").first()
    return found if found and (found.enterprise_id in ids or found.agent_id in ids) else None


def test_enterprise_ids_equal_the_plain_query_for_every_user(world):
    users, _ = world
    for name, user in users.items():
        expected = sorted(enterprises_for_user(user=user).values_list("pk", flat=True))
        assert sorted(enterprise_ids_for_user(user=user)) == expected, name
    assert (
        len(enterprise_ids_for_user(user=users["two_hats"])) == 3
    )  # own + broker + broker's delegating exporter
    assert enterprise_ids_for_user(user=users["nobody"]) == []


def test_declaration_for_user_equals_the_plain_read_for_every_user_and_declaration(world):
    users, declarations = world
    for name, user in users.items():
        for declaration in declarations.values():
            expected = _plain_declaration(user, declaration.pk) if not user.is_superuser else declaration
            if expected is None:
                with pytest.raises(Http404):
                    declaration_for_user(user=user, pk=declaration.pk)
                continue
            found = declaration_for_user(user=user, pk=declaration.pk)
            assert (found.pk, found.cop_no, found.enterprise.name, found.agent.name) == (
                expected.pk,
                expected.cop_no,
                expected.enterprise.name,
                expected.agent.name,
            ), name


def test_declaration_for_user_joins_and_defers_as_asked(world):
    users, declarations = world
    with CaptureQueriesContext(connection) as queries:
        found = declaration_for_user(
            user=users["broker"],
            pk=declarations["a"].pk,
            columns=("cop_no", "enterprise__name", "agent__name", "warehouse__name"),
        )
        assert (found.cop_no, found.enterprise.name) == (
            declarations["a"].cop_no,
            declarations["a"].enterprise.name,
        )
    assert len(queries) == 1
    assert found.get_deferred_fields() >= {"order_no", "status"}


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30, "abc", None])
def test_declaration_for_user_out_of_range_ids_are_404_without_a_query(world, pk):
    users, _ = world
    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        declaration_for_user(user=users["root"], pk=pk)
    assert len(queries) == 0


def test_compiled_once_per_shape(world, monkeypatch):
    users, declarations = world
    read = Precompiled(
        lambda shape, *, pk: Declaration.objects.filter(pk=pk).values_list("cop_no", flat=True)
    )
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k)
    )

    results = [read(pk=d.pk) for d in declarations.values()]

    assert results == [[d.cop_no] for d in declarations.values()]
    assert len(compiles) == 1
    read(shape="another", pk=declarations["a"].pk)
    assert len(compiles) == 2


def test_list_parameters_are_shaped_by_length_and_empty_lists_read_nothing(world):
    _, declarations = world
    read = Precompiled(lambda shape, *, pks: Declaration.objects.filter(pk__in=pks).order_by("pk"))
    pks = sorted(d.pk for d in declarations.values())
    assert [d.pk for d in read(pks=pks)] == pks
    assert [d.pk for d in read(pks=pks[:1])] == pks[:1]
    assert [d.pk for d in read(pks=[pks[2], pks[0]])] == [pks[0], pks[2]]
    with CaptureQueriesContext(connection) as queries:
        assert read(pks=[]) == []
    assert len(queries) == 0


def test_a_parameter_the_query_transforms_is_refused(world):
    read = Precompiled(lambda shape, *, pk: Enterprise.objects.filter(name__icontains=pk))
    with pytest.raises(PrecompileError):
        read(pk=1)
    missing = Precompiled(lambda shape, *, pk: Enterprise.objects.all())
    with pytest.raises(PrecompileError):
        missing(pk=1)


def test_at_most_max_shapes_are_kept(world):
    read = Precompiled(
        lambda end, *, pk: Enterprise.objects.filter(pk__gt=pk).order_by("pk")[:end], max_shapes=2
    )
    for end in (1, 2, 3):
        assert len(read(shape=end, pk=0)) == end
    assert len(read._shapes) == 2


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_on_its_own_connection():
    enterprise = f.EnterpriseFactory()
    read = Precompiled(lambda shape, *, pk: Enterprise.objects.filter(pk=pk).values_list("name", flat=True))
    assert read(pk=enterprise.pk) == [enterprise.name]  # compiled on this thread
    seen = {}

    def other():
        with CaptureQueriesContext(connections["default"]) as queries:
            seen["result"] = read(pk=enterprise.pk)
        seen["queries"] = len(queries)
        seen["connection"] = connections["default"]
        connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen["result"] == [enterprise.name]
    assert seen["queries"] == 1  # executed on the other thread's connection, where it was captured
    assert seen["connection"] is not connections["default"]


def test_a_placeholder_out_of_a_columns_range_is_refused_not_read_as_empty():
    from declarations.models import HSCode

    read = Precompiled(lambda shape, *, level: HSCode.objects.filter(level=level))
    with pytest.raises(PrecompileError):
        read(level=4)
