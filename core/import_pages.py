"""The pages of a workbook import, shared by every app that imports: upload (the
file is stored and checked in a dry run), the result (progress, then every bad row or
the counts, and "Import now" after a clean check), and the blank templates. Small
files run in the request, big ones as jobs. An app builds one ``WorkbookImport`` with
its task, form and URL names, and routes to its three views."""

import datetime
import uuid

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import XLSX_CONTENT_TYPE
from core.generic_views import for_model
from core.job_kinds import is_owner, visible_job
from core.jobs import check_lease, run_in_request, start_job
from core.jurisdiction import require_role
from core.models import Job, JobStatus

# Checked files wait here for their real run; registry.tasks.purge_stale_imports
# deletes those never imported (they hold personal numbers in clear).
IMPORT_DIR = "imports"


def checked_not_imported(queryset):
    """Import jobs whose check passed and whose file still waits to be imported: no
    real run of the same file has started, and the hourly purge has not deleted it."""
    real_runs = Job._base_manager.filter(
        params__path=OuterRef("params__path"), params__dry_run=False
    )
    since = timezone.now() - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS)
    return queryset.filter(
        kind__startswith="import_",
        status=JobStatus.DONE,
        params__dry_run=True,
        result__errors=[],
        created_at__gte=since,
    ).exclude(Exists(real_runs))


def _require_writer(request):
    role = require_role(request)
    if not role.may_write():
        raise PermissionDenied(_("Your active role may not do this."))
    return role


class WorkbookImport:
    """*task* is a job_task taking ``records, path, dry_run``; *templates* maps a kind
    (``?kind=``) to a function building its blank workbook; *list_urls* maps a kind
    to the list page shown after a real import."""

    def __init__(
        self,
        *,
        task,
        form_class,
        form_template,
        upload_url,
        result_url,
        templates,
        sync_rows,
        default_records="",
        list_urls=None,
    ):
        self.task = task
        self.form_class = form_class
        self.form_template = form_template
        self.upload_url = upload_url
        self.result_url = result_url
        self.templates = templates
        self.sync_rows = sync_rows
        self.default_records = default_records
        self.list_urls = list_urls or {}
        self.upload_view = login_required(self._upload)
        self.result_view = for_model(Job)(login_required(self._result))
        self.template_view = login_required(self._template)

    def start(self, role, records, path, *, dry_run, large) -> Job:
        params = {"records": records, "path": path, "dry_run": dry_run}
        run = start_job if large else run_in_request
        return run(role, f"import_{records}", self.task, **params)

    def _upload(self, request):
        role = _require_writer(request)
        form = self.form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            records = form.cleaned_data.get("kind") or self.default_records
            # Stored under a random name, read only by the import task, deleted after.
            path = default_storage.save(
                f"{IMPORT_DIR}/{uuid.uuid4().hex}.xlsx", form.cleaned_data["file"]
            )
            job = self.start(role, records, path, dry_run=True, large=form.large)
            return redirect(job)
        context = {"form": form, "sync_rows": self.sync_rows}
        return render(request, self.form_template, context)

    def _result(self, request, pk):
        role = require_role(request)
        job = check_lease(visible_job(request, pk))
        report = job.result if job.status == JobStatus.DONE and "errors" in job.result else None
        ready = bool(report and report["dry_run"] and not report["errors"] and report["path"])
        if request.method == "POST":
            role = _require_writer(request)
            if not ready or not default_storage.exists(report["path"]):
                messages.error(request, _("This file cannot be imported now; upload it again."))
                return redirect(self.upload_url)
            real = self.start(
                role,
                report["records"],
                report["path"],
                dry_run=False,
                large=report["rows"] > self.sync_rows,
            )
            return redirect(real)
        list_url = self.list_urls.get(report["records"]) if report else None
        context = {
            "job": job,
            "report": report,
            "may_import": ready and role.may_write(),
            "result_url": reverse(self.result_url, args=[job.uuid]),
            "may_retry": job.retryable and is_owner(job, request.user),
            "upload_url": reverse(self.upload_url),
            "list_url": reverse(list_url) if list_url else "",
        }
        if request.htmx:
            return render(request, "core/import_status.html", context)
        context["history"] = LogEntry.objects.get_for_object(job).select_related("actor")[:200]
        return render(request, "core/import_result.html", context)

    def _template(self, request):
        """The blank template of ``?kind=``."""
        require_role(request)
        kind = request.GET.get("kind")
        if kind not in self.templates:
            raise Http404
        response = HttpResponse(self.templates[kind](), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
        return response
