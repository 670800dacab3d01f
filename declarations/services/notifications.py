"""Notifications: an unread portal item and an e-mail for every member of the enterprise and its brokers."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils.translation import gettext as _

from declarations.models import Declaration, Enterprise, Notification
from declarations.models.delegations import live_q


def _recipients(enterprise: Enterprise):
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__enterprise=enterprise)
            | (
                Q(memberships__enterprise__delegations_received__exporter=enterprise)
                & live_q("memberships__enterprise__delegations_received__")
            ),
            is_active=True,
        )
        .distinct()
    )


def enterprise_notify(
    *, enterprise: Enterprise, kind: str, text: str, declaration: Declaration | None = None
) -> list[Notification]:
    notifications = []
    for user in _recipients(enterprise):
        notifications.append(
            Notification.objects.create(user=user, declaration=declaration, kind=kind, text=text)
        )
        if user.email:
            send_mail(
                _("Exporter Portal: %(text)s") % {"text": text[:80]},
                text,
                None,
                [user.email],
                fail_silently=True,
            )
    return notifications


def notification_mark_read(*, user, notification_ids: list[int]) -> int:
    return Notification.objects.filter(user=user, pk__in=notification_ids, read=False).update(read=True)
