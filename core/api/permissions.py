from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class RolePermission(BasePermission):
    """Authenticated, acting in a role; writes need a role that may write, and the
    kinds a view names in ``write_roles`` when it narrows them further."""

    message = _("Your active role may not do this.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        role = getattr(request, "active_role", None)
        if role is None:
            self.message = _("You hold no role; ask your bureau admin for one.")
            return False
        if request.method in SAFE_METHODS:
            return True
        return role.may_write(getattr(view, "write_roles", None))
