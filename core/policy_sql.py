"""Per-bureau rules as SQL: every bureau whose rules reach into the active
jurisdiction, turned into one CASE expression over the division-code prefix, so a
report applies each row's governing bureau's rule without a query per row."""

from django.db.models import Case, IntegerField, Q, Value, When

from core import policy
from core.models import Bureau, Policy
from core.tenancy import ScopeError, active_prefix, all_regions


def bureau_rules(key: str) -> dict[str, object]:
    """``policy.resolve`` for every bureau whose rules reach into the active
    jurisdiction, in two queries: the bureaus above it (a county works under its
    city's rules) and inside it. Keyed by the bureau's region prefix; "" holds the
    default."""
    prefix = active_prefix()
    if prefix is None:
        raise ScopeError("bureau_rules needs an active jurisdiction")
    above = [prefix[:n].ljust(12, "0") for n in (2, 4, 6) if n < len(prefix)]
    spec = policy.get_key(key)
    # Rules of bureaus above the jurisdiction apply inside it: read them on purpose.
    with all_regions():
        bureaus = list(
            Bureau.objects.select_related("region", "parent").filter(
                Q(region__code__startswith=prefix) | Q(region_id__in=above)
            )
        )
        chain = {b.pk for b in bureaus} | {b.parent_id for b in bureaus if b.parent_id}
        own = dict(
            Policy.objects.filter(bureau_id__in=chain, key=key).values_list("bureau_id", "value")
        )
    rules = {"": spec.default}
    for bureau in bureaus:
        rules[bureau.region.prefix] = next(
            (own[node.pk] for node in bureau.ancestors_and_self() if node.pk in own),
            spec.default,
        )
    return rules


def overrides(values: dict[str, object]) -> list[tuple[str, object]]:
    """The (prefix, value) pairs that differ from what the enclosing prefix gives,
    deepest first: a CASE over them picks the governing bureau's value, as
    services.governing_bureau would, without repeating the bureaus that inherit."""

    def enclosing(prefix):
        return values[max((p for p in values if p != prefix and prefix.startswith(p)), key=len)]

    kept = [(p, v) for p, v in values.items() if p and v != enclosing(p)]
    return sorted(kept, key=lambda pv: -len(pv[0]))


def rule_expression(key: str, path: str = "region__code", output_field=None):
    """The governing bureau's value of a scalar rule for each row, as an SQL CASE on
    the row's division code (reached through *path*)."""
    rules = bureau_rules(key)
    whens = [When(**{f"{path}__startswith": p}, then=Value(n)) for p, n in overrides(rules)]
    return Case(*whens, default=Value(rules[""]), output_field=output_field or IntegerField())
