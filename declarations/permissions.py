"""Who may do what: one function per action, called by the portal view and by its API twin alike, so the two
can never disagree (a broker refused in the portal is refused by the API too).

Each ``require_*`` raises Django's ``PermissionDenied``: the portal answers 403, the API 403 in its error shape.
Seeing an object is the selectors' business (another tenant's object is a 404 before any of these runs); these
decide what a user who can see it may change.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, Enterprise, Membership, WarehouseFiling
from declarations.rules.delegations import scopes_cover
from declarations.selectors import enterprises_for_user
from declarations.selectors_delegations import live_scopes_for_user

OUT_OF_DELEGATION = _(
    "Your delegation from this exporter does not cover this supervision mode and declaring office: ask the "
    "exporter to widen its scope, or choose a mode and office it covers."
)


def member_enterprises(*, user) -> QuerySet[Enterprise]:
    """Enterprises whose master data the user may change: its own, never a delegating exporter's."""
    if user.is_superuser:
        return Enterprise.objects.all()
    return enterprises_for_user(user=user).filter(memberships__user=user).distinct()


def require_member(*, user, enterprise: Enterprise) -> None:
    """A visible enterprise the user is not a member of (a broker looking at its client): 403, nothing changes."""
    if not member_enterprises(user=user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied


def require_admin(*, user, enterprise: Enterprise) -> None:
    if user.is_superuser:
        return
    if not Membership.objects.filter(user=user, enterprise=enterprise, role=Membership.Role.ADMIN).exists():
        raise PermissionDenied


# --- overseas warehouse filings (海外仓备案) ---


def require_filing_change(*, user, filing: WarehouseFiling) -> None:
    """Upload a document to a filing: only a member of the warehouse's enterprise (a broker sees, never files)."""
    require_member(user=user, enterprise=filing.warehouse.enterprise)


def require_filing_submit(*, user, filing: WarehouseFiling) -> None:
    """Submit a filing for review: portal ``warehouse_filing_submit_view`` and ``POST /api/filings/{id}/submit/``."""
    require_member(user=user, enterprise=filing.warehouse.enterprise)


# --- declarations ---


def can_change_declaration(*, user, declaration: Declaration) -> bool:
    """Edit, validate, submit, cancel, copy or delete: a member of the declaring exporter, or of a broker the
    exporter delegates to *now*, within the delegation's scope (its supervision modes and declaring offices). A broker whose delegation was revoked still sees the declarations it filed as
    agent (they are its records) but can change none of them."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    enterprise_id = declaration.enterprise_id
    if Membership.objects.filter(user=user, enterprise_id=enterprise_id).exists():
        return True
    # A live delegation (models.delegations.live_q) whose scope covers the declaration's mode and office.
    scopes = live_scopes_for_user(user=user, exporter_id=enterprise_id).get(enterprise_id, [])
    return scopes_cover(scopes, mode=declaration.mode, office=declaration.customs_code)


def declaration_within_delegation(*, user, declaration: Declaration | None, data: dict) -> bool:
    """Whether the declaration as it would be saved (``data`` over ``declaration``; a new one when None) stays
    one the user may change: a broker cannot create, or move by editing, a client's declaration out of its
    delegation's scope (supervision modes, declaring offices)."""

    def value(name):
        return data[name] if name in data else getattr(declaration, name, None)

    enterprise = value("enterprise")
    if enterprise is None:
        return True  # the form / serializer reports the missing exporter
    target = Declaration(
        enterprise=enterprise, mode=value("mode") or "", customs_code=value("customs_code") or ""
    )
    return can_change_declaration(user=user, declaration=target)


def require_declaration_within_delegation(*, user, declaration: Declaration | None, data: dict) -> None:
    """The API's create and update: 403 when ``declaration_within_delegation`` says no (nothing is saved)."""
    if not declaration_within_delegation(user=user, declaration=declaration, data=data):
        raise PermissionDenied(OUT_OF_DELEGATION)


def require_declaration_change(*, user, declaration: Declaration) -> None:
    if not can_change_declaration(user=user, declaration=declaration):
        raise PermissionDenied
