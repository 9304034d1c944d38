"""Celery tasks of the cases part; each lives in mediation/jobs/<part>.py and is
imported here so the worker registers it."""

from mediation.jobs import anomalies, callbacks, imports, ledger, rankings  # noqa: F401
