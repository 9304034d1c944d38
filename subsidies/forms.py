"""Forms of the subsidies pages: a rule version (its dates and the typed rule fields
of subsidies.rules), a case review, a new settlement, an approval with the budget
reason, an adjustment. The rules themselves live in the services; the forms collect
input and show the services' errors beside the fields."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PolicyForm, ServiceErrorsMixin
from core.inputs import CleanInputMixin, Form, ModelForm, MonthField
from subsidies import months
from subsidies.models import CaseReview, ReviewDecision, Settlement
from subsidies.rules import RULES


class RuleVersionForm(ServiceErrorsMixin, CleanInputMixin, PolicyForm):
    """A version's name and months in force, then every rule field (money, shares,
    whole numbers, tables) with its Chinese help. ``value`` holds the rules."""

    name = forms.CharField(label=_("Name"), max_length=100)
    effective_from = MonthField(
        label=_("In force from (month)"), help_text=_("The version applies from this month on.")
    )
    effective_to = MonthField(
        label=_("In force until (month)"),
        required=False,
        help_text=_("The last month it applies to; leave empty for until further notice."),
    )

    def __init__(self, *args, version=None, **kwargs):
        current = version.rules if version is not None else RULES.default
        if version is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": version.name,
                    "effective_from": version.effective_from,
                    "effective_to": version.effective_to,
                    **RULES.initial(version.rules),
                },
            )
        super().__init__(*args, spec=RULES, current=current, **kwargs)
        # The dates first, then the rules.
        order = ["name", "effective_from", "effective_to"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def clean(self):
        # PolicyForm joins every field it knows into the rules: judge only the rules.
        dates = {
            name: self.cleaned_data.pop(name, None)
            for name in ("name", "effective_from", "effective_to")
        }
        super().clean()
        self.cleaned_data.update(dates)
        until = self.cleaned_data.get("effective_to")
        if until:
            self.cleaned_data["effective_to"] = months.last_day(until)
        return self.cleaned_data


class CaseReviewForm(ServiceErrorsMixin, ModelForm):
    class Meta:
        model = CaseReview
        fields = [
            "file_score",
            "process_score",
            "result_score",
            "participation_evidenced",
            "handled_properly",
            "decision",
            "flags_decision",
            "note",
        ]
        widgets = {"decision": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = ReviewDecision.choices
        for name, top in (("file_score", 40), ("process_score", 30), ("result_score", 30)):
            self.fields[name].widget.attrs.update(min=0, max=top)


class SettlementCreateForm(ServiceErrorsMixin, Form):
    month = MonthField(label=_("Month"), help_text=_("A month that has ended."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = months.previous(datetime.date.today())


class ConfirmForm(ServiceErrorsMixin, Form):
    """A workflow step: nothing to type but the click."""


class ApproveForm(ServiceErrorsMixin, Form):
    budget_reason = forms.CharField(
        label=_("Reason for exceeding the budget"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when the settlement would exceed the budget."),
    )


class AdjustmentForm(ServiceErrorsMixin, Form):
    """A correction to a locked line, paid in a later month's draft settlement."""

    settlement = forms.ModelChoiceField(
        label=_("Paid in the settlement of"), queryset=Settlement.objects.none()
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=-1000000,
        max_value=1000000,
        help_text=_("Negative to recover an amount paid too much."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, later=None, **kwargs):
        super().__init__(*args, **kwargs)
        if later is not None:
            self.fields["settlement"].queryset = later
