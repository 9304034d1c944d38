#!/usr/bin/env python3
"""Load benchmark of the public roster search page (issue 15, "Speed").

1. Prepares a PostgreSQL database with the demo city (``manage.py seed_demo``, scale 1:
   ~10,500 mediators; kept between runs, --reseed starts again) and makes sure the city
   bureau's roster is published with the current code (an older publication, without
   the rows prepared at publish time, is published again).
2. Starts gunicorn on a free port with the image's settings (mediation/gunicorn_conf.py:
   gthread, two workers per core plus one, four threads each; --workers and --threads
   change the counts), DEBUG=0, Redis cache, persistent database connections, WhiteNoise
   for /static/.
3. Drives N concurrent keep-alive clients (default 50) against three targets in turn,
   --rounds times (alternating, so a drift of the machine's speed hits all three):
   - static: a static file served by the same server (the baseline);
   - repeated: seven search URLs rendered before the clock starts, so each request is a
     page-cache hit (publication.cache.PublicPageCacheMiddleware);
   - new: searches never asked before: names drawn from the published roster (whole
     names, surnames, given names, some with a level or a page), each URL requested
     once in the whole run, so each is rendered by the view.
4. Prints requests/s and p50/p99 per round, and as its last lines the ratios of the
   medians (repeated/static, new/static) and the median p99 of the new searches:

       BENCH public-repeated ratio=<x> goal>=0.5
       BENCH public-new ratio=<x> goal>=0.1
       BENCH public-new-p99 ms=<x> goal<300

The load generator is this script's own asyncio HTTP/1.1 client (standard library
only, one process); it shares the machine with the server and loads every target the
same way. The machine's load average is printed before and after: absolute figures
drift on a shared machine, the ratios are what count.

    python scripts/bench_public/run.py                      # about a minute once seeded
    python scripts/bench_public/run.py --duration 10 --rounds 5
    python scripts/bench_public/run.py --database public_bench --redis-db 13
"""

