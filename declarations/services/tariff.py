"""Loading the national tariff (税则) from CSV or XLSX: validated row by row, idempotent, nothing silently dropped.

The file has exactly the columns ``TARIFF_COLUMNS``. A row that fails a check is refused with its reasons and
the rest load; a code already stored but missing from the file becomes inactive (its history stays readable);
a refused row's code is neither changed nor deactivated. Loading the same file again changes nothing.
CSV files may open with ``#`` comment lines; a comment containing ``SAMPLE`` marks the codes as a sample.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import HSCode, InspectionCategory, SupervisionCondition, Tariff, Unit
from declarations.rules.tariff import condition_codes, parse_elements

TARIFF_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "unit1",
    "unit2",
    "supervision",
    "inspection",
    "export_duty_rate",
    "refund_rate",
    "elements",
)
SAMPLE_TARIFF = Path(settings.BASE_DIR) / "fixtures" / "tariff" / "sample-tariff.csv"
CODES_DIR = Path(settings.BASE_DIR) / "fixtures" / "codes"
_CODE = re.compile(r"^[0-9]{10}$")
_FIELDS = [c for c in TARIFF_COLUMNS if c != "code"] + ["active", "sample", "source"]


class TariffFileError(ValueError):
    """The file as a whole cannot be read (wrong columns, not CSV / XLSX); nothing was stored."""


@dataclass(frozen=True)
class RefusedRow:
    row: int  # the row number in the file, the header being row 1 (comment lines counted)
    code: str
    reasons: tuple[str, ...]


@dataclass
class TariffLoadResult:
    source: str
    sample: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    refused: list[RefusedRow] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return _(
            "%(source)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(deactivated)d no longer in the file (now inactive), %(refused)d rows refused"
        ) % {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "refused": len(self.refused),
        }


def tariff_code_tables_load(*, directory: Path = CODES_DIR) -> None:
    """The supervision-condition and inspection-category code tables (idempotent)."""
    for model, name, flags in (
        (SupervisionCondition, "supervision-conditions.csv", ("export_licence", "outbound_inspection")),
        (InspectionCategory, "inspection-categories.csv", ("outbound",)),
    ):
        with (directory / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                values = {"name_zh": row["name_zh"], "name_en": row["name_en"]}
                values.update({flag: row[flag] == "1" for flag in flags})
                model.objects.update_or_create(code=row["code"], defaults=values)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace("\u3000", " ")


def read_tariff_rows(content: bytes, file_name: str) -> tuple[list[tuple[int, dict]], bool]:
    """(row number, {column: text}) per data row, and whether the file says it is a SAMPLE."""
    if file_name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            table = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own types for every broken workbook
            raise TariffFileError(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TariffFileError(_("The file is neither UTF-8 CSV nor an XLSX workbook.")) from exc
        table = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]
    sample, start = False, 0
    while start < len(table) and (not any(table[start]) or table[start][0].startswith("#")):
        sample = sample or "SAMPLE" in ",".join(table[start])
        start += 1
    if start >= len(table):
        raise TariffFileError(_("The file has no header row."))
    header = [h.strip().lower() for h in table[start]]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != TARIFF_COLUMNS:
        raise TariffFileError(
            _("The columns must be exactly: %(expected)s. The file has: %(found)s.")
            % {"expected": ",".join(TARIFF_COLUMNS), "found": ",".join(header)}
        )
    rows = []
    for offset, cells in enumerate(table[start + 1 :], start=start + 2):
        if not any(cells):
            continue
        cells = (cells + [""] * len(TARIFF_COLUMNS))[: len(TARIFF_COLUMNS)]
        rows.append((offset, dict(zip(TARIFF_COLUMNS, cells, strict=True))))
    return rows, sample


def _rate(value: str, label: str, reasons: list[str]) -> Decimal | None:
    if not value:
        return None
    try:
        rate = Decimal(value.rstrip("%").strip())
    except InvalidOperation:
        reasons.append(_("%(column)s “%(value)s” is not a number") % {"column": label, "value": value})
        return None
    if not rate.is_finite() or rate < 0 or rate > 100:
        reasons.append(
            _("%(column)s %(value)s is not a percentage between 0 and 100")
            % {"column": label, "value": value}
        )
        return None
    return rate.quantize(Decimal("0.001"))


class _Checker:
    """The reference data a row is checked against, read once per load."""

    def __init__(self):
        self.units = set(Unit.objects.values_list("code", flat=True))
        self.supervision = set(SupervisionCondition.objects.values_list("code", flat=True))
        self.inspection = set(InspectionCategory.objects.values_list("code", flat=True))
        self.hs6 = set(HSCode.objects.filter(level=6).values_list("code", flat=True))

    def check(self, row: dict) -> tuple[dict, list[str]]:
        reasons: list[str] = []
        code = row["code"].replace(".", "").replace(" ", "")
        if not _CODE.match(code):
            reasons.append(_("code “%(value)s” is not 10 digits") % {"value": row["code"]})
        elif self.hs6 and code[:6] not in self.hs6:
            reasons.append(
                _("code %(code)s: %(hs6)s is not an HS 2022 subheading") % {"code": code, "hs6": code[:6]}
            )
        if not row["name_zh"]:
            reasons.append(_("name_zh is empty"))
        if not row["unit1"]:
            reasons.append(_("unit1 is empty"))
        for column in ("unit1", "unit2"):
            if row[column] and row[column] not in self.units:
                reasons.append(
                    _("%(column)s “%(value)s” is not a unit code") % {"column": column, "value": row[column]}
                )
        unknown = [c for c in condition_codes(row["supervision"]) if c not in self.supervision]
        if unknown:
            reasons.append(_("supervision: unknown condition codes %(codes)s") % {"codes": " ".join(unknown)})
        unknown = [c for c in condition_codes(row["inspection"]) if c not in self.inspection]
        if unknown:
            reasons.append(_("inspection: unknown category codes %(codes)s") % {"codes": " ".join(unknown)})
        duty = _rate(row["export_duty_rate"], "export_duty_rate", reasons)
        refund = _rate(row["refund_rate"], "refund_rate", reasons)
        try:
            parse_elements(row["elements"])
        except ValueError as exc:
            reasons.append(_("elements: %(error)s") % {"error": exc})
        for column, limit in (("name_zh", 500), ("name_en", 500), ("supervision", 30), ("inspection", 30)):
            if len(row[column]) > limit:
                reasons.append(
                    _("%(column)s is longer than %(max)s characters") % {"column": column, "max": limit}
                )
        values = {
            "code": code,
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "unit1": row["unit1"],
            "unit2": row["unit2"],
            "supervision": "".join(condition_codes(row["supervision"])),
            "inspection": "".join(condition_codes(row["inspection"])),
            "export_duty_rate": duty,
            "refund_rate": refund,
            "elements": row["elements"],
        }
        return values, reasons


@transaction.atomic
def tariff_load(*, content: bytes, file_name: str) -> TariffLoadResult:
    """Load one tariff file; raises TariffFileError (nothing stored) when the file itself is unreadable."""
    rows, sample = read_tariff_rows(content, file_name)
    tariff_code_tables_load()
    checker = _Checker()
    source = Path(file_name).name[:255]
    result = TariffLoadResult(source=source, sample=sample)
    seen: dict[str, int] = {}
    valid: dict[str, dict] = {}
    for number, row in rows:
        values, reasons = checker.check(row)
        code = values["code"]
        if code in seen:
            reasons.append(_("code %(code)s repeats row %(row)s") % {"code": code, "row": seen[code]})
        seen.setdefault(code, number)
        if reasons:
            result.refused.append(RefusedRow(number, row["code"], tuple(reasons)))
            continue
        valid[code] = {**values, "active": True, "sample": sample, "source": source}
    now = timezone.now()
    existing = {t.code: t for t in Tariff.objects.all()}
    to_create, to_update = [], []
    for code, values in valid.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(Tariff(**values))
        elif any(getattr(obj, f) != values[f] for f in _FIELDS):
            for f in _FIELDS:
                setattr(obj, f, values[f])
            obj.updated_at = now  # bulk_update skips auto_now; the assistant's index is keyed on it
            to_update.append(obj)
        else:
            result.unchanged += 1
    Tariff.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        Tariff.objects.bulk_update(to_update, [*_FIELDS, "updated_at"], batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    # Codes in the file (refused ones too) stay as they are; the others are no longer in the tariff.
    in_file = set(seen)
    gone = [code for code, obj in existing.items() if obj.active and code not in in_file]
    for start in range(0, len(gone), 900):
        Tariff.objects.filter(code__in=gone[start : start + 900]).update(active=False, updated_at=now)
    result.deactivated = len(gone)
    return result


def tariff_load_path(*, path: Path) -> TariffLoadResult:
    return tariff_load(content=Path(path).read_bytes(), file_name=str(path))


def tariff_load_sample() -> TariffLoadResult:
    """The shipped SAMPLE tariff (demo and tests), unless an official tariff is already loaded."""
    if Tariff.objects.filter(sample=False).exists():
        return TariffLoadResult(source=SAMPLE_TARIFF.name)
    return tariff_load_path(path=SAMPLE_TARIFF)
