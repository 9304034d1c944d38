from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.imports import Sheet, check_file, max_bytes
from core.inputs import Form
from registry.excel.tasks import IMPORTERS

# Files with more data rows than this are checked and imported by a job.
SYNC_ROWS = 1000


class ImportForm(Form):
    kind = forms.ChoiceField(
        label=_("What the workbook holds"),
        choices=[("mediators", _("Mediators with their posts")), ("committees", _("Committees"))],
    )
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Fill in the template. At most %(limit)s; over %(rows)s rows run as a job."
        ) % {"limit": filesizeformat(max_bytes()), "rows": f"{SYNC_ROWS:,}"}
        self.large = False

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is None or kind is None:
            return data
        # The whole-file checks run here, so a file that cannot be imported at all is
        # refused beside the field and never stored.
        try:
            check_file(upload)
            with Sheet(upload, IMPORTERS[kind].columns) as sheet:
                self.large = sheet.has_more_rows_than(SYNC_ROWS)
        except ValidationError as exc:
            self.add_error("file", exc)
        finally:
            upload.seek(0)
        return data
