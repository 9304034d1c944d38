"""Pages of subsidy rule versions: the list, a version with its rules in words and
its history, create and edit (typed form), and the preview against last month."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    see_other,
)
from core.inputs import Form, MonthField
from core.jurisdiction import require_role
from subsidies import versions
from subsidies.filtersets import RuleVersionFilterSet
from subsidies.forms import RuleVersionForm
from subsidies.models import SubsidyRuleVersion
from subsidies.roles import RULE_WRITERS, may
from subsidies.rules import RULES


class RuleListView(TenantListView):
    model = SubsidyRuleVersion
    template_name = "subsidies/rule_list.html"
    filterset_class = RuleVersionFilterSet
    sort_fields = {"from": "effective_from", "name": "name"}
    default_sort = "-effective_from"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = may(self.request.active_role, RULE_WRITERS)
        return context


def rule_rows(version):
    """The version's rules as (label, display) rows for the page."""
    try:
        values = RULES.split(RULES.validate(version.rules))
    except ValidationError:
        return [(_("Rules"), _("The stored value is not valid; set the rule again."))]
    return [(spec.label, spec.display(values[name])) for name, spec in RULES.fields.items()]


class RuleDetailView(TenantDetailView):
    model = SubsidyRuleVersion
    template_name = "subsidies/rule_detail.html"

    def get_queryset(self):
        return SubsidyRuleVersion.objects.select_related("bureau", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.request.active_role
        context["rows"] = rule_rows(self.object)
        context["in_use"] = versions.in_use(self.object)
        context["may_edit"] = (
            may(role, RULE_WRITERS)
            and role.home_bureau.pk == self.object.bureau_id
            and not context["in_use"]
        )
        return context


class RuleCreateView(RoleRequiredMixin, FormView):
    write_roles = RULE_WRITERS
    requires_write = True
    form_class = RuleVersionForm
    template_name = "subsidies/rule_form.html"
    extra_context = {"title": gettext_lazy("New subsidy rule version")}

    def form_valid(self, form):
        bureau = require_role(self.request).home_bureau
        data = form.cleaned_data
        version = SubsidyRuleVersion(
            bureau=bureau,
            region=bureau.region,
            name=data["name"],
            effective_from=data["effective_from"],
            effective_to=data["effective_to"],
            rules=form.value,
        )
        try:
            versions.save_version(version, self.request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return see_other(version.get_absolute_url())


class RuleUpdateView(ObjectFormView):
    model = SubsidyRuleVersion
    write_roles = RULE_WRITERS
    form_class = RuleVersionForm
    template_name = "subsidies/rule_form.html"
    success_message = gettext_lazy("Saved.")

    def get_title(self):
        return _("Edit %(version)s") % {"version": self.object.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.object}

    def perform(self, data):
        version = self.object
        if version.bureau_id != require_role(self.request).home_bureau.pk:
            raise ValidationError(_("A bureau sets its own subsidy rules."))
        version.name = data["name"]
        version.effective_from = data["effective_from"]
        version.effective_to = data["effective_to"]
        version.rules = self.form_value
        return versions.save_version(version, self.request.user)

    def form_valid(self, form):
        self.form_value = form.value
        return super().form_valid(form)


class MonthForm(Form):
    month = MonthField(label=gettext_lazy("Month"), required=False)


class RulePreviewView(TenantDetailView):
    """What this version would have paid last month (or the month asked for) against
    what was paid: computed, never written."""

    model = SubsidyRuleVersion
    template_name = "subsidies/rule_preview.html"

    def get_queryset(self):
        return SubsidyRuleVersion.objects.select_related("bureau__region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MonthForm(self.request.GET or None)
        month = form.cleaned_data.get("month") if form.is_bound and form.is_valid() else None
        context["month_form"] = form
        context["preview"] = versions.preview(self.object, month)
        return context
