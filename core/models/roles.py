from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class RoleKind(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau admin")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
    OFFICE_CLERK = "office_clerk", _("Office clerk")
    FINANCE = "finance", _("Finance")
    AUDITOR = "auditor", _("Auditor")


# Kinds bound to a judicial office; every other kind is bound to a bureau.
OFFICE_KINDS = {RoleKind.OFFICE_CLERK}
# Kinds that may write tenant data (rules of each write live in the services).
WRITE_KINDS = {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF, RoleKind.OFFICE_CLERK}
# Kinds that keep the bureau's own records (offices, regions).
BUREAU_WRITERS = {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF}
# Tie-break between roles of equally wide jurisdictions: the most capable first.
KIND_RANK = {
    RoleKind.BUREAU_ADMIN: 0,
    RoleKind.BUREAU_STAFF: 1,
    RoleKind.AUDITOR: 2,
    RoleKind.FINANCE: 3,
    RoleKind.OFFICE_CLERK: 4,
}


class Role(TenantModel):
    """A user's role, bound to exactly one bureau or one judicial office; its region
    is the jurisdiction the user works in while the role is active.

    Ending a role stamps ``ended_at`` instead of deleting the row: the user keeps their
    history, and stays findable by the admin who ended it. Only current roles grant a
    jurisdiction (core.jurisdiction.roles_of).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    bureau = models.ForeignKey(
        "core.Bureau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("bureau"),
    )
    office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("judicial office"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "region_id", "kind"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(bureau__isnull=False, office__isnull=True)
                    | models.Q(bureau__isnull=True, office__isnull=False)
                ),
                name="role_bound_to_bureau_or_office",
                violation_error_message=_("A role is bound to one bureau or one judicial office."),
            ),
            # One current role of a kind per unit; an ended one may be granted again.
            # Two constraints, because a unique index never matches on a NULL column.
            models.UniqueConstraint(
                fields=["user", "kind", "bureau"],
                condition=models.Q(ended_at__isnull=True, office__isnull=True),
                name="unique_current_bureau_role",
                violation_error_message=_("The user already holds this role."),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "office"],
                condition=models.Q(ended_at__isnull=True, bureau__isnull=True),
                name="unique_current_office_role",
                violation_error_message=_("The user already holds this role."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @property
    def unit(self):
        return self.office if self.office_id else self.bureau

    @property
    def home_bureau(self):
        return self.office.bureau if self.office_id else self.bureau

    @property
    def jurisdiction_prefix(self) -> str:
        return self.region.prefix

    @property
    def can_write(self) -> bool:
        return self.kind in WRITE_KINDS

    def may_write(self, write_roles=None) -> bool:
        """Whether this role may write where a page or API route allows *write_roles*
        (None: every kind that writes)."""
        return self.kind in write_roles if write_roles else self.can_write

    def region_for_write(self):
        unit = self.unit
        return unit.region if unit is not None else None

    def clean(self):
        if not self.bureau_id and not self.office_id:
            raise ValidationError(_("A role is bound to one bureau or one judicial office."))
        if self.bureau_id and self.office_id:
            raise ValidationError(_("A role is bound to one bureau or one judicial office."))
        if self.kind in OFFICE_KINDS and not self.office_id:
            raise ValidationError({"office": _("An office clerk is bound to a judicial office.")})
        if self.kind not in OFFICE_KINDS and self.office_id:
            raise ValidationError({"bureau": _("This role is bound to a bureau.")})

    @classmethod
    def widest(cls, roles):
        """The role with the widest jurisdiction (shortest prefix), most capable first."""
        return min(
            roles,
            key=lambda r: (len(r.region.prefix), KIND_RANK.get(r.kind, 9), r.pk),
            default=None,
        )
