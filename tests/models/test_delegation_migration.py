"""Migration 0011_delegations_managed: delegations set up in Django admin before stay live (accepted), a revoked
one is ended, and each gets a "recorded" event."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("declarations", "0010_merge_session_18")]
AFTER = [("declarations", "0011_delegations_managed")]


@pytest.mark.django_db(transaction=True)
def test_existing_delegations_are_carried_over():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Enterprise = old.get_model("declarations", "Enterprise")
    Delegation = old.get_model("declarations", "Delegation")
    broker = Enterprise.objects.create(name="B", uscc="91440300MA5F000181", is_broker=True)
    a = Enterprise.objects.create(name="A", uscc="91440101MA9W8GXQ1P", is_exporter=True)
    c = Enterprise.objects.create(name="C", uscc="91330100MA27AB124U", is_exporter=True)
    live = Delegation.objects.create(broker=broker, exporter=a, active=True, agreement_no="DL-1")
    revoked = Delegation.objects.create(broker=broker, exporter=c, active=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Delegation = new.get_model("declarations", "Delegation")
    Event = new.get_model("declarations", "DelegationEvent")
    statuses = dict(Delegation.objects.values_list("pk", "status"))
    assert statuses == {live.pk: "accepted", revoked.pk: "ended"}
    assert Delegation.objects.get(pk=live.pk).agreement_no == "DL-1"
    assert sorted(Event.objects.values_list("delegation_id", "kind", "side")) == [
        (live.pk, "recorded", "admin"),
        (revoked.pk, "recorded", "admin"),
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest state for the next tests
