"""Case import pages: template, upload (dry run), result with "Import now". The same
pattern as the roster's (registry/views/excel.py)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.excel import XLSX_CONTENT_TYPE
from core.generic_views import for_model
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models import Job, JobStatus
from mediation.excel import case_template
from mediation.forms.imports import SYNC_ROWS, CaseImportForm
from mediation.jobs.imports import import_cases
from registry.excel.tasks import IMPORT_DIR  # purged hourly when never imported

KIND = "import_cases"
TEMPLATES = {"cases": case_template}


def _require_writer(request):
    role = require_role(request)
    if not role.may_write():
        raise PermissionDenied(_("Your active role may not do this."))
    return role


@login_required
def case_import_template_view(request):
    """The blank template of ?kind=cases (the roster's convention, one route for
    every kind of workbook)."""
    require_role(request)
    kind = request.GET.get("kind")
    if kind not in TEMPLATES:
        raise Http404
    response = HttpResponse(TEMPLATES[kind](), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@login_required
def case_import_view(request):
    role = _require_writer(request)
    form = CaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = default_storage.save(
            f"{IMPORT_DIR}/{uuid.uuid4().hex}.xlsx", form.cleaned_data["file"]
        )
        job = _start(role, path, dry_run=True, large=form.large)
        return redirect("mediation:case_import_result", pk=job.pk)
    return render(request, "mediation/import_form.html", {"form": form})


def _start(role, path, *, dry_run, large):
    params = {"path": path, "dry_run": dry_run}
    if large:
        return start_job(role, KIND, import_cases, **params)
    job = Job.objects.create(region=role.region, kind=KIND, created_by=role.user, role=role)
    import_cases(job.pk, role_id=role.pk, **params)  # in this request, as the job would
    return job


@for_model(Job)
@login_required
def case_import_result_view(request, pk):
    """Progress while the job runs, then every bad row (row, column, problem), or the
    counts and, after a clean dry run, the button that imports for real."""
    role = require_role(request)
    job = get_object_or_404(Job, pk=pk)
    report = job.result if job.status == JobStatus.DONE and "errors" in job.result else None
    ready = bool(report and report["dry_run"] and not report["errors"] and report["path"])
    if request.method == "POST":
        role = _require_writer(request)
        if not ready or not default_storage.exists(report["path"]):
            messages.error(request, _("This file cannot be imported now; upload it again."))
            return redirect("mediation:case_import")
        real = _start(role, report["path"], dry_run=False, large=report["rows"] > SYNC_ROWS)
        return redirect("mediation:case_import_result", pk=real.pk)
    template = "mediation/import_status.html" if request.htmx else "mediation/import_result.html"
    context = {"job": job, "report": report, "may_import": ready and role.may_write()}
    return render(request, template, context)
