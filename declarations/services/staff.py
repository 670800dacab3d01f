"""Staff groups of the deployment's customs-affairs team."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

REVIEWERS = "reviewers"

# Reviewers work the review queues (change = approve / reject through the admin actions) and may look at,
# but never change, declarations and their messages and receipts.
REVIEWER_PERMISSIONS = [
    "view_registration",
    "change_registration",
    "view_registrationattachment",
    "view_warehousefiling",
    "change_warehousefiling",
    "view_warehousedocument",
    "view_overseaswarehouse",
    "view_enterprise",
    "view_declaration",
    "view_declarationline",
    "view_statusevent",
    "view_renderedmessage",
    "view_receipt",
]


@transaction.atomic
def reviewer_group_ensure() -> Group:
    """Create or repair the "reviewers" group with exactly its permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=REVIEWERS)
    permissions = Permission.objects.filter(
        content_type__app_label="declarations", codename__in=REVIEWER_PERMISSIONS
    )
    group.permissions.set(permissions)
    return group
