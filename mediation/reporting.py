"""Monthly reporting and integrity: each committee's month is covered by cases or by
a zero report (零报告), the committees that have done neither by their bureau's
deadline, and anomaly flags for staff review (never a penalty by themselves)."""

import datetime
import itertools
from collections import defaultdict
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.policy_sql import rule_expression
from mediation.models import AgreementForm, Case, CaseFlag, CaseStatus, FlagKind, Party, ZeroReport
from registry.models import Committee, CommitteeStatus


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --- Zero reports ------------------------------------------------------------------------


@transaction.atomic
def file_zero_report(*, committee, month: datetime.date, filed_by=None, today=None) -> ZeroReport:
    """File *committee*'s zero report for *month* (any day of it). Refused, with the
    error on ``month``, when the month has not ended, the committee has cases in it,
    or it was filed already."""
    today = today or datetime.date.today()
    month = month.replace(day=1)
    end = month_end(month)
    if end >= today:
        raise ValidationError({"month": _("A zero report is filed once the month has ended.")})
    cases = Case.objects.filter(committee=committee, received_on__range=(month, end)).count()
    if cases:
        raise ValidationError(
            {
                "month": _(
                    "The committee received %(count)d case(s) in this month; a zero report "
                    "is for a month without any."
                )
                % {"count": cases}
            }
        )
    report = ZeroReport(
        committee=committee, month=month, filed_by=filed_by, region=committee.region
    )
    try:
        report.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"month": _("This month's zero report is already filed.")}) from exc
    report.save()
    return report


def deadline_day():
    """Each committee's reporting deadline (policy zero_report_deadline_day of its
    governing bureau) as an SQL expression."""
    return rule_expression("zero_report_deadline_day")


def unreported_committees(month: datetime.date | None = None, today=None, *, upcoming=False):
    """Committees of the jurisdiction that have neither received a case in *month*
    (default: last month) nor filed its zero report, once their deadline (that day of
    the following month) has passed; with *upcoming*, also those whose deadline is still
    to come (what a clerk has yet to file). Empty for a month not over yet."""
    today = today or datetime.date.today()
    month = (month or previous_month(today)).replace(day=1)
    end = month_end(month)
    following = end + datetime.timedelta(days=1)
    committees = Committee.objects.filter(
        Q(status=CommitteeStatus.ACTIVE) | Q(deregistered_on__gt=end),
        Q(founded_on__isnull=True) | Q(founded_on__lte=end),
    )
    if today < following:
        return committees.none()
    if not upcoming and today < following + datetime.timedelta(days=31):
        # The following month is this month: only the bureaus whose day has passed.
        committees = committees.annotate(deadline=deadline_day()).filter(
            deadline__lt=(today - following).days + 1
        )
    # Subqueries on the base manager: the outer committee query is already scoped.
    cases = Case._base_manager.filter(committee=OuterRef("pk"), received_on__range=(month, end))
    reports = ZeroReport._base_manager.filter(committee=OuterRef("pk"), month=month)
    return committees.filter(~Exists(cases), ~Exists(reports))


def deadline_passed(bureau, today=None) -> bool:
    """Whether last month's reports are late under *bureau*'s deadline."""
    today = today or datetime.date.today()
    return today.day > policy.value(bureau, "zero_report_deadline_day")


# --- Anomaly flags -----------------------------------------------------------------------

SCAN_DAYS = 120  # the daily run looks at cases received this recently
REPEAT_DAYS = 90
ORAL_DAYS = 365
MONTH_END_DAYS = 3
MONTH_END_MIN_FILINGS = 6
ORAL_MIN_CLOSED = 10
# Pairwise comparison is quadratic: within one committee's month, compare at most this
# many summaries (a committee filing more in a month is itself worth a look).
SIMILARITY_MAX_GROUP = 200


def _percent(share: float) -> int:
    return round(share * 100)


