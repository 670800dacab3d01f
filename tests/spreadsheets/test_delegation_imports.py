"""Imports follow the live delegations: after the exporter ends the delegation (or it expires) the broker's rows
for it are refused, and a row outside the delegation's scope (modes, offices) is refused with DLG_OUT_OF_SCOPE."""

import datetime

import pytest
from django.utils import timezone

from declarations.models import Declaration, Delegation, Membership
from declarations.services.delegations import delegation_end

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db

NOT_PERMITTED = ("表头 Declarations", 2, "ebcCode", "NOT_PERMITTED")


def _one(exporter):
    return fill_template([head_row(exporter, 1)], [goods_row("COP-00001")])


def test_after_the_end_the_brokers_upload_for_the_exporter_is_refused(
    registered, exporter_a, broker_c, user_c
):
    job = run_import(user_c, _one(exporter_a))
    assert (job.counts["create"], job.counts["reject"]) == (1, 0)

    exporter_admin = Membership.objects.create(
        user=user_c.__class__.objects.create_user("a-admin"),
        enterprise=exporter_a,
        role=Membership.Role.ADMIN,
    ).user
    delegation_end(actor=exporter_admin, delegation=Delegation.objects.get(exporter=exporter_a))
    before = list(Declaration.objects.values_list("pk", "order_no", "version"))

    job = run_import(
        user_c, fill_template([head_row(exporter_a, 1, orderNo="CHANGED")], [goods_row("COP-00001")])
    )
    assert (job.counts["create"], job.counts["reject"]) == (0, 1)
    assert NOT_PERMITTED in report_errors(report_book(job))
    assert [e["message"] for e in job.counts["first_errors"] if e["code"] == "NOT_PERMITTED"] == [
        f"You may not declare for the enterprise “{exporter_a.customs_code}”: its delegation to you is not in "
        "force (awaiting its acceptance, refused, ended or expired)."
    ]
    assert list(Declaration.objects.values_list("pk", "order_no", "version")) == before


def test_an_expired_delegation_refuses_the_upload(registered, exporter_a, broker_c, user_c):
    Delegation.objects.update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    job = run_import(user_c, _one(exporter_a))
    assert (job.counts["create"], job.counts["reject"]) == (0, 1)
    assert NOT_PERMITTED in report_errors(report_book(job))
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    "modes,offices,allowed",
    [([], [], True), (["9710"], ["5141"], True), (["9810"], [], False), ([], ["5208"], False)],
)
def test_rows_outside_the_scope_are_refused(
    registered, exporter_a, broker_c, user_c, modes, offices, allowed
):
    Delegation.objects.update(modes=modes, offices=offices)
    job = run_import(user_c, _one(exporter_a))
    assert (job.counts["create"], job.counts["reject"]) == ((1, 0) if allowed else (0, 1))
    if not allowed:  # a file without errors has no report
        assert report_errors(report_book(job)) == [("表头 Declarations", 2, "mode", "DLG_OUT_OF_SCOPE")]
    assert Declaration.objects.count() == (1 if allowed else 0)
