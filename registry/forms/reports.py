"""Filter panels of the report pages (compliance, completeness, training report)."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.inputs import Form, YearField
from core.picker_fields import RegionPickerField
from core.regions import RegionLevel
from registry.models import CommitteeType


class AreaFilterForm(Form):
    """A county or township of the jurisdiction, from the region cascade."""

    region = RegionPickerField(
        label=_("County or township"),
        levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
        required=False,
    )

    def filters(self) -> dict:
        """The cleaned filters; a bad value is dropped (its error stays on the form
        for the page to show) so the page still answers. The region as its code."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: cleaned[name] for name in self.fields if name in cleaned}
        filters["region"] = filters["region"].code if filters.get("region") else ""
        return filters


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
