"""Bulk-import benchmark (not a test, not run by default).

    .venv/bin/python bench/bulk_import.py [--declarations 10000] [--lines 10] [--repeat 3] [--outbox DIR]

(a) raw floor: python-calamine read + lxml build of CEB603 + XSD validation, no Django in the measured part;
(b) our import end to end (read, validate, store, render, XSD-check, store the messages, outbox) on a fresh
test database: SQLite, or PostgreSQL when DATABASE_URL points there. Prints lines/s for both, the ratio (b)/(a) and peak RSS.

(b) writes 30,000 new files: what the outbox's filesystem charges for a new file is part of its figure. The bench
prints it (CPU per file created, from a probe in the outbox folder's filesystem) and --outbox puts the outbox
folders on another filesystem, as a deployment gives the outbox its own volume (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CEB = "{http://www.chinaport.gov.cn/ceb}"


def make_workbook(path: Path, declarations: int, lines: int, ebc_code: str) -> None:
    from openpyxl import Workbook

    from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS, SHEET_GOODS, SHEET_HEAD

    today = datetime.date.today().isoformat()
    book = Workbook(write_only=True)
    head = book.create_sheet(SHEET_HEAD)
    head.append([c.header for c in HEAD_COLUMNS])
    goods = book.create_sheet(SHEET_GOODS)
    goods.append([c.header for c in GOODS_COLUMNS])
    for n in range(1, declarations + 1):
        cop = f"BENCH-{n:07d}"
        values = {
            "copNo": cop,
            "mode": "9710",
            "channel": "list",
            "ebcCode": ebc_code,
            "orderNo": f"BO-{n:07d}",
            "customsCode": "5141",
            "portCode": "5141",
            "ebpCode": "无",
            "ebpName": "Bench Marketplace",
            "logisticsCode": "4401980ABC",
            "logisticsName": "示例国际物流有限公司",
            "logisticsNo": f"SF{n:010d}",
            "ieDate": today,
            "trafMode": "4",
            "country": "502",
            "POD": "502",
            "currency": "142",
            "freight": 10,
            "insuredFee": 0,
            "wrapType": "2",
            "packNo": lines,
            "grossWeight": 11.5,
            "netWeight": 10,
            "goodsInfo": "保温杯",
        }
        head.append([values.get(c.key) for c in HEAD_COLUMNS])
        for g in range(1, lines + 1):
            line = {
                "copNo": cop,
                "gnum": g,
                "itemNo": f"SKU-{g:04d}",
                "itemName": "不锈钢保温杯",
                "gcode": "9617001100",
                "gname": "保温杯",
                "gmodel": "不锈钢|500ml|无品牌",
                "barCode": "无",
                "country": "502",
                "currency": "142",
                "qty": 2,
                "unit": "007",
                "qty1": 2,
                "unit1": "007",
                "price": 16,
                "totalPrice": 32,
                "licence": "N",
                "inspection": "N",
                "tax": "N",
            }
            goods.append([line.get(c.key) for c in GOODS_COLUMNS])
    book.save(path)


def raw_floor(path: Path, sample_xml: bytes, xsd_path: Path) -> tuple[float, int]:
    """No Django: read with calamine, fill a CEB603 skeleton per declaration with lxml, validate it."""
    from lxml import etree
    from python_calamine import CalamineWorkbook

    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    skeleton = etree.fromstring(sample_xml)
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    heads = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    goods = book.get_sheet_by_name(book.sheet_names[1]).to_python()
    head_index = {h: i for i, h in enumerate(heads[0])}
    goods_index = {h: i for i, h in enumerate(goods[0])}
    by_cop: dict[str, list] = {}
    cop_col = goods_index["*企业内部编号 (copNo)"]
    for row in goods[1:]:
        by_cop.setdefault(row[cop_col], []).append(row)
    line_template = skeleton.find(f".//{CEB}InventoryList")
    parent = line_template.getparent()
    parent.remove(line_template)
    invalid = 0
    for row in heads[1:]:
        root = copy.deepcopy(skeleton)
        head = root.find(f".//{CEB}InventoryHead")
        head.find(f"{CEB}copNo").text = str(row[head_index["*企业内部编号 (copNo)"]])
        head.find(f"{CEB}orderNo").text = str(row[head_index["*订单编号 (orderNo)"]])
        head.find(f"{CEB}logisticsNo").text = str(row[head_index["物流运单编号 (logisticsNo)"]])
        lines_parent = root.find(f".//{CEB}InventoryHead").getparent()
        for line in by_cop.get(row[head_index["*企业内部编号 (copNo)"]], []):
            item = copy.deepcopy(line_template)
            item.find(f"{CEB}gnum").text = str(int(line[goods_index["商品序号 (gnum)"]]))
            item.find(f"{CEB}itemNo").text = str(line[goods_index["*企业商品货号 (itemNo)"]])
            item.find(f"{CEB}qty").text = str(line[goods_index["*申报数量 (qty)"]])
            lines_parent.append(item)
        if not schema.validate(etree.fromstring(etree.tostring(root))):
            invalid += 1
    return time.perf_counter() - started, invalid


def our_import(path: Path, user, outbox: Path) -> tuple[float, dict]:
    """The import job as a broker runs it with "submit": stored, submitted, rendered, checked, in the outbox."""
    from django.core.files import File
    from django.test import override_settings

    from declarations.services.imports import import_job_create, import_job_run

    started = time.perf_counter()
    with override_settings(OUTBOX_DIR=outbox):
        with path.open("rb") as fh:
            job = import_job_create(
                user=user, uploaded_file=File(fh, name=path.name), dry_run=False, submit=True, run_async=False
            )
        job = import_job_run(job_id=job.pk, language="en")
    elapsed = time.perf_counter() - started
    files = sum(1 for _ in outbox.glob("*.xml"))
    return elapsed, {**job.counts, "timings": job.timings, "outbox_files": files, "error": job.error_message}


PROBE_FILES = 2_000


def file_creation_probe(directory: Path) -> tuple[float, Path]:
    """CPU microseconds the filesystem of ``directory`` takes to create (and write) one small new file.

    The probe's files are left in place until the caller removes the returned folder after the round: removed
    at once, their freed inodes would be handed to the import's first files, which would then cost less than
    new ones."""
    probe = Path(tempfile.mkdtemp(prefix=".bench-probe-", dir=directory))
    started = time.process_time()
    for number in range(PROBE_FILES):
        fd = os.open(probe / f"p{number:05d}.xml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, b"<probe/>")
        os.close(fd)
    return (time.process_time() - started) / PROBE_FILES * 1e6, probe


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (the render processes, once closed)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _postgres_cpu_seconds() -> float | None:
    """CPU seconds of the local PostgreSQL server's processes, from /proc (None where it cannot be read): the
    live ones' own, and what the postmaster has collected from its exited children (a backend whose connection
    closed, such as the bulk submission's writer's)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "comm").read_text().startswith("postgres"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _child(function, *args):
    """Run one bench phase in a fresh process, so its memory does not count towards our import's peak RSS."""
    import django

    django.setup()
    result = function(*args)
    return result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(function, *args):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_child, function, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--declarations", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds on a fresh database each, then the medians (default 1)"
    )
    parser.add_argument(
        "--outbox",
        type=Path,
        default=None,
        help="folder in which each round's outbox folder is made (default: the bench's temp folder)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=10,
        help="seconds to wait, after a sync, before each round's clock starts (default %(default)s)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.UPLOAD_MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, 200 * 1024 * 1024)
    setup_test_environment(debug=False)  # as deployed: no query log (settings_test turns DEBUG on)
    bench_dir = tempfile.mkdtemp(prefix="bench-db-")
    if connection.vendor == "sqlite":
        # A file, as in a deployment: Django's default in-memory test database would count towards our RSS.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(Path(bench_dir) / "bench.sqlite3")
    ratios, raws, ours = [], [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.xlsx"
            customs_code = (
                None  # of the first round's exporter; the workbook names it, so later rounds reuse it
            )
            for number in range(1, max(1, args.repeat) + 1):
                if args.repeat > 1:
                    print(f"-- round {number} of {args.repeat}, fresh database")
                old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
                try:
                    _settle(args.settle)
                    outbox_parent = args.outbox if args.outbox is not None else Path(tmp)
                    raw_seconds, ours_seconds, info, customs_code = _round(
                        args, path, outbox_parent / f"outbox-{number}", customs_code
                    )
                finally:
                    connection.creation.destroy_test_db(old_name, verbosity=0)
                raws.append(raw_seconds)
                ours.append(ours_seconds)
                ratios.append(raw_seconds / ours_seconds)
                print(f"ratio (b)/(a) in lines/s on {connection.vendor}: {ratios[-1]:.2f} (goal >= 0.5)")
        if args.repeat > 1:
            print(
                f"median of {args.repeat} rounds on {connection.vendor}: (a) {statistics.median(raws):.1f} s, "
                f"(b) {statistics.median(ours):.1f} s, ratio {statistics.median(ratios):.2f} (goal >= 0.5); "
                f"ratios {', '.join(f'{r:.2f}' for r in ratios)}"
            )
        # This process never held the generated workbook's writer or the raw floor's data (own processes).
        print(
            f"peak RSS of (b) on {connection.vendor}: "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (goal <= 600 MB); "
            f"each render process (forked from it, sharing its pages until written) at most "
            f"{info['timings'].get('render_peak_rss_mb', 0):.0f} MB"
        )
    finally:
        shutil.rmtree(bench_dir, ignore_errors=True)


def _settle(seconds: float) -> None:
    """Let the disk finish what earlier work left it (a round's 30,000 files and database, deleted; the
    workbook written): measured, that writeback and the filesystem's discards slowed the next round's staging
    of files to twice its CPU time."""
    os.sync()
    time.sleep(seconds)


def _round(args, path: Path, outbox: Path, customs_code: str | None) -> tuple[float, float, dict, str]:
    """(a) and (b) once, on the current (fresh) test database; the workbook is made on the first round."""
    from django.db import connection

    from declarations.fork_pool import cpu_count
    from declarations.messages.ceb603 import render_inventory
    from declarations.messages.schema import OUR_XSD_PATH
    from declarations.models import CustomsOffice
    from declarations.services.bulk_submit import bulk_render_processes
    from declarations.services.codes import code_tables_load
    from tests import factories as f

    code_tables_load()
    exporter_fields = {"customs_code": customs_code} if customs_code else {}
    exporter = f.EnterpriseFactory(name="Bench Exporter", **exporter_fields)
    f.RegistrationFactory(enterprise=exporter, customs_office=CustomsOffice.objects.get(code="5141"))
    user = f.MembershipFactory(enterprise=exporter, user__username="bench").user
    sample = f.DeclarationFactory.build(enterprise=exporter, agent=exporter)
    sample_lines = [f.DeclarationLineFactory.build(declaration=sample, gnum=1)]
    sample_xml = render_inventory(sample, sample_lines).content

    total_lines = args.declarations * args.lines
    if not path.exists():
        mark = time.perf_counter()
        _in_child(make_workbook, path, args.declarations, args.lines, exporter.customs_code)
        print(
            f"workbook: {args.declarations} declarations, {total_lines} lines, "
            f"{path.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - mark:.1f} s"
        )
    (raw_seconds, invalid), raw_rss = _in_child(raw_floor, path, sample_xml, OUR_XSD_PATH)
    print(
        f"(a) raw floor: {raw_seconds:.1f} s, {total_lines / raw_seconds:,.0f} lines/s, {invalid} invalid; "
        f"peak RSS {raw_rss:.0f} MB (own process)"
    )
    outbox.parent.mkdir(parents=True, exist_ok=True)
    per_file, probe = file_creation_probe(outbox.parent)
    print(
        f"outbox filesystem ({outbox.parent}): {per_file:.0f} µs of CPU per new file "
        f"({PROBE_FILES:,} probe files; a freshly made ext4 takes about 20)"
    )
    own_before, children_before = _cpu_seconds()
    server_before = _postgres_cpu_seconds() if connection.vendor == "postgresql" else None
    ours_seconds, info = our_import(path, user, outbox)
    own_after, children_after = _cpu_seconds()
    server_after = _postgres_cpu_seconds() if server_before is not None else None
    print(
        f"(b) our import on {connection.vendor} with {bulk_render_processes()} render processes: "
        f"{ours_seconds:.1f} s, {total_lines / ours_seconds:,.0f} lines/s; {info}"
    )
    # What the CPUs allow: (b) cannot take less than its CPU time spread perfectly over every CPU.
    parts = {
        "import process": own_after - own_before,
        "render processes": children_after - children_before,
    }
    if server_after is not None:
        parts["PostgreSQL server (local)"] = server_after - server_before
    cpu_total = sum(parts.values())
    print(
        "CPU seconds of (b): "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in parts.items())
        + f"; total {cpu_total:.1f} on {cpu_count()} CPUs: (b) >= {cpu_total / cpu_count():.1f} s "
        f"even with perfect overlap (ratio <= {raw_seconds / (cpu_total / cpu_count()):.2f})"
    )
    shutil.rmtree(outbox, ignore_errors=True)  # 30,000 files a round
    shutil.rmtree(probe, ignore_errors=True)
    return raw_seconds, ours_seconds, info, exporter.customs_code


if __name__ == "__main__":
    main()
