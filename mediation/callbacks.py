"""Callbacks (回访): recording a call, and the monthly random draw of closed cases.

The draw is reproducible: its seed is a stable hash of (bureau, month), the population
is the month's closed cases in primary-key order, and ``random.Random(seed).sample``
picks round(rate × N) of them. Anyone holding the stored seed can redo it (``redraw``).
"""

import datetime
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import policy
from core.audit import log_created
from mediation.models import Callback, CallbackDraw, Case, CaseStatus

RECORD_FIELDS = ("called_on", "satisfaction", "fulfilled", "notes")


@transaction.atomic
def record_callback(callback: Callback, *, user=None, **fields) -> Callback:
    """Record the call (date, satisfaction 1–5, fulfilled, notes). Raises
    ValidationError with field errors and writes nothing when anything is wrong."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"not callback fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(callback, field, value)
    if not callback.called_on:
        raise ValidationError({"called_on": _("Give the date of the call.")})
    callback.recorded_by = user
    callback.full_clean()
    callback.save()
    return callback


# --- The draw ----------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def last_month(today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    return month_start(month_start(today) - datetime.timedelta(days=1))


def draw_seed(bureau_id: int, month: datetime.date) -> int:
    """A stable seed for (bureau, month): the first 60 bits of a SHA-256, so it fits
    the database's signed 64-bit integer and never depends on Python's hash salt."""
    text = f"callback-draw:{bureau_id}:{month:%Y-%m}"
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


def sample_size(rate: Decimal, population: int) -> int:
    """round(rate × N), halves rounded up (Python's round() would round 2.5 to 2)."""
    return int((Decimal(str(rate)) * population).to_integral_value(rounding=ROUND_HALF_UP))


def pick(case_ids: list[int], rate: Decimal, seed: int) -> list[int]:
    """The drawn ids out of *case_ids* (sorted first, so the order is the pk order)."""
    ordered = sorted(case_ids)
    return random.Random(seed).sample(ordered, sample_size(rate, len(ordered)))


def population(bureau, month: datetime.date, draw: CallbackDraw | None = None) -> list[int]:
    """Ids of the bureau's cases closed in *month*, in pk order, leaving out cases
    another draw already took (a case is called back at most once)."""
    cases = Case.objects.filter(
        bureau=bureau,
        status=CaseStatus.CLOSED,
        closed_on__gte=month,
        closed_on__lt=next_month(month),
    )
    taken = Callback.objects.filter(case__bureau=bureau, draw__isnull=False)
    if draw is not None:
        taken = taken.exclude(draw=draw)
    cases = cases.exclude(pk__in=taken.values("case_id"))
    return list(cases.order_by("pk").values_list("pk", flat=True))


def draw_rate(bureau) -> Decimal:
    return Decimal(str(policy.value(bureau, "callback_rate"))).quantize(Decimal("0.001"))


def draw_month(bureau, month: datetime.date) -> tuple[CallbackDraw, bool]:
    """Draw the bureau's callbacks for *month* (a month that has ended). Returns the
    draw and whether it was made now: a month already drawn is left as it was."""
    month = month_start(month)
    if next_month(month) > datetime.date.today():
        raise ValidationError({"month": _("Only a month that has ended can be drawn.")})
    existing = CallbackDraw.objects.filter(bureau=bureau, month=month).first()
    if existing is not None:
        return existing, False
    rate = draw_rate(bureau)
    seed = draw_seed(bureau.pk, month)
    ids = population(bureau, month)
    drawn = pick(ids, rate, seed)
    try:
        with transaction.atomic():
            draw = CallbackDraw.objects.create(
                bureau=bureau,
                month=month,
                rate=rate,
                seed=seed,
                population=len(ids),
                drawn=len(drawn),
                region=bureau.region,
            )
            cases = Case.objects.filter(pk__in=drawn).only("pk", "number", "region_id")
            queued = Callback.objects.bulk_create(
                [Callback(case=case, draw=draw, region_id=case.region_id) for case in cases]
            )
            log_created(queued, actor=None)  # bulk_create skips auditlog's signal
    except IntegrityError:
        # Another run drew the same month at the same moment: its draw stands.
        return CallbackDraw.objects.get(bureau=bureau, month=month), False
    return draw, True


def redraw(draw: CallbackDraw) -> list[int]:
    """Redo a stored draw from its seed and rate (for an audit): the case ids it
    should hold, sorted."""
    return sorted(pick(population(draw.bureau, draw.month, draw), draw.rate, draw.seed))
