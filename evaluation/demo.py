"""The annual evaluation's step of ``manage.py seed_demo``: the city's four quarterly
rankings of last year, published (the renewal list reads them), and its published
evaluation of last year with the renewal list it writes; the decisions are left to
the bureau. Everything goes through the services, as staff would do it."""

import datetime
import time

from core import policy
from core.models import Policy
from core.seeding import SeedContext, register
from evaluation import services
from mediation import ranking
from mediation.models import RankingSnapshot
from mediation.models.choices import SnapshotStatus


@register(48, "annual evaluation of last year, renewal list")
def seed_evaluation(ctx: SeedContext):
    """After the complaints (founded ones count) and the cases and callbacks."""
    started = time.perf_counter()
    city = ctx.city_bureau
    # 绍兴's own weights rule: full marks at the cases and training hours its busiest
    # full-time mediators reach (the default's would give most of them full marks).
    weights = {**policy.value(city, "evaluation_weights"), "cases_full": 20, "training_full": 48.0}
    Policy.objects.create(bureau=city, region=city.region, key="evaluation_weights", value=weights)
    year = datetime.date.today().year - 1
    published = set(
        RankingSnapshot.objects.filter(
            bureau=city, year=year, status=SnapshotStatus.PUBLISHED
        ).values_list("quarter", flat=True)
    )
    for quarter in (1, 2, 3, 4):
        if quarter not in published:
            ranking.publish(ranking.rank_quarter(city, year, quarter))
    evaluation = services.evaluate_year(city, year)
    services.review(evaluation, user=None)
    evaluation = services.publish(evaluation)
    ctx.stdout.write(
        f"  {year} evaluation of {evaluation.entries.count()} full-time mediators, "
        f"{evaluation.candidates.count()} renewal candidates "
        f"({time.perf_counter() - started:.1f} s)"
    )
