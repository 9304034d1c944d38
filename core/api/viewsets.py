from contextlib import ExitStack

from auditlog.context import set_actor
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import LogEntrySerializer
from core.jurisdiction import RoleNotHeld, pick_role, roles_of
from core.tenancy import in_jurisdiction, jurisdiction

ROLE_HEADER = "HTTP_X_ROLE"


class JurisdictionAPIMixin:
    """Activate the jurisdiction of the token's user once DRF has authenticated it.

    The middleware cannot, because token authentication happens inside the view. The
    role is the one named in the ``X-Role`` header, else the widest the user holds.
    """

    def initial(self, request, *args, **kwargs):
        self._jurisdiction_stack = ExitStack()
        request.active_role = None
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        roles = roles_of(request.user)
        wanted = request.META.get(ROLE_HEADER) or None
        try:
            role = pick_role(roles, wanted)
        except RoleNotHeld as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        request.active_role = role
        request._request.active_role = role
        if request.user.is_authenticated:
            # The audit middleware ran before DRF knew the token's user.
            self._jurisdiction_stack.enter_context(
                set_actor(request.user, remote_addr=AuditlogMiddleware._get_remote_addr(request))
            )
        if role is not None:
            self._jurisdiction_stack.enter_context(jurisdiction(role.jurisdiction_prefix))

    def finalize_response(self, request, response, *args, **kwargs):
        stack = getattr(self, "_jurisdiction_stack", None)
        try:
            return super().finalize_response(request, response, *args, **kwargs)
        finally:
            if stack is not None:
                stack.close()


class TenantModelViewSet(JurisdictionAPIMixin, viewsets.ModelViewSet):
    """Base API viewset of tenant-owned models; a model's viewset names only its
    queryset, serializer and FilterSet (NetBox style).

    Reads go through the scoped default manager, so foreign objects are 404. Writes
    run in a transaction that re-checks, after saving, that the object is still inside
    the jurisdiction, and rolls back if not.
    """

    def perform_create(self, serializer):
        self._save_within_jurisdiction(serializer)

    def perform_update(self, serializer):
        self._save_within_jurisdiction(serializer)

    def _save_within_jurisdiction(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            if not in_jurisdiction(instance.region_id):
                transaction.set_rollback(True)
                raise exceptions.ValidationError(
                    {"region": [_("This is outside your jurisdiction.")]}
                )

    @extend_schema(responses=LogEntrySerializer(many=True))
    # Unpaginated: the schema must not promise the list views' page object.
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None, **kwargs):
        """The audit trail of one object: who changed what, when."""
        instance = self.get_object()
        entries = LogEntry.objects.get_for_object(instance).select_related("actor")
        return Response(LogEntrySerializer(entries, many=True).data)


class TenantReadOnlyViewSet(JurisdictionAPIMixin, viewsets.ReadOnlyModelViewSet):
    pass
