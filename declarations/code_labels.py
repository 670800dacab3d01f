"""Names beside codes: one lookup for every page, template, serializer and workbook that shows a customs code.

Declarations store codes as text (a draft may hold a wrong one), so a page cannot follow a foreign key to the
name. The code tables are small (a few hundred rows) and change rarely: each is read whole once and kept in
process, keyed by table, for ``CACHE_SECONDS``; saving or deleting a code row (admin, import) clears it at once
in this process, and other processes pick the change up within ``CACHE_SECONDS``. The cache holds both names;
the active language picks one at lookup time, so one cache serves zh-hans and English.
"""

from __future__ import annotations

import csv
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.formats import number_format
from django.utils.translation import gettext

from declarations.models import Country, Currency, CustomsOffice, PackingType, TransportMode, Unit
from declarations.models.codes import localized_name

CACHE_SECONDS = 300


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name_zh: str
    name_en: str
    group: str = ""  # customs office: the directorate (parent office) code
    iso: str = ""  # currency: ISO 4217 letters
    offered: bool = True  # shown in pickers: declarable office / country, active currency

    @property
    def name(self) -> str:
        return localized_name(self.name_zh, self.name_en)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code


def _offices():
    for o in CustomsOffice.objects.only("code", "name_zh", "name_en", "parent_code", "declarable"):
        # A directorate (关区) heads its own group; a subordinate office sits under its parent.
        group = o.code if o.parent_code in ("", "0000") else o.parent_code
        yield CodeEntry(o.code, o.name_zh, o.name_en, group=group, offered=o.declarable)


def _countries():
    for c in Country.objects.only("code", "name_zh", "name_en", "declarable"):
        yield CodeEntry(c.code, c.name_zh, c.name_en, offered=c.declarable)


def _currencies():
    for c in Currency.objects.only("code", "name_zh", "name_en", "iso_code", "active"):
        yield CodeEntry(c.code, c.name_zh, c.name_en, iso=c.iso_code, offered=c.active)


def _simple(model):
    def read():
        for row in model.objects.only("code", "name_zh", "name_en"):
            yield CodeEntry(row.code, row.name_zh, row.name_en)

    return read


def _packing():
    # Declarations carry the 1-digit CEB wrapType; the 2-digit set belongs to the customs declaration draft.
    for p in PackingType.objects.filter(kind=PackingType.Kind.CEB).only("code", "name_zh", "name_en"):
        yield CodeEntry(p.code, p.name_zh, p.name_en)


def _receipt_statuses():
    # returnStatus (回执状态) is no table of the database: a fixed list of the spec's codes, read from its file.
    with open(settings.BASE_DIR / "fixtures" / "codes" / "receipt-statuses.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield CodeEntry(row["code"], row["name_zh"], row["name_en"])


# Table name (as templates, widgets and the picker endpoint spell it) -> reader.
TABLES = {
    "office": _offices,
    "country": _countries,
    "currency": _currencies,
    "unit": _simple(Unit),
    "transport": _simple(TransportMode),
    "packing": _packing,
    "receipt_status": _receipt_statuses,
}

_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, CodeEntry]]] = {}


def clear_cache(*_args, **_kwargs) -> None:
    with _lock:
        _cache.clear()


for _model in (CustomsOffice, Country, Currency, Unit, TransportMode, PackingType):
    post_save.connect(clear_cache, sender=_model, dispatch_uid=f"code_labels_{_model.__name__}_save")
    post_delete.connect(clear_cache, sender=_model, dispatch_uid=f"code_labels_{_model.__name__}_delete")


def table_entries(table: str) -> dict[str, CodeEntry]:
    """Code -> entry for one table (``KeyError`` for a table not in ``TABLES``)."""
    reader = TABLES[table]
    now = time.monotonic()
    cached = _cache.get(table)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    entries = {entry.code: entry for entry in reader()}
    with _lock:
        _cache[table] = (now, entries)
    return entries


def code_entry(table: str, code) -> CodeEntry | None:
    if code is None or code == "":
        return None
    return table_entries(table).get(str(code))


def code_name(table: str, code) -> str:
    """The name in the active language, or "" for an empty or unknown code."""
    entry = code_entry(table, code)
    return entry.name if entry else ""


def code_label(table: str, code) -> str:
    """ "502 美国" / "502 United States"; an unknown code stays as it is (a draft may hold a wrong one)."""
    if code is None:
        return ""
    entry = code_entry(table, code)
    return entry.label if entry else str(code)


def receipt_status_name(code) -> str:
    """放行 / Released; a negative code is customs' processing error (处理异常回执, spec 表7-2)."""
    text = "" if code is None else str(code).strip()
    if text.startswith("-") and text[1:].isdigit():
        return gettext("Processing error")
    return code_name("receipt_status", text)


def receipt_status_label(code) -> str:
    """ "800 放行" / "800 Released"; an unknown code stays as it is."""
    text = "" if code is None else str(code).strip()
    name = receipt_status_name(text)
    return f"{text} {name}" if name else text


def format_number(value, *, min_places: int = 0) -> str:
    """A stored N19,5 number without the padding zeros (100.00000 -> "100"), at least ``min_places`` decimals
    (amounts: 250 -> "250.00"); the digits a user typed beyond that are kept (1.23456 stays)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = max(min_places, -min(0, number.normalize().as_tuple().exponent))
    return number_format(number, decimal_pos=places)


def quantity_text(qty, unit) -> str:
    """ "100 个": the quantity and the unit's name (never "100 007", read as a hundred thousand and seven)."""
    number = format_number(qty)
    if not number:
        return ""
    name = code_name("unit", unit) or (str(unit) if unit else "")
    return f"{number} {name}".strip()


def amount_text(amount, currency) -> str:
    """ "250.00 USD": at least two decimals, and the currency's ISO letters (else its name, else its code)."""
    number = format_number(amount, min_places=2)
    if not number:
        return ""
    entry = code_entry("currency", currency)
    unit = (entry.iso or entry.name) if entry else (str(currency) if currency else "")
    return f"{number} {unit}".strip()


def picker_options(table: str) -> list[dict]:
    """What a code picker offers, in the active language: only offered codes, offices with their directorate."""
    entries = table_entries(table)
    options = []
    for entry in entries.values():
        if not entry.offered:
            continue
        option = {
            "value": entry.code,
            "text": entry.label,
            "name_zh": entry.name_zh,
            "name_en": entry.name_en,
        }
        if entry.iso:
            option["iso"] = entry.iso
        if table == "office":
            option["group"] = entry.group
        options.append(option)
    options.sort(key=lambda o: o["value"])
    return options


def picker_groups(table: str) -> list[dict]:
    """The optgroups of a picker: customs directorates (关区) by code, labelled "0100 北京关区"."""
    if table != "office":
        return []
    entries = table_entries(table)
    codes = sorted({entry.group for entry in entries.values() if entry.offered})
    return [{"value": code, "label": entries[code].label if code in entries else code} for code in codes]


def warm_cache() -> None:
    """Read every table now (a worker's start, a test that counts a request's queries in steady state)."""
    for table in TABLES:
        table_entries(table)
