"""gunicorn's settings: the image runs ``gunicorn -c python:mediation.gunicorn_conf
mediation.wsgi:application``, and ``make bench-public`` measures them.

- ``gthread`` workers: a request spends part of its time waiting for PostgreSQL and
  Redis, when another thread of the same process runs; and they keep connections
  alive, where the default sync worker closes each after one request.
- Two workers per core plus one, each a process with its own interpreter lock, so no
  core idles while a worker's threads wait, with four threads each. On 2 cores, 2 to
  5 workers of 4 to 16 threads measured alike (within the noise of a shared machine)
  on static files, cached and uncached public searches; fewer threads (2) served
  fewer uncached searches with a longer tail.

``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` set the counts where the cores the process
sees are not the ones it gets (a container limited by a CPU quota sees the host's).
A worker holds a database connection per thread for ``DB_CONN_MAX_AGE`` seconds: keep
workers x threads x hosts below PostgreSQL's ``max_connections`` (100 by default).
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# JOB_IN_PROCESS_SECONDS stays below it (settings).
timeout = 30
