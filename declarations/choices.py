"""Enumerations of the domain and the table of allowed declaration status transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    """Customs supervision mode (监管方式)."""

    DIRECT = "9710", _("9710 B2B direct export")
    WAREHOUSE = "9810", _("9810 export to overseas warehouse")


class Channel(models.TextChoices):
    """Clearance channel: the inventory list (申报清单) or a full customs declaration (报关单)."""

    LIST = "list", _("Inventory list")
    CUSTOMS_DECLARATION = "customs_declaration", _("Customs declaration")


class EnterpriseRole(models.TextChoices):
    EXPORTER = "exporter", _("E-commerce enterprise (exporter)")
    PLATFORM = "platform", _("E-commerce platform")
    LOGISTICS = "logistics", _("Logistics enterprise")
    BROKER = "broker", _("Customs broker")
    SITE_OPERATOR = "site_operator", _("Supervised-site operator")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED}),
    ReviewStatus.REJECTED: frozenset({ReviewStatus.DRAFT, ReviewStatus.SUBMITTED}),
    ReviewStatus.APPROVED: frozenset(),
}


class WarehouseOwnership(models.TextChoices):
    OWNED = "owned", _("Owned")
    LEASED = "leased", _("Leased")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, rendering")
    RENDER_FAILED = "render_failed", _("Rendering failed")
    SENT = "sent", _("Messages in outbox")
    DECLARING = "declaring", _("Declaring")
    SEND_FAILED = "send_failed", _("Sending to customs failed")
    ACCEPTED = "accepted", _("Accepted by customs")
    MANUAL_REVIEW = "manual_review", _("Manual review")
    INSPECTION = "inspection", _("Inspection")
    CONCLUDED = "concluded", _("Concluded")
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected by customs")
    RETURNED = "returned", _("Returned")
    CANCEL_REQUESTED = "cancel_requested", _("Cancellation requested")
    CANCELLED = "cancelled", _("Cancelled")
    # A returned list withdrawn by the declarant (CEB603 appType 3 删除): requested, then granted by customs.
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = DeclarationStatus
# Progress of a declaration through customs, in order; receipts only move a declaration forward in this ranking.
STATUS_RANK: dict[str, int] = {
    S.DRAFT: 0,
    S.SUBMITTED: 10,
    S.RENDER_FAILED: 11,
    S.SENT: 20,
    S.DECLARING: 30,
    S.SEND_FAILED: 31,
    S.ACCEPTED: 40,
    S.MANUAL_REVIEW: 50,
    S.INSPECTION: 60,
    S.DETAINED: 65,
    S.CONCLUDED: 70,
    S.RELEASED: 80,
    S.CANCEL_REQUESTED: 85,
    S.CANCELLED: 90,
    S.RETURNED: 90,
    S.CLOSED: 95,
    S.REJECTED: 99,
    # Above REJECTED: customs' answer to a withdrawal (granted, or refused: back to REJECTED) moves it on.
    S.WITHDRAWAL_REQUESTED: 97,
    S.WITHDRAWN: 100,
}

_IN_CUSTOMS = {S.DECLARING, S.ACCEPTED, S.MANUAL_REVIEW, S.INSPECTION, S.DETAINED, S.CONCLUDED}

# The explicit table of allowed transitions; anything else raises in the status service.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.SENT, S.RENDER_FAILED, S.DRAFT}),
    S.RENDER_FAILED: frozenset({S.DRAFT, S.SUBMITTED}),
    S.SENT: frozenset(_IN_CUSTOMS | {S.SEND_FAILED, S.REJECTED, S.RELEASED, S.CLOSED}),
    S.DECLARING: frozenset((_IN_CUSTOMS - {S.DECLARING}) | {S.SEND_FAILED, S.REJECTED, S.RELEASED}),
    S.SEND_FAILED: frozenset({S.DRAFT, S.SUBMITTED, S.DECLARING, S.ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.MANUAL_REVIEW, S.INSPECTION, S.DETAINED, S.CONCLUDED, S.RELEASED, S.REJECTED}),
    S.MANUAL_REVIEW: frozenset({S.INSPECTION, S.DETAINED, S.CONCLUDED, S.RELEASED, S.REJECTED}),
    S.INSPECTION: frozenset({S.DETAINED, S.CONCLUDED, S.RELEASED, S.REJECTED, S.RETURNED}),
    S.DETAINED: frozenset({S.RETURNED, S.RELEASED, S.REJECTED}),
    S.CONCLUDED: frozenset({S.RELEASED, S.INSPECTION, S.REJECTED}),
    S.RELEASED: frozenset({S.CLOSED, S.CANCEL_REQUESTED, S.RETURNED}),
    S.CANCEL_REQUESTED: frozenset({S.CANCELLED, S.RELEASED}),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset({S.DRAFT, S.SUBMITTED, S.WITHDRAWAL_REQUESTED}),
    S.WITHDRAWAL_REQUESTED: frozenset({S.WITHDRAWN, S.REJECTED}),
    S.WITHDRAWN: frozenset(),
}

EDITABLE_STATUSES = frozenset({S.DRAFT, S.RENDER_FAILED, S.SEND_FAILED, S.REJECTED})


class MessageType(models.TextChoices):
    CEB303 = "CEB303", _("CEB303 order / booking order")
    CEB505 = "CEB505", _("CEB505 logistics waybill")
    CEB507 = "CEB507", _("CEB507 arrival")
    CEB509 = "CEB509", _("CEB509 departure")
    CEB603 = "CEB603", _("CEB603 export inventory list")
    CEB605 = "CEB605", _("CEB605 inventory cancellation")


class ReceiptType(models.TextChoices):
    CEB304 = "CEB304", _("CEB304 order receipt")
    CEB506 = "CEB506", _("CEB506 waybill receipt")
    CEB508 = "CEB508", _("CEB508 arrival receipt")
    CEB510 = "CEB510", _("CEB510 departure receipt")
    CEB604 = "CEB604", _("CEB604 inventory list receipt")
    CEB606 = "CEB606", _("CEB606 cancellation receipt")
    CEB608 = "CEB608", _("CEB608 waybill-bill receipt")


class ReceiptState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DUPLICATE = "duplicate", _("Duplicate, ignored")
    STALE = "stale", _("Older than the current status, recorded only")
    UNMATCHED = "unmatched", _("Unmatched")
    FAILED = "failed", _("Unreadable")


class EventSource(models.TextChoices):
    USER = "user", _("User")
    SYSTEM = "system", _("System")
    RECEIPT = "receipt", _("Customs receipt")
    ADMIN = "admin", _("Administrator")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class ImportState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DRY_RUN_DONE = "dry_run_done", _("Dry run finished")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# returnStatus (回执状态) -> declaration status. Negative codes are business errors and map to REJECTED.
RETURN_STATUS_MAP: dict[str, str] = {
    "1": S.DECLARING,
    "2": S.DECLARING,
    "3": S.DECLARING,
    "4": S.SEND_FAILED,
    "100": S.REJECTED,
    "120": S.ACCEPTED,
    "300": S.MANUAL_REVIEW,
    "399": S.CONCLUDED,
    "500": S.INSPECTION,
    "501": S.DETAINED,
    "502": S.DETAINED,
    "503": S.DETAINED,
    "599": S.DETAINED,
    "700": S.RETURNED,
    "800": S.RELEASED,
    "899": S.CLOSED,
}
# CEB606 (cancellation receipt): concluded means the cancellation was granted.
CANCEL_RETURN_STATUS_MAP: dict[str, str] = {"399": S.CANCELLED, "800": S.CANCELLED, "100": S.RELEASED}

# Which receipt drives the status in each channel; other receipts only report failures and progress.
STATUS_DRIVING_RECEIPTS: dict[str, frozenset[str]] = {
    "list": frozenset({"CEB604"}),
    "customs_declaration": frozenset({"CEB304"}),
}
# Receipts that do not drive the status may still move it up to this point (e.g. CEB304 "2" -> declaring).
NON_DRIVING_CEILING = S.DECLARING
# Statuses that need the user's attention (shown on the dashboard, e-mailed).
ATTENTION_STATUSES = frozenset({S.REJECTED, S.SEND_FAILED, S.INSPECTION, S.DETAINED, S.RENDER_FAILED})
