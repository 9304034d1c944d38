"""Celery tasks: the case import (dry run, then the real run). Pages run small files
in the request by calling the task directly, and queue big ones as jobs."""

from celery import shared_task
from django.core.files.storage import default_storage

from core.imports import run_import
from core.jobs import job_task
from mediation.excel import CaseImporter


@shared_task
@job_task
def import_cases(job, progress, records, path, dry_run):
    """Check (dry run) or import the workbook stored at *path*; the file is kept only
    while a clean dry run waits for its real run (it names the parties)."""
    with default_storage.open(path, "rb") as source:
        report = run_import(
            CaseImporter(actor=job.created_by), source, dry_run=dry_run, progress=progress
        )
    keep = dry_run and report.ok
    if not keep:
        default_storage.delete(path)
    return {"records": records, "path": path if keep else "", **report.as_dict()}
