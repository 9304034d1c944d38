"""The mediators' integrity files, read-only for staff. Entries are made by the
complaint workflow and the commendation page."""

from complaints.api.serializers import IntegrityRecordSerializer
from complaints.filtersets import IntegrityRecordFilterSet
from complaints.models import IntegrityRecord
from core.api.viewsets import TenantReadOnlyViewSet


class IntegrityRecordViewSet(TenantReadOnlyViewSet):
    """Commendations, founded complaints and sanctions; filter ``mediator`` and
    ``kind``."""

    queryset = IntegrityRecord.objects.select_related("mediator", "complaint", "recorded_by")
    serializer_class = IntegrityRecordSerializer
    filterset_class = IntegrityRecordFilterSet
    ordering_fields = ["id", "occurred_on"]
    ordering = ["-occurred_on", "-id"]


ROUTES = [("integrity-records", IntegrityRecordViewSet)]
