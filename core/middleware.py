from auditlog.middleware import AuditlogMiddleware
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import get_resolver, reverse

from core import audit, validators
from core.audit import restored_audit_context
from core.clientip import client_ip
from core.jurisdiction import SESSION_KEY, RoleNotHeld, pick_role, roles_of
from core.tenancy import all_regions, jurisdiction


class JurisdictionMiddleware:
    """Activate the jurisdiction of the request user's active role for the whole
    request. With no role nothing is activated, so any tenant query fails closed.

    API requests authenticated by token are activated again by the API base view,
    after DRF has authenticated them (see core.api.viewsets). Audit entries record
    the request's active role as it is when they are written, so they see that too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None
        # Import the URLconf, and with it every view, serializer, FilterSet and form
        # module, now, when the process loads its middleware: querysets their classes
        # build at import then belong to no request's jurisdiction. Imported lazily,
        # they would be built inside the first request's (core.tenancy.ScopedQuerySet
        # keeps that from leaking, but a sibling's requests would then find nothing).
        get_resolver().url_patterns  # noqa: B018 (the import is the point)

    def __call__(self, request):
        roles = roles_of(request.user)
        try:
            role = pick_role(roles, request.session.get(SESSION_KEY))
        except RoleNotHeld:
            # The role was withdrawn since it was chosen: fall back to the widest.
            role = pick_role(roles)
            request.session.pop(SESSION_KEY, None)
        request.roles = roles
        request.active_role = role
        with audit.acting(lambda: request.active_role):
            return self._respond(request, role)

    def _respond(self, request, role):
        if request.user.is_superuser and request.path.startswith(self._admin_prefix()):
            # The Django admin is for superusers only and spans every region.
            with all_regions():
                return self.get_response(request)
        if role is not None:
            with jurisdiction(role.jurisdiction_prefix):
                return self.get_response(request)
        return self.get_response(request)

    def _admin_prefix(self):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return self.admin_prefix


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the client address read as the rate limits and the
    login lockout read it (not from a X-Forwarded-For any client can send), and
    with its actor gone from the thread once the request is answered."""

    def __call__(self, request):
        with restored_audit_context():
            return super().__call__(request)

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


class PlainPathMiddleware:
    """A URL whose path holds a control character (``/api/v1/regions/%00/``) names
    nothing: answer 404 before a path parameter reaches a query (PostgreSQL refuses
    a NUL in text with an error, a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            validators.single_line(request.path)
        except ValidationError:
            raise Http404 from None
        return self.get_response(request)
