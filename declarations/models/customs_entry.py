"""The outcome of a customs declaration (报关单) filed outside this portal, as the user records it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryResult(models.TextChoices):
    """What customs decided on the 报关单 (海关放行 / 查验 / 退单)."""

    RELEASED = "released", _("Released")
    INSPECTION = "inspection", _("Inspection")
    RETURNED = "returned", _("Returned by customs (退单)")


class CustomsEntryResult(models.Model):
    """One recorded result of the 报关单 of a declaration in the customs-declaration channel.

    The 报关单 itself goes through the Single Window's goods declaration (H2018), not through our CEB messages,
    so no receipt reports its outcome: the user records it here, and it moves the status as a receipt would.
    """

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="entry_results"
    )
    entry_no = models.CharField(_("customs declaration number"), max_length=18)
    result = models.CharField(_("result"), max_length=12, choices=EntryResult.choices)
    result_date = models.DateField(_("date of the result"))
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    # The timeline line this result wrote (its status change).
    event = models.OneToOneField(
        "declarations.StatusEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entry_result",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("customs declaration result")
        verbose_name_plural = _("customs declaration results")

    def __str__(self) -> str:
        return f"{self.entry_no} {self.result}"
