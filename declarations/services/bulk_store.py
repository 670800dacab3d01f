"""Fast bulk writes for the spreadsheet import: one prepared statement (or COPY) per chunk, values adapted once.

Django's bulk_create compiles one placeholder and one adapted value per field per row through several layers of
methods; for 100,000 goods lines that is most of the import's store time. Here each model field gets one
converter, built once: values of the field's plain Python type (str for text, finite Decimal, int, bool) are
passed as they are, which is exactly what Django would send; any other value goes through the field's own
``get_db_prep_save``, so the database receives the same values as with the ORM. PostgreSQL gets the rows by COPY,
other databases by one ``executemany`` of a prepared INSERT. Callers run these inside their transaction.

Simple-history rows are written the way ``bulk_create_with_history`` / ``bulk_update_with_history`` write them:
one historical row per stored object with every tracked field, ``history_type`` "+" (created) or "~" (updated),
``history_date`` now, ``history_user`` the given user and no change reason.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

_TEXT_FIELDS = (models.CharField, models.TextField)
_INT_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)


def _plain_type(field: models.Field) -> type | None:
    """The Python type whose values Django sends unchanged for this field, or None (always use the field)."""
    kind = type(field)
    if kind is models.ForeignKey:
        return _plain_type(field.target_field)
    if kind in _TEXT_FIELDS:
        return str
    if kind is models.DecimalField:
        return Decimal  # finite ones: the field refuses NaN and infinities
    if kind in _INT_FIELDS:
        return int
    if kind is models.BooleanField:
        return bool
    return None


def _prep(field: models.Field) -> Callable[[object], object]:
    prep = field.get_db_prep_save
    return lambda value: prep(value, connection)


def _single(index: int) -> Callable[[tuple], tuple]:
    return lambda values: (values[index],)


class RowMaker:
    """Turns model instances into tuples of database values for ``fields`` (in that order).

    The field values are read in one step; a row whose values all have their field's plain type (or are
    None, which every field sends as NULL) is sent as it is, and only the other values go through
    ``get_db_prep_save``. Which positions need that is worked out once per combination of value types.
    With ``add`` the auto_now / auto_now_add fields' ``pre_save`` runs first (it sets the instance's
    attribute, as Model.save and bulk_create do); otherwise attributes are read as bulk_update reads them.
    """

    def __init__(self, fields: Sequence[models.Field], *, add: bool):
        self.fields = list(fields)
        self.columns = [f.column for f in self.fields]
        self._read = operator.attrgetter(*[f.attname for f in self.fields])
        if len(self.fields) == 1:
            read_one = self._read
            self._read = lambda obj: (read_one(obj),)
        self._auto = [
            f
            for f in self.fields
            if add and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        self._plain = [_plain_type(f) for f in self.fields]
        self._preps = [_prep(f) for f in self.fields]
        self._plans: dict[tuple, tuple] = {}

    def _plan(self, types: tuple) -> tuple:
        """(positions to convert with their field's prep, reader of the Decimal values to check finite)."""
        convert, decimals = [], []
        for index, (kind, plain) in enumerate(zip(types, self._plain, strict=True)):
            if kind is type(None):
                continue
            if kind is not plain:
                convert.append((index, self._preps[index]))
            elif plain is Decimal:
                decimals.append(index)
        if not decimals:
            finite = None
        elif len(decimals) == 1:
            finite = _single(decimals[0])
        else:
            finite = operator.itemgetter(*decimals)
        plan = (tuple(convert), finite)
        self._plans[types] = plan
        return plan

    def __call__(self, obj) -> tuple:
        for field in self._auto:
            field.pre_save(obj, True)
        values = self._read(obj)
        types = tuple(map(type, values))
        convert, finite = self._plans.get(types) or self._plan(types)
        if finite is not None and not all(map(Decimal.is_finite, finite(values))):
            return tuple(prep(value) for prep, value in zip(self._preps, values, strict=True))
        if not convert:
            return values
        row = list(values)
        for index, prep in convert:
            row[index] = prep(row[index])
        return tuple(row)


def blank_factory(model: type[models.Model]):
    """A maker of fresh unsaved instances with every field at its default, as ``model()`` gives.

    Model.__init__ walks every field for each of 100,000 goods lines (or status events); this copies the
    constant defaults built once and calls only the computed ones (``default=list``), as __init__ does. When
    something listens to the init signals it is ``model`` itself.
    """
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model
    fields = model._meta.concrete_fields
    computed = [(f.attname, f.get_default) for f in fields if f.has_default() and callable(f.default)]
    constant = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}

    def blank():
        obj = model.__new__(model)
        obj._state = ModelState()
        attrs = obj.__dict__
        attrs.update(constant)
        for attname, default in computed:
            attrs[attname] = default()
        return obj

    return blank