import argparse
import asyncio
import itertools
import os
import random
import runpy
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
# The interpreter running this script, so a checkout without its own .venv (a git
# worktree) uses the one it is started with.
PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
GUNICORN_CONF = ROOT / "mediation" / "gunicorn_conf.py"
CITY_CODE = "330600000000"
# Throwaway keys for the benchmark's own database only; never used anywhere else.
BENCH_FERNET_KEY = "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk="
REPEATED = [
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
    parser.add_argument("--database", default=os.environ.get("DATABASE", "public_bench"))
    parser.add_argument("--pg", default=os.environ.get("PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("REDIS_DB", "7")))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: mediation/gunicorn_conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="gthread threads per worker (default: the same file's)"
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per target (median)")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of warm-up, and before each round"
    )
    parser.add_argument("--seed", type=int, default=1, help="shuffles the new searches")
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
        # Persistent connections, as a production site runs: a new connection per
        # request would be most of an uncached page's database time.
        DB_CONN_MAX_AGE="60",
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
        "stale = live is not None and live.mediators.filter(row_html='').exists()\n"
        "if live is None or stale:\n"
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


def server_config(args, env) -> dict:
    """The production settings (mediation/gunicorn_conf.py, read as gunicorn reads it,
    with the benchmark's environment), and the counts given on the command line."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "worker_class": config["worker_class"],
        "workers": args.workers or config["workers"],
        "threads": args.threads or config["threads"],
    }


def start_server(args, env, port):
    config = server_config(args, env)
    command = [
        GUNICORN,
        "mediation.wsgi:application",
        "--config",
        str(GUNICORN_CONF),
        "--pythonpath",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(config["workers"]),
        "--threads",
        str(config["threads"]),
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


async def _client(port, paths, stop_at, measure_from, latencies, errors):
    """One keep-alive client: requests the next of *paths* (an iterator shared by all
    clients) until the time is up or *paths* runs out (noted in *errors*)."""
    reader = writer = None
    while time.monotonic() < stop_at:
        path = next(paths, None)
        if path is None:
            errors["ran_out"] = min(errors.get("ran_out", stop_at), time.monotonic())
            break
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
    """Latencies of the requests started after the warm-up, the errors, and the
    seconds measured: *duration*, or less if the paths ran out first (each new
    search URL is asked once, and a fast server may ask them all)."""
    latencies, errors = [], {"io": 0}
    measure_from = time.monotonic() + warmup
    stop_at = measure_from + duration
    await asyncio.gather(
        *(_client(port, paths, stop_at, measure_from, latencies, errors) for _ in range(clients))
    )
    seconds = min(stop_at, errors.pop("ran_out", stop_at)) - measure_from
    if duration and seconds < 1:
        raise SystemExit("ran out of new search URLs: use fewer --rounds or --duration")
    return latencies, errors, seconds


def run_load(port, targets: dict, args) -> dict:
    """Load each target in turn, *args.rounds* times (alternating, so a drift of the
    machine's speed hits every target); one summary per target and round. A target
    is a function of the round giving an iterator of paths."""
    rounds = {name: [] for name in targets}
    for number in range(args.rounds):
        for name, paths in targets.items():
            latencies, errors, seconds = asyncio.run(
                _drive(port, paths(number), args.clients, args.duration, args.warmup)
            )
            result = _summary(latencies, errors, seconds)
            rounds[name].append(result)
            shorter = f"({seconds:.1f} s: its URLs ran out)" if seconds < args.duration else ""
            print(
                f"  round {number + 1} {name:<8} {result['rps']:>8.1f} req/s  "
                f"p50 {result['p50']:>6.1f} ms  p99 {result['p99']:>6.1f} ms  "
                f"{result['errors'] or ''}{shorter}",
                flush=True,
            )
    return rounds


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
        "errors": {k: v for k, v in errors.items() if v},
    }


def median_of(results, field) -> float:
    return statistics.median(result[field] for result in results)


def new_searches(args, seed) -> list[str]:
    """Search URLs never asked before, from the live roster's names: whole names,
    their pairs of characters, and each character (what people type: a surname)
    page by page, by level, county and expertise, and by expertise and level;
    shuffled. Each is a different search (no two share a page in the cache) and is
    used once in the whole run."""
    import psycopg

    with psycopg.connect(f"{args.pg}/{args.database}") as conn:
        rows = conn.execute(
            "SELECT m.name, m.region_id FROM publication_publishedmediator m "
            "JOIN publication_rosterpublication p ON p.id = m.publication_id "
            "JOIN core_bureau b ON b.id = p.bureau_id "
            "WHERE p.status = 'live' AND b.region_id = %s",
            [CITY_CODE],
        ).fetchall()
        expertise = [row[0] for row in conn.execute("SELECT code FROM registry_expertisefield")]
    per_char = {}
    counties = set()
    for name, region in rows:
        for char in set(name):
            per_char[char] = per_char.get(char, 0) + 1
        if region[4:6] != "00":
            counties.add(region[:6] + "0" * 6)
    queries = set()
    for name, _region in rows:
        queries.add(f"?name={name}")
        queries.update(f"?name={name[i : i + 2]}" for i in range(len(name) - 1))
    for char, count in per_char.items():
        queries.add(f"?name={char}")
        queries.update(f"?name={char}&page={page}" for page in range(2, count // 20 + 2))
        for level in range(1, 5):
            queries.add(f"?name={char}&level={level}")
            queries.update(f"?region={county}&name={char}&level={level}" for county in counties)
        queries.update(f"?region={county}&name={char}" for county in counties)
        queries.update(f"?expertise={code}&name={char}" for code in expertise)
        # Enough URLs for rounds of a fast server, each asked once.
        queries.update(
            f"?expertise={code}&name={char}&level={level}"
            for code in expertise
            for level in range(1, 5)
        )
    paths = [urllib.parse.quote(f"/public/{CITY_CODE}/{query}", safe="/?=&") for query in queries]
    paths.sort()
    random.Random(seed).shuffle(paths)
    return paths


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "unknown"


def step(message):
    print(f"== {message}", flush=True)


def main():
    args = parse_args()
    if not Path(GUNICORN).exists():
        raise SystemExit(f"gunicorn is not installed beside {PY}")
    env = environment(args)
    prepare_database(args, env)
    fresh = new_searches(args, args.seed)
    # A tenth for the warm-up, the rest shared by the rounds.
    warm, fresh = fresh[: len(fresh) // 10], fresh[len(fresh) // 10 :]
    per_round = len(fresh) // args.rounds
    print(f"  {len(fresh)} new search URLs, {per_round} for each round")
    port = free_port()
    server = start_server(args, env, port)
    before = load_average()
    try:
        repeated = [
            urllib.parse.quote(f"/public/{CITY_CODE}/{query}", safe="/?=&") for query in REPEATED
        ]
        for path in repeated:  # each must answer (a cold render), and is then cached
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
                size = len(response.read())
            print(f"  {path}: {size} bytes, cold {1000 * (time.monotonic() - started):.0f} ms")
        step(
            f"load: {args.clients} clients, {args.rounds} rounds of "
            f"{args.warmup:.0f}+{args.duration:.0f} s per target, alternating"
        )
        # Every worker thread opens its database connection, fills its template
        # and option caches and has its frame: a server in its steady state is
        # measured, not one starting (these URLs are not measured again).
        step(f"warm-up: {args.warmup:.0f} s of new searches")
        asyncio.run(_drive(port, iter(warm), args.clients, 0, args.warmup))
        targets = {
            "static": lambda _round: itertools.repeat(STATIC_PATH),
            "repeated": lambda _round: itertools.cycle(repeated),
            "new": lambda number: iter(fresh[number * per_round : (number + 1) * per_round]),
        }
        rounds = run_load(port, targets, args)
    finally:
        stop_server(server)
    after = load_average()
    print()
    config = server_config(args, env)
    print(
        f"gunicorn {config['worker_class']} {config['workers']} workers x "
        f"{config['threads']} threads, PostgreSQL, "
        f"Redis cache; {os.cpu_count()} CPUs; asyncio keep-alive client, "
        f"{args.clients} concurrent clients; median of {args.rounds} rounds of "
        f"{args.duration:.0f} s"
    )
    print(f"load average before: {before}")
    print(f"load average after:  {after}")
    print(f"{'target':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, results in rounds.items():
        print(
            f"{name:<9} {median_of(results, 'rps'):>9.1f} {median_of(results, 'p50'):>8.1f} "
            f"{median_of(results, 'p99'):>8.1f}"
        )
    static = median_of(rounds["static"], "rps")
    repeated_ratio = median_of(rounds["repeated"], "rps") / static
    new_ratio = median_of(rounds["new"], "rps") / static
    print(f"BENCH public-repeated ratio={repeated_ratio:.3f} goal>=0.5")
    print(f"BENCH public-new ratio={new_ratio:.3f} goal>=0.1")
    print(f"BENCH public-new-p99 ms={median_of(rounds['new'], 'p99'):.0f} goal<300")
    return 0


if __name__ == "__main__":
    sys.exit(main())
