from contextlib import ExitStack

from django.db import transaction
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action

from core import history as readable_history
from core.api.history import HistoryEntrySerializer, HistoryPagination
from core.audit import acting_as
from core.clientip import client_ip
from core.jurisdiction import RoleNotHeld, pick_role, roles_of
from core.tenancy import jurisdiction

ROLE_HEADER = "HTTP_X_ROLE"


class JurisdictionAPIMixin:
    """Activate the jurisdiction of the token's user once DRF has authenticated it.

    The middleware cannot, because token authentication happens inside the view. The
    role is the one named in the ``X-Role`` header, else the widest the user holds.
    """

    def dispatch(self, request, *args, **kwargs):
        # dispatch owns the contexts (the jurisdiction and the audit actor): entered
        # after authentication, exited when dispatch ends on every path, an exception
        # no handler turned into a response included. Left open, they would be closed
        # later by the garbage collector, in whatever request the thread serves then,
        # disconnecting auditlog's signal receiver under Django's signal lock.
        with ExitStack() as self._jurisdiction_stack:
            response = super().dispatch(request, *args, **kwargs)
            # Render inside the jurisdiction: the browsable API's forms list the
            # related rows a user may choose, and those queries are scoped.
            if isinstance(response, SimpleTemplateResponse):
                response.render()
            return response

    def initial(self, request, *args, **kwargs):
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
                acting_as(request.user, remote_addr=client_ip(request))
            )
        if role is not None:
            self._jurisdiction_stack.enter_context(jurisdiction(role.jurisdiction_prefix))


class JurisdictionWriteMixin:
    """Writes run in a transaction that re-reads the saved row through the scoped
    default manager (NetBox's re-check) and roll back if it is no longer there: the
    stored row, not the object in memory, must be inside the jurisdiction."""

    def perform_create(self, serializer):
        self._save_within_jurisdiction(serializer)

    def perform_update(self, serializer):
        self._save_within_jurisdiction(serializer)

    def _save_within_jurisdiction(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            if not type(instance)._default_manager.filter(pk=instance.pk).exists():
                transaction.set_rollback(True)
                raise exceptions.ValidationError(
                    {"region": [_("This is outside your jurisdiction.")]}
                )


class HistoryMixin:
    """The ``history`` action: an object's readable change history, paginated. A
    viewset whose record spans several rows overrides ``history_entries``."""

    def history_entries(self, obj):
        return readable_history.entries_for(obj)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filter_backends=[])
    def history(self, request, pk=None, **kwargs):
        """The change history of one object, newest first: who (and in which role)
        changed what, when, with each field's label and display values beside the
        recorded ones. Paginated."""
        entries = self.paginate_queryset(self.history_entries(self.get_object()))
        data = HistoryEntrySerializer(readable_history.render(entries), many=True).data
        return self.get_paginated_response(data)


class TenantModelViewSet(
    JurisdictionAPIMixin, JurisdictionWriteMixin, HistoryMixin, viewsets.ModelViewSet
):
    """Base API viewset of tenant-owned models; a model's viewset names only its
    queryset, serializer and FilterSet (NetBox style).

    Reads go through the scoped default manager, so foreign objects are 404. Writes
    re-check the stored row inside their transaction (JurisdictionWriteMixin).
    """


class TenantReadOnlyViewSet(JurisdictionAPIMixin, viewsets.ReadOnlyModelViewSet):
    pass