def repeated_parties(cases, threshold: int, since):
    """The same party name across *threshold* or more cases of a committee within 90
    days. Yields (case id, kind, reason)."""
    seen = defaultdict(dict)  # (committee, name) → {case id: received_on}
    rows = Party._base_manager.filter(case__in=cases, case__received_on__gte=since).values_list(
        "case_id", "case__committee_id", "case__received_on", "name"
    )
    for case_id, committee_id, received_on, name in rows:
        seen[committee_id, name.strip()][case_id] = received_on
    for (_committee, name), dated in seen.items():
        ordered = sorted(dated.items(), key=lambda item: item[1])
        flagged = {}
        start = 0
        for end in range(len(ordered)):
            while (ordered[end][1] - ordered[start][1]).days >= REPEAT_DAYS:
                start += 1
            window = ordered[start : end + 1]
            if len(window) >= threshold:
                for case_id, _day in window:
                    flagged[case_id] = max(flagged.get(case_id, 0), len(window))
        for case_id, count in flagged.items():
            yield (
                case_id,
                FlagKind.REPEATED_PARTIES,
                _(
                    "The party name “%(name)s” appears in %(count)d cases of this committee "
                    "within %(days)d days (flagged from %(threshold)d)."
                )
                % {"name": name, "count": count, "days": REPEAT_DAYS, "threshold": threshold},
            )


def month_end_bursts(cases, threshold: float, since, today):
    """A committee's filings of an ended month bunched in its last three days above
    *threshold* (a share), when the month has at least six filings."""
    months = defaultdict(list)  # (committee, month) → [(case id, received_on)]
    rows = cases.filter(received_on__gte=since.replace(day=1), received_on__lt=today.replace(day=1))
    for case_id, committee_id, received_on in rows.values_list("pk", "committee_id", "received_on"):
        months[committee_id, received_on.replace(day=1)].append((case_id, received_on))
    for (_committee, month), filed in months.items():
        if len(filed) < MONTH_END_MIN_FILINGS:
            continue
        last_days = month_end(month).day - MONTH_END_DAYS
        late = [case_id for case_id, day in filed if day.day > last_days]
        share = len(late) / len(filed)
        if share <= threshold:
            continue
        reason = _(
            "%(late)d of the committee's %(total)d filings in %(month)s were received in "
            "its last %(days)d days (%(share)d %%; flagged above %(threshold)d %%)."
        ) % {
            "late": len(late),
            "total": len(filed),
            "month": f"{month:%Y-%m}",
            "days": MONTH_END_DAYS,
            "share": _percent(share),
            "threshold": _percent(threshold),
        }
        for case_id in late:
            yield case_id, FlagKind.MONTH_END_BURST, reason


def similar_summaries(cases, threshold: float, since):
    """Summaries at least *threshold* similar (difflib ratio) to another of the same
    committee and month."""
    groups = defaultdict(list)  # (committee, month) → [(case id, number, summary)]
    rows = cases.filter(received_on__gte=since).order_by("received_on", "pk")
    for case_id, number, committee_id, received_on, summary in rows.values_list(
        "pk", "number", "committee_id", "received_on", "summary"
    ):
        group = groups[committee_id, received_on.replace(day=1)]
        if len(group) < SIMILARITY_MAX_GROUP:
            group.append((case_id, number, summary.strip()))
    best = {}  # case id → (ratio, other case's number)
    for group in groups.values():
        for i, (first, first_number, first_text) in enumerate(group):
            matcher = SequenceMatcher(None, "", first_text, autojunk=False)
            for second, second_number, second_text in group[i + 1 :]:
                matcher.set_seq1(second_text)
                # The cheap upper bounds first; ratio() only for likely pairs.
                if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
                if ratio < threshold:
                    continue
                for case_id, other in ((first, second_number), (second, first_number)):
                    if ratio > best.get(case_id, (0, ""))[0]:
                        best[case_id] = (ratio, other)
    for case_id, (ratio, other) in best.items():
        yield (
            case_id,
            FlagKind.SIMILAR_SUMMARY,
            _(
                "The summary is %(percent)d %% identical to that of case %(other)s of the "
                "same committee and month (flagged from %(threshold)d %%)."
            )
            % {"percent": _percent(ratio), "other": other, "threshold": _percent(threshold)},
        )


