"""The roster publication API for staff: the versions of the jurisdiction
(read-only, filtered by status and bureau), a preview of what publishing now would
publish, and publishing (a job, answered 202). The public reads the roster through
the public pages, never here."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import TenantReadOnlyViewSet
from core.jobs import start_job
from core.models.roles import BUREAU_WRITERS
from publication import services
from publication import snapshots as publication_snapshots
from publication.api.serializers import (
    PreviewSerializer,
    PublicationStartedSerializer,
    PublishSerializer,
    RosterPublicationSerializer,
)
from publication.forms import RosterPublicationFilterSet
from publication.models import RosterPublication
from publication.tasks import publish_roster
from publication.views.staff import JOB_KIND


def _require_bureau_writer(request):
    if request.active_role is None or not request.active_role.may_write(BUREAU_WRITERS):
        raise exceptions.PermissionDenied()


class RosterPublicationViewSet(TenantReadOnlyViewSet):
    """Roster publications of the jurisdiction, newest first."""

    queryset = RosterPublication.objects.select_related("bureau", "requested_by")
    serializer_class = RosterPublicationSerializer
    filterset_class = RosterPublicationFilterSet
    write_roles = BUREAU_WRITERS
    ordering_fields = ["version", "requested_at", "published_at"]
    ordering = ["-requested_at", "-pk"]

    @extend_schema(request=None, responses=PreviewSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def preview(self, request, **kwargs):
        """What publishing now would publish for the role's bureau, against the live
        version (bureau staff and admins)."""
        _require_bureau_writer(request)
        bureau = request.active_role.home_bureau
        kept = publication_snapshots.read(bureau)
        preview = kept.data
        live = preview["live"]
        data = {
            "bureau": bureau.pk,
            "as_of": preview["as_of"],
            "computed_at": kept.computed_at,
            "mediator_count": preview["mediator_count"],
            "committee_count": preview["committee_count"],
            "added": preview["added"],
            "removed": preview["removed"],
            "live": live.pk if live else None,
            "live_version": live.version if live else None,
        }
        return Response(PreviewSerializer(data).data)

    @extend_schema(
        request=PublishSerializer, responses={202: PublicationStartedSerializer}, filters=False
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def publish(self, request, **kwargs):
        """Publish the role's bureau's roster now (bureau staff and admins): starts the
        job (poll the URL); the new version goes live when it is done."""
        _require_bureau_writer(request)
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        role = request.active_role
        publication = services.request_publication(role.home_bureau, user=request.user)
        job = start_job(role, JOB_KIND, publish_roster, publication_id=publication.pk)
        return Response(
            {
                "job": job.uuid,
                "publication": publication.pk,
                "url": job.get_absolute_url(),
            },
            status=status.HTTP_202_ACCEPTED,
        )


ROUTES = [("roster-publications", RosterPublicationViewSet)]
