"""Message-rendering micro-benchmark (not a test, not run by default).

    .venv/bin/python bench/render_messages.py [--declarations 2000] [--lines 10] [--repeat 3]

Builds N unsaved 9710 list-channel declarations (as the bulk import does: CEB303 + CEB505 + CEB603 each) with
`--lines` goods lines, no database, and measures per message, best of `--repeat` runs:
(a) each renderer alone (build + serialise, no validation),
(b) validation alone against our XSD (`schema.assert_valid_ours`, one compiled schema per process),
(c) ``render.render_all`` as the worker and the bulk import call it (render + sign (unsigned) + validate).
Prints µs per message and messages/s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_declarations(count: int, lines: int) -> list[tuple[object, list]]:
    from declarations.models import Declaration, DeclarationLine, Enterprise

    exporter = Enterprise(
        uscc="91440101MA5CYFRN49",
        name="广州示例跨境贸易有限公司",
        customs_code="4401960ABC",
        phone="020-00000001",
        dxp_id="DXPENT0000000001",
        is_exporter=True,
    )
    today = datetime.date(2026, 3, 14)
    result = []
    for n in range(1, count + 1):
        declaration = Declaration(
            mode="9710",
            channel="list",
            enterprise=exporter,
            agent=exporter,
            cop_no=f"BENCH-{n:07d}",
            order_no=f"BO-{n:07d}",
            customs_code="5141",
            port_code="5141",
            ebp_code="无",
            ebp_name="Bench Marketplace",
            logistics_code="4401980ABC",
            logistics_name="示例国际物流有限公司",
            logistics_no=f"SF{n:010d}",
            ie_date=today,
            traf_mode="4",
            country="502",
            pod="502",
            currency="142",
            freight=Decimal("10"),
            insured_fee=Decimal("0"),
            wrap_type="2",
            pack_no=lines,
            gross_weight=Decimal("12.5"),
            net_weight=Decimal("11"),
        )
        goods = [
            DeclarationLine(
                declaration=declaration,
                gnum=g,
                item_no=f"SKU-{g:04d}",
                item_name="不锈钢保温杯",
                gcode="961700" if g % 2 else "8518300000",
                gname="保温杯",
                gmodel="不锈钢|500ml|无品牌",
                bar_code="无",
                country="502",
                currency="142",
                qty=Decimal("10"),
                unit="007",
                qty1=Decimal("10"),
                unit1="007",
                price=Decimal("3.5"),
                total_price=Decimal("35"),
            )
            for g in range(1, lines + 1)
        ]
        result.append((declaration, goods))
    return result


def best_of(repeat: int, function) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings_test")
    import django

    django.setup()
    from declarations.messages import schema
    from declarations.messages.ceb303 import render_order
    from declarations.messages.ceb505 import render_waybill
    from declarations.messages.ceb603 import render_inventory
    from declarations.messages.common import china_time
    from declarations.messages.render import render_all
    from declarations.messages.signing import UnsignedSigner

    at = china_time(datetime.datetime(2026, 3, 15, 9, 30))
    data = build_declarations(args.declarations, args.lines)
    n = len(data)
    print(f"{n} declarations x {args.lines} lines, 3 messages each, best of {args.repeat}")

    samples: dict[str, list[bytes]] = {}
    rows = []
    for label, renderer in (
        ("CEB303", render_order),
        ("CEB505", render_waybill),
        ("CEB603", render_inventory),
    ):

        def run(renderer=renderer, label=label):
            samples[label] = [renderer(d, lines, at=at).content for d, lines in data]

        seconds = best_of(args.repeat, run)
        rows.append((f"render {label}", seconds, n))
    all_content = [content for contents in samples.values() for content in contents]
    schema.assert_valid_ours(all_content[0])  # compile the schema outside the measurement
    for label, contents in samples.items():
        seconds = best_of(
            args.repeat, lambda contents=contents: [schema.assert_valid_ours(c) for c in contents]
        )
        rows.append((f"validate {label}", seconds, n))
    signer = UnsignedSigner()
    seconds = best_of(args.repeat, lambda: [render_all(d, lines, signer=signer, at=at) for d, lines in data])
    rows.append(("render_all (render + validate), per message", seconds, 3 * n))

    width = max(len(label) for label, _s, _n in rows)
    for label, seconds, count in rows:
        print(f"{label:<{width}}  {seconds / count * 1e6:9.1f} µs/message  {count / seconds:9.0f} messages/s")


if __name__ == "__main__":
    main()
