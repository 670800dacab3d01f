"""Reads compiled to SQL once per process instead of on every request.

Django builds and compiles a queryset each time it is evaluated. The hot pages (declaration list and detail)
run the same few reads on every request with only an id changing, and building plus compiling them took about
half of a page's CPU. A ``Precompiled`` read builds its queryset once per *shape* with placeholder values, keeps
the compiled SQL and where each placeholder landed in the parameters, and on each call runs that SQL with the
real values through the queryset's own iterable: the same rows, model instances, select_related objects and
converters as the plain queryset (``tests/web/test_precompiled_reads.py`` compares them).

Only plain values can be parameters: ids, keys (text) and lists of them (a list's length is part of the shape,
as each item is one placeholder). A value the ORM would transform (``icontains`` wraps it in ``%``) is refused
when the shape is compiled. LIMIT / OFFSET are literals in Django's SQL, so a slice belongs to the shape too
(``shape=``). An id from a request goes through ``as_id`` first: the ORM answers "no rows" for an id outside
the column's range, stored SQL would fail instead.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# Placeholders: ids are positive, so a negative value never is a real parameter. Within a 32-bit integer column's
# range (Django's auth user has one): the ORM compiles an out-of-range lookup to "no rows". A text parameter (a
# session key) gets a control character no key has.
_PLACEHOLDER_BASE = -2_100_000_000
_PLACEHOLDER_STEP = 1_000_000
_PLACEHOLDER_MARK = "\x1fprecompiled"


def _placeholder(n: int, i: int | None, value) -> int | str:
    if isinstance(value, str):
        return f"{_PLACEHOLDER_MARK}:{n}:{i}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise PrecompileError(f"only ints and strs can be parameters, not {type(value).__name__}")
    return _PLACEHOLDER_BASE - n * _PLACEHOLDER_STEP - (i or 0)


BIGINT_MAX = 2**63 - 1


def as_id(value) -> int | None:
    """``value`` (a URL's or a session's) as a row id, or None when no row can have it: not an integer, or
    outside 1..2**63-1."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= BIGINT_MAX else None


class PrecompileError(Exception):
    """The builder's queryset does not carry a parameter through unchanged (a programming error)."""


class _Shape:
    __slots__ = ("queryset", "compiler", "sql", "slots")

    def __init__(self, queryset, compiler, sql, slots):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        # Per SQL parameter: ("constant", value) or (name, index in a list parameter or None).
        self.slots = slots


class Precompiled:
    """``Precompiled(build)``; ``read(shape=s, **params)`` returns ``list(build(s, **params))``.

    ``build(shape, **params)`` returns the queryset; params are ints, strs or lists of them. ``shape`` is
    whatever else changes the SQL (a slice, the columns, a branch), hashable; at most ``max_shapes`` are kept,
    least recently used dropped.
    """

    def __init__(self, build: Callable[..., QuerySet], *, max_shapes: int = 256):
        self._build = build
        self._shapes: OrderedDict[Hashable, _Shape] = OrderedDict()
        self._max_shapes = max_shapes
        self._lock = threading.Lock()

    def build(self, shape: Hashable = None, **params) -> QuerySet:
        """The plain queryset for these values, compiled as usual: for values a placeholder cannot stand for."""
        return self._build(shape, **params)

    def __call__(self, *, shape: Hashable = None, **params) -> list:
        key = (shape, tuple((name, _length(value), _kind(value)) for name, value in sorted(params.items())))
        with self._lock:
            compiled = self._shapes.get(key)
            if compiled is not None:
                self._shapes.move_to_end(key)
        if compiled is None:
            compiled = self._compile(shape, params)
            with self._lock:
                self._shapes[key] = compiled
                while len(self._shapes) > self._max_shapes:
                    self._shapes.popitem(last=False)
        return list(_bound(compiled, params)) if compiled.sql is not None else []

    def _compile(self, shape: Hashable, params: dict) -> _Shape:
        placeholders, where = {}, {}
        for n, (name, value) in enumerate(sorted(params.items())):
            if isinstance(value, list | tuple):
                placeholders[name] = [_placeholder(n, i, value[i]) for i in range(len(value))]
                where.update({placeholders[name][i]: (name, i) for i in range(len(value))})
            else:
                placeholders[name] = _placeholder(n, None, value)
                where[placeholders[name]] = (name, None)
        queryset = self._build(shape, **placeholders)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, sql_params = compiler.as_sql()
        except EmptyResultSet as empty:
            # ``pk__in=[]``: the ORM answers [] without asking the database, whatever the other values are.
            if any(isinstance(value, list | tuple) and not value for value in params.values()):
                return _Shape(queryset, compiler, None, [])
            raise PrecompileError(
                "the query is empty for the placeholders (a value out of a column's range?)"
            ) from empty
        slots = []
        for value in sql_params:
            if isinstance(value, int | str) and value in where:
                slots.append(where[value])
            elif _PLACEHOLDER_MARK in str(value) or str(_PLACEHOLDER_BASE)[:8] in str(value):
                raise PrecompileError(f"a parameter was transformed by the query: {value!r}")
            else:
                slots.append(("constant", value))
        missing = set(where.values()) - set(slots)
        if missing:
            raise PrecompileError(f"parameters not found in the compiled SQL: {sorted(missing)}")
        return _Shape(queryset, compiler, sql, slots)


def _kind(value) -> type:
    """Placeholders follow the values' type (an int compiles differently from a str)."""
    if isinstance(value, list | tuple):
        return type(value[0]) if value else int
    return type(value)


def _length(value) -> int | None:
    return len(value) if isinstance(value, list | tuple) else None


def _bound(compiled: _Shape, params: dict) -> QuerySet:
    """A copy of the shape's queryset whose compiler returns the stored SQL with these values."""
    values = tuple(
        slot[1] if slot[0] == "constant" else params[slot[0]] if slot[1] is None else params[slot[0]][slot[1]]
        for slot in compiled.slots
    )
    compiler = copy.copy(compiled.compiler)
    # A compiler holds the connection of the thread that compiled it: run on this thread's.
    compiler.connection = connections[compiled.queryset.db]
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, values)
    queryset = compiled.queryset._chain()
    queryset.query.get_compiler = lambda using=None, connection=None, elements=(): compiler
    return queryset
