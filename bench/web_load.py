"""Web load benchmark (not a test, not run by default): list and detail pages at 50 concurrent clients.

    pip install gunicorn            # into .venv, for this benchmark only (not a project dependency)
    createdb -h 127.0.0.1 -U postgres exporter_portal_web_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exporter_portal_web_bench \\
        .venv/bin/python bench/web_load.py [--lines 1000000] [--lines-per-declaration 10] \\
        [--clients 50] [--duration 30] [--workers 5] \\
        [--worker-class sync|gthread [--threads 8] [--keep-alive 75]]

1. Fills PostgreSQL with ``--lines`` goods lines (default 1,000,000 = 100,000 declarations x 10 lines, spread
   over four exporters, each declaration with two status events, three rendered messages and one receipt) by
   COPY, then VACUUM ANALYZE. A marker table records what was filled; a second run with the same size skips
   the filling. The demo data (``load_demo``) provides the enterprises and the ``exporter_a`` login.
2. Starts the portal under gunicorn as docker-compose.yml runs it (sync workers, 2 x cores + 1; loopback, DEBUG
   off; ``--worker-class gthread`` for threads with keep-alive instead) with one extra route,
   ``/bench/bare/``: a bare Django view returning ``HttpResponse("ok")`` through the full middleware stack. The
   route exists only in this benchmark's URLconf (``bench.web_load``), never in the portal's.
3. Logs in ``exporter_a`` through the login form, then drives ``--clients`` threads (http.client; keep-alive where
   the server keeps connections)
   for ``--duration`` seconds against each endpoint in turn, same server, same run: the bare view, the
   declaration list (pages 1-10) and declaration detail pages (random ids of that exporter). With ``--mixed``,
   one phase instead, each request to a random endpoint: the bare view then queues behind the pages.
4. Prints p50 / p95 / p99 latency and requests/s per endpoint and p95 / bare p95. Goal: p95 <= 10x bare.

The clients run on the same machine as the server and the database; on a small machine the client's own CPU
use caps the bare view's rate, so read the requests/s beside the latencies.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/exporter_portal_web_bench"
MARKER_TABLE = "bench_web_load_marker"
USERNAME = "exporter_a"
BARE_PATH = "/bench/bare/"
MESSAGE_TYPES = ("CEB303", "CEB505", "CEB603")
EXTRA_EXPORTERS = 2  # besides the demo's exporters A and B


def _server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "exporter_portal.settings",
            "DEBUG": "false",
            # Plain HTTP on loopback: no redirect to HTTPS (cookies are sent back regardless of Secure).
            "SECURE_SSL_REDIRECT": "false",
            "SECRET_KEY": env.get("SECRET_KEY", "bench-web-load-" + "x" * 50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


# ---- the benchmark's URLconf: the portal plus a bare view ---------------------------------------------------


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def __getattr__(name):
    # Django reads ``urlpatterns`` from ROOT_URLCONF only inside the server, after setup.
    if name == "urlpatterns":
        from django.urls import path

        from exporter_portal.urls import urlpatterns

        return [path(BARE_PATH.strip("/") + "/", bare, name="bench_bare"), *urlpatterns]
    raise AttributeError(name)


def wsgi_app():
    """gunicorn entry point: ``bench.web_load:wsgi_app()``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.web_load"
    from exporter_portal.wsgi import application  # the portal's own (gc.freeze included), on this URLconf

    return application


# ---- filling ----------------------------------------------------------------------------------------------


def _setup_django(database_url: str) -> None:
    for key, value in _server_env(database_url).items():
        os.environ[key] = value
    import django

    django.setup()


def _marker(cursor) -> tuple[int, int] | None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (lines bigint, per_declaration int, at timestamptz)"
    )
    cursor.execute(f"SELECT lines, per_declaration FROM {MARKER_TABLE} ORDER BY at DESC LIMIT 1")
    return cursor.fetchone()


