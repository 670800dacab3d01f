"""Rendered messages (immutable) and customs receipts (回执)."""

import hashlib

from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from declarations.choices import MessageType, ReceiptState, ReceiptType


class RenderedMessage(models.Model):
    """One rendered CEB message; bytes never change after storing (a new version is a new row)."""

    # Indexed by the (declaration, message_type, version) unique constraint, which leads with it.
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="messages", db_index=False
    )
    message_type = models.CharField(_("message type"), max_length=6, choices=MessageType.choices)
    version = models.PositiveIntegerField(_("version"))
    guid = models.CharField(_("guid"), max_length=36, unique=True)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed = models.BooleanField(_("signed"), default=False)
    outbox_file = models.CharField(_("outbox file"), max_length=255, blank=True)
    written_at = models.DateTimeField(_("written to outbox"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["declaration", "version", "message_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "message_type", "version"], name="message_unique_per_version"
            )
        ]
        verbose_name = _("rendered message")
        verbose_name_plural = _("rendered messages")

    def __str__(self) -> str:
        return f"{self.message_type} v{self.version} {self.guid}"

    @property
    def file_name(self) -> str:
        return self.file_name_for(self.message_type, self.guid)

    @staticmethod
    def file_name_for(message_type: str, guid: str) -> str:
        return f"{message_type}_{guid}.xml"

    @staticmethod
    def file_name_expression() -> Concat:
        """``file_name`` in SQL, to mark many rows written in one UPDATE."""
        return Concat("message_type", Value("_"), "guid", Value(".xml"))

    @classmethod
    def from_rendered(cls, *, declaration, version: int, rendered) -> "RenderedMessage":
        """An unsaved row for a renderer's output (declarations.messages.render), with its SHA-256."""
        return cls(
            declaration=declaration,
            message_type=rendered.message_type,
            version=version,
            guid=rendered.guid,
            content=rendered.content,
            sha256=cls.digest(rendered.content),
            signed=getattr(rendered, "signed", False),
        )

    @staticmethod
    def digest(content: bytes) -> str:
        """What ``sha256`` holds for these bytes."""
        return hashlib.sha256(content).hexdigest()


class Receipt(models.Model):
    """One receipt entry as read from the inbox; unmatched or unreadable ones are kept for admins."""

    receipt_type = models.CharField(_("receipt type"), max_length=6, choices=ReceiptType.choices, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ReceiptState.choices, db_index=True)
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
    )
    master_bill = models.ForeignKey(
        "declarations.MasterBill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    raw = models.BinaryField(_("raw bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    guid = models.CharField(_("guid"), max_length=36, blank=True)
    keys = models.JSONField(_("business keys"), default=dict, blank=True)
    return_status = models.CharField(_("return status"), max_length=10, blank=True)
    return_time = models.DateTimeField(_("return time"), null=True, blank=True)
    return_info = models.CharField(_("return text"), max_length=1000, blank=True)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.receipt_type} {self.return_status} ({self.get_state_display()})"

    @classmethod
    def from_entry(cls, entry, *, raw: bytes, file_name: str = "", sha256: str = "") -> "Receipt":
        """An unsaved, unmatched row for one parsed receipt entry (messages.receipts.ReceiptEntry); ``raw`` may
        be empty for all but a file's first entry, ``sha256`` then being the file's."""
        return cls(
            receipt_type=entry.message_type,
            raw=raw,
            sha256=sha256 or hashlib.sha256(raw).hexdigest(),
            file_name=file_name,
            guid=entry.guid,
            keys=entry.keys,
            return_status=entry.return_status,
            return_time=entry.return_time,
            return_info=entry.return_info[:1000],
            state=ReceiptState.UNMATCHED,
        )
