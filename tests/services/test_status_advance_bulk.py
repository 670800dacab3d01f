"""declarations_advance_bulk: further fields set with the status, in the same UPDATE, only on the moved rows."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from declarations.choices import Channel, DeclarationStatus, EventSource
from declarations.models import Declaration, StatusEvent
from declarations.services.status import declarations_advance_bulk
from tests import factories as f

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]


def test_each_group_gets_its_fields_in_the_status_update():
    first, second, plain = (f.DeclarationFactory(version=3, channel=Channel.LIST) for _ in range(3))
    with CaptureQueriesContext(connection) as queries:
        moved = declarations_advance_bulk(
            versions={first.pk: 3, second.pk: 3, plain.pk: 3},
            from_statuses={DeclarationStatus.DRAFT},
            to_status=DeclarationStatus.SUBMITTED,
            source=EventSource.USER,
            also=[
                (
                    [first.pk],
                    {"version": F("version") + 1, "submitted_at": AT, "channel": Channel.CUSTOMS_DECLARATION},
                ),
                ([second.pk], {"version": F("version") + 1, "submitted_at": AT}),
            ],
        )
    assert moved == {pk: DeclarationStatus.DRAFT for pk in (first.pk, second.pk, plain.pk)}
    assert len(_updates(queries.captured_queries)) == 3  # one per group, the status in each
    rows = {
        pk: (status, version, submitted_at, channel)
        for pk, status, version, submitted_at, channel in Declaration.objects.values_list(
            "pk", "status", "version", "submitted_at", "channel"
        )
    }
    assert rows == {
        first.pk: (DeclarationStatus.SUBMITTED, 4, AT, Channel.CUSTOMS_DECLARATION),
        second.pk: (DeclarationStatus.SUBMITTED, 4, AT, Channel.LIST),
        plain.pk: (DeclarationStatus.SUBMITTED, 3, None, Channel.LIST),
    }
    assert StatusEvent.objects.filter(to_status=DeclarationStatus.SUBMITTED).count() == 3


def test_a_declaration_not_moved_keeps_every_field_of_its_group():
    moving = f.DeclarationFactory(version=1)
    stale = f.DeclarationFactory(version=2)  # the caller holds version 1: changed meanwhile
    sent = f.DeclarationFactory(version=1, status=DeclarationStatus.SENT)
    before = {d.pk: (d.status, d.version, d.submitted_at) for d in (stale, sent)}
    group = [moving.pk, stale.pk, sent.pk]
    moved = declarations_advance_bulk(
        versions={moving.pk: 1, stale.pk: 1, sent.pk: 1},
        from_statuses={DeclarationStatus.DRAFT},
        to_status=DeclarationStatus.SUBMITTED,
        source=EventSource.USER,
        also=[(group, {"version": F("version") + 1, "submitted_at": AT})],
    )
    assert moved == {moving.pk: DeclarationStatus.DRAFT}
    after = {
        pk: (status, version, submitted_at)
        for pk, status, version, submitted_at in Declaration.objects.filter(
            pk__in=[stale.pk, sent.pk]
        ).values_list("pk", "status", "version", "submitted_at")
    }
    assert after == before
    assert Declaration.objects.values_list("version", "submitted_at").get(pk=moving.pk) == (2, AT)
    assert list(StatusEvent.objects.values_list("declaration_id", flat=True)) == [moving.pk]