def _copy(cursor, model, rows, columns: list[str]) -> int:
    n = 0
    table = model._meta.db_table
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _row_template(instance, skip: set[str]) -> tuple[list[str], list]:
    """Columns and values of a saved instance, to stamp copies from (every NOT NULL column is filled)."""
    columns, values = [], []
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.attname in skip:
            continue
        value = getattr(instance, field.attname)
        if field.get_internal_type() == "JSONField":
            import json

            value = json.dumps(value)
        columns.append(field.column)
        values.append(value)
    return columns, values


def _reserve_ids(cursor, model, count: int) -> int:
    """Take ``count`` ids from the table's sequence at once; returns the first."""
    table = model._meta.db_table
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    first = cursor.fetchone()[0] + 1
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def fill(*, lines: int, per_declaration: int) -> None:
    from django.db import connection, transaction

    from declarations.choices import DeclarationStatus
    from declarations.identifiers import uscc_check_character
    from declarations.models import (
        Declaration,
        DeclarationLine,
        Enterprise,
        Receipt,
        RenderedMessage,
        StatusEvent,
    )
    from declarations.services.demo import demo_load

    with connection.cursor() as cursor:
        done = _marker(cursor)
    if done == (lines, per_declaration):
        print(f"filled already: {lines:,} lines ({per_declaration} per declaration); skipping")
        return
    if done is not None:
        sys.exit(
            f"the database holds another fill ({done[0]:,} lines, {done[1]} per declaration): "
            "drop and re-create it first (dropdb / createdb)"
        )
    started = time.perf_counter()
    demo_load()
    exporters = list(Enterprise.objects.filter(is_exporter=True).order_by("pk")[:2])
    office = exporters[0].home_office
    for n in range(EXTRA_EXPORTERS):
        exporters.append(
            Enterprise.objects.get_or_create(
                uscc=(body := f"9144030{900_000 + n:010d}") + uscc_check_character(body),
                defaults={
                    "name": f"基准测试出口企业{n + 1}",
                    "customs_code": f"44019B{n:04d}",
                    "is_exporter": True,
                    "home_office": office,
                },
            )[0]
        )
    head = Declaration.objects.filter(enterprise=exporters[0]).order_by("pk").first()
    line = DeclarationLine.objects.filter(declaration=head).order_by("gnum").first()
    # As after validation: the advice is stored, and the detail page shows its reason.
    head.channel, head.recommended_channel, head.channel_reason = "list", "list", "LIST_ELIGIBLE"
    head_columns, head_values = _row_template(
        head,
        {"id", "enterprise_id", "agent_id", "cop_no", "order_no", "logistics_no", "status", "created_at"},
    )
    line_columns, line_values = _row_template(line, {"id", "declaration_id", "gnum", "item_no"})
    declarations = lines // per_declaration
    statuses = [
        DeclarationStatus.RELEASED,
        DeclarationStatus.RELEASED,
        DeclarationStatus.SENT,
        DeclarationStatus.DRAFT,
        DeclarationStatus.REJECTED,
    ]
    now = datetime.datetime.now(datetime.UTC)
    year = datetime.timedelta(days=365)
    content = b"<ceb:CEB603Message>" + b"x" * 300 + b"</ceb:CEB603Message>"
    with transaction.atomic(), connection.cursor() as cursor:
        first = _reserve_ids(cursor, Declaration, declarations)
        ids = range(first, first + declarations)
        owner = {i: exporters[n % len(exporters)].pk for n, i in enumerate(ids)}
        # Older rows first, as a portal fills up over a year.
        created = {i: now - year + year * n / declarations for n, i in enumerate(ids)}

        def heads():
            for n, i in enumerate(ids):
                yield (
                    i,
                    owner[i],
                    owner[i],
                    f"WLB{i:012d}",
                    f"WLB-ORDER-{i:09d}",
                    f"WL{i:012d}",
                    statuses[n % len(statuses)],
                    created[i],
                    *head_values,
                )

        _copy(
            cursor,
            Declaration,
            heads(),
            ["id", "enterprise_id", "agent_id", "cop_no", "order_no", "logistics_no", "status", "created_at"]
            + head_columns,
        )
        print(f"  {declarations:,} declarations in {time.perf_counter() - started:.0f} s", flush=True)

        def goods():
            for i in ids:
                for g in range(1, per_declaration + 1):
                    yield (i, g, f"SKU-{g:04d}", *line_values)

        _copy(cursor, DeclarationLine, goods(), ["declaration_id", "gnum", "item_no"] + line_columns)
        print(
            f"  {declarations * per_declaration:,} lines in {time.perf_counter() - started:.0f} s", flush=True
        )

        def messages():
            for i in ids:
                for t in MESSAGE_TYPES:
                    guid = f"{i:08X}-0000-4000-8000-{MESSAGE_TYPES.index(t):012X}"
                    yield (i, t, 1, guid, content, "0" * 64, False, f"{t}_{guid}.xml", created[i], created[i])

        _copy(
            cursor,
            RenderedMessage,
            messages(),
            [
                "declaration_id",
                "message_type",
                "version",
                "guid",
                "content",
                "sha256",
                "signed",
                "outbox_file",
                "written_at",
                "created_at",
            ],
        )
        receipt_columns = [f.column for f in Receipt._meta.concrete_fields if not f.primary_key]
        receipt_template = {
            f.column: None if f.null or f.get_internal_type() == "DateTimeField" else ""
            for f in Receipt._meta.concrete_fields
        }
        receipt_template.update({"keys": "{}", "raw": b"<x/>", "sha256": "0" * 64})

        def receipts():
            for i in ids:
                row = dict(receipt_template)
                row.update(
                    {
                        "declaration_id": i,
                        "receipt_type": "CEB604",
                        "state": "applied",
                        "return_status": "800",
                        "return_info": "放行",
                        "received_at": created[i],
                    }
                )
                yield tuple(row.get(c) for c in receipt_columns)

        _copy(cursor, Receipt, receipts(), receipt_columns)

        def events():
            for i in ids:
                yield (i, "draft", "submitted", "user", "", "", created[i])
                yield (i, "submitted", "sent", "worker", "", "", created[i])

        _copy(
            cursor,
            StatusEvent,
            events(),
            ["declaration_id", "from_status", "to_status", "source", "return_status", "note", "created_at"],
        )
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, now())", [lines, per_declaration])
    print(
        f"  messages, receipts, events in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE", flush=True
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {lines:,} lines in {time.perf_counter() - started:.0f} s", flush=True)


# ---- load -------------------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection with a cookie jar."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content, dict(response.getheaders())


def login(port: int, username: str, password: str) -> dict[str, str]:
    client = Client(port)
    status, body, _ = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token:
        sys.exit(f"login page: HTTP {status}")
    status, _, headers = client.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()},
    )
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"login failed: HTTP {status}")
    return client.cookies