IDS_PER_STATEMENT = 900  # below SQLite's historical limit of 999 parameters per statement


def id_batches(values: Sequence) -> Iterator[Sequence]:
    """The values in slices small enough for one ``IN (...)`` list on every database."""
    for start in range(0, len(values), IDS_PER_STATEMENT):
        yield values[start : start + IDS_PER_STATEMENT]


def insertable_fields(model: type[models.Model]) -> list[models.Field]:
    """Concrete fields an INSERT writes: all but an auto-generated primary key and generated columns."""
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField)) and not getattr(f, "generated", False)
    ]


def reserve_ids(model: type[models.Model], count: int) -> list[int] | None:
    """``count`` new primary keys from the table's own sequence on PostgreSQL, for rows about to be COPYed with
    them; None on other databases (SQLite has no sequence to draw from: the caller finds its rows again).

    One round trip, instead of reading the stored rows back to learn their ids: that lookup was the largest
    single query of a 10,000-declaration import (40 ms a chunk). Ids drawn and never used are gaps, as after a
    rolled-back INSERT.
    """
    if connection.vendor != "postgresql" or count <= 0:
        return None
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], *, binary: bool = False
) -> None:
    """INSERT the rows (tuples of database values in ``columns`` order): COPY on PostgreSQL, else executemany.

    ``binary`` COPYs in PostgreSQL's binary format, with each column's type taken from its field: for rows that
    are mostly bytes (rendered messages), which the text format sends as twice as many hex digits for the server
    to decode again.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.validate_no_broken_transaction()
            options = " (FORMAT BINARY)" if binary else ""
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN{options}") as copy:
                    if binary:
                        copy.set_types(_column_types(model, columns))
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


_TYPE_MODIFIER = re.compile(r"\(.*?\)")


def _column_types(model: type[models.Model], columns: Sequence[str]) -> list[str]:
    """The PostgreSQL type name of each column ("varchar(6)" -> "varchar"), as the binary COPY needs them."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return [_TYPE_MODIFIER.sub("", by_column[c].db_type(connection)).strip() for c in columns]


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE by primary key: each row holds the ``columns`` values followed by the primary key."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class HistoryWriter:
    """Historical rows for stored objects, as simple-history's bulk helpers write them (see the module doc)."""

    EXTRA = ("history_date", "history_type", "history_user_id", "history_change_reason")

    def __init__(self, model: type[models.Model]):
        self.history_model = model.history.model
        fields = insertable_fields(self.history_model)
        tracked = {f.attname for f in self.history_model.tracked_fields}
        unknown = [f.attname for f in fields if f.attname not in tracked and f.attname not in self.EXTRA]
        if unknown:  # custom historical fields: this writer would not know what to put there
            raise NotImplementedError(f"historical fields {unknown} of {model.__name__}")
        tracked_fields = [f for f in fields if f.attname in tracked]
        extra_fields = [self.history_model._meta.get_field(name.removesuffix("_id")) for name in self.EXTRA]
        # The tracked values are read from the stored object itself, converted by the historical fields.
        self._tracked = RowMaker(tracked_fields, add=False)
        self._extra = RowMaker(extra_fields, add=False)
        self.columns = self._tracked.columns + self._extra.columns

    def rows(self, objs: Iterable, *, history_type: str, user) -> list[tuple]:
        user_id = getattr(user, "pk", None)
        out = []
        for obj in objs:
            extra = _Extra(
                history_date=getattr(obj, "_history_date", None) or timezone.now(),
                history_type=history_type,
                history_user_id=getattr(getattr(obj, "_history_user", None), "pk", user_id),
                history_change_reason=getattr(obj, "_change_reason", None),
            )
            out.append(self._tracked(obj) + self._extra(extra))
        return out

    def write(self, objs: Sequence, *, history_type: str, user) -> None:
        if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        insert_rows(self.history_model, self.columns, self.rows(objs, history_type=history_type, user=user))


class _Extra:
    def __init__(self, **values):
        self.__dict__.update(values)
