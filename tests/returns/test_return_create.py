"""services.returns.return_create: stores the return, its lines and one timeline event; refuses with the field
and stores nothing; the remaining quantity counts every earlier return."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from declarations.models import Declaration, DeclarationReturn, DeclarationReturnLine, Delegation, StatusEvent
from declarations.selectors_returns import returned_quantities
from declarations.services.returns import ReturnRefused, return_create
from tests.returns.conftest import EXPORT_DATE, return_args

pytestmark = pytest.mark.django_db


def _state(declaration):
    return (
        Declaration.objects.get(pk=declaration.pk).status,
        DeclarationReturn.objects.count(),
        DeclarationReturnLine.objects.count(),
        StatusEvent.objects.count(),
    )


def test_create_stores_lines_values_eligibility_and_one_event(released, member_a):
    goods_return = return_create(declaration=released, actor=member_a, **return_args())
    assert goods_return.number == 1
    assert goods_return.supervision_mode == "4561"
    assert goods_return.export_date == EXPORT_DATE
    assert goods_return.tax_free is True
    assert [c["code"] for c in goods_return.tax_free_checks if not c["passed"]] == []
    rows = {row.line.gnum: (row.qty, row.total_price) for row in goods_return.lines.all()}
    assert rows == {1: (Decimal("30"), Decimal("960")), 2: (Decimal("50"), Decimal("625"))}
    event = StatusEvent.objects.get(declaration=released)
    assert (event.from_status, event.to_status, event.source, event.actor) == (
        "released",
        "released",
        "user",
        member_a,
    )
    assert event == goods_return.event
    assert "R1" in event.note and "1 × 30" in event.note and "2 × 50" in event.note
    assert Declaration.objects.get(pk=released.pk).status == "released"


def test_second_return_counts_the_first(released, member_a):
    return_create(declaration=released, actor=member_a, **return_args())
    second = return_create(declaration=released, actor=member_a, **return_args(quantities={1: Decimal("70")}))
    assert second.number == 2
    by_gnum = {line.gnum: line.pk for line in released.lines.all()}
    assert returned_quantities(declaration=released) == {
        by_gnum[1]: Decimal("100"),
        by_gnum[2]: Decimal("50"),
    }
    before = _state(released)
    with pytest.raises(ReturnRefused) as refused:
        return_create(declaration=released, actor=member_a, **return_args(quantities={1: Decimal("0.5")}))
    assert [(c.code, c.gnum) for c in refused.value.checks] == [("RETURN_QTY_ABOVE_REMAINING", 1)]
    assert refused.value.message_dict.keys() == {"qty"}
    assert _state(released) == before


def test_a_return_out_of_time_is_stored_as_not_tax_free_with_why(released, member_a):
    import datetime

    goods_return = return_create(
        declaration=released,
        actor=member_a,
        **return_args(return_date=datetime.date(2027, 4, 21), reason="quality", original_state=False),
    )
    assert goods_return.tax_free is False
    assert [c["code"] for c in goods_return.tax_free_checks if not c["passed"]] == [
        "TAXFREE_SIX_MONTHS",
        "TAXFREE_ORIGINAL_STATE",
        "TAXFREE_REASON",
    ]


@pytest.mark.parametrize("status", ["draft", "sent", "accepted", "cancelled", "returned"])
def test_not_released_is_refused_and_nothing_changes(released, member_a, status):
    Declaration.objects.filter(pk=released.pk).update(status=status)
    released.refresh_from_db()
    before = _state(released)
    with pytest.raises(ReturnRefused) as refused:
        return_create(declaration=released, actor=member_a, **return_args())
    assert [c.code for c in refused.value.checks] == ["RETURN_NOT_RELEASED"]
    assert _state(released) == before


def test_bad_fields_are_named(released, member_a):
    before = _state(released)
    with pytest.raises(ReturnRefused) as refused:
        return_create(
            declaration=released,
            actor=member_a,
            **return_args(quantities={}, reason="lost", port_code="9999"),
        )
    assert set(refused.value.message_dict) == {"lines", "reason", "port_code"}
    assert _state(released) == before


def test_other_tenant_and_revoked_broker_are_refused(released, member_b, broker_member, broker_c):
    before = _state(released)
    with pytest.raises(PermissionDenied):
        return_create(declaration=released, actor=member_b, **return_args())
    assert return_create(declaration=released, actor=broker_member, **return_args()).number == 1
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    with pytest.raises(PermissionDenied):
        return_create(declaration=released, actor=broker_member, **return_args(quantities={3: Decimal("1")}))
    assert DeclarationReturn.objects.count() == before[1] + 1
