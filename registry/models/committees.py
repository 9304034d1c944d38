import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.personal import validate_phone
from core.regions import RegionLevel
from core.tenancy import TenantModel
from registry.models.choices import CommitteeStatus, CommitteeType, FilingStatus

# Where each type of committee may sit in the region tree.
TYPE_REGION_LEVELS = {
    CommitteeType.COUNTY: {RegionLevel.COUNTY},
    CommitteeType.TOWNSHIP: {RegionLevel.TOWNSHIP},
    CommitteeType.VILLAGE: {RegionLevel.VILLAGE},
}
# Seed 003: village, township and enterprise committees file with the judicial office;
# the others (industry/professional, county-level, rooms) with the county bureau.
FILED_WITH_OFFICE = {CommitteeType.TOWNSHIP, CommitteeType.VILLAGE, CommitteeType.ENTERPRISE}

code_validator = RegexValidator(
    r"^[0-9A-Za-z-]{4,40}$",
    _("A committee code has 4 to 40 letters, digits or hyphens."),
)


class Committee(TenantModel):
    """A people's mediation committee (调委会) or mediation room. Never deleted:
    deregistration (注销) keeps it in history and drops it from active lists."""

    code = models.CharField(
        _("committee code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        error_messages={"unique": _("A committee with this code is already registered.")},
        help_text=_("The bureau's code for this committee; imports match on it."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=CommitteeType.choices)
    industry_field = models.ForeignKey(
        "registry.ExpertiseField",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry field"),
    )
    host_institution = models.CharField(
        _("host institution"),
        max_length=100,
        blank=True,
        help_text=_("Court, police station or petition office a dispatched room sits in."),
    )
    namesake = models.CharField(
        _("namesake"), max_length=50, blank=True, help_text=_("Whom a named room is named after.")
    )
    office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("judicial office"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    filing_status = models.CharField(
        _("filing"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.UNFILED
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_with_office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_committees",
        verbose_name=_("filed with office"),
    )
    filed_with_bureau = models.ForeignKey(
        "core.Bureau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_committees",
        verbose_name=_("filed with bureau"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=CommitteeStatus.choices, default=CommitteeStatus.ACTIVE
    )
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    deregistration_reason = models.CharField(_("deregistration reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("mediation committee")
        verbose_name_plural = _("mediation committees")
        indexes = [
            models.Index(fields=["status", "kind", "region"]),
            # The staffing report's table, by area then code.
            models.Index(fields=["region", "code"], name="committee_by_region"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="deregistered")
                | models.Q(deregistered_on__isnull=False),
                name="committee_deregistered_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:committee_detail", args=[self.pk])

    @property
    def is_active(self):
        return self.status == CommitteeStatus.ACTIVE

    def clean(self):
        errors = {}
        levels = TYPE_REGION_LEVELS.get(
            self.kind, {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE}
        )
        if self.region_id and self.region.level not in levels:
            errors["region"] = _(
                "A %(type)s must be registered in a region of the right level."
            ) % {"type": self.get_kind_display()}
        if self.kind == CommitteeType.INDUSTRY and not self.industry_field_id:
            errors["industry_field"] = _("An industry/professional committee needs its field.")
        if self.kind == CommitteeType.DISPATCHED and not self.host_institution:
            errors["host_institution"] = _("A dispatched room needs its host institution.")
        if self.kind == CommitteeType.NAMED and not self.namesake:
            errors["namesake"] = _("A named room needs the person it is named after.")
        if (
            self.office_id
            and self.region_id
            and not self.region_id.startswith(self.office.region.prefix)
        ):
            errors["office"] = _("The office must be the one of the township this committee is in.")
        if self.founded_on and self.founded_on > datetime.date.today():
            errors["founded_on"] = _("The founding date cannot be in the future.")
        errors.update(self._clean_filing())
        if errors:
            raise ValidationError(errors)

    def _clean_filing(self):
        if self.filing_status != FilingStatus.FILED:
            return {}
        errors = {}
        if not self.filed_on:
            errors["filed_on"] = _("Give the date the committee was filed.")
        if self.kind in FILED_WITH_OFFICE:
            if not self.filed_with_office_id:
                errors["filed_with_office"] = _(
                    "Village, township and enterprise committees file with the judicial office."
                )
        elif not self.filed_with_bureau_id:
            errors["filed_with_bureau"] = _("This type of committee files with the county bureau.")
        return errors


class CommitteeTerm(TenantModel):
    """One term (届) of a committee's members: three years by default (seed 003)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="terms", verbose_name=_("committee")
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["committee_id", "-number"]
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="one_term_per_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self):
        return _("%(committee)s, term %(number)s") % {
            "committee": self.committee,
            "number": self.number,
        }

    def get_absolute_url(self):
        return self.committee.get_absolute_url()

    def region_for_write(self):
        return self.committee.region

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("A term must end after it starts.")})


class TermWarning(TenantModel):
    """Raised by the daily beat job when a term ends within the bureau's warning
    period; resolved when the committee registers its next term."""

    term = models.OneToOneField(
        CommitteeTerm, on_delete=models.PROTECT, related_name="warning", verbose_name=_("term")
    )
    due_on = models.DateField(_("term ends on"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("term warning")
        verbose_name_plural = _("term warnings")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["due_on", "id"], name="term_warning_by_due"),
        ]

    def __str__(self):
        return _("Term ends %(date)s: %(term)s") % {"date": self.due_on, "term": self.term}

    def get_absolute_url(self):
        return self.term.committee.get_absolute_url()

    def region_for_write(self):
        return self.term.region
