"""Spreadsheet bulk upload: limit checks, the import job (dry run, then confirm), per-declaration atomicity.

A declaration (its head row and all its goods rows) is stored whole or not at all; good declarations in the
same file are stored. Re-uploading the same file updates the same drafts, matched by copNo per declaring
agent. The rules run with one RuleContext per job, and good declarations are saved in bulk.
"""

from __future__ import annotations

import copy
import functools
import gc
import hashlib
import logging
import os
import shutil
import tempfile
import time
import zipfile
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declarations import task_names
from declarations.choices import EDITABLE_STATUSES, ImportState, Mode
from declarations.models import (
    Declaration,
    DeclarationLine,
    Delegation,
    Enterprise,
    ImportJob,
    Membership,
    OverseasWarehouse,
)
from declarations.rules.finding import Finding
from declarations.rules.party_pairs import check_party_pairs, names_by_code, party_codes
from declarations.selectors import enterprises_for_user
from declarations.selectors_rule_context import rule_context_load, rule_context_with_prefetched_duplicates
from declarations.services.bulk_store import (
    HistoryWriter,
    RowMaker,
    blank_factory,
    id_batches,
    insert_rows,
    insertable_fields,
    reserve_ids,
    update_rows,
)
from declarations.services.bulk_submit import BulkSubmission
from declarations.services.import_cells import (
    CALAMINE_ERRORS,
    flagged_message,
    import_limits,
    refusal,
    scan_upload,
    unreadable_workbook,
)
from declarations.services.import_kept import row_matches_stored, stored_lines
from declarations.spreadsheets.columns import FLAG, GOODS_COLUMNS, HEAD_COLUMNS, SHEET_GOODS, SHEET_HEAD
from declarations.spreadsheets.reader import Row, Workbook, find_sheet, workbook_reading
from declarations.spreadsheets.report import FIRST_ERRORS, CellError, build_report, error_rows
from declarations.spreadsheets.scan import SheetUnreadable, sheet_members
from declarations.spreadsheets.template import code_lists

logger = logging.getLogger(__name__)

# Limits; override in settings (names below) when a deployment needs other values.
DEFAULT_MAX_UNCOMPRESSED = 250 * 1024 * 1024
DEFAULT_MAX_RATIO = 100  # a zip member this many times larger than its compressed size is a bomb
DEFAULT_MAX_ROWS = 200_000
STORE_CHUNK = 500
POISON_DELIVERIES = 3  # a job started this many times without finishing is not started again
# The progress bar polls every few seconds; a write per N rows would cost a commit (an fsync) each.
PROGRESS_SECONDS = 0.5

HEAD_KEYS = {c.key: c for c in HEAD_COLUMNS}
GOODS_KEYS = {c.key: c for c in GOODS_COLUMNS}
# Finding fields without a column of their own -> the column that holds the data.
FIELD_TO_COLUMN = {"tradeMode": "mode", "agentCode": "ebcCode", "lines": "copNo", "goodsValue": "copNo"}
HEAD_ATTRS = [c.attr for c in HEAD_COLUMNS if c.attr]
STORED_FIELDS = [
    *HEAD_ATTRS,
    "enterprise",
    "agent",
    "warehouse",
    "findings",
    "recommended_channel",
    "channel_reason",
    "updated_at",
]


@functools.cache
def _declaration_inserter() -> RowMaker:
    return RowMaker(insertable_fields(Declaration), add=True)


@functools.cache
def _declaration_inserter_with_ids() -> RowMaker:
    return RowMaker([Declaration._meta.pk, *insertable_fields(Declaration)], add=True)


@functools.cache
def _declaration_updater() -> RowMaker:
    return RowMaker([Declaration._meta.get_field(name) for name in STORED_FIELDS], add=False)


@functools.cache
def _line_inserter() -> RowMaker:
    return RowMaker(insertable_fields(DeclarationLine), add=True)


@functools.cache
def _history_writer() -> HistoryWriter:
    return HistoryWriter(Declaration)


# (column key, model attribute, Y/N flag) of the goods columns that map to a DeclarationLine field.
_GOODS_ATTRS = tuple((c.key, c.attr, c.kind == FLAG) for c in GOODS_COLUMNS if c.attr)


@functools.cache
def _line_factory():
    return blank_factory(DeclarationLine)


@functools.cache
def _declaration_factory():
    return blank_factory(Declaration)


def _insert_declarations(declarations: list[Declaration]) -> None:
    """INSERT new heads and give each its id: drawn beforehand where the database can (reserve_ids), else found
    by agent and copNo, which the database keeps unique."""
    ids = reserve_ids(Declaration, len(declarations))
    if ids is not None:
        for declaration, pk in zip(declarations, ids, strict=True):
            declaration.pk = pk
        maker = _declaration_inserter_with_ids()
        insert_rows(Declaration, maker.columns, [maker(declaration) for declaration in declarations])
        for declaration in declarations:
            _mark_stored(declaration)
        return
    maker = _declaration_inserter()
    rows = [maker(declaration) for declaration in declarations]
    insert_rows(Declaration, maker.columns, rows)
    agent_at, cop_at = maker.columns.index("agent_id"), maker.columns.index("cop_no")
    by_agent: dict[int, dict[str, Declaration]] = defaultdict(dict)
    for declaration, row in zip(declarations, rows, strict=True):
        by_agent[row[agent_at]][row[cop_at]] = declaration
    for agent_id, by_cop in by_agent.items():
        for batch in id_batches(list(by_cop)):
            stored = Declaration.objects.filter(agent_id=agent_id, cop_no__in=batch)
            for pk, cop_no in stored.values_list("pk", "cop_no"):
                declaration = by_cop[cop_no]
                declaration.pk = pk
                _mark_stored(declaration)
    if any(declaration.pk is None for declaration in declarations):
        raise DatabaseError("stored declarations were not found again")


