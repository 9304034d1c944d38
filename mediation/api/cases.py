"""API of cases: list, retrieve and file (POST, through services.file_case, parties
nested: ID and phone numbers written in clear, read masked), the workflow as actions
``start``, ``close`` and ``reopen``, and the ledger export (``export``). A case is
never edited or deleted here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.pagination import KeysetPagination
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantModelViewSet
from core.excel import XLSX_CONTENT_TYPE
from core.job_kinds import ANY_ROLE, download_url
from core.models import Job
from mediation import services
from mediation.forms.cases import CaseFilterSet
from mediation.jobs.ledger import export_case_ledger
from mediation.ledger import CaseLedger
from mediation.models import AgreementForm, Case, CaseResult, CaseStatus, Party
from registry.models import Mediator

PARTY_SECRETS = ("id_number", "phone")


def own_rows(case, name):
    """The case's own parties or assistants: the viewset's prefetch when there is
    one, else through the base manager. The case itself was reached through the
    scoped queryset, and what belongs to it is shown with it."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    if name in cache:
        return cache[name]
    if case.pk is None:
        return []
    if name == "parties":
        return Party._base_manager.filter(case=case)
    return Mediator._base_manager.filter(assisted_cases=case)


class OwnPartiesList(serializers.ListSerializer):
    def get_attribute(self, instance):
        return own_rows(instance, "parties")


class OwnAssistantsField(serializers.ManyRelatedField):
    def get_attribute(self, instance):
        return own_rows(instance, "assistants")


class PartySerializer(ModelSerializer):
    id_number_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Party
        fields = ["id", "role", "name", "id_number", "id_number_masked", "phone", "phone_masked"]
        list_serializer_class = OwnPartiesList
        extra_kwargs = {
            name: {"write_only": True, "required": False, "allow_blank": True}
            for name in PARTY_SECRETS
        }


class CaseSerializer(TenantModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    lead_mediator_name = serializers.CharField(source="lead_mediator.name", read_only=True)
    assistants = OwnAssistantsField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Mediator.objects.all()),
        required=False,
    )
    # Two at least (services.file_case says so); the bound refuses a huge list
    # before its rows are read.
    parties = PartySerializer(many=True, required=False, max_length=Party.MAX_PER_CASE)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "bureau",
            "year",
            "sequence",
            "committee",
            "committee_name",
            "region",
            "received_on",
            "source",
            "dispute_type",
            "summary",
            "difficulty",
            "amount",
            "lead_mediator",
            "lead_mediator_name",
            "assistants",
            "parties",
            "status",
            "closed_on",
            "result",
            "agreement_form",
            "fulfilled",
            "judicial_confirmation",
            "prevented_criminal",
            "prevented_suicide",
            "prevented_mass_petition",
            "mass_petition_persons",
            "prevented_mass_incident",
            "mass_incident_persons",
            "reopen_reason",
            "filed_by",
            "created_at",
            "updated_at",
        ]
        # Filing sets the case itself; the outcome comes only through ``close``.
        read_only_fields = [
            "bureau",
            "region",
            "status",
            *services.CLOSING_FIELDS,
            "reopen_reason",
            "filed_by",
        ]

    def validate(self, attrs):
        # A many-to-many and nested rows cannot be set on the probe instance that
        # runs the model's rules; file_case checks them.
        related = {name: attrs.pop(name) for name in ("assistants", "parties") if name in attrs}
        attrs = super().validate(attrs)
        return {**attrs, **related}

    def create(self, validated_data):
        return services.file_case(
            filed_by=self.context["request"].user,
            **{"assistants": [], "parties": [], **validated_data},
        )


class CloseSerializer(Serializer):
    result = serializers.ChoiceField(choices=CaseResult.choices, required=False, allow_blank=True)
    closed_on = serializers.DateField()
    agreement_form = serializers.ChoiceField(
        choices=AgreementForm.choices, required=False, allow_blank=True
    )
    fulfilled = serializers.BooleanField(required=False, allow_null=True, default=None)
    judicial_confirmation = serializers.BooleanField(required=False, default=False)
    prevented_criminal = serializers.BooleanField(required=False, default=False)
    prevented_suicide = serializers.BooleanField(required=False, default=False)
    prevented_mass_petition = serializers.BooleanField(required=False, default=False)
    mass_petition_persons = serializers.IntegerField(min_value=0, required=False, default=0)
    prevented_mass_incident = serializers.BooleanField(required=False, default=False)
    mass_incident_persons = serializers.IntegerField(min_value=0, required=False, default=0)


class ReopenSerializer(Serializer):
    reason = serializers.CharField(max_length=200)


ExportStarted = inline_serializer(
    "CaseLedgerJobStarted",
    {
        "job": serializers.UUIDField(),
        "url": serializers.CharField(),
        "download": serializers.CharField(),
    },
)


class CaseViewSet(TenantModelViewSet):
    """Mediation cases of the jurisdiction, filtered like the case list page. Numbers
    are given by the bureau on filing, gap-free per year."""

    queryset = Case.objects.select_related("committee", "lead_mediator")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    # Keyset pages (a year of cases costs the same per page at any depth), newest
    # first on the case_newest_first index.
    pagination_class = KeysetPagination
    ordering_fields = ["id", "received_on", "number", "amount"]
    ordering = ["-received_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    write_roles = None  # RolePermission: every kind that writes, unless an action says

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                # Only the ids are shown (see own_rows).
                Prefetch("assistants", queryset=Mediator._base_manager.only("pk")),
                "parties",
            )
        )

    def _answer(self, case):
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None, **kwargs):
        """Mediation has begun (received → mediating)."""
        case = self.get_object()
        if case.status != CaseStatus.RECEIVED:
            raise serializers.ValidationError(
                {"status": [_("Only a received case can start mediation.")]}
            )
        return self._answer(services.start_mediation(case))

    @extend_schema(request=CloseSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        """Close with the result (success / failure / terminated) and what came of it."""
        case = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.close_case(case, **data.validated_data))

    @extend_schema(
        request=ReopenSerializer,
        responses={
            200: CaseSerializer,
            403: OpenApiResponse(description="Only bureau staff may reopen a closed case."),
        },
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None, **kwargs):
        """Reopen a closed case (bureau staff only), with the reason."""
        case = self.get_object()
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reopen_case(case, reason=data.validated_data["reason"], role=request.active_role)
        return self._answer(case)

    @extend_schema(
        request=None,
        filters=True,  # the list's filters, in the query string
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The ledger, up to 5,000 cases."
            ),
            202: ExportStarted,
        },
    )
    # A POST (it may start a job) that every role may make: any role sees the cases.
    # In ledger order: the list's filters apply (and are documented), its ordering not.
    @action(
        detail=False,
        methods=["post"],
        write_roles=ANY_ROLE,
        filter_backends=[DjangoFilterBackend],
    )
    def export(self, request, **kwargs):
        """The case ledger (案件台账) of the cases the query string's filters select
        (the list's filters): the workbook itself up to 5,000 cases; beyond, 202 with
        the job that writes it (``url`` shows its progress, ``download`` the file once
        it is done; both only for its owner)."""
        ledger = CaseLedger(request.active_role, request.query_params)
        try:
            answer = ledger.answer(export_case_ledger)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        if isinstance(answer, Job):
            body = {"job": answer.uuid, "url": answer.get_absolute_url()}
            return Response({**body, "download": download_url(answer)}, status.HTTP_202_ACCEPTED)
        return answer


ROUTES = [("cases", CaseViewSet)]
