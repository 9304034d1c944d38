"""Case import pages: the shared workbook-import pages (core.import_pages) set up
for cases."""

from core.import_pages import WorkbookImport
from mediation.excel import case_template
from mediation.forms.imports import SYNC_ROWS, CaseImportForm
from mediation.jobs.imports import import_cases

CASE_IMPORT = WorkbookImport(
    task=import_cases,
    form_class=CaseImportForm,
    form_template="mediation/import_form.html",
    upload_url="mediation:case_import",
    result_url="mediation:case_import_result",
    templates={"cases": case_template},
    sync_rows=SYNC_ROWS,
    default_records="cases",
    list_urls={"cases": "mediation:case_list"},
)
