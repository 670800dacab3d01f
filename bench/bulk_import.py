"""Bulk-import benchmark (not a test, not run by default).

    .venv/bin/python bench/bulk_import.py [--declarations 10000] [--lines 10]

(a) raw floor: python-calamine read + lxml build of CEB603 + XSD validation, no Django in the measured part;
(b) our import end to end (read, validate, store, render, XSD-check, store the messages, outbox) on a fresh
test database: SQLite, or PostgreSQL when DATABASE_URL points there. Prints lines/s for both, the ratio (b)/(a) and peak RSS.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import os
import resource
import shutil
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
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from declarations.messages.ceb603 import render_inventory
        from declarations.messages.schema import OUR_XSD_PATH
        from declarations.models import CustomsOffice
        from declarations.services.codes import code_tables_load
        from tests import factories as f

        code_tables_load()
        exporter = f.EnterpriseFactory(name="Bench Exporter")
        f.RegistrationFactory(enterprise=exporter, customs_office=CustomsOffice.objects.get(code="5141"))
        user = f.MembershipFactory(enterprise=exporter, user__username="bench").user
        sample = f.DeclarationFactory.build(enterprise=exporter, agent=exporter)
        sample_lines = [f.DeclarationLineFactory.build(declaration=sample, gnum=1)]
        sample_xml = render_inventory(sample, sample_lines).content

        total_lines = args.declarations * args.lines
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.xlsx"
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
            from declarations.services.bulk_submit import bulk_render_processes

            ours_seconds, info = our_import(path, user, Path(tmp) / "outbox")
            print(
                f"(b) our import on {connection.vendor} with {bulk_render_processes()} render processes: "
                f"{ours_seconds:.1f} s, {total_lines / ours_seconds:,.0f} lines/s; {info}"
            )
        print(
            f"ratio (b)/(a) in lines/s on {connection.vendor}: {raw_seconds / ours_seconds:.2f} (goal >= 0.5)"
        )
        # This process never held the generated workbook's writer or the raw floor's data (own processes).
        print(
            f"peak RSS of (b) on {connection.vendor}: "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (goal <= 600 MB); "
            f"each render process (forked from it, sharing its pages until written) at most "
            f"{info['timings'].get('render_peak_rss_mb', 0):.0f} MB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(bench_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
