"""The division-code arithmetic behind the region tree.

A 12-digit code is five groups: province (2), city (2), county (2), township (3),
village (3). A region's *prefix* is its code without the trailing all-zero groups, so
"everything under 绍兴市" is the one indexed filter ``code startswith "3306"``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 12
GROUP_ENDS = (2, 4, 6, 9, 12)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


LEVEL_BY_PREFIX_LENGTH = dict(zip(GROUP_ENDS, RegionLevel.values, strict=True))


def normalize_code(raw: str) -> str:
    """Return the 12-digit code for *raw*, which may be given as its prefix (33, 3306,
    330602, 330602001) or in full; raise ValidationError for anything else."""
    code = (raw or "").strip()
    if not code.isdigit() or not code.isascii():
        raise ValidationError(
            _("A division code has digits only; got “%(code)s”."),
            code="malformed_division_code",
            params={"code": raw},
        )
    if len(code) not in GROUP_ENDS:
        raise ValidationError(
            _("A division code has 2, 4, 6, 9 or 12 digits; got %(length)d."),
            code="malformed_division_code",
            params={"length": len(code)},
        )
    full = code.ljust(CODE_LENGTH, "0")
    if full[:2] == "00":
        raise ValidationError(
            _("“%(code)s” names no province."), code="malformed_division_code", params={"code": raw}
        )
    # A zero group followed by a non-zero one has no parent (e.g. 330000001000).
    seen_zero = False
    start = 0
    for end in GROUP_ENDS:
        group = full[start:end]
        if set(group) == {"0"}:
            seen_zero = True
        elif seen_zero:
            raise ValidationError(
                _("“%(code)s” skips a level of the division tree."),
                code="malformed_division_code",
                params={"code": raw},
            )
        start = end
    return full


def prefix_of(code: str) -> str:
    """The code without its trailing all-zero groups: 330602000000 → 330602."""
    full = normalize_code(code)
    prefix = full
    for end in reversed(GROUP_ENDS[:-1]):
        if set(full[end:]) == {"0"}:
            prefix = full[:end]
        else:
            break
    return prefix


def level_of(code: str) -> str:
    return LEVEL_BY_PREFIX_LENGTH[len(prefix_of(code))]


def ancestor_codes(code: str) -> list[str]:
    """Full codes of every level above *code*, nearest first. Some may not exist as
    regions (直辖市 have no city level): callers look up the nearest that does."""
    prefix = prefix_of(code)
    return [
        prefix[:end].ljust(CODE_LENGTH, "0") for end in reversed(GROUP_ENDS) if end < len(prefix)
    ]


def is_within(code: str, prefix: str) -> bool:
    """True when the region *code* lies inside the region whose prefix is *prefix*."""
    return code.startswith(prefix)
