"""The typed fields of a subsidy rule version (stored in SubsidyRuleVersion.rules),
declared with core.policy_fields so the edit form, validation, the rules page's
display and the API schema follow from one declaration, as core.policy's rules do.
Versioning by date is SubsidyRuleVersion's; ``version_for`` finds the one in force.

Defaults come from the seeds: 2,500 yuan a month per full-time mediator (001), case
rates by difficulty from tens of yuan to a few thousand, oral agreements at a fraction
of the simple rate, unsuccessful cases at part rate (practice elsewhere, DOMAIN.md)."""

import dataclasses
import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.policy import PolicyKey
from core.policy_fields import Choice, Flag, Mapping, Money, Percent, Whole
from core.tenancy import all_regions
from grading.policies import RANKS
from mediation.models.choices import Difficulty
from registry.models.choices import PaidBy, Post

# No per-case rate or monthly amount a bureau sets reaches this: a typo's guard.
MAX_RATE = 20000
MAX_MONTHLY = 100000

_FIELDS = {
    "base_by_post": Mapping(
        _("Base subsidy per month for a full-time post"),
        help_text=_("Paid every month to each full-time mediator, by post."),
        keys=Post,
        key_label=_("Post"),
        values=Money(_("Yuan per month"), max_value=MAX_MONTHLY),
    ),
    "base_by_level": Mapping(
        _("Extra base subsidy by level"),
        help_text=_("Added to the base of a full-time mediator of this level."),
        keys=RANKS,
        key_label=_("Level"),
        values=Money(_("Yuan per month"), max_value=MAX_MONTHLY),
        missing="0.00",
    ),
    "case_rates": Mapping(
        _("Case subsidy by difficulty"),
        help_text=_("Paid for each successful case counted, by its difficulty."),
        keys=Difficulty,
        key_label=_("Difficulty"),
        values=Money(_("Yuan per case"), max_value=MAX_RATE),
    ),
    "level_factors": Mapping(
        _("Case subsidy factor by level"),
        help_text=_("The case rate is multiplied by this share for a mediator of the level."),
        keys=RANKS,
        key_label=_("Level"),
        values=Percent(_("Share of the rate"), max_value=300),
        missing=1.0,
    ),
    "oral_share": Percent(
        _("Oral agreement, share of the ordinary rate"),
        help_text=_("Paid only when the review shows the parties took part."),
    ),
    "unsuccessful_share": Percent(
        _("Unsuccessful case handled properly, share of the rate"),
        help_text=_("Paid only when the review finds the case was handled properly."),
    ),
    "lead_share": Percent(
        _("Lead mediator's share when assisted"),
        help_text=_("The assistants share the rest equally; an unassisted lead gets it all."),
    ),
    "require_fulfilled": Flag(
        _("Only cases whose agreement was fulfilled"),
        help_text=_("一案卷、调解成功、协议履行: require the agreement to be fulfilled."),
    ),
    "min_review_score": Whole(
        _("Review score needed to count (out of 100)"), min_value=0, max_value=100
    ),
    "persons_threshold": Whole(
        _("Persons involved, from which each further person adds"),
        help_text=_("0 turns the persons factor off."),
        min_value=0,
        max_value=10000,
    ),
    "per_person": Money(_("Yuan per further person"), max_value=MAX_RATE),
    "amount_threshold": Money(
        _("Amount involved from which the amount factor adds"),
        help_text=_("0 turns the amount factor off."),
    ),
    "amount_extra": Money(_("Yuan added for a case above that amount"), max_value=MAX_RATE),
    "major_award": Money(
        _("Special award per major case"),
        help_text=_("A special award for each major difficult case mediated successfully."),
        max_value=MAX_RATE,
    ),
    "monthly_cap": Money(
        _("Cap per mediator per month (cases, bonus, awards)"),
        help_text=_("0 means no cap. The base subsidy is not capped."),
        max_value=MAX_MONTHLY,
    ),
    "bonus_top": Whole(
        _("Performance bonus: the first N of the quarterly ranking"),
        help_text=_("Paid in the month after the quarter from its published ranking; 0: none."),
        min_value=0,
        max_value=1000,
    ),
    "bonus_amount": Money(_("Performance bonus per mediator"), max_value=MAX_MONTHLY),
    "case_fund_payer": Choice(_("Who pays case subsidies, bonuses and awards"), choices=PaidBy),
    "base_payer": Choice(
        _("Who pays the base of a full-time post that names no payer"), choices=PaidBy
    ),
}

DEFAULT = {
    "base_by_post": {post: "2500.00" for post in Post.values},
    "base_by_level": {},
    "case_rates": {"ordinary": "100.00", "complex": "500.00", "major": "2000.00"},
    "level_factors": {},
    "oral_share": 0.3,
    "unsuccessful_share": 0.3,
    "lead_share": 0.6,
    "require_fulfilled": False,
    "min_review_score": 60,
    "persons_threshold": 0,
    "per_person": "0.00",
    "amount_threshold": "0.00",
    "amount_extra": "0.00",
    "major_award": "0.00",
    "monthly_cap": "0.00",
    "bonus_top": 0,
    "bonus_amount": "0.00",
    "case_fund_payer": PaidBy.BUREAU.value,
    "base_payer": PaidBy.BUREAU.value,
}

RULES = PolicyKey(
    key="subsidy_rules",
    label=_("Subsidy rules"),
    help_text=_("The rules a month is settled by."),
    fields={name: dataclasses.replace(spec, name=name) for name, spec in _FIELDS.items()},
)
RULES = dataclasses.replace(RULES, default=RULES.validate(DEFAULT))


@dataclasses.dataclass(frozen=True)
class Rules:
    """A version's validated rules as numbers the settlement computes with."""

    values: dict

    def money(self, name) -> Decimal:
        return Decimal(self.values[name])

    def share(self, name) -> Decimal:
        # Shares are stored as floats (0.3); round-trip through str so 0.3 is 0.3.
        return Decimal(str(self.values[name]))

    def __getitem__(self, name):
        return self.values[name]

    def base(self, post: str, level: int | None) -> Decimal:
        extra = self.values["base_by_level"].get(str(level), "0.00") if level else "0.00"
        return Decimal(self.values["base_by_post"].get(post, "0.00")) + Decimal(extra)

    def rate(self, difficulty: str) -> Decimal:
        return Decimal(self.values["case_rates"].get(difficulty, "0.00"))

    def level_factor(self, level: int | None) -> Decimal:
        if not level:
            return Decimal(1)
        return Decimal(str(self.values["level_factors"].get(str(level), 1.0)))


def rules_of(version) -> Rules:
    """The version's rules, validated (a stored value the fields no longer accept
    raises, so a settlement never runs on rules nobody could have entered)."""
    return Rules(RULES.validate(version.rules))


def version_for(bureau, month: datetime.date):
    """The rule version in force for *bureau* in *month* (its first day): the
    bureau's own, else its nearest ancestor's (a county works under its city's
    rules), else None."""
    from subsidies.models import SubsidyRuleVersion

    chain = bureau.ancestors_and_self()
    with all_regions():
        versions = {
            version.bureau_id: version
            for version in SubsidyRuleVersion.objects.filter(
                bureau__in=chain, effective_from__lte=month
            )
            .exclude(effective_to__lt=month)
            .select_related("bureau")
        }
    for node in chain:
        if node.pk in versions:
            return versions[node.pk]
    return None
