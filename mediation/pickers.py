"""How staff pick a case (core.pickers): by its number, or by a part of it, of its
lead mediator's name or of its summary; labelled "number · lead mediator", newest
first. Registered from the app's ready()."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.pickers import SEPARATOR, Picker
from mediation.models import Case
from mediation.models.choices import CaseStatus


class CasePicker(Picker):
    kind = "case"
    model = Case
    name_field = "number"
    not_found = _("No case by that number in your jurisdiction.")
    placeholder = _("Type a case number, a mediator's name or words of the summary")
    ordering = ("-received_on", "-pk")
    # ``status=closed``: closed cases only (what may be nominated for an honour).
    forwards = ("status",)

    def with_labels(self, queryset):
        return queryset.select_related("lead_mediator", "committee")

    def label(self, case):
        return f"{case.number}{SEPARATOR}{case.lead_mediator.name}"

    def detail(self, case):
        return case.committee.name

    def keyed(self, queryset, text):
        return queryset.filter(number=text)

    def search(self, queryset, text):
        return queryset.filter(
            Q(number__contains=text)
            | Q(lead_mediator__name__contains=text)
            | Q(summary__contains=text)
        )

    def narrow(self, queryset, params):
        if params.get("status") == CaseStatus.CLOSED:
            return queryset.filter(status=CaseStatus.CLOSED)
        return queryset
