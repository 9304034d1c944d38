"""Excel pages of the roster: templates, import (dry run, then the real run) and the
list exports. Small files and lists are handled in the request; big ones are jobs."""

import datetime
import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.excel import XLSX_CONTENT_TYPE
from core.generic_views import for_model
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models import Job, JobStatus
from registry.excel import exports
from registry.excel.tasks import IMPORT_DIR, export_roster, import_roster
from registry.excel.templates import committee_template, mediator_template
from registry.forms.excel import SYNC_ROWS, ImportForm

TEMPLATES = {"committees": committee_template, "mediators": mediator_template}


def _require_writer(request):
    role = require_role(request)
    if not role.may_write():
        raise PermissionDenied(_("Your active role may not do this."))
    return role


@login_required
def import_template_view(request):
    """The blank template of ?kind=committees or ?kind=mediators."""
    require_role(request)
    kind = request.GET.get("kind")
    if kind not in TEMPLATES:
        raise Http404
    response = HttpResponse(TEMPLATES[kind](), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@login_required
def import_view(request):
    role = _require_writer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        records = form.cleaned_data["kind"]
        # Stored under a random name, read only by the import tasks, deleted after.
        path = default_storage.save(
            f"{IMPORT_DIR}/{uuid.uuid4().hex}.xlsx", form.cleaned_data["file"]
        )
        job = _start_import(role, records, path, dry_run=True, large=form.large)
        return redirect("registry:roster_import_result", pk=job.pk)
    return render(request, "registry/import_form.html", {"form": form, "sync_rows": SYNC_ROWS})


def _start_import(role, records, path, *, dry_run, large):
    params = {"records": records, "path": path, "dry_run": dry_run}
    if large:
        return start_job(role, f"import_{records}", import_roster, **params)
    job = Job.objects.create(
        region=role.region, kind=f"import_{records}", created_by=role.user, role=role
    )
    import_roster(job.pk, role_id=role.pk, **params)  # in this request, as the job would
    return job


@for_model(Job)
@login_required
def import_result_view(request, pk):
    """The outcome of an import job: progress while it runs, then every bad row, or
    the counts and (after a clean dry run) the button that imports for real."""
    role = require_role(request)
    job = get_object_or_404(Job, pk=pk)
    report = job.result if job.status == JobStatus.DONE and "errors" in job.result else None
    ready = bool(report and report["dry_run"] and not report["errors"] and report["path"])
    if request.method == "POST":
        role = _require_writer(request)
        if not ready or not default_storage.exists(report["path"]):
            messages.error(request, _("This file cannot be imported now; upload it again."))
            return redirect("registry:roster_import")
        real = _start_import(
            role, report["records"], report["path"], dry_run=False, large=report["rows"] > SYNC_ROWS
        )
        return redirect("registry:roster_import_result", pk=real.pk)
    template = "registry/import_status.html" if request.htmx else "registry/import_result.html"
    context = {"job": job, "report": report, "may_import": ready and role.may_write()}
    return render(request, template, context)


@login_required
@require_POST
def committee_export_view(request):
    return _export(request, "committees")


@login_required
@require_POST
def mediator_export_view(request):
    return _export(request, "mediators")


def _export(request, records):
    """The list the query string selects (the list page's filters), as a workbook:
    streamed when it is small, else a job with a download at the end. POST, because
    an unmasked export writes audit entries."""
    role = require_role(request)
    reveal = "1" in (request.POST.get("reveal"), request.GET.get("reveal"))
    queryset = (
        exports.committee_queryset(request.GET)
        if records == "committees"
        else exports.mediator_queryset(request.GET)
    )
    if queryset.count() > exports.STREAM_LIMIT:
        job = start_job(
            role,
            f"export_{records}",
            export_roster,
            records=records,
            query=request.GET.urlencode(),
            reveal=reveal,
        )
        return redirect("core:job_detail", pk=job.pk)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exports.export(records, request.GET, role=role, target=target, reveal=reveal)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{records}-{datetime.date.today():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
