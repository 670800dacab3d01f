"""A cancellation reason that cannot go into XML (a control character) is refused, not a server error; nothing
is stored or sent (found by the API's schemathesis run)."""

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent
from declarations.services.submission import SubmissionBlocked, declaration_cancel
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_reason_with_a_control_character_is_refused_and_nothing_changes(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    released = f.DeclarationFactory(
        status=DeclarationStatus.RELEASED, version=1, invt_no="51412026E000000001"
    )
    f.DeclarationLineFactory(declaration=released, gnum=1)

    with pytest.raises(SubmissionBlocked):
        declaration_cancel(declaration=released, reason="货物未出境\x07")

    stored = Declaration.objects.get(pk=released.pk)
    assert (stored.status, stored.cancel_reason) == (DeclarationStatus.RELEASED, "")
    assert not RenderedMessage.objects.filter(declaration=released).exists()
    assert not StatusEvent.objects.filter(declaration=released).exists()
    assert list(tmp_path.iterdir()) == []
