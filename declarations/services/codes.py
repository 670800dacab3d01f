"""Loading the code tables shipped under fixtures/codes (idempotent: update-or-create by natural key)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from declarations.models import Country, Currency, CustomsOffice, HSCode, PackingType, TransportMode, Unit

CODES_DIR = Path(settings.BASE_DIR) / "fixtures" / "codes"


@dataclass(frozen=True)
class LoadResult:
    table: str
    created: int
    updated: int


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _sync(
    model, rows: list[dict], *, key_fields: tuple[str, ...], keep_fields: tuple[str, ...] = ()
) -> LoadResult:
    """Bulk upsert by natural key; fields in keep_fields are admin-owned and never overwritten."""
    existing = {tuple(getattr(o, k) for k in key_fields): o for o in model.objects.all()}
    to_create, to_update = [], []
    fields = [f for f in rows[0] if f not in key_fields and f not in keep_fields] if rows else []
    for row in rows:
        key = tuple(row[k] for k in key_fields)
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**row))
            continue
        if any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=1000)
    return LoadResult(model._meta.model_name, len(to_create), len(to_update))


@transaction.atomic
def code_tables_load(*, directory: Path = CODES_DIR) -> list[LoadResult]:
    results = []
    offices = [
        {
            "code": r["code"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "parent_code": r["parent_code"],
            "province": r["province"],
            # headquarters 0000 and the directorate headings (xx00) are not offices where goods are declared
            "declarable": r["declarable"] != "no",
        }
        for r in _rows(directory / "customs-offices.csv")
    ]
    # pilot_zone is admin-maintained: loading never resets it.
    results.append(_sync(CustomsOffice, offices, key_fields=("code",), keep_fields=("pilot_zone",)))
    countries = [
        {
            "code": r["customs_numeric"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "iso_alpha3": r["iso_alpha3"],
            "iso_alpha2": r["iso_alpha2"],
            "declarable": r["kind"] != "continent",
            "destination": r["destination"] == "yes",
        }
        for r in _rows(directory / "countries.csv")
    ]
    results.append(_sync(Country, countries, key_fields=("code",)))
    currencies = [
        {
            "code": r["customs_numeric"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "iso_code": r["iso_code"],
            # legacy: the pre-euro currencies, kept for history and refused on new declarations
            "active": r["status"] == "active",
        }
        for r in _rows(directory / "currencies.csv")
    ]
    results.append(_sync(Currency, currencies, key_fields=("code",)))
    for model, name in ((Unit, "units.csv"), (TransportMode, "transport-modes.csv")):
        rows = [
            {"code": r["code"], "name_zh": r["name_zh"], "name_en": r["name_en"]}
            for r in _rows(directory / name)
        ]
        results.append(_sync(model, rows, key_fields=("code",)))
    packing = [
        {
            "kind": PackingType.Kind.CEB,
            "code": r["code"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "ceb_code": r["code"],
        }
        for r in _rows(directory / "packing-types-ceb.csv")
    ] + [
        {
            "kind": PackingType.Kind.DECLARATION,
            "code": r["code"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "ceb_code": r["legacy_customs_1digit"],
        }
        for r in _rows(directory / "packing-types-declaration.csv")
    ]
    results.append(_sync(PackingType, packing, key_fields=("kind", "code")))
    hs = [
        {
            "code": r["hscode"],
            "description": r["description"],
            "parent": "" if r["parent"] == "TOTAL" else r["parent"],
            "level": int(r["level"]),
            "section": r["section"],
        }
        for r in _rows(directory / "hs2022.csv")
    ]
    results.append(_sync(HSCode, hs, key_fields=("code",)))
    return results
