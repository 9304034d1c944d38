"""Excel pages of the roster: templates, import (dry run, then the real run) and the
list exports. Small files and lists are handled in the request; big ones are jobs."""

from core.exports import ListExportView
from core.import_pages import WorkbookImport
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


class RosterExportView(ListExportView):
    """The list the query string selects (the list page's filters), as a workbook:
    streamed when it is small, else a job with a download at the end."""

    task = export_roster

    def options(self, request, role):
        return {"reveal": "1" in (request.POST.get("reveal"), request.GET.get("reveal"))}


committee_export_view = RosterExportView.as_view(
    export_class=exports.CommitteeExport, list_url="registry:committee_list"
)
mediator_export_view = RosterExportView.as_view(
    export_class=exports.MediatorExport, list_url="registry:mediator_list"
)
