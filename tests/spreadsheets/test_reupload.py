"""Uploading the same file again updates the same drafts (copNo per agent) and never duplicates."""

from decimal import Decimal

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, DeclarationLine

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


def test_same_file_twice_updates_without_duplicates(registered, exporter_a, user_a):
    content = fill_template(
        [head_row(exporter_a, 1), head_row(exporter_a, 2)],
        [goods_row("COP-00001", 1), goods_row("COP-00001", 2), goods_row("COP-00002", 1)],
    )
    first = run_import(user_a, content)
    ids = sorted(Declaration.objects.values_list("pk", flat=True))

    second = run_import(user_a, content)

    assert (first.counts["create"], first.counts["update"]) == (2, 0)
    assert (second.counts["create"], second.counts["update"], second.counts["reject"]) == (0, 2, 0)
    assert sorted(Declaration.objects.values_list("pk", flat=True)) == ids
    assert DeclarationLine.objects.count() == 3


def test_changed_file_updates_the_draft_and_replaces_its_lines(registered, exporter_a, user_a):
    run_import(
        user_a,
        fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001", 1), goods_row("COP-00001", 2)]),
    )
    declaration = Declaration.objects.get()

    run_import(
        user_a, fill_template([head_row(exporter_a, 1, grossWeight="50")], [goods_row("COP-00001", 1)])
    )

    declaration.refresh_from_db()
    assert declaration.gross_weight == Decimal("50")
    assert list(declaration.lines.values_list("gnum", flat=True)) == [1]
    assert Declaration.objects.count() == 1


def test_submitted_declaration_is_not_changed(registered, exporter_a, user_a):
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    run_import(user_a, content)
    Declaration.objects.update(status=DeclarationStatus.SENT)

    job = run_import(
        user_a, fill_template([head_row(exporter_a, 1, grossWeight="99")], [goods_row("COP-00001")])
    )

    assert (job.counts["update"], job.counts["reject"]) == (0, 1)
    assert Declaration.objects.get().gross_weight == Decimal("42.5")
    errors = report_errors(report_book(job))
    assert errors == [("表头 Declarations", 2, "copNo", "NOT_EDITABLE")]


def test_a_repeated_copno_does_not_change_the_draft_its_first_row_updates(registered, exporter_a, user_a):
    run_import(user_a, fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001", 1)]))
    declaration = Declaration.objects.get()

    job = run_import(
        user_a,
        fill_template(
            [
                head_row(exporter_a, 1, grossWeight="50"),
                head_row(exporter_a, 1, grossWeight="77", orderNo="XL-ORDER-OTHER"),
            ],
            [goods_row("COP-00001", 1)],
        ),
    )

    declaration.refresh_from_db()
    assert (job.counts["update"], job.counts["reject"]) == (1, 1)
    assert (declaration.gross_weight, declaration.order_no) == (Decimal("50"), "XL-ORDER-00001")
    errors = report_errors(report_book(job))
    assert ("表头 Declarations", 3, "copNo", "DUPLICATE_IN_FILE") in errors
