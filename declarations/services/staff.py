"""Staff groups of the deployment's customs-affairs team."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

REVIEWERS = "reviewers"

# Reviewers work the review queues: they decide (the custom review_* permissions run the approve / reject
# actions) and may look at, but never change, anything else: no change_* permission at all, so the records
# they judge (enterprise, warehouse, documents) stay as the enterprise filed them.
REVIEWER_PERMISSIONS = [
    "view_registration",
    "review_registration",
    "view_registrationattachment",
    "view_warehousefiling",
    "review_warehousefiling",
    "view_warehousedocument",
    "view_overseaswarehouse",
    "view_enterprise",
    "view_declaration",
    "view_declarationline",
    "view_statusevent",
    "view_renderedmessage",
    "view_receipt",
    "view_declarationdocument",
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


def reviewer_group_repair(**kwargs) -> None:
    """post_migrate: an existing "reviewers" group gets exactly today's permissions (old change_* ones removed)."""
    if Group.objects.filter(name=REVIEWERS).exists():
        reviewer_group_ensure()
