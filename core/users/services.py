"""What a bureau admin does to the users of their jurisdiction. The pages, the API and
``manage.py create_bureau_admin`` all call these.

Each function is atomic. The audit trail comes from auditlog, which records every
change to User (name, status, password, masked), UserProfile and Role (core.apps), with
the request's user as the actor; the user's page shows all three (``history_of``).

Who may be touched: an admin works in the jurisdiction of their active bureau_admin
role, i.e. their bureau and every bureau and office under it. They may grant and end
roles there, for any user who holds or held a role there. Deactivating a user or
resetting their password acts on the whole login, so it needs every current role of the
user to be inside that jurisdiction: a county admin cannot take over the account of a
city official who also works in the county.
"""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core.models import Bureau, JudicialOffice, Role, RoleKind, UserProfile
from core.models.roles import OFFICE_KINDS
from core.tenancy import all_regions, jurisdiction

User = get_user_model()

# No 0/O, 1/l/I: the password is read off a screen and typed in.
TEMPORARY_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """Three groups of four random characters (about 70 bits), e.g. ``k7Qm-x3Fa-PzR9``."""
    return "-".join(get_random_string(4, TEMPORARY_PASSWORD_CHARS) for _ in range(3))


def users_in_jurisdiction():
    """Users who hold or held a role inside the active jurisdiction. Ended roles count,
    so an admin still finds a user whose last role they ended. Like every tenant query
    it fails closed: with no active jurisdiction, building it raises ScopeError."""
    return User.objects.filter(pk__in=Role.objects.values("user_id"))


def listed_users():
    """Users of the jurisdiction with their profile and current roles there (roles
    elsewhere are not this admin's to see): a constant number of queries per page."""
    current = Role.objects.filter(ended_at__isnull=True).select_related("bureau", "office")
    return (
        users_in_jurisdiction()
        .select_related("profile")
        .prefetch_related(Prefetch("roles", queryset=current, to_attr="current_roles"))
    )


def administered_units(admin) -> tuple[list[Bureau], list[JudicialOffice]]:
    """The bureaus and offices in which *admin* may grant roles: their own bureau and
    everything under it."""
    with jurisdiction(admin.jurisdiction_prefix):
        bureaus = list(Bureau.objects.select_related("region").order_by("region_id"))
        offices = list(
            JudicialOffice.objects.select_related("region", "bureau").order_by("region_id")
        )
    return bureaus, offices


def _require_admin(admin) -> None:
    if admin is None or admin.kind != RoleKind.BUREAU_ADMIN or not admin.is_current:
        raise PermissionDenied(_("Only a bureau admin manages users."))


def _administers(admin, region_code: str) -> bool:
    return region_code.startswith(admin.jurisdiction_prefix)


def _require_visible(admin, user) -> None:
    with all_regions():
        codes = Role.objects.filter(user=user).values_list("region_id", flat=True)
        if not any(_administers(admin, code) for code in codes):
            raise ValidationError({"user": _("This user is outside your jurisdiction.")})


def _require_whole_account(admin, user) -> None:
    """The checks before acting on a login itself (status, password)."""
    _require_visible(admin, user)
    if user.pk == admin.user_id:
        raise ValidationError(
            _("You cannot do this to your own account; ask another admin or change your password.")
        )
    if user.is_superuser or user.is_staff:
        raise ValidationError(_("Site administrators are managed in the Django admin."))
    with all_regions():
        outside = [
            role
            for role in Role.objects.filter(user=user, ended_at__isnull=True).select_related(
                "bureau", "office"
            )
            if not _administers(admin, role.region_id)
        ]
    if outside:
        raise ValidationError(
            _(
                "This user also works outside your jurisdiction (%(units)s); "
                "ask the admin who covers both."
            )
            % {"units": "、".join(str(role.unit) for role in outside)}
        )


def _grant_errors(admin, kind, bureau, office) -> dict:
    """Field errors of granting *kind* in *bureau* or *office*, by the field named."""
    if kind not in RoleKind.values:
        return {"kind": [_("Choose a role.")]}
    if kind in OFFICE_KINDS:
        if office is None or bureau is not None:
            return {"office": [_("An office clerk is bound to a judicial office.")]}
        field, unit = "office", office
    else:
        if bureau is None or office is not None:
            return {"bureau": [_("This role is bound to a bureau.")]}
        field, unit = "bureau", bureau
    if not _administers(admin, unit.region_id):
        return {field: [_("You do not administer %(unit)s.") % {"unit": unit}]}
    return {}


def _new_role(user, kind, bureau, office) -> Role:
    role = Role(user=user, kind=kind, bureau=bureau, office=office)
    role.region = role.region_for_write()
    # The model's own rules and the one-current-role-per-unit constraint.
    role.full_clean()
    return role


