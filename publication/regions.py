"""The county and township a published row sits in, as the public pages name them
("越城区 江福乡"): for the search form's region choices and for each row's label."""

from core.models import Region
from core.tenancy import all_regions


def label_codes(region_code: str) -> tuple[str | None, str | None]:
    """The codes of the county and of the township *region_code* lies in; None for a
    level it is above (a city's own committee has neither)."""
    county = region_code[:6] + "0" * 6 if region_code[4:6] != "00" else None
    township = region_code[:9] + "000" if region_code[6:9] != "000" else None
    return county, township


def label_names(region_codes) -> dict[str, str]:
    """The names of the counties and townships of *region_codes*: one query."""
    wanted = {code for region in region_codes for code in label_codes(region) if code}
    with all_regions():
        return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))


def region_label(region_code: str, names: dict[str, str]) -> str:
    """The county and township names of *region_code*. A region above the township
    (a county's own committee) is its own township prefix, so its name is given
    once."""
    codes = dict.fromkeys((region_code[:6] + "0" * 6, region_code[:9] + "000"))
    return " ".join(names[code] for code in codes if names.get(code))
