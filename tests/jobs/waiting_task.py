"""A job for the worker tests that, inside its transaction, reports progress and then
waits until the test tells it to go on, so a test can look at it mid-run and kill its
worker there. Workers load it with ``--include tests.jobs.waiting_task``."""

import redis
from celery import shared_task
from django.conf import settings
from django.db import transaction

from core.job_kinds import ANY_ROLE, JobKind, register
from core.jobs import job_task

KIND = register(JobKind(name="test_wait", label="test: wait for a signal", roles=ANY_ROLE))


def redis_client():
    # No socket timeout: the job and the test block on lists with timeouts of their own.
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=None)


def signals(key):
    """The Redis lists the job and the test talk through: the job pushes its attempt
    number to *started*; the test pushes to *go*."""
    return f"{key}:started", f"{key}:go"


@shared_task(name="tests.jobs.waiting_task.wait_for_go")
@job_task
def wait_for_go(job, progress, key):
    started, go = signals(key)
    client = redis_client()
    with transaction.atomic():
        progress(1, 2)
        client.rpush(started, job.attempts)
        if client.blpop([go], timeout=60) is None:
            raise TimeoutError("the test never said go")
        progress(2, 2)
    return {"attempt": job.attempts}
