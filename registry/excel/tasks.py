"""Celery tasks of the roster's Excel imports and exports. Pages run small files in
the request by calling a task directly, and queue big ones as jobs."""

import datetime

from celery import shared_task
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone

from core.import_pages import IMPORT_DIR
from core.imports import run_import
from core.jobs import job_task
from registry.excel import exports
from registry.excel.importers import CommitteeImporter, MediatorImporter

IMPORTERS = {"committees": CommitteeImporter, "mediators": MediatorImporter}


@shared_task
@job_task
def import_roster(job, progress, records, path, dry_run):
    """Check (dry run) or import the workbook stored at *path*. The file is kept only
    while a clean dry run waits for its real run: it holds personal numbers in clear."""
    importer = IMPORTERS[records](actor=job.created_by)
    with default_storage.open(path, "rb") as source:
        report = run_import(importer, source, dry_run=dry_run, progress=progress)
    if isinstance(importer, MediatorImporter):
        importer.log_refusals()
    keep = dry_run and report.ok
    if not keep:
        default_storage.delete(path)
    return {"records": records, "path": path if keep else "", **report.as_dict()}


def purge_imports(older_than: datetime.timedelta) -> int:
    """Delete stored import files older than *older_than*; returns how many."""
    if not default_storage.exists(IMPORT_DIR):
        return 0
    cutoff = timezone.now() - older_than
    _dirs, files = default_storage.listdir(IMPORT_DIR)
    stale = [
        f"{IMPORT_DIR}/{name}"
        for name in files
        if default_storage.get_modified_time(f"{IMPORT_DIR}/{name}") < cutoff
    ]
    for path in stale:
        default_storage.delete(path)
    return len(stale)


@shared_task
@job_task
def export_roster(job, progress, records, query, reveal=False):
    """A list export too big to stream in the request (core.exports). The result
    names the personal numbers it shows in full: the download re-checks that its
    owner may still see them, and audits each download with them."""
    export = exports.ROSTER_EXPORTS[records](job.role, QueryDict(query), reveal=reveal)
    revealed = export.revealed() if records == "mediators" else ()
    rows = export.keep(job, progress)
    return {"records": records, "rows": rows, "revealed": sorted(revealed)}
