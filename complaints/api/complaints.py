"""API of complaints for staff. Create records a window complaint and answers the
secret code once; the workflow moves only through the actions (assign, verify,
conclude, answer), each a service call; nothing is edited or deleted directly."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from complaints import services
from complaints.api.serializers import (
    AnswerSerializer,
    AssignSerializer,
    ComplaintSerializer,
    ConcludeSerializer,
    FiledComplaintSerializer,
    VerifySerializer,
)
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint
from core.api.viewsets import TenantModelViewSet

REFUSED = OpenApiResponse(description="The active role may not do this.")


class ComplaintViewSet(TenantModelViewSet):
    """Complaints of the jurisdiction (filter ``overdue=1`` for open ones past their
    deadline). The complainant's phone is masked."""

    queryset = Complaint.objects.select_related("mediator", "committee")
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    ordering_fields = ["id", "received_on", "due_on"]
    ordering = ["-received_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=ComplaintSerializer,
        responses={status.HTTP_201_CREATED: FiledComplaintSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Record a window complaint. The answer carries ``secret_code`` this once:
        hand it to the complainant with the tracking number."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(
            FiledComplaintSerializer(
                serializer.instance, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    def _act(self, request, serializer_class, service, **extra):
        complaint = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        service(complaint, **data.validated_data, **extra)
        return Response(self.get_serializer(complaint).data)

    @extend_schema(request=AssignSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, **kwargs):
        """Route a received complaint to a judicial office (or null: the bureau)."""
        return self._act(request, AssignSerializer, services.assign)

    @extend_schema(request=VerifySerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, **kwargs):
        """Start verifying an assigned complaint."""
        return self._act(request, VerifySerializer, services.start_verification)

    @extend_schema(request=ConcludeSerializer, responses={200: ComplaintSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None, **kwargs):
        """Conclude the verification: founded or unfounded, with the sanction. A
        suspension or dismissal is the bureau's (403 for an office clerk)."""
        return self._act(request, ConcludeSerializer, services.conclude, role=request.active_role)

    @extend_schema(request=AnswerSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, **kwargs):
        """The answer the complainant reads on the status page."""
        return self._act(request, AnswerSerializer, services.answer)


ROUTES = [("complaints", ComplaintViewSet)]
