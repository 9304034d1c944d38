#!/usr/bin/env python3
"""Load benchmark of the public roster search page (issue 5, "Speed").

1. Prepares a PostgreSQL database with the demo city at scale 1 (~10,500 mediators;
   `manage.py seed_demo`), and makes sure the city bureau's roster is published.
2. Starts gunicorn (DEBUG=0, Redis cache, whitenoise for /static/) on a free port.
3. Drives N concurrent keep-alive clients (default 50) for a fixed time against
   a) the public search page of the city, cycling through a few query strings, and
   b) a static file served by the same server,
   and reports requests/s, p50/p99 latency and the ratio search/static.

The load generator is this script's own asyncio HTTP/1.1 client (standard library
only, one process), so nothing else needs installing; it shares the machine with the
server, as the issue asks ("on this machine"), and it loads both targets the same way.

    .venv/bin/python scripts/bench_public/run.py             # everything
    .venv/bin/python scripts/bench_public/run.py --duration 30 --workers 4
    .venv/bin/python scripts/bench_public/run.py --no-fast-path   # views only

gunicorn runs with scripts/bench_public/bench_settings.py: the project's settings with
publication.cache.PublicPageCacheMiddleware right after WhiteNoise (as production
should list it), or without it (--no-fast-path) to measure the views' own cache.

The database is kept between runs (seeding takes minutes); --reseed drops it first.
"""

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CITY_CODE = "330600000000"
# Throwaway keys for the benchmark's own database only; never used anywhere else.
BENCH_FERNET_KEY = "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk="
SEARCHES = [
    "",
    "?level=2",
    "?name=王",
    "?page=3",
    "?name=李&level=3",
    "?expertise=medical",
    "?committee=人民调解委员会&page=2",
]
STATIC_PATH = "/static/css/public.css"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE", "mediator_bench_public"))
    parser.add_argument("--pg", default=os.environ.get("PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("REDIS_DB", "7")))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    parser.add_argument(
        "--no-fast-path",
        action="store_true",
        help="without PublicPageCacheMiddleware: every page goes through the views",
    )
    return parser.parse_args()


def environment(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.pg}/{args.database}",
        REDIS_URL=f"{args.redis}/{args.redis_db}",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        FIELD_ENCRYPTION_KEYS=BENCH_FERNET_KEY,
        FIELD_HASH_KEY="bench-only-hash-key",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DEMO_PASSWORD="bench-only-password",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env, *command, quiet=False):
    subprocess.run(
        [PY, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def prepare_database(args, env):
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if exists and args.reseed:
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.database}"')
    step("migrate")
    manage(env, "migrate", "--noinput", quiet=True)
    step(f"seed_demo --scale {args.scale} (once; minutes at scale 1)")
    manage(env, "seed_demo", "--scale", str(args.scale), "--seed", "1", "--if-empty", quiet=True)
    step("publish the city roster if none is live")
    manage(
        env,
        "shell",
        "-c",
        "from core.models import Bureau\n"
        "from core.tenancy import all_regions\n"
        "from publication import selectors, services\n"
        "with all_regions():\n"
        f"    bureau = Bureau.objects.select_related('region').get(region_id='{CITY_CODE}')\n"
        "live = selectors.live_publication(bureau)\n"
        "if live is None:\n"
        "    live = services.publish(services.request_publication(bureau))\n"
        "print(f'  live roster v{live.version}: {live.mediator_count} mediators, '\n"
        "      f'{live.committee_count} committees')\n",
    )
    step("collectstatic")
    manage(env, "collectstatic", "--noinput", quiet=True)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, env, port):
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "BENCH_FAST_PATH": "0" if args.no_fast_path else "1",
    }
    command = [
        GUNICORN,
        "mediation.wsgi:application",
        "--pythonpath",
        f"{ROOT},{HERE}",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--keep-alive",
        "30",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    step(" ".join(command[1:]))
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{STATIC_PATH}", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited") from None
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# -- the load generator: asyncio, HTTP/1.1 keep-alive ----------------------------------


async def _read_response(reader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    keep = headers.get("connection", "").lower() != "close"
    return status, keep


async def _client(port, paths, offset, stop_at, measure_from, latencies, errors):
    reader = writer = None
    index = offset
    while time.monotonic() < stop_at:
        path = paths[index % len(paths)]
        index += 1
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept-Encoding: gzip\r\nUser-Agent: bench_public\r\n\r\n"
        ).encode()
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status, keep = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors["io"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        elapsed = time.monotonic() - started
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
        elif started >= measure_from:
            latencies.append(elapsed)
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _drive(port, paths, clients, duration, warmup):
    latencies, errors = [], {"io": 0}
    measure_from = time.monotonic() + warmup
    stop_at = measure_from + duration
    await asyncio.gather(
        *(_client(port, paths, n, stop_at, measure_from, latencies, errors) for n in range(clients))
    )
    return latencies, errors


def run_load(port, targets: dict, args) -> dict:
    """Load each target in turn, *args.rounds* times (alternating, so a drift of the
    machine's speed hits both), and sum up per target."""
    collected = {name: ([], {}) for name in targets}
    for _round in range(args.rounds):
        for name, paths in targets.items():
            latencies, errors = asyncio.run(
                _drive(port, paths, args.clients, args.duration, args.warmup)
            )
            collected[name][0].extend(latencies)
            for kind, count in errors.items():
                collected[name][1][kind] = collected[name][1].get(kind, 0) + count
    seconds = args.duration * args.rounds
    return {name: _summary(*found, seconds) for name, found in collected.items()}


def _summary(latencies, errors, seconds) -> dict:
    latencies.sort()
    count = len(latencies)

    def pct(p):
        return latencies[min(count - 1, int(p * count))] * 1000 if count else float("nan")

    return {
        "requests": count,
        "rps": count / seconds,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "mean": statistics.fmean(latencies) * 1000 if count else float("nan"),
        "errors": {k: v for k, v in errors.items() if v},
    }


def step(message):
    print(f"== {message}", flush=True)


def main():
    args = parse_args()
    if not Path(GUNICORN).exists():
        raise SystemExit("gunicorn is not installed in .venv")
    env = environment(args)
    prepare_database(args, env)
    port = free_port()
    server = start_server(args, env, port)
    try:
        search = [
            urllib.parse.quote(f"/public/{CITY_CODE}/{query}", safe="/?=&") for query in SEARCHES
        ]
        for path in search:  # each must answer (a cold render), and is then cached
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
                size = len(response.read())
            print(f"  {path}: {size} bytes, cold {1000 * (time.monotonic() - started):.0f} ms")
        step(
            f"load: {args.clients} clients, {args.rounds} rounds of {args.duration:.0f}s "
            "per target, alternating"
        )
        results = run_load(port, {"search": search, "static": [STATIC_PATH]}, args)
    finally:
        stop_server(server)
    print()
    print(
        f"gunicorn gthread {args.workers} workers x {args.threads} threads, PostgreSQL, "
        f"Redis cache, page-cache middleware {'off' if args.no_fast_path else 'on'}; "
        f"{os.cpu_count()} CPUs; load: asyncio keep-alive client, "
        f"{args.clients} concurrent clients, {args.rounds}x{args.duration:.0f}s each"
    )
    print(f"{'target':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}  errors")
    for name, result in results.items():
        print(
            f"{name:<8} {result['rps']:>9.1f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
            f"{result['requests']:>9}  {result['errors'] or '-'}"
        )
    ratio = results["search"]["rps"] / results["static"]["rps"]
    print(f"BENCH public-search ratio={ratio:.2f} goal>=0.5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
