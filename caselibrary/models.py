"""The typical-case library (典型案例库, seed 003): closed cases promoted by staff
with an edited, anonymised account, tagged by dispute type, searchable across the
jurisdiction, and published on the public site by choice of the bureau."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class LibraryEntry(TenantModel):
    """One case in the library. Stored under the case's region, so a city sees its
    districts' entries and a district its own. The texts passed the anonymity check
    (caselibrary.anonymity) when they were saved; publishing checks them again."""

    case = models.OneToOneField(
        "mediation.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=100)
    dispute_type = models.ForeignKey(
        "mediation.DisputeType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dispute type"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    account = models.TextField(_("account of the case"), max_length=8000)
    commentary = models.TextField(_("commentary"), max_length=4000, blank=True)
    published = models.BooleanField(_("on the public site"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promoted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "case")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("library case")
        verbose_name_plural = _("library cases")
        indexes = [
            models.Index(fields=["-year", "-id"], name="library_newest_first"),
            models.Index(fields=["published", "region"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("caselibrary:entry_detail", args=[self.pk])

    def region_for_write(self):
        return self.case.region
