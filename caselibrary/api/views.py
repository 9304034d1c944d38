"""API of the typical-case library (``/case-library/``): search (``q``, dispute type,
year, region, published), promote a closed case, edit its account, and the
bureau's ``publish`` and ``withdraw`` actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from caselibrary import services
from caselibrary.api.serializers import LibraryEntrySerializer
from caselibrary.filtersets import EntryFilterSet
from caselibrary.models import LibraryEntry
from core.api.viewsets import TenantModelViewSet
from core.models.roles import BUREAU_WRITERS


class EntryViewSet(TenantModelViewSet):
    queryset = LibraryEntry.objects.select_related("dispute_type", "region")
    serializer_class = LibraryEntrySerializer
    filterset_class = EntryFilterSet
    ordering_fields = ["id", "year"]
    ordering = ["-year", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = None  # promoting and editing: any role that writes

    def _bureau_step(self, request, service):
        role = request.active_role
        if role is None or not role.may_write(BUREAU_WRITERS):
            raise exceptions.PermissionDenied()
        entry = service(self.get_object())
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=None, responses=LibraryEntrySerializer)
    @action(detail=True, methods=["post"], write_roles=BUREAU_WRITERS)
    def publish(self, request, pk=None, **kwargs):
        """Put the case on the bureau's public site (its texts are checked again)."""
        return self._bureau_step(request, services.publish)

    @extend_schema(request=None, responses=LibraryEntrySerializer)
    @action(detail=True, methods=["post"], write_roles=BUREAU_WRITERS)
    def withdraw(self, request, pk=None, **kwargs):
        """Take the case off the public site."""
        return self._bureau_step(request, services.withdraw)


ROUTES = [("case-library", EntryViewSet)]
