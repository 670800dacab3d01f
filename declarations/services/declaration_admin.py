"""Staff edits of a declaration in Django admin: only while it is still editable, always on the timeline."""

from django.db import transaction
from django.utils.translation import gettext as _

from declarations.choices import EDITABLE_STATUSES, EventSource
from declarations.models import Declaration
from declarations.services.declarations import DeclarationNotEditable
from declarations.services.status import declaration_record_event


def declaration_is_frozen(*, declaration: Declaration) -> bool:
    """Submitted, sent, declaring, released…: what customs has (or will have) must not change under it."""
    return declaration.status not in EDITABLE_STATUSES


@transaction.atomic
def declaration_admin_save(*, declaration: Declaration, changed: list[str], actor=None) -> Declaration:
    """Save the fields ``changed`` on an editable declaration and record who changed what (a StatusEvent
    that keeps the status). A declaration that froze meanwhile is refused and left as it was."""
    locked = Declaration.objects.select_for_update().only("pk", "status").get(pk=declaration.pk)
    if declaration_is_frozen(declaration=locked):
        raise DeclarationNotEditable(
            _("A declaration in status “%(status)s” can no longer be changed.")
            % {"status": locked.get_status_display()}
        )
    if not changed:
        return declaration
    declaration.status = locked.status  # never the admin form's idea of the status
    declaration.save(update_fields=changed)
    declaration_record_event(
        declaration=declaration,
        source=EventSource.ADMIN,
        actor=actor,
        note=_("Edited in admin: %(fields)s") % {"fields": ", ".join(changed)},
    )
    return declaration
