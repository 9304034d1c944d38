"""Pages of case review (以奖代补): the queue of closed cases waiting, with counts per
region; the reviews done; one review with its history; and the review form of a case
(which also decides its open anomaly flags)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core import snapshots
from core.generic_views import RoleRequiredMixin, TenantDetailView, TenantListView, see_other
from core.jurisdiction import require_role
from mediation.models import Case, CaseFlag
from mediation.models.choices import CaseStatus
from subsidies import reviews
from subsidies import snapshots as subsidies_snapshots
from subsidies.filtersets import CaseReviewFilterSet, QueueFilterSet
from subsidies.forms import CaseReviewForm
from subsidies.models import CaseReview
from subsidies.roles import CASE_REVIEWERS, may


class ReviewQueueView(TenantListView):
    model = Case
    template_name = "subsidies/review_queue.html"
    filterset_class = QueueFilterSet
    sort_fields = {"closed": "closed_on"}
    default_sort = "closed_on"

    def get_queryset(self):
        queue = reviews.queue()
        self.filterset = self.filterset_class(self.filter_data(), queryset=queue)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kept = snapshots.read(subsidies_snapshots.QUEUE_COUNTS)
        context["counts"], context["as_of"] = kept.data, kept.computed_at
        context["waiting"] = sum(row["waiting"] for row in context["counts"])
        context["may_review"] = may(self.request.active_role, CASE_REVIEWERS)
        return context


class ReviewListView(TenantListView):
    model = CaseReview
    template_name = "subsidies/review_list.html"
    filterset_class = CaseReviewFilterSet
    sort_fields = {"score": "score", "reviewed": "reviewed_at"}
    default_sort = "-reviewed_at"

    def get_queryset(self):
        return super().get_queryset().select_related("case__committee", "reviewed_by")


class ReviewDetailView(TenantDetailView):
    model = CaseReview
    template_name = "subsidies/review_detail.html"

    def get_queryset(self):
        return CaseReview.objects.select_related("case__committee", "reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payments"] = self.object.case.subsidy_payments.select_related(
            "line__settlement__bureau", "mediator"
        )
        context["may_review"] = may(self.request.active_role, CASE_REVIEWERS)
        return context


class CaseReviewView(RoleRequiredMixin, FormView):
    """Review a closed case (or change its review until a settlement counts it)."""

    model = Case  # the pk is the case's
    write_roles = CASE_REVIEWERS
    form_class = CaseReviewForm
    template_name = "subsidies/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
            self.case = get_object_or_404(
                Case.objects.select_related("committee", "lead_mediator"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        review = CaseReview.objects.filter(case=self.case).first()
        kwargs["instance"] = review or CaseReview(case=self.case, region=self.case.region)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case"] = self.case
        context["title"] = _("Review of %(case)s") % {"case": self.case}
        context["flags"] = CaseFlag.objects.filter(case=self.case, reviewed_at__isnull=True)
        context["closed"] = self.case.status == CaseStatus.CLOSED
        return context

    def form_valid(self, form):
        try:
            review = reviews.save_review(form.instance, self.request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return see_other(review.get_absolute_url())
