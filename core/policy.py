"""Per-bureau rules as data.

A rule is a key registered here with its typed fields (``core.policy_fields``), its
default (taken from the seed documents), a label and a Chinese sentence for the rules
page. A bureau's own ``Policy`` row overrides the default; a county bureau without
one inherits its city bureau's.

Declaring a rule (the edit form, the validation the form, the service and the API
share, the rules page's sentence and the API schema all follow from it)::

    from core.policy import register
    from core.policy_fields import Percent, Whole

    register(
        "callback_rate",
        label=_("Callback sample rate"),
        help_text=_("Share of each month's closed cases drawn for a callback."),
        fields={"rate": Percent(max_value=100)},
        default=0.15,
        sentence=_("Callbacks sample %(rate)s of closed cases"),
    )

- ``fields`` maps field names to field specs. A rule with one field stores that
  field's value as it is (``0.15``); a rule with several stores an object keyed by
  field name (``{"min_cases": 10, "min_rate": 0.8}``). API errors are keyed by these
  names.
- ``sentence`` is a translatable string with a ``%(name)s`` placeholder per field,
  filled with each field's display (a Mapping or list field displays as a small table
  or list); or a callable that takes the cleaned values and returns such a string (to
  word a special value differently). Without one, the page lists each field's label
  and value.
- ``clean`` is an optional callable that takes the cleaned values (a dict keyed by
  field name) and raises ``ValidationError`` for rules across fields; a dict error
  keyed by field names puts each message beside its field.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.policy_fields import FieldSpec, Money, Names, Percent, Whole
from core.tenancy import all_regions


@dataclass(frozen=True)
class PolicyKey:
    key: str
    label: str
    help_text: str
    fields: dict[str, FieldSpec]
    default: object = None
    sentence: str | Callable | None = None
    clean: Callable | None = None

    @property
    def single(self) -> bool:
        return len(self.fields) == 1

    def split(self, value) -> dict:
        """The stored value as ``{field name: value}``."""
        if self.single:
            return {next(iter(self.fields)): value}
        return dict(value)

    def join(self, values: dict):
        """``{field name: value}`` as the stored value."""
        return values[next(iter(self.fields))] if self.single else dict(values)

    def validate(self, value):
        """The stored value checked field by field, then across fields by ``clean``;
        returns it normalised. Raises a ValidationError keyed by field name
        (NON_FIELD_ERRORS for the rule as a whole)."""
        if not self.single and not isinstance(value, dict):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("Enter an object with the fields %(names)s.")
                    % {"names": ", ".join(self.fields)}
                }
            )
        parts = self.split(value)
        errors, cleaned = {}, {}
        unknown = sorted(set(parts) - set(self.fields))
        if unknown:
            errors[NON_FIELD_ERRORS] = [
                _("Unknown field(s): %(names)s.") % {"names": ", ".join(unknown)}
            ]
        for name, field in self.fields.items():
            if name not in parts:
                errors[name] = [_("This field is required.")]
                continue
            try:
                cleaned[name] = field.validate(parts[name])
            except ValidationError as exc:
                errors[name] = exc.error_list
        if errors:
            raise ValidationError(errors)
        if self.clean is not None:
            try:
                self.clean(cleaned)
            except ValidationError as exc:
                raise ValidationError(
                    exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc}
                ) from exc
        return self.join(cleaned)

    def initial(self, value) -> dict:
        """The form's initial data for a stored value (empty if the value no longer
        passes validation, so the form starts blank rather than failing)."""
        try:
            parts = self.split(self.validate(value))
        except ValidationError:
            return {}
        return {name: field.initial(parts[name]) for name, field in self.fields.items()}

    def display(self, value):
        """The value in Chinese for the rules page: the sentence with each field's
        display, or, for a stored value that no longer validates, a warning."""
        try:
            parts = self.split(self.validate(value))
        except ValidationError:
            return format_html(
                '<span class="text-danger">{}</span>',
                _("The stored value is not valid; set the rule again."),
            )
        shown = {
            name: conditional_escape(field.display(parts[name]))
            for name, field in self.fields.items()
        }
        sentence = self.sentence(parts) if callable(self.sentence) else self.sentence
        if sentence is None:
            if self.single:
                return next(iter(shown.values()))
            return format_html_join(
                "",
                "<div>{}：{}</div>",
                ((field.label, shown[name]) for name, field in self.fields.items()),
            )
        # Both the sentence and every part are escaped before they meet.
        return mark_safe(conditional_escape(str(sentence)) % shown)

    def json_schema(self) -> dict:
        """The OpenAPI description of the stored value."""
        if self.single:
            schema = dict(next(iter(self.fields.values())).json_schema())
        else:
            schema = {
                "type": "object",
                "properties": {name: f.json_schema() for name, f in self.fields.items()},
                "required": list(self.fields),
                "additionalProperties": False,
            }
        # The rule's label first, then what the field adds (e.g. how a share is written).
        described = [str(self.label), schema.get("description")]
        schema.update(title=self.key, description="\n\n".join(filter(None, described)))
        schema["example"] = self.default
        return schema


REGISTRY: dict[str, PolicyKey] = {}


def register(
    key: str,
    *,
    label,
    fields: dict[str, FieldSpec],
    default,
    help_text="",
    sentence=None,
    clean=None,
) -> PolicyKey:
    """Declare a rule; see the module docstring. The default must pass the rule's own
    validation."""
    spec = PolicyKey(
        key=key,
        label=label,
        help_text=help_text,
        fields={name: dataclasses.replace(field, name=name) for name, field in fields.items()},
        sentence=sentence,
        clean=clean,
    )
    spec = dataclasses.replace(spec, default=spec.validate(default))
    REGISTRY[key] = spec
    return spec


def key_choices() -> list[tuple[str, str]]:
    """Every registered rule as (key, label): the choices of ``Policy.key``."""
    return [(spec.key, spec.label) for spec in REGISTRY.values()]


register(
    "fulltime_subsidy_monthly",
    label=_("Full-time mediator subsidy per month (yuan)"),
    help_text=_("Base subsidy paid to each full-time mediator every month."),
    fields={"amount": Money(_("Amount per person per month"))},
    default="2500.00",  # seed 001: 2,500 yuan per person per month
    sentence=_("Each full-time mediator receives %(amount)s a month"),
)
register(
    "grading_levels",
    label=_("Grading levels"),
    help_text=_("Mediator levels, highest first."),
    fields={"levels": Names(_("Level names, highest first"), max_items=10)},
    default=["一级", "二级", "三级", "四级"],  # seeds 000, 003
    sentence=_("Mediator levels, highest first: %(levels)s"),
)
register(
    "callback_rate",
    label=_("Callback sample rate"),
    help_text=_("Share of each month's closed cases drawn for a callback."),
    fields={"rate": Percent()},
    default=0.15,  # seed 004: a third party calls back 15 % of cases
    sentence=_("Callback sample rate %(rate)s"),
)
register(
    "complaint_deadline_working_days",
    label=_("Complaint deadline (working days)"),
    help_text=_("Working days allowed to conclude a complaint."),
    fields={"days": Whole(min_value=1, max_value=365)},
    default=15,
    sentence=_("Complaints are concluded within %(days)s working days"),
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
                "display": spec.display(value_),
                "source": source,
                "overridden": source is not None and source.pk == bureau.pk,
            }
        )
    return result


def may_set(role, bureau) -> bool:
    """Only a bureau's own admin sets its rules; a city admin does not set its
    counties' (they inherit the city's unless they set their own)."""
    from core.models import RoleKind

    return role is not None and role.kind == RoleKind.BUREAU_ADMIN and role.bureau_id == bureau.pk


def history(bureau):
    """The audit entries of *bureau* and of its rules (set, changed, cleared; a rule's
    entries carry its bureau in ``additional_data``, see ``Policy``), newest first, in
    one query."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from core.models import Bureau, Policy

    types = ContentType.objects.get_for_models(Bureau, Policy)
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Bureau], object_id=bureau.pk)
            | Q(content_type=types[Policy], additional_data__bureau=bureau.pk)
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
