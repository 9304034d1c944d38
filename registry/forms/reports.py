"""Filter panels of the report pages (compliance, completeness, training report)."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.inputs import Form, YearField
from registry.models import CommitteeType


def area_choices(areas: dict[str, str]) -> list[tuple[str, str]]:
    """Counties and, indented under each, its townships (their codes sort them so)."""
    choices = [("", _("All"))]
    for code, name in areas.items():
        is_township = code[6:9] != "000"
        choices.append((code, f"\u3000{name}" if is_township else name))
    return choices


class AreaFilterForm(Form):
    """A county or township of the jurisdiction; *areas* is reports.area_names()."""

    region = forms.ChoiceField(label=_("County or township"), required=False)

    def __init__(self, *args, areas: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = area_choices(areas)

    def filters(self) -> dict:
        """The cleaned filters; a bad value is dropped (its error stays on the form
        for the page to show) so the page still answers."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if name in cleaned}


class ComplianceFilterForm(AreaFilterForm):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *CommitteeType.choices]
    )
    only_short = forms.BooleanField(
        label=_("Only committees short of the standard"), required=False
    )


class TrainingReportForm(AreaFilterForm):
    year = YearField(label=_("Year"), min_value=2000, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False)
    only_below = forms.BooleanField(label=_("Only below the minimum"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = datetime.date.today().year + 1
        self.fields["year"].validators.append(MaxValueValidator(latest))
        self.fields["year"].widget.attrs["max"] = latest

    def filters(self) -> dict:
        filters = super().filters()
        filters["year"] = filters.get("year") or datetime.date.today().year
        return filters
