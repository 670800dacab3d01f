"""load_demo shows one pending delegation request: broker C asks exporter B; A's delegation to C stays live."""

import pytest

from declarations.models import Delegation
from declarations.selectors_delegations import delegations_for_user
from declarations.services.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_has_a_pending_request_from_broker_c_to_exporter_b(django_user_model):
    demo_load()
    demo_load()  # idempotent
    rows = sorted(
        Delegation.objects.values_list(
            "broker__customs_code", "exporter__customs_code", "status", "modes", "offices"
        )
    )
    assert rows == [
        ("4401980BRK", "4401960ABC", "accepted", [], []),
        ("4401980BRK", "4403960XYZ", "pending", ["9710"], ["5141"]),
    ]
    pending = Delegation.objects.get(status="pending")
    assert list(pending.events.values_list("kind", "side")) == [("requested", "broker")]
    exporter_b = django_user_model.objects.get(username="exporter_b")
    assert list(delegations_for_user(user=exporter_b)) == [pending]
