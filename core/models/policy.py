from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from core.policy import key_choices
from core.tenancy import TenantModel


def _rule_display(value, entry) -> str:
    """The rules page's sentence (or table, flattened to one line) for a stored value."""
    from core import policy

    try:
        shown = policy.get_key((entry.additional_data or {}).get("key")).display(value)
    except (policy.UnknownPolicyKey, ValueError, TypeError, KeyError):
        return str(value)
    return " ".join(strip_tags(shown).split())


class Policy(TenantModel):
    """One bureau's value for one policy key. Keys, defaults and validation live in
    ``core.policy``; a county without its own row inherits its city's."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.CASCADE, related_name="policies", verbose_name=_("bureau")
    )
    # Callable choices: the rules are registered by each app at start-up.
    key = models.CharField(_("rule"), max_length=60, choices=key_choices)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["bureau", "key"], name="one_value_per_key")]

    # The timestamp is not a change worth a line in the history.
    audit_options = {"exclude_fields": ["updated_at"]}
    # The bureau's page lists its rules' entries beside its own: each names its rule
    # ("越城区司法局 · 调委会任期（年）") and says the value as the rules page does.
    history_summary = staticmethod(lambda entry: entry.object_repr)
    history_displays = {"value": lambda value, entry: _rule_display(value, entry)}

    def __str__(self):
        return f"{self.bureau} · {self.get_key_display()}"

    def get_additional_data(self):
        """Read by auditlog: a rule's entries name its bureau, so the bureau's page
        lists them, even once the row is deleted (cleared)."""
        return {"bureau": self.bureau_id, "key": self.key}

    def region_for_write(self):
        return self.bureau.region
