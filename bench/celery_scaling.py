"""Celery scaling benchmark (not a test, not run by default): render N declarations with 1, then 2 workers.

    createdb -h 127.0.0.1 -U postgres exporter_portal_web_bench     # shared with bench/web_load.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exporter_portal_web_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/celery_scaling.py [--declarations 5000] [--concurrency 1 2] [--pool solo|prefork]

1. Creates ``--declarations`` submitted declarations (version 1, copies of the demo's 9710 list-channel
   declaration, one goods line each) for a separate bench enterprise by COPY, once; later runs reuse them.
2. For each concurrency (default 1, then 2): resets those declarations to "submitted" without messages, purges
   the queue, starts N ``celery worker --pool=solo`` processes as docker-compose runs them (``--pool prefork``:
   one ``celery worker --pool=prefork --concurrency=N``; outbox in a temporary directory), waits until they
   answer a ping, stops their consumers, publishes one ``declaration_render_task`` per declaration, then
   starts the clock and the consumers and measures the wall time until every declaration is "sent" (each
   rendered to CEB303 + CEB505 + CEB603, checked against the XSD, stored and written to the outbox). The
   workers are stopped after each run.
3. Prints declarations/s per run and the speed-up of the last run over the first. Goal: >= 1.8x with two.
   ``--repeat N`` runs the sequence N times, interleaved, and also prints the speed-up of the medians: on a
   shared machine the same run varied by a quarter from one minute to the next.

The speed-up needs two idle cores: PostgreSQL, Redis and this script share them with the workers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web_load import DEFAULT_DATABASE_URL, _copy, _reserve_ids, _row_template, _server_env  # noqa: E402

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/10"
COP_PREFIX = "CSB"  # the bench declarations' copNo prefix
BENCH_USCC_SERIAL = 910_000


def _env(database_url: str, broker_url: str) -> dict[str, str]:
    env = _server_env(database_url)
    env["CELERY_BROKER_URL"] = broker_url
    return env


def _bench_enterprise():
    from declarations.identifiers import uscc_check_character
    from declarations.models import Enterprise, Registration

    template = Enterprise.objects.filter(is_exporter=True).order_by("pk").first()
    body = f"9144030{BENCH_USCC_SERIAL:010d}"
    enterprise, created = Enterprise.objects.get_or_create(
        uscc=body + uscc_check_character(body),
        defaults={
            "name": "基准测试渲染企业",
            "customs_code": "44019C0001",
            "is_exporter": True,
            "home_office": template.home_office,
            "dxp_id": "DXPENT0000009999",
        },
    )
    if created:
        # The same approved registrations as the demo exporter, so the copies are as valid as the original.
        for registration in Registration.objects.filter(enterprise=template):
            registration.pk = None
            registration.enterprise = enterprise
            registration.save()
    return enterprise


def prepare(count: int) -> list[int]:
    """The bench declarations' ids, creating the missing ones (COPY of the demo's 9710 list declaration)."""
    from django.db import connection, transaction

    from declarations.choices import DeclarationStatus, Mode
    from declarations.models import Declaration, DeclarationLine
    from declarations.services.demo import demo_load

    if not Declaration.objects.filter(mode=Mode.DIRECT, channel="list").exists():
        demo_load()
    enterprise = _bench_enterprise()
    existing = list(
        Declaration.objects.filter(agent=enterprise, cop_no__startswith=COP_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    missing = count - len(existing)
    if missing > 0:
        head = Declaration.objects.filter(mode=Mode.DIRECT, channel="list").order_by("pk").first()
        lines = list(DeclarationLine.objects.filter(declaration=head).order_by("gnum"))
        skip = {"id", "enterprise_id", "agent_id", "cop_no", "order_no", "logistics_no", "status", "version"}
        head_columns, head_values = _row_template(head, skip)
        templates = [_row_template(line, {"id", "declaration_id"}) for line in lines]
        with transaction.atomic(), connection.cursor() as cursor:
            first = _reserve_ids(cursor, Declaration, missing)
            ids = range(first, first + missing)
            _copy(
                cursor,
                Declaration,
                (
                    (
                        i,
                        enterprise.pk,
                        enterprise.pk,
                        f"{COP_PREFIX}{i:012d}",
                        f"CSB-ORDER-{i:09d}",
                        f"CS{i:012d}",
                        DeclarationStatus.SUBMITTED,
                        1,
                        *head_values,
                    )
                    for i in ids
                ),
                ["id", "enterprise_id", "agent_id", "cop_no", "order_no", "logistics_no", "status", "version"]
                + head_columns,
            )
            _copy(
                cursor,
                DeclarationLine,
                ((i, *values) for i in ids for _columns, values in templates),
                ["declaration_id", *templates[0][0]],
            )
        existing += list(ids)
    return existing[:count]


def reset(ids: list[int]) -> None:
    """Back to "submitted", version 1, without messages or the worker's events."""
    from django.db import transaction

    from declarations.choices import DeclarationStatus
    from declarations.models import Declaration, RenderedMessage, StatusEvent

    with transaction.atomic():
        RenderedMessage.objects.filter(declaration_id__in=ids).delete()
        StatusEvent.objects.filter(declaration_id__in=ids).delete()
        Declaration.objects.filter(pk__in=ids).update(status=DeclarationStatus.SUBMITTED, version=1)


