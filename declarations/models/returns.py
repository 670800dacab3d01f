"""Returns (退运) of released goods: which lines and quantities come back, why, when and through which port.

A return is recorded against a released 9710 / 9810 declaration; its lines keep the returned quantity of each
original goods line, so the quantity still returnable is the line's exported quantity less every earlier return.
The return 报关单 draft (supervision mode ``settings.RETURN_SUPERVISION_MODE``, 4561 退运货物 by default) is
built from it by ``declarations.messages.return_declaration``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models.declaration import money


class ReturnReason(models.TextChoices):
    """Why the goods come back. Announcement 2026 No. 16 covers goods returned because unsold or returned."""

    UNSOLD = "unsold", _("Unsold (滞销)")
    BUYER_RETURN = "buyer_return", _("Returned by the buyer (退货)")
    QUALITY = "quality", _("Quality or specification (品质或规格)")
    OTHER = "other", _("Other")


class DeclarationReturn(models.Model):
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.PROTECT,
        related_name="goods_returns",
        db_index=False,  # indexed by return_number_per_declaration, which leads with it
    )
    number = models.PositiveIntegerField(_("return number"), help_text=_("1, 2, … per declaration."))
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    reason_note = models.CharField(_("details of the reason"), max_length=500, blank=True)
    return_date = models.DateField(_("return date"))
    port_code = models.CharField(_("port of return (customs office)"), max_length=4)
    original_state = models.BooleanField(_("returned in their original state"), default=False)
    vat_refund_claimed = models.BooleanField(_("export VAT refund claimed"), default=False)
    # The date the 6-month limit of 2026 No. 16 counts from: the export date, else the release date.
    export_date = models.DateField(_("export date"), null=True, blank=True)
    tax_free = models.BooleanField(_("tax-free under 2026 No. 16"), default=False)
    # The checks of 2026 No. 16 as stored when the return was made: [{"code", "passed", "params"}].
    tax_free_checks = models.JSONField(_("checks of 2026 No. 16"), default=list, blank=True)
    supervision_mode = models.CharField(_("supervision mode of the return"), max_length=4)
    event = models.OneToOneField(
        "declarations.StatusEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goods_return",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="return_number_per_declaration")
        ]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return f"{self.declaration.order_no} R{self.number}"


class DeclarationReturnLine(models.Model):
    goods_return = models.ForeignKey(
        DeclarationReturn,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,  # indexed by return_line_once_per_return, which leads with it
    )
    line = models.ForeignKey(
        "declarations.DeclarationLine", on_delete=models.PROTECT, related_name="return_lines"
    )
    qty = money(_("returned quantity"))
    total_price = money(_("returned value"))

    class Meta:
        ordering = ["goods_return", "line__gnum"]
        constraints = [
            models.UniqueConstraint(fields=["goods_return", "line"], name="return_line_once_per_return")
        ]
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")

    def __str__(self) -> str:
        return f"{self.line_id} × {self.qty}"