def _stats(samples: list[float], errors: int, duration: float) -> dict:
    if not samples:
        return {"n": 0, "errors": errors}
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return {
        "n": len(samples),
        "errors": errors,
        "rps": len(samples) / duration,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
    }


def run_phase(
    port, cookies, endpoints: dict[str, list[str]], *, clients: int, duration: float, warmup: float
):
    """``clients`` threads, each picking an endpoint, then one of its paths, at random per request."""
    names = list(endpoints)
    latencies = {name: [[] for _ in range(clients)] for name in names}
    errors = {name: [0] * clients for name in names}
    start_measure = time.perf_counter() + warmup
    stop = start_measure + duration

    def work(n: int) -> None:
        rng = random.Random(n)
        client = Client(port, cookies)
        while True:
            name = rng.choice(names)
            t0 = time.perf_counter()
            if t0 >= stop:
                break
            status, _, _ = client.request("GET", rng.choice(endpoints[name]))
            t1 = time.perf_counter()
            if t0 >= start_measure:
                latencies[name][n].append(t1 - t0)
                if status != 200:
                    errors[name][n] += 1
        client.conn.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        name: _stats([x for per in latencies[name] for x in per], sum(errors[name]), duration)
        for name in names
    }


def start_server(
    database_url: str,
    *,
    port: int,
    workers: int,
    threads: int,
    worker_class: str = "gthread",
    keep_alive: int = 75,
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "bench.web_load:wsgi_app()",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        # More than one thread turns a sync worker into gthread (gunicorn's rule): one for sync.
        str(threads if worker_class == "gthread" else 1),
        "--keep-alive",
        str(keep_alive),
        "--backlog",
        "2048",
        # gunicorn's heartbeat is an fchmod per request on a file in this directory: in tmpfs, not on disk.
        "--worker-tmp-dir",
        "/dev/shm",
        "--log-level",
        "warning",
    ]
    env = _server_env(database_url)
    env["PYTHONPATH"] = str(ROOT)
    try:
        server = subprocess.Popen(command, env=env)
    except FileNotFoundError:
        sys.exit("gunicorn is not installed: .venv/bin/pip install gunicorn (for this benchmark only)")
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited at start")
        try:
            status, _, _ = Client(port).request("GET", BARE_PATH)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="goods lines in the database")
    parser.add_argument("--lines-per-declaration", type=int, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn processes"
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn process (gthread)")
    parser.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class"
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=75,
        help="seconds a gthread worker keeps an idle connection (0: none)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="one phase, each request to a random endpoint (default: one phase per endpoint, in turn)",
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL")

    _setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(lines=args.lines, per_declaration=args.lines_per_declaration)
    if args.fill_only:
        return

    from django.contrib.auth import get_user_model

    from declarations.selectors import declarations_for_user
    from declarations.services.demo import DEMO_PASSWORD

    user = get_user_model().objects.get(username=USERNAME)
    mine = declarations_for_user(user=user)
    ids = list(mine.order_by("?").values_list("pk", flat=True)[:2000])
    total = mine.count()
    print(f"{USERNAME} sees {total:,} declarations; detail pages over {len(ids):,} random ones of them")

    server = start_server(
        database_url,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
        keep_alive=args.keep_alive,
    )
    try:
        cookies = login(args.port, USERNAME, DEMO_PASSWORD)
        endpoints = {
            "bare view": [BARE_PATH],
            "declaration list": [f"/declarations/?page={p}" for p in range(1, 11)],
            "declaration detail": [f"/declarations/{pk}/" for pk in ids],
        }
        print(
            f"gunicorn {args.worker_class} {args.workers}"
            f"{f' x {args.threads} threads, keep-alive {args.keep_alive} s' if args.worker_class == 'gthread' else ''}; "
            f"{args.clients} clients, "
            f"{args.duration:.0f} s {'mixed' if args.mixed else 'per endpoint'} after {args.warmup:.0f} s warm-up"
        )
        phase = {"clients": args.clients, "duration": args.duration, "warmup": args.warmup}
        results = {}
        if args.mixed:
            results = run_phase(args.port, cookies, endpoints, **phase)
        else:
            for name, paths in endpoints.items():
                results.update(run_phase(args.port, cookies, {name: paths}, **phase))
    finally:
        server.terminate()
        server.wait(timeout=30)

    bare_p95 = results["bare view"].get("p95")
    print(
        f"\n{'endpoint':<20}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'p95/bare':>10}"
    )
    ok = True
    for name, r in results.items():
        if not r["n"]:
            print(f"{name:<20} no requests completed")
            ok = False
            continue
        ratio = r["p95"] / bare_p95 if bare_p95 else float("nan")
        if name != "bare view":
            ok = ok and ratio <= 10 and r["errors"] == 0
        print(
            f"{name:<20}{r['n']:>9}{r['errors']:>7}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
            f"{r['p99']:>9.1f}{ratio:>9.1f}x"
        )
    print(f"\ngoal p95 <= 10x bare p95, no errors: {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
