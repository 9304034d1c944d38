"""Forms of the finance pages: a budget (its bureau is the user's own, never
chosen), the month and payer of a workbook, and the reason that lets a settlement
past its budget."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.inputs import Form, ModelForm, MonthField
from registry.models.choices import PaidBy
from subsidies.models.budget import Budget


class BudgetForm(ModelForm):
    class Meta:
        model = Budget
        fields = ["year", "fund", "payer", "amount", "note"]
        help_texts = {
            "amount": _("In yuan, e.g. 180000 for six full-time mediators at 2,500 a month."),
        }

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bureau is not None:
            self.instance.bureau = bureau
            self.instance.region = bureau.region

    def _get_validation_exclusions(self):
        # The bureau is set by the view, not typed: the one-budget-per-fund rule
        # still applies to it (Django skips constraints on fields the form lacks).
        return super()._get_validation_exclusions() - {"bureau"}


class WorkbookForm(Form):
    """What a finance workbook holds: one payer's sheet or every payer's."""

    payer = forms.ChoiceField(
        label=_("Paid by"),
        choices=[("", _("Every payer")), *PaidBy.choices],
        required=False,
    )
    reveal = forms.BooleanField(
        label=_("Show ID card and bank account numbers in full"),
        required=False,
        help_text=_("Finance only; each mediator's record notes that you read them."),
    )


class StatementMonthForm(Form):
    month = MonthField(label=_("Month"))
