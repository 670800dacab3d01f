"""The import's fast store (prepared INSERT / COPY) writes what the ORM would write, history rows included,
and a chunk that fails is stored again one declaration per transaction."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection

from declarations.models import Declaration, DeclarationLine
from declarations.services import bulk_store, imports
from declarations.services.bulk_store import RowMaker, insertable_fields
from tests import factories as f

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


def _comparable(row):
    return tuple(getattr(value, "obj", value) for value in row)  # psycopg's Jsonb wrapper has no __eq__


def _django_row(obj, fields):
    """What bulk_create / bulk_update send for these fields (auto_now attributes already set)."""
    return _comparable(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)


def test_rows_equal_the_orm_values_for_plain_and_odd_types(exporter_a):
    declaration = f.DeclarationFactory.build(enterprise=exporter_a, agent=exporter_a)
    declaration.findings = [{"code": "X", "params": {"v": "1.5"}}]
    declaration.ie_date = datetime.date(2026, 3, 1)
    declaration.pack_no = "7"  # text where an int is expected: the field converts it, as the ORM does
    declaration.cop_no = 12345  # an int where text is expected
    declaration.freight = 10  # an int where a Decimal is expected
    declaration.leave_time = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    fields = insertable_fields(Declaration)

    row = _comparable(RowMaker(fields, add=True)(declaration))

    assert declaration.created_at is not None and declaration.updated_at is not None  # auto_now(_add) ran
    assert row == _django_row(declaration, fields)
    assert row[[fl.attname for fl in fields].index("cop_no")] == "12345"
    assert row[[fl.attname for fl in fields].index("pack_no")] == 7


def test_line_rows_equal_the_orm_values(exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, agent=exporter_a)
    line = f.DeclarationLineFactory.build(declaration=declaration, gnum=3, qty2=None, licence=True)
    line.price = 16.5  # a float: the field converts it
    fields = insertable_fields(DeclarationLine)

    row = _comparable(RowMaker(fields, add=True)(line))

    assert row == _django_row(line, fields)
    assert row[[fl.attname for fl in fields].index("declaration_id")] == declaration.pk


def _content(enterprise, n=3, **head):
    heads = [head_row(enterprise, i, **head) for i in range(1, n + 1)]
    goods = [goods_row(h["copNo"], g) for h in heads for g in (1, 2)]
    return fill_template(heads, goods)


def test_created_and_updated_declarations_have_one_history_row_each(registered, exporter_a, user_a):
    content = _content(exporter_a)

    run_import(user_a, content)
    created = list(
        Declaration.history.order_by("cop_no").values_list("cop_no", "history_type", "history_user")
    )
    run_import(user_a, _content(exporter_a, grossWeight="50"))

    assert created == [
        ("COP-00001", "+", user_a.pk),
        ("COP-00002", "+", user_a.pk),
        ("COP-00003", "+", user_a.pk),
    ]
    updates = Declaration.history.filter(history_type="~").order_by("cop_no")
    assert [(h.cop_no, h.history_user_id, h.gross_weight) for h in updates] == [
        (f"COP-0000{n}", user_a.pk, Decimal("50")) for n in (1, 2, 3)
    ]
    for declaration in Declaration.objects.all():
        first = declaration.history.earliest("history_date")
        assert (first.id, first.created_at, first.order_no, first.agent_id, first.gross_weight) == (
            declaration.pk,
            declaration.created_at,
            declaration.order_no,
            exporter_a.pk,
            Decimal("42.5"),
        )
    assert Declaration.objects.count() == 3
    assert sorted(
        DeclarationLine.objects.values_list("declaration__cop_no", "gnum", "qty", "total_price")
    ) == [(f"COP-0000{n}", g, Decimal("10"), Decimal("320")) for n in (1, 2, 3) for g in (1, 2)]


def test_stored_declaration_matches_a_saved_one(registered, exporter_a, user_a):
    run_import(user_a, _content(exporter_a, n=1))
    stored = Declaration.objects.get()

    stored.save()  # the ORM writes the same values back: nothing the fast path wrote differs in type
    again = Declaration.objects.get()

    skip = {"updated_at"}
    assert {
        fl.attname: getattr(again, fl.attname)
        for fl in Declaration._meta.concrete_fields
        if fl.attname not in skip
    } == {
        fl.attname: getattr(stored, fl.attname)
        for fl in Declaration._meta.concrete_fields
        if fl.attname not in skip
    }
    assert stored.findings == [] and stored.recommended_channel == "list"
    assert stored.created_by_id == user_a.pk and stored.status == "draft"


def test_failed_chunk_is_stored_one_declaration_at_a_time(registered, exporter_a, user_a, monkeypatch):
    original, calls = imports._insert_lines, []

    def fail_once(lines):
        calls.append(len(lines))
        if len(calls) == 1:
            raise DatabaseError("connection lost")
        return original(lines)

    monkeypatch.setattr(imports, "_insert_lines", fail_once)

    job = run_import(user_a, _content(exporter_a))

    assert calls == [6]  # the fallback stores each declaration through the ORM
    assert (job.counts["create"], job.counts["reject"]) == (3, 0)
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == [
        "COP-00001",
        "COP-00002",
        "COP-00003",
    ]
    assert DeclarationLine.objects.count() == 6
    assert Declaration.history.filter(history_type="+").count() == 3


def test_declaration_that_cannot_be_stored_is_reported_and_the_others_stored(
    registered, exporter_a, user_a, monkeypatch
):
    original = imports._Importer._store_one

    def refuse_second(self, candidate):
        if candidate.declaration.cop_no == "COP-00002":
            candidate.declaration.cop_no = "COP-00001"  # taken by the first: the unique constraint refuses it
        return original(self, candidate)

    monkeypatch.setattr(imports, "_insert_lines", lambda lines: (_ for _ in ()).throw(DatabaseError("lost")))
    monkeypatch.setattr(imports._Importer, "_store_one", refuse_second)

    job = run_import(user_a, _content(exporter_a))

    assert (job.counts["create"], job.counts["reject"]) == (2, 1)
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001", "COP-00003"]
    assert DeclarationLine.objects.count() == 4
    errors = report_errors(report_book(job))
    assert errors == [("表头 Declarations", 3, "copNo", "STORE_FAILED")]


def _fields(obj) -> dict:
    return {key: value for key, value in vars(obj).items() if key != "_state"}


def test_blank_line_is_a_fresh_model_instance_at_its_defaults():
    made, plain = imports._line_factory()(), DeclarationLine()

    assert type(made) is DeclarationLine
    assert _fields(made) == _fields(plain)
    assert (made._state.adding, made._state.db, made._state.fields_cache) == (True, None, {})
    assert made is not imports._line_factory()() and made._state is not imports._line_factory()()._state


def test_blank_declaration_gets_its_own_computed_defaults():
    made, plain = imports._declaration_factory()(), Declaration()

    assert _fields(made) == _fields(plain)
    assert made.findings == [] and made.findings is not imports._declaration_factory()().findings


def test_blank_factory_uses_the_model_when_init_is_observed():
    from django.db.models.signals import post_init

    def receiver(**kwargs):
        pass

    post_init.connect(receiver, sender=DeclarationLine)
    try:
        assert bulk_store.blank_factory(DeclarationLine) is DeclarationLine
    finally:
        post_init.disconnect(receiver, sender=DeclarationLine)
    assert bulk_store.blank_factory(DeclarationLine) is not DeclarationLine


def test_new_heads_get_the_ids_the_database_stored_them_under(exporter_a):
    declarations = [f.DeclarationFactory.build(enterprise=exporter_a, agent=exporter_a) for _ in range(3)]

    imports._insert_declarations(declarations)

    stored = dict(Declaration.objects.values_list("cop_no", "pk"))
    assert {d.cop_no: d.pk for d in declarations} == stored
    assert all(not d._state.adding for d in declarations)
    later = f.DeclarationFactory(enterprise=exporter_a, agent=exporter_a)  # the ORM's next id is a new one
    assert later.pk not in stored.values()
