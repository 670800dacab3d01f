"""Tenant-scoped reads of master bills (清单总分单) and of the lists a user may put on one.

A master bill belongs to its declaring agent: the users of that enterprise see it. The lists on it are read
through ``declarations_for_user``, so a user can only ever name lists it may see.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from declarations.choices import Channel, DeclarationStatus
from declarations.models import Declaration, Enterprise, MasterBill, MasterBillItem, Membership
from declarations.precompiled import as_id
from declarations.rules.master_bill import MasterBillList
from declarations.selectors import declarations_for_user

S = DeclarationStatus
# A list customs has taken in and numbered (invtNo) may be named on a master bill, released or not yet.
MASTER_BILL_LIST_STATUSES = frozenset(
    {S.DECLARING, S.ACCEPTED, S.MANUAL_REVIEW, S.INSPECTION, S.DETAINED, S.CONCLUDED, S.RELEASED, S.CLOSED}
)


def master_bill_agents_for_user(*, user) -> QuerySet[Enterprise]:
    """Enterprises a user files master bills as: those it is a member of (never a delegating client)."""
    if not user or not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk).values("enterprise_id")
    ).order_by("name")


def master_bills_for_user(*, user) -> QuerySet[MasterBill]:
    agents = master_bill_agents_for_user(user=user)
    return MasterBill.objects.filter(agent__in=agents.values("pk")).select_related("agent")


def master_bill_for_user(*, user, pk) -> MasterBill:
    """One master bill of the user's enterprises; 404 for anyone else's."""
    pk = as_id(pk)
    found = master_bills_for_user(user=user).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


def _list_channel() -> Q:
    return Q(channel=Channel.LIST) | Q(channel="", recommended_channel=Channel.LIST)


def master_bill_candidate_lists(*, user) -> QuerySet[Declaration]:
    """The user's declared lists with a list number that no live master bill names yet: what the form offers."""
    taken = MasterBillItem.objects.exclude(master_bill__status=MasterBill.Status.REJECTED).values(
        "declaration_id"
    )
    return (
        declarations_for_user(user=user)
        .filter(_list_channel(), status__in=MASTER_BILL_LIST_STATUSES)
        .exclude(invt_no="")
        .exclude(pk__in=taken)
        .order_by("customs_code", "logistics_code", "-id")
    )


def master_bill_lists_visible(*, user, ids: list[int]) -> list[Declaration]:
    """The declarations among ``ids`` the user may see, in the order given; anyone else's are left out."""
    found = {d.pk: d for d in declarations_for_user(user=user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def master_bill_list_facts(*, declarations: list[Declaration], exclude_bill_id: int | None = None) -> list:
    """What the rules need of each list (``MasterBillList``), including a live master bill already naming it."""
    ids = [d.pk for d in declarations]
    other = (
        MasterBillItem.objects.filter(declaration_id__in=ids)
        .exclude(master_bill__status=MasterBill.Status.REJECTED)
        .select_related("master_bill")
    )
    if exclude_bill_id is not None:
        other = other.exclude(master_bill_id=exclude_bill_id)
    other_bill = {item.declaration_id: item.master_bill.bill_no for item in other}
    return [
        MasterBillList(
            cop_no=d.cop_no,
            invt_no=d.invt_no,
            customs_code=d.customs_code,
            logistics_code=d.logistics_code,
            gross_weight=d.gross_weight,
            declared=d.effective_channel == Channel.LIST and d.status in MASTER_BILL_LIST_STATUSES,
            other_bill_no=other_bill.get(d.pk, ""),
        )
        for d in declarations
    ]


def master_bill_items(*, master_bill: MasterBill) -> QuerySet[MasterBillItem]:
    return master_bill.items.select_related("declaration", "declaration__enterprise").order_by("gnum")


def master_bills_of_declaration(*, declaration: Declaration) -> QuerySet[MasterBill]:
    """The master bills naming a declaration the caller has already read through the selectors."""
    return MasterBill.objects.filter(items__declaration=declaration).order_by("-created_at")
