"""Which role a user is acting in, and therefore which jurisdiction is active."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.models import Role
from core.tenancy import all_regions

SESSION_KEY = "active_role_id"


class RoleNotHeld(Exception):
    def __init__(self):
        super().__init__(_("You do not hold that role."))


def require_role(request) -> Role:
    """The request's active role; PermissionDenied when the user holds none."""
    role = getattr(request, "active_role", None)
    if role is None:
        raise PermissionDenied(_("You hold no role; ask your bureau admin for one."))
    return role


def roles_of(user) -> list[Role]:
    """The roles *user* holds now; ended ones grant nothing."""
    if not user.is_authenticated:
        return []
    # Looking up a user's own roles happens before any jurisdiction exists.
    with all_regions():
        return list(
            Role.objects.filter(user=user, ended_at__isnull=True).select_related(
                "region", "bureau", "office", "office__bureau"
            )
        )


def pick_role(roles: list[Role], wanted_id=None) -> Role | None:
    """The role the user asked for, or the widest one they hold.

    Raises RoleNotHeld when *wanted_id* names a role the user does not hold.
    """
    if wanted_id not in (None, ""):
        for role in roles:
            if str(role.pk) == str(wanted_id):
                return role
        raise RoleNotHeld()
    return Role.widest(roles)
