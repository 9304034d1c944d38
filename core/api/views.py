from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import token_expired
from core.api.inputs import Serializer
from core.api.serializers import (
    BureauSerializer,
    JudicialOfficeSerializer,
    PolicySerializer,
    RegionSerializer,
    RoleSerializer,
)
from core.api.viewsets import (
    JurisdictionAPIMixin,
    JurisdictionWriteMixin,
    TenantModelViewSet,
    TenantReadOnlyViewSet,
)
from core.filtersets import (
    BureauFilterSet,
    JudicialOfficeFilterSet,
    PolicyFilterSet,
    RegionFilterSet,
)
from core.models import Bureau, JudicialOffice, Policy, Region, RoleKind
from core.models.roles import BUREAU_WRITERS
from core.users.services import must_change_password


class RegionViewSet(JurisdictionAPIMixin, JurisdictionWriteMixin, viewsets.ModelViewSet):
    """Regions inside the jurisdiction. Bureau staff add townships and villages and
    rename them; a region's code and parent never change."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    write_roles = BUREAU_WRITERS
    http_method_names = ["get", "post", "patch", "head", "options"]


class BureauViewSet(TenantReadOnlyViewSet):
    queryset = Bureau.objects.select_related("region", "parent")
    serializer_class = BureauSerializer
    filterset_class = BureauFilterSet


class JudicialOfficeViewSet(TenantModelViewSet):
    queryset = JudicialOffice.objects.select_related("region", "bureau")
    serializer_class = JudicialOfficeSerializer
    filterset_class = JudicialOfficeFilterSet
    write_roles = BUREAU_WRITERS


class PolicyViewSet(TenantModelViewSet):
    queryset = Policy.objects.select_related("bureau").order_by("bureau_id", "key")
    serializer_class = PolicySerializer
    filterset_class = PolicyFilterSet
    write_roles = {RoleKind.BUREAU_ADMIN}


class MeSerializer(Serializer):
    username = serializers.CharField()
    active_role = RoleSerializer(allow_null=True)
    roles = RoleSerializer(many=True)


class MeView(JurisdictionAPIMixin, APIView):
    """Who the token belongs to, the roles they hold and the one in use."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        from core.jurisdiction import roles_of

        return Response(
            MeSerializer(
                {
                    "username": request.user.username,
                    "active_role": request.active_role,
                    "roles": roles_of(request.user),
                }
            ).data
        )


class TokenView(ObtainAuthToken):
    """POST username and password; get a token. An expired token is replaced."""

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if must_change_password(user):
            raise exceptions.PermissionDenied(_("Change your temporary password on the web first."))
        token, created = Token.objects.get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        expires = token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
        return Response({"token": token.key, "expires": expires})
