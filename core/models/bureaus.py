from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.regions import RegionLevel
from core.tenancy import TenantModel


class BureauLevel(models.TextChoices):
    CITY = "city", _("City bureau")
    COUNTY = "county", _("County bureau")


# A city bureau governs a prefecture-level city, or a whole 直辖市 (a province-level
# region with counties directly under it).
BUREAU_REGION_LEVELS = {
    BureauLevel.CITY: {RegionLevel.CITY, RegionLevel.PROVINCE},
    BureauLevel.COUNTY: {RegionLevel.COUNTY},
}


class Bureau(TenantModel):
    """A justice bureau (司法局): the tenant. It governs one region."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=BureauLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("city bureau"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # What a government website must show in its footer (the public roster pages).
    website_code = models.CharField(
        _("website identification code"),
        max_length=20,
        blank=True,
        help_text=_("网站标识码, issued for government websites."),
    )
    icp_number = models.CharField(_("ICP filing number"), max_length=50, blank=True)
    police_filing_number = models.CharField(
        _("public security filing number"), max_length=50, blank=True
    )

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("justice bureau")
        verbose_name_plural = _("justice bureaus")
        constraints = [
            models.UniqueConstraint(fields=["region"], name="one_bureau_per_region"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:bureau_detail", args=[self.pk])

    def clean(self):
        if not self.region_id:
            return
        allowed = BUREAU_REGION_LEVELS.get(self.level, set())
        if self.region.level not in allowed:
            raise ValidationError(
                {
                    "region": _("A %(level)s must govern a region of the matching level.")
                    % {"level": self.get_level_display()}
                }
            )
        if self.level == BureauLevel.COUNTY:
            if not self.parent_id:
                raise ValidationError({"parent": _("A county bureau needs its city bureau.")})
            if self.parent.level != BureauLevel.CITY or not self.parent.region.contains(
                self.region
            ):
                raise ValidationError(
                    {
                        "parent": _("%(parent)s does not govern %(region)s.")
                        % {"parent": self.parent, "region": self.region}
                    }
                )
        elif self.parent_id:
            raise ValidationError({"parent": _("A city bureau has no parent bureau.")})

    def ancestors_and_self(self) -> list["Bureau"]:
        """This bureau, then its city bureau: the chain policy inheritance walks."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class JudicialOffice(TenantModel):
    """A judicial office (司法所): a bureau's township-level branch."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="offices", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("judicial office")
        verbose_name_plural = _("judicial offices")
        constraints = [
            models.UniqueConstraint(fields=["region"], name="one_office_per_township"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:office_detail", args=[self.pk])

    def clean(self):
        if not (self.region_id and self.bureau_id):
            return
        if self.region.level != RegionLevel.TOWNSHIP:
            raise ValidationError({"region": _("A judicial office serves one township.")})
        if not self.bureau.region.contains(self.region):
            raise ValidationError(
                {
                    "region": _("%(region)s is outside %(bureau)s.")
                    % {"region": self.region, "bureau": self.bureau}
                }
            )