def oral_shares(cases, factor: float, today):
    """A committee's share of oral agreements (among its agreements of the last year)
    above *factor* × the bureau's, for committees with at least ten closed cases."""
    closed = cases.filter(
        status=CaseStatus.CLOSED, closed_on__gt=today - datetime.timedelta(days=ORAL_DAYS)
    )
    per_committee = list(
        closed.order_by()
        .values("committee_id")
        .annotate(
            closed=Count("pk"),
            agreements=Count("pk", filter=~Q(agreement_form="")),
            oral=Count("pk", filter=Q(agreement_form=AgreementForm.ORAL)),
        )
    )
    agreements = sum(row["agreements"] for row in per_committee)
    if not agreements:
        return
    norm = sum(row["oral"] for row in per_committee) / agreements
    flagged = {}
    for row in per_committee:
        if row["closed"] < ORAL_MIN_CLOSED or not row["agreements"]:
            continue
        share = row["oral"] / row["agreements"]
        if share > factor * norm:
            flagged[row["committee_id"]] = _(
                "%(oral)d of the committee's %(agreements)d agreements in the last year were "
                "oral (%(share)d %%), above %(factor)s × the bureau's %(norm)d %%."
            ) % {
                "oral": row["oral"],
                "agreements": row["agreements"],
                "share": _percent(share),
                "factor": f"{factor:g}",
                "norm": _percent(norm),
            }
    oral = closed.filter(committee_id__in=flagged, agreement_form=AgreementForm.ORAL)
    for case_id, committee_id in oral.values_list("pk", "committee_id"):
        yield case_id, FlagKind.ORAL_SHARE, flagged[committee_id]


def flag_anomalies(bureau, today=None) -> int:
    """Raise the anomaly flags of the cases *bureau* numbers, under its rules; run
    inside a jurisdiction that holds them. Idempotent: a case keeps one flag of a
    kind (and its first reason). Returns the flags raised now."""
    today = today or datetime.date.today()
    since = today - datetime.timedelta(days=SCAN_DAYS)
    cases = Case.objects.filter(bureau=bureau)
    found = itertools.chain(
        repeated_parties(cases, policy.value(bureau, "anomaly_repeat_parties"), since),
        month_end_bursts(cases, policy.value(bureau, "anomaly_month_end_share"), since, today),
        similar_summaries(cases, policy.value(bureau, "anomaly_summary_similarity"), since),
        oral_shares(cases, policy.value(bureau, "anomaly_oral_factor"), today),
    )
    new = {}
    for case_id, kind, reason in found:
        new.setdefault((case_id, str(kind)), reason[:300])
    if not new:
        return 0
    existing = set(
        CaseFlag.objects.filter(case__bureau=bureau, case_id__in={c for c, _k in new}).values_list(
            "case_id", "kind"
        )
    )
    regions = dict(cases.filter(pk__in={c for c, _k in new}).values_list("pk", "region_id"))
    flags = [
        CaseFlag(case_id=case_id, kind=kind, reason=reason, region_id=regions[case_id])
        for (case_id, kind), reason in new.items()
        if (case_id, kind) not in existing
    ]
    CaseFlag.objects.bulk_create(flags, ignore_conflicts=True)
    return len(flags)


@transaction.atomic
def review_flag(flag, *, note: str, user) -> "CaseFlag":
    """Mark a flag reviewed with the reviewer's note; the case itself is untouched."""
    if not note.strip():
        raise ValidationError({"note": _("Say what the review found.")})
    flag.review_note = note.strip()
    flag.reviewed_by = user
    flag.reviewed_at = timezone.now()
    flag.save(update_fields=["review_note", "reviewed_by", "reviewed_at"])
    return flag
