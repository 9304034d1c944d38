"""The users and roles API (``/api/v1/users/``, ``/api/v1/roles/``): bureau admins
only, through the same services and FilterSets as the pages."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.viewsets import HistoryMixin, JurisdictionAPIMixin
from core.models import Bureau, JudicialOffice, Role, RoleKind
from core.users import services
from core.users.filtersets import RoleFilterSet, UserFilterSet

User = get_user_model()


class BureauAdminPermission(BasePermission):
    """The active role must be a bureau admin. On a route naming one object the check
    waits until the object is found, so a foreign user or role is a 404 for every role
    rather than a 403 confirming it exists."""

    message = _("Only a bureau admin manages users.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.active_role is None:
            self.message = _("You hold no role; ask your bureau admin for one.")
            return False
        return view.detail or self._is_admin(request)

    def has_object_permission(self, request, view, obj):
        return self._is_admin(request)

    def _is_admin(self, request):
        return request.active_role.kind == RoleKind.BUREAU_ADMIN


class JurisdictionUserField(serializers.PrimaryKeyRelatedField):
    """A user of the active jurisdiction; any other id is "does not exist"."""

    def get_queryset(self):
        return services.users_in_jurisdiction()


class GrantedRoleSerializer(ModelSerializer):
    user = JurisdictionUserField(queryset=User.objects.none())
    username = serializers.CharField(source="user.username", read_only=True)
    unit_name = serializers.CharField(source="unit", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "username", "kind", "bureau", "office", "unit_name"]
        fields += ["region", "ended_at"]
        read_only_fields = ["region", "ended_at"]
        # The service checks the one-current-role-per-unit rule, with its own message.
        validators = []


class UserSerializer(ModelSerializer):
    full_name = serializers.CharField(source="first_name", read_only=True)
    phone = serializers.SerializerMethodField(help_text=_("Masked."))
    must_change_password = serializers.SerializerMethodField()
    roles = GrantedRoleSerializer(source="current_roles", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "is_active", "must_change_password"]
        fields += ["last_login", "date_joined", "roles"]
        read_only_fields = fields

    def get_phone(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.phone_masked if profile else ""

    def get_must_change_password(self, user) -> bool:
        profile = getattr(user, "profile", None)
        return bool(profile and profile.must_change_password)


class NewUserSerializer(Serializer):
    """A user and their first role. Give ``office`` for an office clerk, ``bureau``
    for every other kind."""

    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(source="first_name", max_length=150)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, write_only=True)
    kind = serializers.ChoiceField(choices=RoleKind.choices, write_only=True)
    bureau = serializers.PrimaryKeyRelatedField(
        queryset=Bureau.objects.all(), required=False, allow_null=True, write_only=True
    )
    office = serializers.PrimaryKeyRelatedField(
        queryset=JudicialOffice.objects.all(), required=False, allow_null=True, write_only=True
    )


class TemporaryPasswordSerializer(Serializer):
    temporary_password = serializers.CharField(
        help_text=_("Shown once; the user must change it at their next login.")
    )


class NewUserResultSerializer(UserSerializer):
    temporary_password = serializers.CharField(
        help_text=_("Shown once; the user must change it at their next login.")
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "temporary_password"]


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class UserViewSet(
    JurisdictionAPIMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Users who hold or held a role in the jurisdiction, with their current roles
    there. Bureau admins create them, deactivate and reactivate them, and reset their
    passwords."""

    # The real queryset is built per request, in the jurisdiction (get_queryset).
    queryset = User.objects.none()
    serializer_class = NewUserSerializer
    filterset_class = UserFilterSet
    permission_classes = [BureauAdminPermission]
    ordering_fields = ["username", "last_login", "date_joined"]
    ordering = ["username"]

    def get_queryset(self):
        return services.listed_users()

    def get_serializer_class(self):
        return NewUserSerializer if self.action == "create" else UserSerializer

    def _shown(self, user):
        return UserSerializer(self.get_queryset().get(pk=user.pk)).data

    @extend_schema(request=NewUserSerializer, responses={201: NewUserResultSerializer})
    def create(self, request, *args, **kwargs):
        """Create a user with their first role; the answer carries the temporary
        password, once."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user, password = services.create_user(
            request.active_role,
            username=data["username"],
            full_name=data["first_name"],
            phone=data.get("phone", ""),
            kind=data["kind"],
            bureau=data.get("bureau"),
            office=data.get("office"),
        )
        body = {**self._shown(user), "temporary_password": password}
        return _no_store(Response(body, status=status.HTTP_201_CREATED))

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None, **kwargs):
        """The user can no longer log in; their roles stay."""
        user = services.set_active(request.active_role, self.get_object(), False)
        return Response(self._shown(user))

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None, **kwargs):
        user = services.set_active(request.active_role, self.get_object(), True)
        return Response(self._shown(user))

    @extend_schema(request=None, responses=TemporaryPasswordSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None, **kwargs):
        """A new temporary password, shown once; the user must change it at their
        next login."""
        password = services.reset_password(request.active_role, self.get_object())
        return _no_store(Response({"temporary_password": password}))

    def history_entries(self, user):
        """The login, its profile and its roles in the jurisdiction."""
        return services.history_of(user)


class RoleViewSet(
    JurisdictionAPIMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Roles in the jurisdiction, current and ended (filter ``current=true``). Bureau
    admins grant roles (POST) and end them (``end``); a role is never edited."""

    queryset = Role.objects.select_related("user", "region", "bureau", "office")
    serializer_class = GrantedRoleSerializer
    filterset_class = RoleFilterSet
    permission_classes = [BureauAdminPermission]
    ordering = ["region_id", "user_id", "kind"]

    @extend_schema(request=GrantedRoleSerializer, responses={201: GrantedRoleSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        role = services.grant_role(
            request.active_role,
            data["user"],
            kind=data["kind"],
            bureau=data.get("bureau"),
            office=data.get("office"),
        )
        return Response(GrantedRoleSerializer(role).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GrantedRoleSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None, **kwargs):
        """End the role now; it stays, with ``ended_at``, in the user's history."""
        role = services.end_role(request.active_role, self.get_object())
        return Response(GrantedRoleSerializer(role).data)
