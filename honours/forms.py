"""Forms of honours. The rules (deadline, jurisdiction, panel, scoring once) live in
honours.services; these forms collect the input and show the services' errors
beside the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form
from core.models import JudicialOffice
from core.picker_fields import PickerField
from honours.models import GOLD_MEDIATOR, TEN_BEST_CASES, Subject
from honours.services import MAX_CRITERIA
from mediation.models import Case
from mediation.models.choices import CaseStatus

# Seed 004: the panel weighs the number of major disputes resolved, the quality of
# the cases and the contribution to the area's stability.
DEFAULT_CRITERIA = [
    ("化解重大矛盾纠纷数量", 30),
    ("调解案件质量", 30),
    ("维护辖区和谐稳定贡献", 25),
    ("群众评价与社会影响", 15),
]


class CallForm(ServiceErrorsMixin, Form):
    """A call: its title, what it honours, places, deadline, notice and the criteria
    (a name and its points per row; rows left empty are not used)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(
        label=_("Title awarded"),
        max_length=50,
        initial=GOLD_MEDIATOR,
        help_text=_("e.g. %(gold)s, %(cases)s, or a title of the bureau's own.")
        % {"gold": GOLD_MEDIATOR, "cases": TEN_BEST_CASES},
    )
    subject = forms.ChoiceField(
        label=_("Nominees are"), choices=Subject.choices, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100)
    deadline = forms.DateField(label=_("Nominations close on"), widget=DATE_WIDGET)
    description = forms.CharField(
        label=_("Notice"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What offices should know: who may be nominated, what to attach."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(MAX_CRITERIA):
            default = DEFAULT_CRITERIA[index] if index < len(DEFAULT_CRITERIA) else ("", None)
            self.fields[f"criterion_{index}"] = forms.CharField(
                label=_("Criterion %(n)s") % {"n": index + 1},
                required=False,
                max_length=50,
                initial=default[0],
            )
            self.fields[f"points_{index}"] = forms.IntegerField(
                label=_("Points for criterion %(n)s") % {"n": index + 1},
                required=False,
                min_value=1,
                max_value=100,
                initial=default[1],
            )

    @staticmethod
    def initial_from(call) -> dict:
        initial = {f: getattr(call, f) for f in ("name", "title", "subject", "year")}
        initial.update(places=call.places, deadline=call.deadline, description=call.description)
        for index in range(MAX_CRITERIA):
            row = call.criteria[index] if index < len(call.criteria) else {}
            initial[f"criterion_{index}"] = row.get("name", "")
            initial[f"points_{index}"] = row.get("points")
        return initial

    def clean(self):
        data = super().clean()
        criteria = []
        for index in range(MAX_CRITERIA):
            name = (data.pop(f"criterion_{index}", "") or "").strip()
            points = data.pop(f"points_{index}", None)
            if not name and points is None:
                continue
            if not name or points is None:
                self.add_error(
                    f"criterion_{index}", _("Give both the criterion's name and its points.")
                )
                continue
            criteria.append({"name": name, "points": points})
        if not criteria:
            self.add_error("criterion_0", _("Publish at least one criterion."))
        data["criteria"] = criteria
        return data

    def add_service_error(self, exc: ValidationError):
        if hasattr(exc, "error_dict") and "criteria" in exc.error_dict:
            exc.error_dict["criterion_0"] = exc.error_dict.pop("criteria")
        super().add_service_error(exc)


class ConfirmForm(ServiceErrorsMixin, Form):
    """A step that takes no input (open, start judging, announce)."""


class MemberForm(ServiceErrorsMixin, Form):
    user = forms.ModelChoiceField(label=_("Panel member"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()}（{u.username}）" if u.get_full_name() else u.username
        )


class NominationForm(ServiceErrorsMixin, Form):
    """A nomination: the office (a clerk's own; bureau staff pick one), the mediator
    or the closed case picked by name or number, and the statement."""

    office = forms.ModelChoiceField(label=_("Nominating office"), queryset=None)
    statement = forms.CharField(
        label=_("Statement"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the office nominates: the work, the cases, the results."),
    )

    def __init__(self, *args, call, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call.subject == Subject.CASE:
            closed = {"status": CaseStatus.CLOSED}
            self.fields["case"] = PickerField(
                "case",
                label=_("Case"),
                queryset=Case.objects.filter(**closed),
                params=closed,
                help_text=_("A closed case of the office: type its number or its mediator."),
            )
        else:
            self.fields["mediator"] = PickerField("mediator", label=_("Mediator"))
        self.order_fields(["office", "mediator", "case", "statement"])
        offices = JudicialOffice.objects.filter(region__code__startswith=call.region.prefix)
        if office is not None:
            offices = offices.filter(pk=office.pk)
            self.fields["office"].initial = office.pk
        self.fields["office"].queryset = offices


class ScoreForm(ServiceErrorsMixin, Form):
    """One member's points per published criterion."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for index, criterion in enumerate(criteria):
            self.fields[f"points_{index}"] = forms.IntegerField(
                label=f"{criterion['name']}（{criterion['points']}）",
                min_value=0,
                max_value=int(criterion["points"]),
            )
        self.order_fields([*(f"points_{i}" for i in range(len(criteria))), "note"])
        self.size = len(criteria)

    def clean(self):
        data = super().clean()
        data["points"] = [data.get(f"points_{i}") for i in range(self.size)]
        return data
