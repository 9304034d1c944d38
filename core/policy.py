"""Per-bureau rules as data.

Each rule is a key registered here with its default (taken from the seed documents),
a label, and a validator. A bureau's own ``Policy`` row overrides the default; a county
bureau without one inherits its city bureau's.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.tenancy import all_regions


@dataclass(frozen=True)
class PolicyKey:
    key: str
    label: str
    default: object
    help_text: str
    validate: object  # callable(value) -> cleaned value, raising ValidationError


REGISTRY: dict[str, PolicyKey] = {}


def register(key, label, default, help_text, validate):
    REGISTRY[key] = PolicyKey(key, label, validate(default), help_text, validate)


def _count_map(keys):
    def validate(value):
        if not isinstance(value, dict):
            raise ValidationError(_("Enter an object mapping each type to a number."))
        unknown = set(value) - set(keys)
        if unknown:
            raise ValidationError(
                _("Unknown type(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        cleaned = {}
        for name in keys:
            number = value.get(name, 0)
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise ValidationError(
                    _("%(name)s must be a whole number of 0 or more.") % {"name": name}
                )
            cleaned[name] = number
        return cleaned

    return validate


def validate_money(value):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("Enter an amount in yuan.")) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Enter a non-negative amount with at most two decimals."))
    return str(amount.quantize(Decimal("0.01")))


def validate_rate(value):
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValidationError(_("Enter a share between 0 and 1."))
    return float(value)


def validate_positive_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(_("Enter a whole number of 1 or more."))
    return value


def _levels(value):
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(_("Enter the level names, highest first."))
    return value


COMMITTEE_TYPES = ("county", "township", "village", "industry", "enterprise", "dispatched", "named")

register(
    "staffing_standard",
    _("Staffing standard (full-time mediators per committee type)"),
    # Seed 000's "332": county-level 3, industry/professional 3, township/street 2.
    {
        "county": 3,
        "township": 2,
        "village": 0,
        "industry": 3,
        "enterprise": 0,
        "dispatched": 0,
        "named": 0,
    },
    _("Minimum full-time mediators for each committee type."),
    _count_map(COMMITTEE_TYPES),
)
register(
    "fulltime_subsidy_monthly",
    _("Full-time mediator subsidy per month (yuan)"),
    "2500.00",  # seed 001: 2,500 yuan per person per month
    _("Base subsidy paid to each full-time mediator every month."),
    validate_money,
)
register(
    "grading_levels",
    _("Grading levels"),
    ["一级", "二级", "三级", "四级"],  # seeds 000, 003
    _("Mediator levels, highest first."),
    _levels,
)
register(
    "training_min_sessions",
    _("Minimum training sessions per year"),
    2,  # seed 001
    _("Mediators with fewer sessions in a year are flagged."),
    validate_positive_int,
)
register(
    "term_years",
    _("Committee term (years)"),
    3,  # seed 003: 每届任期三年
    _("Length of a committee member's term."),
    validate_positive_int,
)
register(
    "term_warning_days",
    _("Warn before a term ends (days)"),
    60,
    _("Days before the end of a term when a warning is raised."),
    validate_positive_int,
)
register(
    "callback_rate",
    _("Callback sample rate"),
    0.15,  # seed 004: a third party calls back 15 % of cases
    _("Share of each month's closed cases drawn for a callback."),
    validate_rate,
)
register(
    "complaint_deadline_working_days",
    _("Complaint deadline (working days)"),
    15,
    _("Working days allowed to conclude a complaint."),
    validate_positive_int,
)


class UnknownPolicyKey(KeyError):
    pass


def get_key(key: str) -> PolicyKey:
    try:
        return REGISTRY[key]
    except KeyError as exc:
        raise UnknownPolicyKey(key) from exc


def resolve(bureau, key: str):
    """The value of *key* for *bureau*: its own, else the nearest ancestor's, else the
    default. Returns ``(value, source)`` where source is the bureau that set it or
    None for the default.

    Ancestors' rows are read on purpose even when they lie outside the caller's
    jurisdiction: a county works under its city's rules.
    """
    from core.models import Policy

    spec = get_key(key)
    chain = bureau.ancestors_and_self()
    with all_regions():
        rows = {
            row.bureau_id: row
            for row in Policy.objects.filter(bureau__in=chain, key=key).select_related("bureau")
        }
    for node in chain:
        if node.pk in rows:
            return rows[node.pk].value, node
    return spec.default, None


def value(bureau, key: str):
    return resolve(bureau, key)[0]


def effective_policies(bureau) -> list[dict]:
    """Every registered key with its effective value and where it comes from, in one
    query, for the policy page."""
    from core.models import Policy

    chain = bureau.ancestors_and_self()
    with all_regions():
        rows = list(Policy.objects.filter(bureau__in=chain).select_related("bureau"))
    by_key: dict[str, dict] = {}
    for row in rows:
        by_key.setdefault(row.key, {})[row.bureau_id] = row
    result = []
    for spec in REGISTRY.values():
        own = by_key.get(spec.key, {})
        value_, source = spec.default, None
        for node in chain:
            if node.pk in own:
                value_, source = own[node.pk].value, node
                break
        result.append(
            {
                "spec": spec,
                "value": value_,
                "source": source,
                "overridden": source is not None and source.pk == bureau.pk,
            }
        )
    return result
