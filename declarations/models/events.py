"""Status events: one row per status change or receipt of a declaration (the timeline)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.choices import DeclarationStatus, EventSource


class StatusEvent(models.Model):
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=DeclarationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=DeclarationStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    # actor and receipt are indexed only where set (the partial indexes below): most events have neither (the
    # worker's, an import's "sent"), and a bulk import writes every index entry of every event it stores.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    receipt = models.ForeignKey(
        "declarations.Receipt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
    )
    return_status = models.CharField(_("return status"), max_length=10, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["actor"], name="event_actor", condition=models.Q(actor__isnull=False)),
            models.Index(fields=["receipt"], name="event_receipt", condition=models.Q(receipt__isnull=False)),
        ]
        verbose_name = _("status event")
        verbose_name_plural = _("status events")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
