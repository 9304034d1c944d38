from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.decorators.http import require_POST

from core import dashboard, history, job_kinds, jobs, policy, services
from core.clientip import client_ip
from core.filtersets import (
    BureauFilterSet,
    JobFilterSet,
    JudicialOfficeFilterSet,
    RegionFilterSet,
)
from core.forms import BureauSiteForm, JudicialOfficeForm, PolicyForm, RegionForm
from core.generic_views import (
    RoleRequiredMixin,
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantUpdateView,
    for_model,
)
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models import Bureau, Job, JobStatus, JudicialOffice, Region, RoleKind
from core.models.roles import BUREAU_WRITERS
from core.tasks import export_roles


@login_required
def dashboard_view(request):
    role = require_role(request)
    context = {"dashboard": dashboard.build(request), "role": role}
    return render(request, "core/dashboard.html", context)


@login_required
@require_POST
def switch_role_view(request):
    try:
        role = services.switch_role(request, request.POST.get("role"))
    except services.RoleNotHeld as exc:
        messages.error(request, str(exc))
        return render(request, "core/role_refused.html", status=403)
    messages.success(request, _("Now working as %(role)s.") % {"role": role})
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse_lazy("core:dashboard")
    return redirect(target)


class BureauListView(TenantListView):
    model = Bureau
    template_name = "core/bureau_list.html"
    filterset_class = BureauFilterSet
    default_sort = "region_id"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("region", "parent")
            .annotate(office_count=Count("offices"))
        )


class BureauDetailView(TenantDetailView):
    model = Bureau
    template_name = "core/bureau_detail.html"

    def get_queryset(self):
        return Bureau.objects.select_related("region", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offices"] = self.object.offices.select_related("region")
        context["policies"] = policy.effective_policies(self.object)
        context["may_set_rules"] = policy.may_set(self.request.active_role, self.object)
        # The bureau's own changes and its rules' (set, changed, cleared), one list.
        context.update(history.context(self.request, self.object, policy.history(self.object)))
        return context


class BureauSiteUpdateView(TenantUpdateView):
    model = Bureau
    form_class = BureauSiteForm
    write_roles = {RoleKind.BUREAU_ADMIN}
    success_message = gettext_lazy("Bureau details saved.")
    extra_context = {"title": gettext_lazy("Contact and website filing")}


class OfficeListView(TenantListView):
    model = JudicialOffice
    template_name = "core/office_list.html"
    filterset_class = JudicialOfficeFilterSet
    sort_fields = {"name": "name", "region": "region_id", "bureau": "bureau__name"}
    default_sort = "region_id"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "bureau")


class OfficeDetailView(TenantDetailView):
    model = JudicialOffice
    template_name = "core/office_detail.html"

    def get_queryset(self):
        return JudicialOffice.objects.select_related("region", "bureau")


class OfficeCreateView(TenantCreateView):
    model = JudicialOffice
    form_class = JudicialOfficeForm
    write_roles = BUREAU_WRITERS
    success_message = gettext_lazy("Judicial office saved.")
    extra_context = {"title": gettext_lazy("New judicial office")}


class OfficeUpdateView(TenantUpdateView):
    model = JudicialOffice
    form_class = JudicialOfficeForm
    write_roles = BUREAU_WRITERS
    success_message = gettext_lazy("Judicial office saved.")
    extra_context = {"title": gettext_lazy("Edit judicial office")}


class RegionListView(TenantListView):
    model = Region
    template_name = "core/region_list.html"
    filterset_class = RegionFilterSet
    sort_fields = {"code": "code", "name": "name"}
    default_sort = "code"

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class RegionCreateView(RoleRequiredMixin, generic.CreateView):
    """Bureaus add their townships and villages (the package ships counties only)."""

    model = Region
    form_class = RegionForm
    template_name = "core/form.html"
    write_roles = BUREAU_WRITERS
    requires_write = True
    success_url = reverse_lazy("core:region_list")
    extra_context = {"title": gettext_lazy("New township or village")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.add_region(
                code=data["code"], name=data["name"], parent=data["parent"], kind=data["kind"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Region saved."))
        return redirect(self.success_url)


@for_model(Bureau)
@login_required
def policy_edit_view(request, pk, key):
    bureau = get_object_or_404(Bureau, pk=pk)
    if not policy.may_set(require_role(request), bureau):
        raise PermissionDenied(_("Only this bureau's admin sets its rules."))
    try:
        spec = policy.get_key(key)
    except policy.UnknownPolicyKey as exc:
        raise Http404 from exc
    current, source = policy.resolve(bureau, key)
    if request.method == "POST":
        if "clear" in request.POST:
            services.clear_policy(bureau, key)
            messages.success(request, _("The rule now follows the default or the city bureau."))
            return redirect(_rules_url(bureau))
        form = PolicyForm(request.POST, spec=spec)
        if form.is_valid():
            services.set_policy(bureau, key, form.value)
            messages.success(request, _("Rule saved."))
            return redirect(_rules_url(bureau))
    else:
        form = PolicyForm(spec=spec, current=current)
    return render(
        request,
        "core/policy_form.html",
        {
            "bureau": bureau,
            "spec": spec,
            "form": form,
            "source": source,
            "current": spec.display(current),
            "overridden": source is not None and source.pk == bureau.pk,
        },
    )


def _rules_url(bureau):
    return reverse("core:bureau_detail", args=[bureau.pk]) + "#rules"


class JobListView(TenantListView):
    """The jobs the user started: exports to download, checked imports to confirm,
    rankings and draws to open."""

    model = Job
    template_name = "core/job_list.html"
    filterset_class = JobFilterSet
    sort_fields = {"created_at": "created_at"}
    default_sort = "-created_at"

    def get_queryset(self):
        return job_kinds.owned_by(self.request.user, super().get_queryset())


@for_model(Job)
@login_required
def job_view(request, pk):
    """A job's progress, then its outcome: a link to its result, or the reason it
    failed with a retry button for its owner. Polled by htmx while it runs."""
    job = jobs.check_lease(job_kinds.visible_job(request, pk))
    context = {"job": job, "may_retry": job.retryable and job_kinds.is_owner(job, request.user)}
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    context.update(history.context(request, job))
    return render(request, "core/job_detail.html", context)


@for_model(Job)
@login_required
def job_retry_view(request, pk):
    """The owner runs a failed job again: same task, same parameters, same role.
    Without JavaScript the button's GET lands here: confirm, then POST."""
    # Looked up first, so someone else's job is a 404 whatever the method.
    job = job_kinds.visible_job(request, pk)
    if not job_kinds.is_owner(job, request.user):
        raise Http404
    if request.method != "POST":
        return render(request, "core/job_retry.html", {"job": job})
    if jobs.retry(job):
        messages.success(request, _("The job runs again."))
    else:
        messages.error(request, _("Only a failed job can be run again."))
    return redirect(job)


@login_required
@require_POST
def role_export_view(request):
    role = require_role(request)
    if role.kind != RoleKind.BUREAU_ADMIN:
        raise PermissionDenied(_("Your active role may not do this."))
    return redirect(start_job(role, "export_roles", export_roles))


@for_model(Job)
@login_required
def job_download_view(request, pk):
    """A finished job's file, served through the app to whoever may see the job, never
    from a public media URL; every download is an "access" entry on the job."""
    job = job_kinds.visible_job(request, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404
    name = job.result_file.name.rsplit("/", 1)[-1]
    jobs.audit_download(job, name, user=request.user, remote_addr=client_ip(request))
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