def _mark_stored(declaration: Declaration) -> None:
    declaration._state.adding = False
    declaration._state.db = connection.alias


def _insert_lines(lines: list[DeclarationLine]) -> None:
    """INSERT goods lines whose declaration is stored (a separate function: the fault tests pause here)."""
    maker = _line_inserter()
    insert_rows(DeclarationLine, maker.columns, [maker(line) for line in lines])


class ImportRejected(Exception):
    """The file was refused before parsing; the message says why (in the user's language)."""


def _limits() -> tuple[int, int, int, int]:
    return (
        int(settings.UPLOAD_MAX_BYTES),
        int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)),
        int(getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", DEFAULT_MAX_RATIO)),
        int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
    )


def workbook_check_limits(fileobj, *, size: int) -> dict:
    """Size, real xlsx zip structure, uncompressed size (zip bomb), well-formed XML, each data sheet's real grid
    and the row count; raises ImportRejected. Returns the data sheets' scans (SheetScan.as_json by name)."""
    max_bytes, max_uncompressed, max_ratio, max_rows = _limits()
    if size > max_bytes:
        raise ImportRejected(
            _("The file is %(size)s MB; at most %(max)s MB are accepted.")
            % {"size": round(size / 1048576, 1), "max": round(max_bytes / 1048576, 1)}
        )
    fileobj.seek(0)
    if not zipfile.is_zipfile(fileobj):
        raise ImportRejected(_("This is not an Excel workbook (.xlsx)."))
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRejected(_("This is not an Excel workbook (.xlsx)."))
            total = sum(info.file_size for info in infos)
            if total > max_uncompressed:
                raise ImportRejected(
                    _("The workbook unpacks to %(size)s MB; at most %(max)s MB are accepted.")
                    % {"size": round(total / 1048576), "max": round(max_uncompressed / 1048576)}
                )
            for info in infos:
                if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
                    raise ImportRejected(_("The workbook is compressed suspiciously well (a zip bomb?)."))
            # The real extent of each data sheet (its <dimension> may lie or be missing) and well-formed XML,
            # so that a hostile or damaged workbook is refused here and never reaches a worker.
            scans = scan_upload(archive, names, _data_sheet_members(archive, names), import_limits(max_rows))
            rows = sum(max(0, scan.rows - 1) for scan in scans.values())  # the header row is not a record
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ImportRejected(_("This is not an Excel workbook (.xlsx).")) from exc
    if rows > max_rows:
        raise ImportRejected(
            _("The workbook has %(rows)s rows; at most %(max)s are accepted.")
            % {"rows": rows, "max": max_rows}
        )
    fileobj.seek(0)
    return {name: scan.as_json() for name, scan in scans.items()}


def _data_sheet_members(archive: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, zip member) of the two data sheets (names from workbook.xml, targets from its relationships)."""
    members = sheet_members(archive)
    wanted = {find_sheet([n for n, _m in members], sheet) for sheet in (SHEET_HEAD, SHEET_GOODS)}
    return [(n, m) for n, m in members if n in wanted]


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _dispatch(job: ImportJob, language: str | None) -> None:
    from declarations.services.dispatch import task_dispatch

    task_dispatch(task=task_names.IMPORT_JOB_RUN, args=[job.pk, language])  # outbox: survives a Redis outage


@transaction.atomic
def import_job_create(
    *,
    user,
    uploaded_file,
    dry_run: bool = True,
    submit: bool = False,
    run_async: bool = True,
    language: str | None = None,
) -> ImportJob:
    """Check the limits (nothing is stored when they fail), store the file and queue the job.

    With ``submit`` the declarations it stores are submitted as well (when it runs for real).
    """
    size = uploaded_file.size if uploaded_file.size is not None else len(uploaded_file.read())
    scans = workbook_check_limits(uploaded_file, size=size)
    name = os.path.basename(uploaded_file.name or "upload.xlsx")[:200]
    job = ImportJob(
        user=user,
        file_name=name,
        sha256=_sha256(uploaded_file),
        dry_run=dry_run,
        submit=submit,
        sheet_scans=scans,
    )
    job.file.save(name, File(uploaded_file), save=False)
    job.save()
    if run_async:
        _dispatch(job, language)
    return job


@transaction.atomic
def import_job_confirm(
    *,
    user,
    job: ImportJob,
    submit: bool | None = None,
    run_async: bool = True,
    language: str | None = None,
) -> ImportJob:
    """Run a finished dry run for real (same file, same job); ``submit`` None keeps the upload's choice."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != user.pk:
        raise PermissionDenied
    if job.state != ImportState.DRY_RUN_DONE:
        raise ImportRejected(_("Only a finished dry run can be confirmed."))
    if job.report:
        job.report.delete(save=False)
    job.dry_run = False
    if submit is not None:
        job.submit = submit
    job.state = ImportState.PENDING
    job.rows_done = 0
    job.error_message = ""
    job.deliveries = 0  # a new run: the dry run's deliveries finished
    job.save()
    if run_async:
        _dispatch(job, language)
    return job