def start_workers(concurrency: int, pool: str, env: dict[str, str], workdir: Path) -> list[subprocess.Popen]:
    """``prefork``: one worker with ``concurrency`` pool processes; ``solo``: ``concurrency`` workers of one process
    each (no parent handing the tasks to a pool child), as docker-compose's worker runs."""
    from exporter_portal.celery import app

    if pool == "prefork":
        count, options = 1, ["--pool=prefork", f"--concurrency={concurrency}"]
    else:
        count, options = concurrency, ["--pool=solo"]
    workers = []
    for number in range(count):
        log = workdir / f"worker-{pool}-{concurrency}-{number}.log"
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "exporter_portal", "worker", *options]
                + ["-l", "warning", "--without-gossip", "--without-mingle"]
                + ["-n", f"bench-{os.getpid()}-{pool}-{concurrency}-{number}@%h"],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        if any(worker.poll() is not None for worker in workers):
            stop_workers(workers)
            sys.exit(f"a worker exited at start; see {workdir}")
        if len(app.control.ping(timeout=0.5)) >= count:
            # Let the pool's children finish importing Django before the clock starts.
            time.sleep(2)
            return workers
    stop_workers(workers)
    sys.exit(f"the workers did not answer within 60 s; see {workdir}")


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def run(
    ids: list[int], concurrency: int, pool: str, env: dict[str, str], workdir: Path, timeout: float
) -> float:
    from django.db.models import Count

    from declarations.choices import DeclarationStatus
    from declarations.models import Declaration
    from declarations.tasks import declaration_render_task
    from exporter_portal.celery import app

    reset(ids)
    app.control.purge()
    workers = start_workers(concurrency, pool, env, workdir)
    try:
        # The workers are measured, not this script's publishing (5,000 publishes take ~3 s of a core, which on a
        # machine the workers keep busy comes out of their time): the queue is filled while the worker does not
        # consume, and the clock starts when it is told to.
        queue = app.conf.task_default_queue
        if len(app.control.cancel_consumer(queue, reply=True, timeout=5)) < len(workers):
            sys.exit("a worker did not confirm it stopped consuming")
        for pk in ids:
            declaration_render_task.apply_async(args=[pk, 1])
        started = time.perf_counter()
        if len(app.control.add_consumer(queue, reply=True, timeout=5)) < len(workers):
            sys.exit("a worker did not confirm it consumes again")
        # The poll must cost the machine next to nothing: the workers share its two cores. One GROUP BY over a
        # pk range (the bench's ids are consecutive) instead of two counts with thousands of ids in an IN list,
        # which took about a tenth of a core.
        low, high = min(ids), max(ids)
        if high - low + 1 == len(ids):
            ours = Declaration.objects.filter(pk__gte=low, pk__lte=high)
        else:
            ours = Declaration.objects.filter(pk__in=ids)
        by_status = ours.order_by().values_list("status").annotate(n=Count("pk"))
        while True:
            counts = dict(by_status.all())  # a fresh query each time (a QuerySet caches its rows)
            elapsed = time.perf_counter() - started
            sent = counts.get(DeclarationStatus.SENT, 0)
            if sent == len(ids):
                return elapsed
            failed = counts.get(DeclarationStatus.RENDER_FAILED, 0)
            if failed:
                sys.exit(f"{failed} declarations failed to render; see {workdir}")
            if elapsed > timeout:
                sys.exit(f"only {sent} of {len(ids)} sent after {timeout:.0f} s")
            time.sleep(0.25)
    finally:
        stop_workers(workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--declarations", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run before giving up")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of the concurrency sequence, interleaved (a noisy machine)",
    )
    parser.add_argument(
        "--pool",
        choices=["prefork", "solo"],
        nargs="+",
        default=["solo"],
        help="prefork: one worker, N pool processes; solo: N workers of one process each (default solo); "
        "both: interleaved in each round",
    )
    parser.add_argument("--keep-files", action="store_true", help="keep the outbox and worker logs")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker_url = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    if not database_url.startswith("postgres") or not broker_url.startswith("redis"):
        sys.exit("DATABASE_URL must point to PostgreSQL and CELERY_BROKER_URL to Redis")

    workdir = Path(tempfile.mkdtemp(prefix="celery-scaling-"))
    env = _env(database_url, broker_url)
    env.update(OUTBOX_DIR=str(workdir / "outbox"), INBOX_DIR=str(workdir / "inbox"))
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ids = prepare(args.declarations)
    print(f"{len(ids):,} submitted declarations; worker logs and outbox in {workdir}", flush=True)
    timings: dict[tuple[str, int], list[float]] = {(p, c): [] for p in args.pool for c in args.concurrency}
    for round_number in range(1, args.repeat + 1):
        for pool in args.pool:
            for concurrency in args.concurrency:
                elapsed = run(ids, concurrency, pool, env, workdir, args.timeout)
                timings[pool, concurrency].append(elapsed)
                print(
                    f"round {round_number}, {pool} concurrency {concurrency}: {elapsed:.1f} s, "
                    f"{len(ids) / elapsed:.1f} declarations/s ({3 * len(ids) / elapsed:.0f} messages/s)",
                    flush=True,
                )
    first, last = args.concurrency[0], args.concurrency[-1]
    median = {key: statistics.median(values) for key, values in timings.items()}
    for pool in args.pool if first != last else ():
        for round_number in range(args.repeat):
            speedup = timings[pool, first][round_number] / timings[pool, last][round_number]
            print(
                f"round {round_number + 1}, {pool}: speed-up of concurrency {last} over {first}: {speedup:.2f}x"
            )
        print(
            f"median, {pool}: concurrency {first} {median[pool, first]:.1f} s, {last} {median[pool, last]:.1f} s; "
            f"speed-up {median[pool, first] / median[pool, last]:.2f}x (goal for 2 over 1: >= 1.8x)"
        )
    if len(args.pool) > 1:
        # The same work by both set-ups, measured in the same rounds: which one is faster at each concurrency.
        for concurrency in args.concurrency:
            print(
                f"median at concurrency {concurrency}: "
                + ", ".join(
                    f"{pool} {len(ids) / median[pool, concurrency]:.1f} declarations/s" for pool in args.pool
                )
            )
    written = sum(1 for _ in (workdir / "outbox").glob("*.xml"))
    print(
        f"outbox files: {written:,} (3 per declaration and run: {3 * len(ids) * len(timings) * args.repeat:,})"
    )
    if not args.keep_files:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
