import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.personal import (
    EncryptedCharField,
    digest,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from core.tenancy import TenantModel
from mediation.models.choices import (
    AgreementForm,
    CaseResult,
    CaseSource,
    CaseStatus,
    Difficulty,
    PartyRole,
)


class CaseSequence(models.Model):
    """The last case number a bureau gave in a year. Numbers are taken with a row lock
    (mediation.numbering), so they are gap-free and unique under concurrent filing.
    Internal bookkeeping: reached only through the numbering service."""

    bureau = models.ForeignKey("core.Bureau", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="one_sequence_per_year")
        ]

    def __str__(self):
        return f"{self.bureau_id}/{self.year}: {self.last}"


class Case(TenantModel):
    """A mediation case (调解案件) of a committee. Its region is the committee's; its
    number is the numbering bureau's (the committee's county bureau) for the year."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("committee"),
    )
    received_on = models.DateField(_("received on"))
    source = models.CharField(_("source"), max_length=15, choices=CaseSource.choices)
    dispute_type = models.ForeignKey(
        "mediation.DisputeType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dispute type"),
    )
    summary = models.TextField(_("summary"), max_length=4000)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.ORDINARY
    )
    amount = models.DecimalField(
        _("amount involved (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    lead_mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead mediator"),
    )
    assistants = models.ManyToManyField(
        "registry.Mediator",
        blank=True,
        related_name="assisted_cases",
        verbose_name=_("assisting mediators"),
    )
    status = FSMField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=CaseResult.choices, blank=True)
    agreement_form = models.CharField(
        _("agreement form"), max_length=10, choices=AgreementForm.choices, blank=True
    )
    fulfilled = models.BooleanField(_("agreement fulfilled"), null=True, blank=True)
    judicial_confirmation = models.BooleanField(_("judicial confirmation"), default=False)
    prevented_criminal = models.BooleanField(_("prevented 民转刑"), default=False)
    prevented_suicide = models.BooleanField(_("prevented suicide"), default=False)
    prevented_mass_petition = models.BooleanField(_("prevented mass petition"), default=False)
    mass_petition_persons = models.PositiveIntegerField(_("persons (mass petition)"), default=0)
    prevented_mass_incident = models.BooleanField(_("prevented mass incident"), default=False)
    mass_incident_persons = models.PositiveIntegerField(_("persons (mass incident)"), default=0)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Year and sequence are the parts of the number, which the trail shows whole.
    audit_options = {"m2m_fields": {"assistants"}, "exclude_fields": ["year", "sequence"]}
    money_fields = ("amount",)  # shown as ¥1,234.50 (core.history)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        indexes = [
            models.Index(fields=["region", "received_on"]),
            # The list and the API, newest first: read in this order and filtered by
            # the jurisdiction's prefix, a page is its first 50 matches, where the
            # (region, received_on) index would sort every case of a city.
            models.Index(fields=["-received_on", "-id"], name="case_newest_first"),
            models.Index(fields=["lead_mediator", "closed_on"]),
            models.Index(fields=["committee", "received_on"]),
            models.Index(fields=["status", "closed_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "sequence"], name="case_number_per_bureau_year"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="amount_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(result=""),
                name="closed_case_has_result",
            ),
        ]

    def __str__(self):
        return self.number or _("new case")

    def get_absolute_url(self):
        return reverse("mediation:case_detail", args=[self.pk])

    def region_for_write(self):
        return self.committee.region

    def clean(self):
        errors = {}
        today = datetime.date.today()
        if self.received_on and self.received_on > today:
            errors["received_on"] = _("A case cannot be dated in the future.")
        committee = self.committee if self.committee_id else None
        if committee and self.received_on:
            if committee.founded_on and self.received_on < committee.founded_on:
                errors["received_on"] = _(
                    "The committee was founded on %(date)s, after this date."
                ) % {"date": committee.founded_on}
            if self.lead_mediator_id and not self.mediator_serves(self.lead_mediator_id):
                errors["lead_mediator"] = _(
                    "This mediator held no post in the committee on the date received."
                )
        if self.status == CaseStatus.CLOSED:
            if not self.result:
                errors["result"] = _("Give the result to close a case.")
            if not self.closed_on:
                errors["closed_on"] = _("Give the date the case was closed.")
            elif self.received_on and self.closed_on < self.received_on:
                errors["closed_on"] = _("A case cannot close before it was received.")
            elif self.closed_on > today:
                errors["closed_on"] = _("A case cannot close in the future.")
            if self.result == CaseResult.SUCCESS and not self.agreement_form:
                errors["agreement_form"] = _("A successful mediation ends in an agreement.")
        if errors:
            raise ValidationError(errors)

    def mediator_serves(self, mediator_id) -> bool:
        """Whether the mediator held a post in the committee on the date received."""
        from registry.models import Appointment
        from registry.models.appointments import held_on

        return Appointment._base_manager.filter(
            held_on(self.received_on), mediator_id=mediator_id, committee_id=self.committee_id
        ).exists()

    # The workflow (django-fsm): services call these, then save; each save is audited.
    @transition(field=status, source=CaseStatus.RECEIVED, target=CaseStatus.MEDIATING)
    def start(self):
        pass

    @transition(
        field=status, source=[CaseStatus.RECEIVED, CaseStatus.MEDIATING], target=CaseStatus.CLOSED
    )
    def close(self):
        pass

    @transition(field=status, source=CaseStatus.CLOSED, target=CaseStatus.MEDIATING)
    def reopen(self, reason):
        self.reopen_reason = reason
        self.closed_on = None
        self.result = ""


class Party(TenantModel):
    """A party to a case. ID and phone numbers are encrypted and shown masked.

    A case names every party, however many: a dispute (民间纠纷) is between two sides
    at least, whether a party applied, the committee found it by screening (排查) or
    a court, the police or a petition office referred it. Filing checks the number
    with ``check_count``; the page, the API and the workbook import all file through
    it. The upper bound only caps the work one request may ask for."""

    MIN_PER_CASE = 2
    MAX_PER_CASE = 1000

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedCharField(
        _("ID card number"), max_length=18, blank=True, null=True, validators=[validate_id_number]
    )
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = EncryptedCharField(
        _("phone"), max_length=20, blank=True, null=True, validators=[validate_phone]
    )

    audit_options = {
        "mask_fields": ["id_number", "phone"],
        "mask_callable": "core.personal.mask_for_audit",
        "exclude_fields": ["id_number_digest"],
    }

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    def region_for_write(self):
        return self.case.region

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number or "")

    @property
    def phone_masked(self):
        return mask_phone(self.phone or "")

    @classmethod
    def check_count(cls, count: int):
        """Raise a ValidationError on ``parties`` unless a case may have *count*."""
        if count < cls.MIN_PER_CASE:
            error = ValidationError(
                _("Enter at least two parties: a dispute has two sides."),
                code="too_few_parties",
            )
        elif count > cls.MAX_PER_CASE:
            error = ValidationError(
                _("A case takes at most %(max)d parties."),
                code="too_many_parties",
                params={"max": cls.MAX_PER_CASE},
            )
        else:
            return
        raise ValidationError({"parties": error})

    def save(self, *args, **kwargs):
        self.id_number = normalize_id_number(self.id_number) or None
        self.phone = normalize_phone(self.phone) or None
        self.id_number_digest = digest(self.id_number or "")
        super().save(*args, **kwargs)
