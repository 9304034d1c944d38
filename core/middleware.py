from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from core import validators
from core.jurisdiction import SESSION_KEY, RoleNotHeld, pick_role, roles_of
from core.tenancy import all_regions, jurisdiction


class JurisdictionMiddleware:
    """Activate the jurisdiction of the request user's active role for the whole
    request. With no role nothing is activated, so any tenant query fails closed.

    API requests authenticated by token are activated again by the API base view,
    after DRF has authenticated them (see core.api.viewsets).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

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
