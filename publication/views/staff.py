"""Staff pages of the public roster: the versions a bureau published, the preview
and confirmation of a new one (run as a job with progress), and one version's record
with its audit trail."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from core.generic_views import RoleRequiredMixin, TenantDetailView, TenantListView
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS
from core.tenancy import jurisdiction
from publication import services
from publication import snapshots as publication_snapshots
from publication.forms import PublishForm, RosterPublicationFilterSet
from publication.models import RosterPublication
from publication.tasks import publish_roster
from registry.models import CommitteeType, Mediator

JOB_KIND = "roster_publication"


class PublicationListView(TenantListView):
    """Every version published in the jurisdiction, newest first."""

    model = RosterPublication
    filterset_class = RosterPublicationFilterSet
    template_name = "publication/publication_list.html"
    sort_fields = {
        "version": "version",
        "published_at": "published_at",
        "requested_at": "requested_at",
        "bureau": "bureau__region_id",
    }
    default_sort = "-requested_at"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_publish"] = require_role(self.request).may_write(BUREAU_WRITERS)
        return context


def sample_rows(bureau, posts) -> list[dict]:
    """The preview's sample: exactly the fields a publication copies, so staff see
    what the public will see (and nothing the public will not)."""
    ids = [post.mediator_id for post in posts]
    expertise = {mediator_id: [] for mediator_id in ids}
    with jurisdiction(bureau.region.prefix):
        through = Mediator.expertise.through
        for mediator_id, name in through.objects.filter(mediator_id__in=ids).values_list(
            "mediator_id", "expertisefield__name"
        ):
            expertise[mediator_id].append(name)
    rows = []
    for post in posts:
        mediator, committee = post.mediator, post.committee
        rows.append(
            {
                "name": mediator.name,
                "gender": mediator.get_gender_display(),
                "level": mediator.get_level_display() if mediator.level else "",
                "committee": committee.name,
                "region": committee.region.name,
                "expertise": "、".join(expertise[post.mediator_id]),
                "named_room": committee.name if committee.kind == CommitteeType.NAMED else "",
                "full_time": post.full_time,
                "appointed_since": post.starts_on,
                "has_photo": bool(mediator.photo) and mediator.photo_public,
            }
        )
    return rows


class PublicationPreviewView(RoleRequiredMixin, generic.FormView):
    """What publishing now would publish for the role's bureau, next to what is live;
    confirming starts the publication job and shows its progress."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = PublishForm
    template_name = "publication/publication_preview.html"
    extra_context = {"title": _("Publish the roster")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bureau = require_role(self.request).home_bureau
        kept = publication_snapshots.read(bureau)
        preview = kept.data
        context.update(
            bureau=bureau,
            preview=preview,
            sample=sample_rows(bureau, preview["sample"]),
            as_of=kept.computed_at,
        )
        return context

    def form_valid(self, form):
        role = require_role(self.request)
        publication = services.request_publication(role.home_bureau, user=self.request.user)
        job = start_job(role, JOB_KIND, publish_roster, publication_id=publication.pk)
        return redirect(job)


class PublicationDetailView(TenantDetailView):
    model = RosterPublication
    template_name = "publication/publication_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau__region", "requested_by")
