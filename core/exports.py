"""List exports, shared by every app: the rows a list page's filters select (the
same query string the page shows) as a workbook.

Up to STREAM_LIMIT rows are written in the request, to a temporary file streamed
back; more run as a job (core.jobs) whose page shows the progress and ends with the
download, so a big export never holds a web worker past its timeout. An app declares
one ``ListExport`` subclass per list (what the query selects, how to write it, its
job kind) and routes to a ``ListExportView`` with the job task that runs the big ones;
the task calls ``ListExport.keep``, and an API action can call ``answer`` itself.

Filters that do not validate refuse the export: django-filter would skip an invalid
filter and the file would hold more than the page asked for.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.excel import XLSX_CONTENT_TYPE, write_workbook
from core.jobs import start_job
from core.jurisdiction import require_role

STREAM_LIMIT = 5000  # more rows than this are exported by a job
CHUNK = 2000  # rows per query (their relations prefetched per chunk) and per progress report


def file_name(name: str) -> str:
    """The file's name: by date, never by the job's sequential id (the download keeps
    this name, and an id would tell how many jobs the system ran)."""
    return f"{name}-{timezone.localdate():%Y-%m-%d}.xlsx"


def filtered(filterset_class, query, queryset):
    """*queryset* narrowed by *filterset_class* bound to *query*; ValidationError with
    the filters' field errors when one does not validate."""
    filterset = filterset_class(query, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(dict(filterset.errors))
    return filterset.qs


def choice_labels(model, field):
    """A function from a choice field's code to its label in the active language,
    the labels looked up once per export (get_FOO_display translates on every call,
    which dominated a big export's time)."""
    labels = {code: str(label) for code, label in model._meta.get_field(field).flatchoices}
    return lambda value: labels.get(value, "")


def boolean_labels():
    """A function from a boolean to 是/否, and from None (not known) to an empty cell."""
    words = {True: _("Yes"), False: _("No")}
    return lambda value: words.get(value, "")


class ListExport:
    """One list's export for *role*, of the rows *query* (a QueryDict: the list page's
    query string) selects. *options* are the user's choices beyond the filters (e.g.
    reveal numbers); they are the job's parameters too, so the job writes what the
    request would have."""

    name = ""  # the file is <name>-<date>.xlsx
    job_kind = ""  # declared in the app's job_kinds.py

    def __init__(self, role, query, **options):
        self.role, self.query, self.options = role, query, options

    def queryset(self):
        """The rows, filtered by the list's FilterSet (``filtered``); counted to choose
        between streaming and a job."""
        raise NotImplementedError

    def write(self, target, progress=None) -> int:
        """Write the workbook to *target* (a path or a binary file), usually through
        ``workbook``, reporting ``progress(done, total)``; returns the number of rows."""
        raise NotImplementedError

    def workbook(self, target, title, columns, rows, progress=None) -> int:
        """Stream *rows* into *target* (core.excel.write_workbook: constant memory),
        reporting progress every CHUNK rows against the count of the queryset."""
        total = self.queryset().count() if progress else None
        return write_workbook(
            target, title, columns, rows, progress=progress, total=total, every=CHUNK
        )

    def job_params(self) -> dict:
        """The job task's parameters besides the query string."""
        return dict(self.options)

    def answer(self, task):
        """A FileResponse with the workbook when it is small, else the started Job of
        *task* (a job_task taking ``query`` and the job_params). ValidationError when
        the filters do not validate."""
        if self.queryset().count() > STREAM_LIMIT:
            return start_job(
                self.role, self.job_kind, task, query=self.query.urlencode(), **self.job_params()
            )
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        self.write(target)
        target.seek(0)
        return FileResponse(
            target,
            as_attachment=True,
            filename=file_name(self.name),
            content_type=XLSX_CONTENT_TYPE,
        )

    def keep(self, job, progress) -> int:
        """The job's side: write the workbook and keep it as the job's result file (its
        download). Returns the number of rows."""
        with tempfile.TemporaryFile() as target:
            rows = self.write(target, progress=progress)
            target.seek(0)
            job.result_file.save(file_name(self.name), File(target), save=False)
        progress(rows, rows)
        return rows


class ListExportView(LoginRequiredMixin, View):
    """The export button of a list page: a POST with the page's query string. POST,
    because it starts jobs and an unmasked export writes audit entries. Any role that
    sees the list may export it. Filters that do not validate send the user back to
    the list, which shows their errors beside the fields."""

    http_method_names = ["post"]
    export_class = ListExport
    task = None
    list_url = ""  # URL name of the list page

    def options(self, request, role) -> dict:
        return {}

    def list_page(self) -> str:
        """The list page, where filters that do not validate show their errors."""
        return reverse(self.list_url)

    def post(self, request, *args, **kwargs):
        role = require_role(request)
        export = self.export_class(role, request.GET, **self.options(request, role))
        try:
            answer = export.answer(self.task)
        except ValidationError:
            messages.error(request, _("Correct the filters, then export again."))
            return redirect(f"{self.list_page()}?{request.GET.urlencode()}")
        return answer if isinstance(answer, FileResponse) else redirect(answer)
