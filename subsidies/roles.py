"""Who does what with subsidies. The bureau's admin sets the rules; bureau staff
review cases; staff or finance prepare and review a settlement; the admin approves
(never the preparer: subsidies.workflow); finance records the export and payment."""

from core.models import RoleKind

RULE_WRITERS = frozenset({RoleKind.BUREAU_ADMIN})
CASE_REVIEWERS = frozenset({RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF})
PREPARERS = frozenset({RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF, RoleKind.FINANCE})
APPROVERS = frozenset({RoleKind.BUREAU_ADMIN})
PAYERS = frozenset({RoleKind.BUREAU_ADMIN, RoleKind.FINANCE})

# The roles each settlement step needs.
STEP_ROLES = {
    "compute": PREPARERS,
    "review": PREPARERS,
    "reopen": PREPARERS,
    "approve": APPROVERS,
    "export": PAYERS,
    "pay": PAYERS,
}


def may(role, kinds) -> bool:
    return role is not None and role.kind in kinds
