"""The list's page is read per tenant side (own declarations, declarations filed as agent for others) and merged:
every page equals the same slice of the plain tenant query in list order, with filters, duplicates counted once,
and no other tenant's declaration."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from declarations.selectors import (
    declaration_list_sides,
    declarations_for_enterprises,
    declarations_page,
    enterprise_ids_for_user,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

COLUMNS = ("cop_no", "status", "created_at", "enterprise__name")


@pytest.fixture
def world():
    """Broker X (the user's enterprise) files for Y (delegating) and once for Z (delegation since revoked), and
    has declarations of its own; W is another tenant. Creation times interleave all of them."""
    x = f.EnterpriseFactory(name="X", is_broker=True)
    y, z, w = (f.EnterpriseFactory(name=name) for name in "YZW")
    f.DelegationFactory(broker=x, exporter=y)
    f.DelegationFactory(broker=x, exporter=z, status="ended")
    user = f.MembershipFactory(enterprise=x).user
    start = timezone.now() - datetime.timedelta(days=1)
    plan = ["x", "y", "w", "z", "x", "y", "y", "w", "x", "z", "y", "x", "w", "y", "x"]
    owners = {"x": (x, x), "y": (y, x), "z": (z, x), "w": (w, w)}
    for n, who in enumerate(plan):
        enterprise, agent = owners[who]
        declaration = f.DeclarationFactory(
            enterprise=enterprise,
            agent=agent,
            cop_no=f"{who}-{n:02d}",
            status=DeclarationStatus.SENT if n % 3 == 0 else DeclarationStatus.DRAFT,
        )
        # Two pairs share a creation time: the pk breaks the tie, as in the list's order.
        Declaration.objects.filter(pk=declaration.pk).update(
            created_at=start + datetime.timedelta(minutes=n // 2)
        )
    return user


def _reference(ids, where, offset, limit):
    rows = declarations_for_enterprises(enterprise_ids=ids).filter(where).order_by("-created_at", "-pk")
    return [d.cop_no for d in rows[offset : offset + limit]]


@pytest.mark.parametrize("where", [Q(), Q(status=DeclarationStatus.SENT), Q(cop_no__startswith="z")])
def test_every_page_matches_the_plain_tenant_query(world, where):
    ids = enterprise_ids_for_user(user=world)
    total = declarations_for_enterprises(enterprise_ids=ids).filter(where).count()
    assert total > 0
    for limit in (1, 3, 4):
        for offset in range(0, total + 2):
            page = declarations_page(
                enterprise_ids=ids, where=where, offset=offset, limit=limit, columns=COLUMNS
            )
            assert [d["cop_no"] for d in page] == _reference(ids, where, offset, limit), (limit, offset)


def test_a_declaration_on_both_sides_is_listed_once_and_others_never(world):
    ids = enterprise_ids_for_user(user=world)
    page = declarations_page(enterprise_ids=ids, where=Q(), offset=0, limit=100, columns=COLUMNS)
    cops = [d["cop_no"] for d in page]
    assert len(cops) == len(set(cops)) == 12  # Y's, filed by X, are both Y's own and X's filed-for-others
    assert not [c for c in cops if c.startswith("w")]
    assert sorted(c[0] for c in cops) == sorted("x" * 5 + "y" * 5 + "z" * 2)
    assert {d["enterprise__name"] for d in page} == {"X", "Y", "Z"}  # joined in the same query


def test_empty_and_zero_limit():
    assert declarations_page(enterprise_ids=[], where=Q(), offset=0, limit=25, columns=COLUMNS) == []
    assert declarations_page(enterprise_ids=[1], where=Q(), offset=0, limit=0, columns=COLUMNS) == []


def _user_of(name):
    from declarations.models import Enterprise

    return f.MembershipFactory(enterprise=Enterprise.objects.get(name=name)).user


@pytest.mark.parametrize("who", ["broker X (both sides)", "exporter Y (own side only)"])
@pytest.mark.parametrize("where", [Q(), Q(status=DeclarationStatus.SENT)])
def test_pages_ordered_by_the_counted_sides_match_the_plain_tenant_query(world, who, where):
    user = world if who.startswith("broker") else _user_of("Y")
    ids = enterprise_ids_for_user(user=user)
    total = declarations_for_enterprises(enterprise_ids=ids).filter(where).count()
    for side_limit in (1, 2, 4, 50):  # shorter than the page's end (read again) as well as longer
        sides = declaration_list_sides(enterprise_ids=ids, where=where, limit=side_limit)
        assert sides.count() == min(total, side_limit)
        for limit in (1, 3):
            for offset in range(0, total + 2):
                page = declarations_page(
                    enterprise_ids=ids, where=where, offset=offset, limit=limit, columns=COLUMNS, sides=sides
                )
                assert [d["cop_no"] for d in page] == _reference(ids, where, offset, limit), (
                    side_limit,
                    offset,
                )


def test_the_counted_sides_give_the_order_only_when_one_side_has_any_and_holds_the_page(world):
    broker = declaration_list_sides(enterprise_ids=enterprise_ids_for_user(user=world), where=Q(), limit=50)
    assert broker.own and broker.for_others
    assert broker.one_sided(3) is None  # two sides: merged by creation time
    exporter = declaration_list_sides(
        enterprise_ids=enterprise_ids_for_user(user=_user_of("Y")), where=Q(), limit=3
    )
    assert exporter.own and not exporter.for_others
    assert exporter.one_sided(2) == exporter.own[:2]
    assert exporter.one_sided(3) == exporter.own
    assert exporter.one_sided(4) is None  # Y has 5: its side was read only up to 3
    complete = declaration_list_sides(
        enterprise_ids=enterprise_ids_for_user(user=_user_of("Y")), where=Q(), limit=9
    )
    assert len(complete.own) == 5 and complete.one_sided(8) == complete.own  # all of it: nothing past the end