@transaction.atomic
def create_user(admin, *, username, full_name, kind, bureau=None, office=None, phone=""):
    """A new, active user with their first role and a temporary password they must
    change at their first login. Returns (user, temporary password)."""
    _require_admin(admin)
    errors = _grant_errors(admin, kind, bureau, office)
    user = User(username=(username or "").strip(), first_name=(full_name or "").strip())
    profile = UserProfile(phone=phone or None, must_change_password=True)
    for field, messages in _account_errors(user, profile).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    password = temporary_password()
    _create(user, profile, password, kind, bureau, office)
    return user, password


def _account_errors(user, profile) -> dict:
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    # The form and the API call it full_name; the model, first_name.
    if "first_name" in errors:
        errors["full_name"] = errors.pop("first_name")
    if not user.first_name:
        errors.setdefault("full_name", []).append(_("Enter the user's full name."))
    if "username" not in errors and User.objects.filter(username__iexact=user.username).exists():
        # Told apart by case only, two logins would be one person's typo away.
        errors["username"] = [_("A user with that username already exists.")]
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return errors


def _create(user, profile, password, kind, bureau, office) -> None:
    user.set_password(password)
    user.save()
    profile.user = user
    profile.save()
    _new_role(user, kind, bureau, office).save()


@transaction.atomic
def bootstrap_admin(*, username, bureau, full_name="", phone="", password=None):
    """The first bureau admin of a deployment (``manage.py create_bureau_admin``),
    before any admin exists to call create_user. A given *password* must pass the
    password validators, and is temporary all the same. Returns (user, password)."""
    from django.contrib.auth.password_validation import validate_password

    user = User(username=(username or "").strip(), first_name=(full_name or username or "").strip())
    profile = UserProfile(phone=phone or None, must_change_password=True)
    errors = _account_errors(user, profile)
    if password and "username" not in errors:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    password = password or temporary_password()
    with jurisdiction(bureau.region.prefix):
        _create(user, profile, password, RoleKind.BUREAU_ADMIN, bureau, None)
    return user, password


@transaction.atomic
def grant_role(admin, user, *, kind, bureau=None, office=None) -> Role:
    _require_admin(admin)
    _require_visible(admin, user)
    errors = _grant_errors(admin, kind, bureau, office)
    if errors:
        raise ValidationError(errors)
    role = _new_role(user, kind, bureau, office)
    role.save()
    return role


@transaction.atomic
def end_role(admin, role) -> Role:
    """End *role* now. The row stays, with its audit trail; the user loses the
    jurisdiction at their next request."""
    _require_admin(admin)
    if not _administers(admin, role.region_id):
        raise ValidationError(_("This role is outside your jurisdiction."))
    if role.user_id == admin.user_id:
        raise ValidationError(_("You cannot end your own role; ask another admin."))
    if not role.is_current:
        raise ValidationError(_("This role has already ended."))
    role.ended_at = timezone.now()
    role.save(update_fields=["ended_at"])
    return role


@transaction.atomic
def set_active(admin, user, active: bool):
    """Deactivate or reactivate a login. A deactivated user cannot log in, their open
    sessions stop at the next request, and their roles wait for reactivation."""
    _require_admin(admin)
    _require_whole_account(admin, user)
    if user.is_active == active:
        raise ValidationError(
            _("The user is already active.") if active else _("The user is already deactivated.")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def reset_password(admin, user) -> str:
    """Replace the password with a temporary one, shown once to the admin, that the
    user must change at their next login. Open sessions end (Django ties a session to
    the password hash)."""
    _require_admin(admin)
    _require_whole_account(admin, user)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    profile, _created = UserProfile.objects.get_or_create(user=user)
    profile.must_change_password = True
    profile.save()
    return password


def must_change_password(user) -> bool:
    return UserProfile.objects.filter(user=user, must_change_password=True).exists()


@transaction.atomic
def password_changed(user) -> None:
    """The user chose their own password: the temporary one is gone."""
    profile = UserProfile.objects.filter(user=user, must_change_password=True).first()
    if profile is not None:
        profile.must_change_password = False
        profile.save()


def history_of(user):
    """The audit entries of a user's login, profile and the roles inside the active
    jurisdiction (roles elsewhere are another bureau's business), newest first."""
    types = ContentType.objects.get_for_models(User, UserProfile, Role)
    profiles = UserProfile.objects.filter(user=user).values("pk")
    roles = Role.objects.filter(user=user).values("pk")
    return (
        LogEntry.objects.filter(
            Q(content_type=types[User], object_id=user.pk)
            | Q(content_type=types[UserProfile], object_id__in=profiles)
            | Q(content_type=types[Role], object_id__in=roles)
        )
        .select_related("actor")
        .order_by("-timestamp")
    )
