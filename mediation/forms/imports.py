from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.imports import Sheet, check_file, max_bytes
from core.inputs import Form
from mediation.excel import CASE_COLUMNS

# Files with more data rows than this are checked and imported by a job.
SYNC_ROWS = 1000


class CaseImportForm(Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Fill in the template. At most %(limit)s; over %(rows)s rows run as a job."
        ) % {"limit": filesizeformat(max_bytes()), "rows": f"{SYNC_ROWS:,}"}
        self.large = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Whole-file checks here, so a file that cannot be imported is never stored.
        try:
            check_file(upload)
            with Sheet(upload, CASE_COLUMNS) as sheet:
                self.large = sheet.has_more_rows_than(SYNC_ROWS)
        finally:
            upload.seek(0)
        return upload