# --- running a job ---


@dataclass
class _Candidate:
    head: Row
    declaration: Declaration
    lines: list[DeclarationLine]
    goods: list[int]  # the Excel row numbers of its goods rows
    is_new: bool
    findings: list[Finding] = field(default_factory=list)
    advice: object = None


@dataclass
class _Outcome:
    errors: list[CellError] = field(default_factory=list)
    statuses: dict[tuple[str, int], str] = field(default_factory=dict)
    counts: dict = field(default_factory=lambda: {"create": 0, "update": 0, "reject": 0, "kept": 0})


def _checker():
    """declaration_check from the rules engine; the XSD-level field checks while the engine is not installed."""
    try:
        from declarations.services.declarations import declaration_check
    except ImportError:  # the rules engine is still being merged
        from declarations.rules.fields import check_fields

        def declaration_check(*, declaration, lines, ctx):
            return check_fields(declaration, lines, channel=declaration.channel or ""), None

    return declaration_check


def _context():
    return rule_context_load()


@contextmanager
def _local_path(job: ImportJob):
    try:
        yield Path(job.file.path)
    except NotImplementedError:  # remote storage: work on a temporary copy
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp, job.file.open("rb") as src:
            shutil.copyfileobj(src, tmp)
            tmp.flush()
            yield Path(tmp.name)


