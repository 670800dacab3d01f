import pytest

from declarations.choices import ALLOWED_TRANSITIONS, DeclarationStatus, EventSource
from declarations.models import Declaration, StatusEvent
from declarations.services.status import TransitionNotAllowed, declaration_set_status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_allowed_transition_writes_one_event():
    declaration = f.DeclarationFactory()
    user = f.UserFactory()
    event = declaration_set_status(
        declaration=declaration, to_status=DeclarationStatus.SUBMITTED, source=EventSource.USER, actor=user
    )
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SUBMITTED
    assert list(StatusEvent.objects.filter(declaration=declaration)) == [event]
    assert (event.from_status, event.to_status, event.source, event.actor) == (
        "draft",
        "submitted",
        "user",
        user,
    )


def test_forbidden_transition_raises_and_writes_nothing():
    declaration = f.DeclarationFactory()
    with pytest.raises(TransitionNotAllowed):
        declaration_set_status(declaration=declaration, to_status=DeclarationStatus.RELEASED)
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.DRAFT
    assert StatusEvent.objects.count() == 0


@pytest.mark.parametrize("status", list(DeclarationStatus))
def test_every_status_has_a_transition_row(status):
    assert status in ALLOWED_TRANSITIONS
    assert all(target in DeclarationStatus.values for target in ALLOWED_TRANSITIONS[status])


@pytest.mark.parametrize("terminal", ["cancelled", "returned", "closed"])
def test_terminal_statuses_go_nowhere(terminal):
    declaration = f.DeclarationFactory(status=terminal)
    for target in DeclarationStatus.values:
        with pytest.raises(TransitionNotAllowed):
            declaration_set_status(declaration=declaration, to_status=target)
    assert StatusEvent.objects.count() == 0
