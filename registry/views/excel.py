"""Excel pages of the roster: templates, import (dry run, then the real run) and the
list exports. Small files and lists are handled in the request; big ones are jobs."""

import datetime
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.excel import XLSX_CONTENT_TYPE
from core.import_pages import WorkbookImport
from core.jobs import start_job
from core.jurisdiction import require_role
from registry.excel import exports
from registry.excel.tasks import export_roster, import_roster
from registry.excel.templates import committee_template, mediator_template
from registry.forms.excel import SYNC_ROWS, ImportForm

ROSTER_IMPORT = WorkbookImport(
    task=import_roster,
    form_class=ImportForm,
    form_template="registry/import_form.html",
    upload_url="registry:roster_import",
    result_url="registry:roster_import_result",
    templates={"committees": committee_template, "mediators": mediator_template},
    sync_rows=SYNC_ROWS,
    list_urls={"committees": "registry:committee_list", "mediators": "registry:mediator_list"},
)


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
        return redirect(job)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exports.export(records, request.GET, role=role, target=target, reveal=reveal)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{records}-{datetime.date.today():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