def import_job_run(*, job_id: int, language: str | None = None) -> ImportJob:
    """Process the job's workbook (idempotent: running it twice updates the same drafts)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        job = ImportJob.objects.get(pk=job_id)
        if job.state in (ImportState.DONE, ImportState.DRY_RUN_DONE):
            return job
        if _poisoned(job):
            job.refresh_from_db()
            return job
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, started_at=timezone.now())
        try:
            _run(job)
        except ImportRejected as exc:
            _fail(job, str(exc))
        except SheetUnreadable as exc:
            _fail(job, str(refusal(exc, import_limits(_limits()[3]))))
        except CALAMINE_ERRORS as exc:
            _fail(job, str(unreadable_workbook(exc)))
        except DatabaseError:
            logger.exception("import job %s lost the database", job.pk)
            _fail_after_database_error(job)
        except Exception as exc:
            logger.exception("import job %s failed", job.pk)
            _fail(job, _("The import failed unexpectedly: %(error)s") % {"error": exc.__class__.__name__})
        job.refresh_from_db()
        return job


def _poisoned(job: ImportJob) -> bool:
    """Count this delivery (committed before any work); past POISON_DELIVERIES the job is failed, not run.

    A workbook that makes its worker die (out of memory, a crash in a parser) leaves the job running and the
    task unacknowledged, so the broker hands it to the next worker: without a bound it would kill them all.
    """
    ImportJob.objects.filter(pk=job.pk).update(deliveries=F("deliveries") + 1)
    deliveries = ImportJob.objects.values_list("deliveries", flat=True).get(pk=job.pk)
    limit = int(getattr(settings, "IMPORT_POISON_DELIVERIES", POISON_DELIVERIES))
    if deliveries <= limit:
        return False
    logger.error("import job %s set aside after %s deliveries", job.pk, deliveries - 1)
    _fail(
        job,
        _(
            "The import was started %(count)s times and its worker stopped each time before it finished (the "
            "workbook may be damaged or too large); it was set aside and will not be tried again. Check the "
            "file or split it, and upload it again."
        )
        % {"count": deliveries - 1},
    )
    return True


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.FAILED, error_message=message, finished_at=timezone.now()
    )


def _fail_after_database_error(job: ImportJob, *, attempts: int = 5, pause: float = 2.0) -> None:
    """A database restart cuts the session: record the failure on a new one (the database may need a moment)."""
    message = _(
        "The database was unavailable during the import. Declarations already stored are complete; "
        "upload the file again to finish (it updates the same drafts)."
    )
    for attempt in range(attempts):
        dead = connection.connection is not None and not connection.is_usable()
        if dead and not connection.in_atomic_block:
            connection.close()  # the next query opens a new session
        try:
            _fail(job, message)
            return
        except DatabaseError:
            if attempt == attempts - 1:
                raise
            time.sleep(pause)


@contextmanager
def _collector_paused():
    """The cycle collector waits for the end of the job.

    The workbook's rows, the model objects and the message rows are acyclic and freed by reference counting;
    the collector only walked them, over and over (1.1 s of CPU in a 10,000-declaration import, 12 % of the
    job, most of it while the workbook is read). Cyclic garbage the job makes waits until the end (the
    benchmark's peak RSS did not change).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_row_count(rows: int, max_rows: int) -> None:
    if rows > max_rows:
        raise ImportRejected(
            _("The workbook has %(rows)s rows; at most %(max)s are accepted.")
            % {"rows": rows, "max": max_rows}
        )


def _run(job: ImportJob) -> None:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    *_unused, max_rows = _limits()
    submission = None
    if job.submit and not job.dry_run:
        submission = BulkSubmission(
            actor=job.user, note=_("Submitted with the upload “%(file)s”.") % {"file": job.file_name}
        )
    with _collector_paused(), submission or nullcontext():
        _run_with(job, submission, timings, started, max_rows)


def _run_with(job: ImportJob, submission, timings: dict, started: float, max_rows: int) -> None:
    with (
        _local_path(job) as path,
        workbook_reading(path, import_limits(max_rows), job.sheet_scans) as workbook,
    ):
        if not workbook.head.present:
            raise ImportRejected(
                _("The workbook has no sheet “%(sheet)s”; please use the template.")
                % {"sheet": workbook.head.name}
            )
        _check_row_count(len(workbook.head.rows), max_rows)
        importer = _Importer(job=job, workbook=workbook)
        importer.prepare()  # while the goods sheet is still being read
        rows = workbook.head.count + workbook.goods.count
    _check_row_count(rows, max_rows)
    timings["read"] = round(time.perf_counter() - started, 3)
    ImportJob.objects.filter(pk=job.pk).update(rows_total=rows)

    mark = time.perf_counter()
    # Each STORE_CHUNK of good declarations is stored as soon as it is checked, so the goods lines' model
    # objects (100,000 for 10,000 declarations) are never all in memory; the heads are, from prepare() on.
    # The duplicate lookups were read before the first store, so a declaration is checked exactly as if
    # nothing had been stored yet.
    importer.submission = submission
    importer.check(on_chunk=importer.mark_stored if job.dry_run else importer.store)
    if submission is not None:
        # Rendering overlapped the checking: what is left is the last chunks' (see bulk_submit).
        submit_mark = time.perf_counter()
        submission.finish()
        importer.submit_seconds += time.perf_counter() - submit_mark
    timings["check"] = round(time.perf_counter() - mark - importer.store_seconds - importer.submit_seconds, 3)
    timings["store"] = round(importer.store_seconds, 3)
    if submission is not None:
        timings["submit"] = round(importer.submit_seconds, 3)
        timings["render_peak_rss_mb"] = round(submission.result.render_peak_rss_mb)

    mark = time.perf_counter()
    outcome = importer.outcome
    report_name = ""
    report_failed = False
    if outcome.errors:
        # What was stored (and submitted) stays stored whatever happens to the report: a report that cannot be
        # written is said on the job, never turned into a failed job with zero counts.
        try:
            content = build_report(workbook, outcome.errors, outcome.statuses, lists=code_lists())
            stem = Path(job.file_name).stem or "upload"
            job.report.save(f"{stem}-report.xlsx", ContentFile(content), save=False)
            report_name = job.report.name
        except DatabaseError:
            raise
        except Exception:
            logger.exception("import job %s: the error report could not be written", job.pk)
            report_failed = True
    timings["report"] = round(time.perf_counter() - mark, 3)
    timings["total"] = round(time.perf_counter() - started, 3)

    counts = dict(outcome.counts)
    counts["declarations"] = len(workbook.head.rows)
    counts["lines"] = workbook.goods.count
    counts["errors"] = sum(1 for e in outcome.errors if e.severity == "error")
    counts["warnings"] = len(outcome.errors) - counts["errors"]
    if submission is not None:
        result = submission.result
        counts.update(submitted=result.submitted, sent=result.sent, render_failed=len(result.failed))
    counts["unknown_columns"] = [
        text for sheet in (workbook.head, workbook.goods) for _i, text in sheet.unknown
    ]
    counts["first_errors"] = error_rows(workbook, outcome.errors, limit=FIRST_ERRORS)
    if report_failed:
        counts["report_failed"] = True
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.DRY_RUN_DONE if job.dry_run else ImportState.DONE,
        rows_done=rows,
        counts=counts,
        timings=timings,
        report=report_name,
        error_message=_("The error report could not be written; the first errors are listed on this page.")
        if report_failed
        else "",
        finished_at=timezone.now(),
    )


def _by_row(flagged: list) -> dict[int, list]:
    rows: dict[int, list] = defaultdict(list)
    for item in flagged:
        rows[item[0]].append(item)
    return rows


