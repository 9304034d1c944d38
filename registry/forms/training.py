"""Forms of training, mentorship, monthly attendance and leave. The rules (no
mentoring oneself, attendance for full-time mediators only, leave ending after it
starts) live in the models' clean(); these forms collect the input and show those
errors beside the fields."""

from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from core.inputs import Form, ModelForm, MonthField
from core.picker_fields import PickerField, PickerMultipleField, RegionPickerField
from core.regions import RegionLevel
from registry.models import LeaveRecord, Mentorship, MonthlyAttendance, TrainingSession

# A mediator is picked by name (or full ID card number) inside the jurisdiction: a
# city has ten thousand, too many for a drop-down (core.pickers).


class TrainingSessionForm(ModelForm):
    region = RegionPickerField(
        label=_("Organised by"),
        levels=(RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
        help_text=_("The city, county or township that held the session."),
    )

    class Meta:
        model = TrainingSession
        fields = ["title", "kind", "held_on", "hours", "base", "trainer", "region"]
        widgets = {"held_on": DATE_WIDGET}

    def __init__(self, *args, unit_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_region is not None and not self.instance.pk:
            self.initial.setdefault("region", unit_region.pk)


class AttendanceAddForm(Form):
    mediators = PickerMultipleField(
        "mediator",
        label=_("Add attendees"),
        help_text=_(
            "Mediators of your jurisdiction: type their names, one a line or separated by 、."
        ),
    )


class MentorshipForm(ModelForm):
    mentor = PickerField("mediator", label=_("Mentor"))
    apprentice = PickerField("mediator", label=_("Apprentice"))

    class Meta:
        model = Mentorship
        fields = ["mentor", "apprentice", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}


class MonthlyAttendanceForm(ModelForm):
    mediator = PickerField("mediator", label=_("Mediator"))
    month = MonthField(label=_("Month"))

    class Meta:
        model = MonthlyAttendance
        fields = ["mediator", "month", "days_present", "days_leave", "notes"]


class LeaveRecordForm(ModelForm):
    mediator = PickerField("mediator", label=_("Mediator"))

    class Meta:
        model = LeaveRecord
        fields = ["mediator", "kind", "starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
