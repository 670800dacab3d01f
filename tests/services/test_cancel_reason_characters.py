"""A cancellation reason that XML cannot carry (a control character) is refused with a message, never a 500, and
nothing is stored (found by the schemathesis run once the demo held a released list)."""

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent
from declarations.services.submission import SubmissionBlocked, declaration_cancel
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_control_character_in_the_reason_is_refused(exporter_a):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status=DeclarationStatus.RELEASED, version=1, invt_no="514120260000001"
    )
    f.DeclarationLineFactory(declaration=declaration)
    with pytest.raises(SubmissionBlocked):
        declaration_cancel(declaration=declaration, reason="wrong\x0bgoods")
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (stored.status, stored.cancel_reason) == ("released", "")
    assert RenderedMessage.objects.count() == 0 and StatusEvent.objects.count() == 0