class _Importer:
    def __init__(self, *, job: ImportJob, workbook: Workbook):
        self.job = job
        self.user = job.user
        self.workbook = workbook
        self.outcome = _Outcome()
        self.rows_done = 0
        self.store_seconds = 0.0
        self.submission: BulkSubmission | None = None  # set when the stored declarations are submitted too
        self.submit_seconds = 0.0
        self._progress_at = time.monotonic()
        self._heads: list | None = None  # set by prepare
        self._flagged: set[tuple[str, int, str]] = set()  # (sheet, row, key) of cells reported by the reader

    # -- errors and statuses --

    def error(self, sheet, row: int, key: str, code: str, message: str, severity: str = "error") -> None:
        self.outcome.errors.append(CellError(sheet.name, row, key, code, str(message), severity))

    def finding(self, finding: Finding, head: Row, goods_by_gnum: dict[int, int]) -> None:
        """The finding on its cell: a line's on the goods row with its gnum (goods_by_gnum: row numbers)."""
        key = FIELD_TO_COLUMN.get(finding.field, finding.field)
        goods_number = goods_by_gnum.get(finding.gnum) if finding.gnum is not None else None
        if goods_number is not None:
            sheet, row = self.workbook.goods, goods_number
            key = key if key in GOODS_KEYS else ""
        else:
            sheet, row = self.workbook.head, head.number
            key = key if key in HEAD_KEYS else ""
        if self._flagged and (sheet.name, row, key) in self._flagged:
            return  # the cell's value could not be used: its own finding says why (import_cells)
        self.error(sheet, row, key, finding.code, finding.message, finding.severity)

    def _flag_cells(self, sheet, flags: list) -> None:
        """The reader's flagged cells of one row (error values, unsaved formulas, ambiguous numbers)."""
        for row, key, code, value in flags:
            self._flagged.add((sheet.name, row, key))
            self.error(sheet, row, key, code, flagged_message(code, value))

    def status(self, candidate_head: Row, goods: list[int], text: str) -> None:
        """The outcome on the head row and on its goods rows (their row numbers)."""
        self.outcome.statuses[(self.workbook.head.name, candidate_head.number)] = text
        name = self.workbook.goods.name
        for number in goods:
            self.outcome.statuses[(name, number)] = text

    def progress(self, rows: int) -> None:
        self.rows_done += rows
        now = time.monotonic()
        if now - self._progress_at >= PROGRESS_SECONDS:
            self._progress_at = now
            ImportJob.objects.filter(pk=self.job.pk).update(rows_done=self.rows_done)

    # -- tenancy --

    def _parties(self):
        """Enterprises by code the user may file for, and the declaring agent for each."""
        allowed = list(enterprises_for_user(user=self.user))
        member_ids = set(Membership.objects.filter(user=self.user).values_list("enterprise_id", flat=True))
        delegated = dict(
            Delegation.objects.filter(broker_id__in=member_ids, active=True)
            .order_by("-id")
            .values_list("exporter_id", "broker_id")
        )
        by_code, agent_for = {}, {}
        for enterprise in allowed:
            for code in (enterprise.customs_code, enterprise.uscc):
                if code:
                    by_code[code.upper()] = enterprise
            if enterprise.pk in member_ids or self.user.is_superuser:
                agent_for[enterprise.pk] = enterprise.pk
            else:
                agent_for[enterprise.pk] = delegated.get(enterprise.pk, enterprise.pk)
        warehouses = {
            (w.enterprise_id, w.name.strip()): w
            for w in OverseasWarehouse.objects.filter(enterprise__in=allowed)
        }
        return by_code, agent_for, warehouses

    # -- checking --

    def _header_errors(self) -> None:
        for sheet, columns in ((self.workbook.head, HEAD_COLUMNS), (self.workbook.goods, GOODS_COLUMNS)):
            if not sheet.present:
                self.error(
                    sheet,
                    1,
                    "",
                    "MISSING_SHEET",
                    _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet.name},
                )
                continue
            for _index, text in sheet.unknown:
                self.error(
                    sheet,
                    1,
                    str(text),
                    "UNKNOWN_COLUMN",
                    _("Unknown column “%(column)s”; it was ignored.") % {"column": text},
                    "warning",
                )
            for column in columns:
                if column.required and column.key not in sheet.columns:
                    self.error(
                        sheet,
                        1,
                        "",
                        "MISSING_COLUMN",
                        _("The required column “%(column)s” is missing.") % {"column": column.header},
                    )
            for row, key in sheet.too_long:
                self.error(
                    sheet, row, key, "CELL_TOO_LONG", _("This cell holds more text than Excel allows.")
                )

    def _group_goods(self, head_cops: set[str]) -> dict[str, list[int]]:
        """The goods sheet's records (their positions, read through its columns) by copNo."""
        sheet = self.workbook.goods
        cops = sheet.data.get("copNo") or [None] * sheet.count
        goods: dict[str, list[int]] = defaultdict(list)
        for record, cop_no in enumerate(cops):
            cop_no = cop_no or ""
            if cop_no in head_cops:
                goods[cop_no].append(record)
                continue
            number = sheet.numbers[record]
            self.error(
                sheet,
                number,
                "copNo",
                "NO_DECLARATION_ROW",
                _("No row on the declarations sheet has the enterprise document number “%(cop_no)s”.")
                % {"cop_no": cop_no},
            )
            self.outcome.statuses[(sheet.name, number)] = _("Rejected")
        return goods

    def _existing(self, keys: set[tuple[int, str]]) -> dict[tuple[int, str], Declaration]:
        found: dict[tuple[int, str], Declaration] = {}
        by_agent: dict[int, list[str]] = defaultdict(list)
        for agent_id, cop_no in keys:
            by_agent[agent_id].append(cop_no)
        for agent_id, cops in by_agent.items():
            for batch in id_batches(cops):
                for declaration in Declaration.objects.filter(agent_id=agent_id, cop_no__in=batch):
                    found[(agent_id, declaration.cop_no)] = declaration
        return found

    def prepare(self) -> None:
        """Everything the checks need that the declarations sheet and the database give, before the goods.

        Run while the goods sheet is still being read (reader.workbook_reading): the parties, the drafts the
        rows update, the numbers already taken, and each row's declaration filled from its cells. Nothing is
        reported here, so the errors keep their order; ``check`` reports them row by row.
        """
        head_sheet = self.workbook.head
        cops = {row.values.get("copNo") or "" for row in head_sheet.rows}
        by_code, agent_for, self._warehouses = self._parties()
        plan = []
        for row in head_sheet.rows:
            code = str(row.values.get("ebcCode") or "").upper()
            enterprise = by_code.get(code)
            plan.append((row, enterprise, agent_for.get(enterprise.pk) if enterprise else None))
        existing = self._existing(
            {(agent, row.values.get("copNo") or "") for row, _e, agent in plan if agent}
        )
        # Nothing is stored while checking, so the numbers already taken are read once for the whole file.
        self._ctx = rule_context_with_prefetched_duplicates(
            _context(),
            order_nos={row.values.get("orderNo") for row in head_sheet.rows},
            logistics_nos={row.values.get("logisticsNo") for row in head_sheet.rows},
            cop_nos=cops,
        )
        self._cops = cops - {""}
        codes = set().union(*(party_codes(row.values) for row in head_sheet.rows))
        self._party_names = names_by_code(
            record
            for batch in id_batches(sorted(codes))
            for record in Enterprise.objects.filter(customs_code__in=batch).values_list(
                "customs_code", "name", "name_en"
            )
        )
        agents = Enterprise.objects.in_bulk({agent for _r, _e, agent in plan if agent})
        heads = []
        seen_cops: set[str] = set()
        for row, enterprise, agent_id in plan:
            cop_no = row.values.get("copNo") or ""
            current = existing.get((agent_id, cop_no)) if agent_id else None
            repeated = cop_no in seen_cops
            if current is None:
                declaration = _declaration_factory()()
                declaration.created_by = self.user
                declaration.status = "draft"
            elif repeated or current.status not in EDITABLE_STATUSES:
                # A repeated row is rejected, but checked with its own values: on a copy, so that the draft the
                # first row updates keeps the first row's. A declaration no longer editable is filled on a copy
                # too: the row is compared with what is stored (import_kept).
                declaration = copy.copy(current)
            else:
                declaration = current
            seen_cops.add(cop_no)
            self._fill_head(declaration, row.values, enterprise, agents.get(agent_id) if agent_id else None)
            heads.append((row, enterprise, agent_id, current, declaration, repeated))
        self._heads = heads
        self._stored_lines = stored_lines(
            current.pk
            for _r, _e, _a, current, _d, repeated in heads
            if current is not None and not repeated and current.status not in EDITABLE_STATUSES
        )

    def check(self, on_chunk=None) -> list[_Candidate]:
        """Every row checked in one pass; returns the declarations without errors.

        With ``on_chunk`` the good declarations are handed over every STORE_CHUNK instead (and not returned).
        """
        if self._heads is None:
            self.prepare()
        self._header_errors()
        head_sheet = self.workbook.head
        goods_by_cop = self._group_goods(self._cops)
        goods_numbers = self.workbook.goods.numbers
        goods_data = self.workbook.goods.data
        # (key, attribute, Y/N flag, the column's values) of the goods columns present in the sheet.
        goods_columns = [
            (key, attr, flag, goods_data[key]) for key, attr, flag in _GOODS_ATTRS if key in goods_data
        ]
        warehouses = self._warehouses
        check = _checker()
        ctx = self._ctx
        heads, self._heads = self._heads, []
        seen_orders: dict[tuple, int] = {}
        seen_waybills: dict[tuple, int] = {}
        head_flags = _by_row(head_sheet.flagged)
        goods_flags = _by_row(self.workbook.goods.flagged)
        candidates: list[_Candidate] = []
        for position in range(len(heads)):
            row, enterprise, agent_id, current, declaration, repeated = heads[position]
            heads[position] = None  # the candidates hold what is still needed, a chunk at a time
            values = row.values
            cop_no = values.get("copNo") or ""
            records = goods_by_cop.get(cop_no, []) if not repeated else []
            goods = [goods_numbers[record] for record in records]
            before = len(self.outcome.errors)
            if head_flags and row.number in head_flags:
                self._flag_cells(head_sheet, head_flags[row.number])
            for key, code, message in check_party_pairs(values, self._party_names):
                cell = (head_sheet.name, row.number, key)
                if cell not in self._flagged:  # an #N/A code is said once, as an error value
                    self._flagged.add(cell)
                    self.error(head_sheet, row.number, key, code, message)
            if goods_flags:
                for number in goods:
                    if number in goods_flags:
                        self._flag_cells(self.workbook.goods, goods_flags[number])
            own_fields: set[str] = set()

            if cop_no and repeated:
                self.error(
                    head_sheet,
                    row.number,
                    "copNo",
                    "DUPLICATE_IN_FILE",
                    _("The enterprise document number “%(cop_no)s” appears more than once in this file.")
                    % {"cop_no": cop_no},
                )
            if enterprise is None:
                own_fields.update({"ebcCode", "agentCode"})
                self.error(
                    head_sheet,
                    row.number,
                    "ebcCode",
                    "NOT_PERMITTED",
                    _(
                        "You may not declare for the enterprise “%(code)s”: it is not yours and has not "
                        "delegated to you."
                    )
                    % {"code": values.get("ebcCode") or ""},
                )

            locked = current is not None and current.status not in EDITABLE_STATUSES
            if locked and (repeated or enterprise is None):
                self._not_editable(row, cop_no, current)
                own_fields.add("copNo")  # still checked against itself below, never stored
            if enterprise is not None and values.get("mode") == Mode.WAREHOUSE and values.get("warehouse"):
                warehouse = warehouses.get((enterprise.pk, str(values["warehouse"]).strip()))
                if warehouse is None:
                    own_fields.add("warehouse")
                    self.error(
                        head_sheet,
                        row.number,
                        "warehouse",
                        "UNKNOWN_WAREHOUSE",
                        _("“%(name)s” is not an overseas warehouse of this enterprise.")
                        % {"name": values["warehouse"]},
                    )
                declaration.warehouse = warehouse
            else:
                declaration.warehouse = None

            lines, goods_by_gnum = [], {}
            for index, record in enumerate(records):
                line = self._line(goods_columns, record, index)
                lines.append(line)
                gnum = line.gnum if isinstance(line.gnum, int) and 0 < line.gnum < 100_000 else index + 1
                goods_by_gnum.setdefault(gnum, goods[index])

            self._in_file_duplicates(declaration, row, seen_orders, seen_waybills)
            if locked and not (repeated or enterprise is None):
                clean = not any(e.severity == "error" for e in self.outcome.errors[before:])
                if clean and self._matches_stored(current, declaration, row, lines, goods_columns):
                    self._kept(row, goods, cop_no, current)
                    self.progress(1 + len(goods))
                    continue
                self._not_editable(row, cop_no, current)
                own_fields.add("copNo")
            findings, advice = check(declaration=declaration, lines=lines, ctx=ctx)
            for finding in findings:
                if finding.field in own_fields and finding.gnum is None:
                    continue  # already reported more precisely above
                self.finding(finding, row, goods_by_gnum)
            new_errors = any(e.severity == "error" for e in self.outcome.errors[before:])
            if new_errors:
                self.outcome.counts["reject"] += 1
                self.status(row, goods, _("Rejected"))
            else:
                candidates.append(
                    _Candidate(row, declaration, lines, goods, current is None, findings, advice)
                )
                if on_chunk is not None and len(candidates) >= STORE_CHUNK:
                    self._hand_over(on_chunk, candidates)
                    candidates = []
            self.progress(1 + len(goods))
        if on_chunk is not None:
            if candidates:
                self._hand_over(on_chunk, candidates)
            return []
        return candidates

    def _not_editable(self, row: Row, cop_no: str, current: Declaration) -> None:
        self.error(
            self.workbook.head,
            row.number,
            "copNo",
            "NOT_EDITABLE",
            _("The declaration “%(cop_no)s” is %(status)s and can no longer be changed.")
            % {"cop_no": cop_no, "status": current.get_status_display()},
        )

    def _matches_stored(self, current, declaration, row: Row, lines, goods_columns) -> bool:
        return row_matches_stored(
            stored=current,
            filled=declaration,
            head_attrs=[c.attr for c in HEAD_COLUMNS if c.attr and c.key in row.values],
            stored_lines=self._stored_lines.get(current.pk, []),
            lines=lines,
            line_attrs=[attr for _key, attr, _flag, _column in goods_columns],
        )

    def _kept(self, row: Row, goods: list[int], cop_no: str, current: Declaration) -> None:
        """Stored by an earlier run (a redelivered task, the same file uploaded again): kept, said on its row."""
        self.outcome.counts["kept"] += 1
        self.error(
            self.workbook.head,
            row.number,
            "copNo",
            "ALREADY_STORED",
            _(
                "The declaration “%(cop_no)s” was already stored with these values and is %(status)s: "
                "kept as it is, nothing was changed or sent again."
            )
            % {"cop_no": cop_no, "status": current.get_status_display()},
            severity="warning",
        )
        self.status(row, goods, _("Kept: already stored"))

    def _hand_over(self, on_chunk, candidates: list[_Candidate]) -> None:
        mark = time.perf_counter()
        stored = on_chunk(candidates)
        submit_mark = time.perf_counter()
        self.store_seconds += submit_mark - mark
        if self.submission is not None and stored:
            submitted = self.submission.add([(c.declaration, c.lines) for c in stored])
            self.submit_seconds += time.perf_counter() - submit_mark
            for candidate in stored:
                if candidate.declaration.pk not in submitted:
                    self._not_submitted(candidate)

    def _not_submitted(self, candidate: _Candidate) -> None:
        """Stored, but changed by someone else before it could be submitted: said on its row, never silently."""
        self.error(
            self.workbook.head,
            candidate.head.number,
            "copNo",
            "NOT_SUBMITTED",
            _("Stored, but not submitted: the declaration was changed meanwhile; submit it from its page."),
            severity="warning",
        )
        self.status(candidate.head, candidate.goods, _("Stored, not submitted"))

    def _fill_head(self, declaration: Declaration, values: dict, enterprise, agent) -> None:
        for column in HEAD_COLUMNS:
            if column.attr and column.key in values:
                setattr(declaration, column.attr, values[column.key])
        for attr in ("freight", "insured_fee"):
            if getattr(declaration, attr) is None:
                setattr(declaration, attr, Decimal("0"))
        declaration.enterprise = enterprise
        if agent is not None:
            declaration.agent = agent  # the object, not the id: the rules read it and would query it per row
        else:
            declaration.agent_id = None

    def _line(self, goods_columns: list[tuple], record: int, index: int) -> DeclarationLine:
        """The goods sheet's record as a line, read from its columns (``goods_columns``, made by check)."""
        line = _line_factory()()
        attrs = line.__dict__  # the goods columns are plain fields: setattr would store them here too
        for key, attr, is_flag, column in goods_columns:
            value = column[record]
            if is_flag and not isinstance(value, bool):
                self.error(
                    self.workbook.goods,
                    self.workbook.goods.numbers[record],
                    key,
                    "INVALID_FLAG",
                    _("Write Y or N, not “%(value)s”.") % {"value": value},
                )
                value = False
            attrs[attr] = value
        if line.gnum is None:
            line.gnum = index + 1
        if not line.bar_code:
            line.bar_code = "无"
        return line

    def _in_file_duplicates(self, declaration: Declaration, row: Row, orders: dict, waybills: dict) -> None:
        """The database check cannot see rows of this file that are not stored yet."""
        sheet = self.workbook.head
        if declaration.order_no:
            key = (declaration.ebp_code, declaration.ebp_name, declaration.order_no, declaration.warehouse_id)
            if key in orders:
                finding = Finding.of(
                    "DUPLICATE_ORDER_NO",
                    "orderNo",
                    value=declaration.order_no,
                    platform=declaration.ebp_name or declaration.ebp_code,
                )
                self.error(sheet, row.number, "orderNo", finding.code, finding.message)
            orders.setdefault(key, row.number)
        if declaration.logistics_no:
            key = (declaration.logistics_code, declaration.logistics_no)
            if key in waybills:
                finding = Finding.of(
                    "DUPLICATE_WAYBILL",
                    "logisticsNo",
                    value=declaration.logistics_no,
                    logistics=declaration.logistics_code,
                )
                self.error(sheet, row.number, "logisticsNo", finding.code, finding.message)
            waybills.setdefault(key, row.number)

    # -- storing --

    def mark_stored(self, candidates: list[_Candidate]) -> None:
        """Dry run: count and label what would happen."""
        for candidate in candidates:
            kind = "create" if candidate.is_new else "update"
            self.outcome.counts[kind] += 1
            self.status(
                candidate.head,
                candidate.goods,
                _("Would be created") if candidate.is_new else _("Would be updated"),
            )

    def _prepare(self, candidate: _Candidate) -> None:
        declaration = candidate.declaration
        declaration.findings = [f.as_dict() for f in candidate.findings]
        advice = candidate.advice
        declaration.recommended_channel = (getattr(advice, "channel", "") or "") if advice else ""
        declaration.channel_reason = str(getattr(advice, "reason_code", "") or "")[:255] if advice else ""
        declaration.updated_at = timezone.now()

    def _store_chunk(self, chunk: list[_Candidate]) -> None:
        """The whole chunk in one transaction: heads, their history rows, then every line (see bulk_store)."""
        new = [c.declaration for c in chunk if c.is_new]
        old = [c.declaration for c in chunk if not c.is_new]
        with transaction.atomic():
            if new:
                _insert_declarations(new)
            if old:
                updater = _declaration_updater()
                update_rows(Declaration, updater.columns, [(*updater(d), d.pk) for d in old])
                DeclarationLine.objects.filter(declaration__in=old).delete()
            history = _history_writer()
            history.write(new, history_type="+", user=self.user)
            history.write(old, history_type="~", user=self.user)
            lines = []
            for candidate in chunk:
                declaration_id = candidate.declaration.pk
                for line in candidate.lines:
                    line.declaration_id = declaration_id  # the id is all the INSERT needs
                    lines.append(line)
            _insert_lines(lines)

    def _store_one(self, candidate: _Candidate) -> bool:
        try:
            with transaction.atomic():
                declaration = candidate.declaration
                declaration.save()
                DeclarationLine.objects.filter(declaration=declaration).delete()
                for line in candidate.lines:
                    line.declaration = declaration
                    line.pk = None
                DeclarationLine.objects.bulk_create(candidate.lines)
            return True
        except DatabaseError as exc:
            if candidate.is_new:
                candidate.declaration.pk = None
            self.error(
                self.workbook.head,
                candidate.head.number,
                "copNo",
                "STORE_FAILED",
                _("The declaration could not be stored: %(error)s") % {"error": exc},
            )
            return False

    def store(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """Store the candidates, a chunk per transaction; returns those stored."""
        kept_all: list[_Candidate] = []
        for start in range(0, len(candidates), STORE_CHUNK):
            chunk = candidates[start : start + STORE_CHUNK]
            for candidate in chunk:
                self._prepare(candidate)
            try:
                self._store_chunk(chunk)
                stored = chunk
            except DatabaseError:
                # One bad declaration must not take the others with it: fall back to one transaction each.
                for candidate in chunk:
                    if candidate.is_new:
                        candidate.declaration.pk = None
                        candidate.declaration._state.adding = True
                stored = [c for c in chunk if self._store_one(c)]
                kept = {id(c) for c in stored}
                for candidate in chunk:
                    if id(candidate) not in kept:
                        self.outcome.counts["reject"] += 1
                        self.status(candidate.head, candidate.goods, _("Rejected"))
            for candidate in stored:
                kind = "create" if candidate.is_new else "update"
                self.outcome.counts[kind] += 1
                self.status(
                    candidate.head, candidate.goods, _("Created") if candidate.is_new else _("Updated")
                )
            kept_all.extend(stored)
        return kept_all
