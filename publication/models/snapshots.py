"""The published roster (定期公示): versioned, immutable snapshots of public fields.

A snapshot copies only what the public may read, so a public page never touches the
registry's tables (which hold ID, phone and bank numbers) and shows the same thing
until the next publication. Snapshot rows are keyed by their publication; the
publication itself is the tenant-owned, audited record.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.tenancy import TenantModel
from registry.models.choices import CommitteeType, Gender


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("Publishing")
    LIVE = "live", _("Live")
    SUPERSEDED = "superseded", _("Superseded")
    FAILED = "failed", _("Failed")


class RosterPublication(TenantModel):
    """One version of a bureau's public roster. At most one per bureau is live; a new
    one replaces it only once all its rows are written, so a failed run leaves the
    previous version live."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PENDING,
    )
    # The schedule's period ("2026-11") for a scheduled run, so the beat firing twice
    # publishes once; blank for a publication on demand.
    period = models.CharField(_("scheduled period"), max_length=7, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    as_of = models.DateField(_("roster as of"), null=True, blank=True)
    mediator_count = models.PositiveIntegerField(_("mediators"), default=0)
    committee_count = models.PositiveIntegerField(_("committees"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("roster publication")
        verbose_name_plural = _("roster publications")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "version"], name="one_publication_per_version"
            ),
            models.UniqueConstraint(
                fields=["bureau"],
                condition=models.Q(status="live"),
                name="one_live_publication_per_bureau",
            ),
            models.UniqueConstraint(
                fields=["bureau", "period"],
                condition=~models.Q(period=""),
                name="one_scheduled_publication_per_period",
            ),
        ]

    def __str__(self):
        return _("%(bureau)s roster v%(version)s") % {
            "bureau": self.bureau,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("publication:publication_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region


class PublishedCommittee(models.Model):
    """A committee as the public sees it in one publication."""

    publication = models.ForeignKey(
        RosterPublication, on_delete=models.CASCADE, related_name="committees"
    )
    committee_id = models.PositiveBigIntegerField()  # the registry row; never shown
    code = models.CharField(_("committee code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=CommitteeType.choices)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    region_name = models.CharField(_("region"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    namesake = models.CharField(_("namesake"), max_length=50, blank=True)
    mediator_count = models.PositiveIntegerField(_("mediators"), default=0)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("published committee")
        verbose_name_plural = _("published committees")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "code"], name="one_published_committee_per_code"
            )
        ]
        indexes = [models.Index(fields=["publication", "region"])]

    def __str__(self):
        return self.name


class PublishedMediator(models.Model):
    """A mediator as the public sees it in one publication: public fields only."""

    publication = models.ForeignKey(
        RosterPublication, on_delete=models.CASCADE, related_name="mediators"
    )
    # The registry row, so a complaint reaches the right record and URLs stay stable
    # across versions; the number itself carries nothing personal.
    mediator_id = models.PositiveBigIntegerField()
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    level = models.PositiveSmallIntegerField(
        pgettext_lazy("mediator grade", "level"), null=True, blank=True
    )
    # The level as the mediator's bureau names it (特级..三级 in Zhejiang), copied
    # when published; ``level`` is its rank, which the search filters on.
    level_name = models.CharField(
        pgettext_lazy("mediator grade", "level name"), max_length=20, blank=True
    )
    committee = models.ForeignKey(
        PublishedCommittee, on_delete=models.CASCADE, related_name="mediators"
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    expertise = models.ManyToManyField(
        "registry.ExpertiseField", blank=True, related_name="+", verbose_name=_("expertise fields")
    )
    expertise_names = models.CharField(_("expertise fields"), max_length=300, blank=True)
    named_room = models.CharField(_("named mediation room"), max_length=100, blank=True)
    full_time = models.BooleanField(_("full-time"), default=False)
    appointed_since = models.DateField(_("appointed since"))
    has_photo = models.BooleanField(_("photo published"), default=False)
    # Prepared once at publish time, since a snapshot never changes
    # (publication.search): the name as the search compares it, and its characters
    # and pairs as full-text lexemes, which a GIN index serves on PostgreSQL
    # (created by migration 0002 there only, so it is not listed in Meta).
    search_name = models.CharField(max_length=150, blank=True, editable=False)
    name_grams = models.TextField(blank=True, editable=False)
    # The row of the search results, rendered once (public/_mediator_row.html), and
    # its place in the roster's order (region, name): sorting a search's matches by
    # one integer instead of by text under the database's collation.
    row_html = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["region_id", "name", "mediator_id"]
        verbose_name = _("published mediator")
        verbose_name_plural = _("published mediators")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "mediator_id"], name="one_published_row_per_mediator"
            )
        ]
        indexes = [
            models.Index(fields=["publication", "region", "name"]),
            models.Index(fields=["publication", "name"]),
            models.Index(fields=["publication", "level"]),
            models.Index(fields=["publication", "position"]),
        ]

    def __str__(self):
        return self.name
