"""Task dispatch intents: the transactional outbox between the database and the Celery broker."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskDispatch(models.Model):
    """One task to publish, written in the same transaction as the state change that needs it.

    ``dispatched_at`` is set once the broker accepted the message; until then the sweeper republishes it.
    Publication is at least once, so every task dispatched this way must be idempotent.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    # Not auto_now_add: the sweeper compares it with a cutoff, and tests set it in the past.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The sweeper only ever reads the (few) pending rows.
            models.Index(
                fields=["created_at"], condition=Q(dispatched_at__isnull=True), name="dispatch_pending"
            ),
        ]
        verbose_name = _("task dispatch")
        verbose_name_plural = _("task dispatches")

    def __str__(self) -> str:
        state = "dispatched" if self.dispatched_at else "pending"
        return f"{self.task_name}{tuple(self.args)} ({state})"
