"""Classification assistant benchmark (not a test, not run by default): server time per question.

    # SQLite (the embedded default), a file of its own:
    .venv/bin/python bench/classify.py
    # PostgreSQL:
    createdb -h 127.0.0.1 -U postgres ep_classify_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ep_classify_bench .venv/bin/python bench/classify.py

Fills (once; a later run with the same sizes reuses the data) a synthetic 9,000-code tariff under real HS 2022
subheadings, one exporter with 100,000 earlier goods lines (10,000 declarations, ~2,000 distinct goods names)
and a 500-item catalogue, then asks the web endpoint (``classify_search``: middleware, tenancy, ranking,
template) ``--questions`` Chinese, English and code-prefix questions through Django's test client, as the
exporter's user. Reports the first question (the process builds its indexes), then p50 / p95 / max of the
rest, and the rebuild after a new declaration (the exporter's goods-name index is stale). Target: p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARIFF_CODES = 9000
GOODS_LINES = 100_000
LINES_PER_DECLARATION = 10
CATALOGUE_ITEMS = 500
DEFAULT_SQLITE = "/tmp/ep_classify_bench.sqlite3"

MATERIALS = ["塑料", "不锈钢", "硅胶", "棉制", "木制", "玻璃", "陶瓷", "铝合金", "皮革", "纸质"]
PRODUCTS = [
    "耳机",
    "蓝牙耳机",
    "手机壳",
    "保温杯",
    "灯泡",
    "台灯",
    "收纳盒",
    "水杯",
    "背包",
    "钱包",
    "手表",
    "充电器",
    "数据线",
    "鼠标",
    "键盘",
    "音箱",
    "玩具",
    "积木",
    "餐具",
    "厨具",
    "毛巾",
    "袜子",
    "帽子",
    "围巾",
    "雨伞",
    "相框",
    "花瓶",
    "镜子",
    "梳子",
    "牙刷",
    "剪刀",
    "螺丝刀",
    "手电筒",
    "插座",
    "电池",
    "风扇",
    "吹风机",
    "咖啡杯",
    "茶叶",
    "饼干",
    "笔记本",
    "铅笔",
    "贴纸",
    "瑜伽垫",
    "跳绳",
    "哑铃",
    "手套",
    "口罩",
    "拖鞋",
    "睡衣",
]
USES = ["家用", "户外", "儿童", "运动", "办公", "厨房", "车载", "宠物", "旅行", "无线"]
QUESTIONS_ZH = [
    "蓝牙耳机",
    "塑料手机壳",
    "LED灯泡",
    "不锈钢保温杯",
    "儿童玩具",
    "硅胶餐具",
    "户外背包",
    "无线鼠标",
]
QUESTIONS_EN = [
    "earphones",
    "LED lamp",
    "plastic case",
    "vacuum flask",
    "toys",
    "backpack",
    "cotton socks",
    "tea",
]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def synthetic_tariff() -> bytes:
    from declarations.models import HSCode
    from declarations.services.tariff import TARIFF_COLUMNS

    rng = random.Random(7)
    subheadings = list(HSCode.objects.filter(level=6).values_list("code", "description"))
    rows = [",".join(TARIFF_COLUMNS)]
    codes = set()
    while len(codes) < TARIFF_CODES:
        hs6, description = rng.choice(subheadings)
        code = f"{hs6}{rng.randrange(100):02d}{rng.choice('0019')}0"
        if code in codes:
            continue
        codes.add(code)
        name_zh = f"{rng.choice(MATERIALS)}{rng.choice(PRODUCTS)}及类似品"
        name_en = description.replace('"', "'")[:200]
        supervision = rng.choice(["", "", "", "AB", "4xy", "B"])
        inspection = rng.choice(["", "", "M/N", "P/Q", "R/S"])
        rows.append(
            f'{code},{name_zh},"{name_en}",007,035,{supervision},{inspection},0,13,'
            "1:品牌类型;2:出口享惠情况;3:用途;4:品牌;5:型号"
        )
    return ("\n".join(rows) + "\n").encode()


def fill(rng: random.Random) -> tuple[object, object]:
    from django.contrib.auth import get_user_model

    from declarations.models import (
        CatalogueItem,
        Declaration,
        DeclarationLine,
        Enterprise,
        Membership,
        Tariff,
    )
    from declarations.services.codes import code_tables_load
    from declarations.services.tariff import tariff_load

    user_model = get_user_model()
    enterprise = Enterprise.objects.filter(name="归类基准出口有限公司").first()
    if (
        enterprise
        and Tariff.objects.filter(active=True).count() >= TARIFF_CODES
        and DeclarationLine.objects.filter(declaration__enterprise=enterprise).count() >= GOODS_LINES
    ):
        print("reusing the data of an earlier run")
        return enterprise, user_model.objects.get(username="classify_bench")
    started = time.perf_counter()
    code_tables_load()
    result = tariff_load(content=synthetic_tariff(), file_name="synthetic-tariff.csv")
    print(f"tariff: {result.summary} in {time.perf_counter() - started:.1f} s")
    enterprise = Enterprise.objects.create(
        name="归类基准出口有限公司", uscc="91440101MA5CYFRN49", customs_code="4401960BEN", is_exporter=True
    )
    user = user_model.objects.create_user("classify_bench", password="bench-Only-2026")
    Membership.objects.create(user=user, enterprise=enterprise)
    codes = list(Tariff.objects.values_list("code", flat=True))
    names = sorted({f"{rng.choice(USES)}{rng.choice(MATERIALS)}{rng.choice(PRODUCTS)}" for _ in range(2500)})
    product_code = {name: rng.choice(codes) for name in names}
    started = time.perf_counter()
    declarations = [
        Declaration(
            mode="9710",
            channel="customs_declaration",
            enterprise=enterprise,
            agent=enterprise,
            cop_no=f"CB{n:08d}",
            order_no=f"CB-ORDER-{n:08d}",
            customs_code="5141",
            port_code="5141",
            traf_mode="4",
            country="502",
            pod="502",
            currency="142",
            wrap_type="2",
            pack_no=1,
            gross_weight=Decimal("1"),
            net_weight=Decimal("1"),
        )
        for n in range(GOODS_LINES // LINES_PER_DECLARATION)
    ]
    Declaration.objects.bulk_create(declarations, batch_size=2000)
    ids = list(Declaration.objects.filter(enterprise=enterprise).values_list("id", flat=True))
    lines = []
    for declaration_id in ids:
        for gnum in range(1, LINES_PER_DECLARATION + 1):
            name = rng.choice(names)
            lines.append(
                DeclarationLine(
                    declaration_id=declaration_id,
                    gnum=gnum,
                    item_no=f"SKU-{gnum}",
                    gcode=product_code[name],
                    gname=name,
                    gmodel="4|3|家用|示例牌|A1",
                    country="502",
                    currency="142",
                    qty=Decimal("1"),
                    unit="007",
                    qty1=Decimal("1"),
                    unit1="007",
                    price=Decimal("1"),
                    total_price=Decimal("1"),
                )
            )
        if len(lines) >= 20000:
            DeclarationLine.objects.bulk_create(lines, batch_size=5000)
            lines = []
    DeclarationLine.objects.bulk_create(lines, batch_size=5000)
    CatalogueItem.objects.bulk_create(
        [
            CatalogueItem(
                enterprise=enterprise,
                item_no=f"CAT-{n:04d}",
                item_name=names[n % len(names)],
                gcode=product_code[names[n % len(names)]],
                gname=names[n % len(names)],
                gmodel="4|3|家用|示例牌|A1",
                unit="007",
                unit1="007",
            )
            for n in range(CATALOGUE_ITEMS)
        ]
    )
    print(
        f"history: {GOODS_LINES:,} goods lines, {len(names):,} goods names in {time.perf_counter() - started:.1f} s"
    )
    return enterprise, user


def questions(rng: random.Random, count: int, codes: list[str]) -> list[str]:
    pool = QUESTIONS_ZH + QUESTIONS_EN
    out = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            out.append(rng.choice(pool))
        elif kind == 1:
            out.append(f"{rng.choice(MATERIALS)}{rng.choice(PRODUCTS)}")
        elif kind == 2:
            out.append(f"{rng.choice(USES)}{rng.choice(PRODUCTS)}")
        else:
            out.append(rng.choice(codes)[: rng.choice([2, 4, 6, 8])])
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=400)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
    setup(database_url)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from declarations.models import Declaration, DeclarationLine, Tariff
    from declarations.selectors_classify import classification_caches_clear

    rng = random.Random(2026)
    enterprise, user = fill(rng)
    client = Client()
    client.force_login(user)
    url = reverse("classify_search")
    codes = list(Tariff.objects.values_list("code", flat=True)[:3000])
    asked = questions(rng, args.questions, codes)

    def ask(query: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(
            url, {"q": query, "enterprise": enterprise.pk, "customs_code": "5141"}, secure=True
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, response.content.count(b'class="classify-choice"')

    classification_caches_clear()
    first, _ = ask("蓝牙耳机")
    times, empty = [], 0
    for query in asked:
        elapsed, found = ask(query)
        times.append(elapsed)
        empty += found == 0
    # A new declaration makes the exporter's goods-name index stale: the next question rebuilds it.
    declaration = Declaration.objects.filter(enterprise=enterprise).first()
    declaration.pk = None
    declaration.cop_no = f"CB-NEW-{time.time_ns()}"
    declaration.save()
    DeclarationLine.objects.create(
        declaration=declaration, gnum=1, item_no="N", gcode=codes[0], gname="新商品", gmodel="x", country="502",
        currency="142", qty=1, unit="007", qty1=1, unit1="007", price=1, total_price=1,
    )  # fmt: skip
    rebuild, _ = ask("蓝牙耳机")
    lines = DeclarationLine.objects.filter(declaration__enterprise=enterprise).count()
    print(
        f"database: {connection.vendor}; tariff {Tariff.objects.count():,} codes; {lines:,} earlier goods lines"
    )
    print(f"first question (builds the tariff and goods-name indexes): {first:.0f} ms")
    print(f"after a new declaration (goods-name index rebuilt): {rebuild:.0f} ms")
    print(
        f"{len(times)} questions: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"max {max(times):.1f} ms; {empty} without a suggestion"
    )
    print("target p95 ≤ 50 ms:", "met" if percentile(times, 0.95) <= 50 else "NOT met")


if __name__ == "__main__":
    main()
