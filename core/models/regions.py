from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.regions import RegionLevel, level_of, normalize_code, prefix_of
from core.tenancy import JurisdictionModel, jurisdiction_manager


def validate_division_code(value: str) -> None:
    normalize_code(value)
    if len(value) != 12:
        raise ValidationError(_("Store division codes with all 12 digits."), code="short_code")


class Region(JurisdictionModel):
    """A node of the administrative division tree, keyed by its 12-digit code.

    Regions are scoped like tenant data: a user sees the regions inside their
    jurisdiction, so a form or API body cannot name a region outside it, and a save
    cannot reach one outside it (JurisdictionModel).
    """

    code = models.CharField(
        _("division code"), max_length=12, primary_key=True, validators=[validate_division_code]
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    kind = models.CharField(
        _("kind"), max_length=16, blank=True, help_text=_("e.g. 地级市, 县级市, 镇, 街道")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)

    region_code_path = "code"
    objects = jurisdiction_manager(region_code_path)
    # A region's code is its place in the tree: renaming a region is an edit,
    # re-coding or re-parenting it is not.
    fixed_fields = ("code", "parent")

    # The prefix is derived from the code: not a change anyone made.
    audit_options = {"exclude_fields": ["prefix"]}

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = normalize_code(self.code)
        self.prefix = prefix_of(self.code)
        self.level = level_of(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            self.code = normalize_code(self.code)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
        expected = level_of(self.code)
        if self.level and self.level != expected:
            raise ValidationError(
                {
                    "level": _("Code %(code)s is a %(expected)s-level code.")
                    % {"code": self.code, "expected": RegionLevel(expected).label}
                }
            )
        if self.parent_id and not prefix_of(self.code).startswith(self.parent.prefix):
            raise ValidationError({"parent": _("A region must lie inside its parent region.")})

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.prefix)
