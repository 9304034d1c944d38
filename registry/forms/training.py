"""Forms of training, mentorship, monthly attendance and leave. The rules (no
mentoring oneself, attendance for full-time mediators only, leave ending after it
starts) live in the models' clean(); these forms collect the input and show those
errors beside the fields."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from core.inputs import Form, ModelForm, MonthField
from core.models import Region
from core.personal import digest, normalize_id_number, to_ascii
from core.regions import RegionLevel
from registry.models import LeaveRecord, Mediator, Mentorship, MonthlyAttendance, TrainingSession

# Record numbers are short; anything of 15 or more characters is an ID card number.
ID_NUMBER_MIN_LENGTH = 15


def mediator_lookup(token: str) -> Q:
    """A mediator typed as their record number or ID card number (a city has ten
    thousand mediators, too many for a drop-down)."""
    token = to_ascii(token.strip())
    if token.isascii() and token.isdigit() and len(token) < ID_NUMBER_MIN_LENGTH:
        return Q(pk=int(token))
    return Q(id_number_digest=digest(normalize_id_number(token)))


class MediatorField(forms.ModelChoiceField):
    """One mediator by record or ID card number; only mediators inside the active
    jurisdiction are accepted (the queryset is the scoped default manager's)."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid_choice": _("No mediator with this number in your jurisdiction."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("The mediator's record number or ID card number."))
        super().__init__(queryset=Mediator.objects.all(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(mediator_lookup(str(value)))
        except (Mediator.DoesNotExist, ValueError) as exc:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc


class MediatorsField(forms.CharField):
    """Several mediators, by record or ID card number, separated by commas, spaces or
    new lines; every number must name a mediator inside the jurisdiction."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value):
        value = super().clean(value)
        tokens = [t for t in re.split(r"[\s,，;；、]+", value) if t]
        lookups = {token: mediator_lookup(token) for token in tokens}
        combined = Q(pk__in=[])
        for lookup in lookups.values():
            combined |= lookup
        found = list(Mediator.objects.select_related("region").filter(combined))
        by_pk = {str(m.pk): m for m in found}
        by_digest = {m.id_number_digest: m for m in found}
        mediators, unknown = {}, []
        for token in tokens:
            mediator = by_pk.get(to_ascii(token)) or by_digest.get(
                digest(normalize_id_number(token))
            )
            if mediator is None:
                unknown.append(token)
            else:
                mediators[mediator.pk] = mediator
        if unknown:
            raise ValidationError(
                _("No mediator in your jurisdiction has the number(s): %(numbers)s."),
                code="invalid_choice",
                params={"numbers": ", ".join(unknown)},
            )
        return list(mediators.values())


class TrainingSessionForm(ModelForm):
    region = forms.ModelChoiceField(
        label=_("Organised by"),
        queryset=Region.objects.all(),
        help_text=_("The city, county or township that held the session."),
    )

    class Meta:
        model = TrainingSession
        fields = ["title", "kind", "held_on", "hours", "base", "trainer", "region"]
        widgets = {"held_on": DATE_WIDGET}

    def __init__(self, *args, unit_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
        )
        if unit_region is not None and not self.instance.pk:
            self.initial.setdefault("region", unit_region.pk)


class AttendanceAddForm(Form):
    mediators = MediatorsField(
        label=_("Add attendees"),
        help_text=_(
            "Record numbers or ID card numbers of mediators in your jurisdiction, "
            "separated by commas or new lines."
        ),
    )


class MentorshipForm(ModelForm):
    mentor = MediatorField(label=_("Mentor"))
    apprentice = MediatorField(label=_("Apprentice"))

    class Meta:
        model = Mentorship
        fields = ["mentor", "apprentice", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}


class MonthlyAttendanceForm(ModelForm):
    mediator = MediatorField(label=_("Mediator"))
    month = MonthField(label=_("Month"))

    class Meta:
        model = MonthlyAttendance
        fields = ["mediator", "month", "days_present", "days_leave", "notes"]


class LeaveRecordForm(ModelForm):
    mediator = MediatorField(label=_("Mediator"))

    class Meta:
        model = LeaveRecord
        fields = ["mediator", "kind", "starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
