"""Benchmark: settling a city's month (subsidies.settle.compute: its INSERT … SELECT
statements computing and writing the lines and the cases they pay) against one SQL
statement computing the same sums per mediator. Both must agree to the fen for every
mediator.

Builds a synthetic city (``--mediators``, ``--cases`` closed and reviewed in the month,
a fifth of the mediators full-time, a quarter of the cases assisted) inside a
transaction that is rolled back at the end, on the configured database (SQLite unless
DATABASE_URL is set). Each of ``--repeat`` runs times settling the month from an
empty draft (computing and writing every line and case), recomputing it from
unchanged inputs (computed, compared, nothing written), computing it without writing
(the rule preview's ``would_pay``) and the SQL statement. Prints one ``BENCH`` line
for each of the three against the statement, from the medians."""

import datetime
import random
import statistics
import time
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F

from core.models import Bureau, BureauLevel, Region
from core.personal import digest, make_id_number
from core.regions import level_of, prefix_of
from core.tenancy import all_regions, jurisdiction
from mediation.models import Case, DisputeType
from registry.models import Appointment, Committee, Mediator
from subsidies import settle
from subsidies.models import CaseReview, SettledCase, SettlementLine, SubsidyRuleVersion
from subsidies.rules import RULES

MONTH = datetime.date(2025, 3, 1)
END = datetime.date(2025, 3, 31)
CITY = "339900000000"
RULES_USED = {
    **RULES.default,
    "base_by_post": {
        "director": "3000.00",
        "deputy": "2800.00",
        "member": "2600.00",
        "mediator": "2500.00",
    },
    "case_rates": {"ordinary": "100.00", "complex": "500.00", "major": "2000.00"},
    "oral_share": 0.3,
    "unsuccessful_share": 0.5,
    "lead_share": 0.6,
    "major_award": "1000.00",
}

# The same sums by hand: per mediator, the base of their latest full-time post held in
# the month, plus each counted case's rate (by result, form and difficulty) times
# their share (lead or assistant), rounded to the fen per case, plus special awards.
RAW_SQL = """
WITH counted AS (
    SELECT c.id, c.lead_mediator_id, c.result, c.difficulty,
           CASE
             WHEN c.result = 'success' AND c.agreement_form = 'oral'
                  AND r.participation_evidenced THEN %(ordinary)s * %(oral)s
             WHEN c.result = 'success' AND c.agreement_form <> 'oral' THEN
                  CASE c.difficulty WHEN 'ordinary' THEN %(ordinary)s
                       WHEN 'complex' THEN %(complex)s ELSE %(major)s END
             WHEN c.result <> 'success' AND r.handled_properly THEN
                  CASE c.difficulty WHEN 'ordinary' THEN %(ordinary)s
                       WHEN 'complex' THEN %(complex)s ELSE %(major)s END * %(unsuccessful)s
           END AS rate,
           CASE WHEN c.result = 'success' AND c.difficulty = 'major' THEN %(award)s ELSE 0 END
             AS award,
           (SELECT count(*) FROM mediation_case_assistants a WHERE a.case_id = c.id) AS helpers
    FROM mediation_case c
    JOIN subsidies_casereview r ON r.case_id = c.id
    WHERE c.region_id LIKE %(like)s AND c.status = 'closed' AND c.closed_on <= %(end)s
      AND r.decision = 'accepted' AND r.score >= %(min_score)s
), shares AS (
    SELECT lead_mediator_id AS mediator_id,
           round((rate + award) * CASE WHEN helpers = 0 THEN 1 ELSE %(lead)s END, 2) AS amount
    FROM counted WHERE rate IS NOT NULL
    UNION ALL
    SELECT a.mediator_id,
           round((k.rate + k.award) * ((1 - %(lead)s) / k.helpers), 2)
    FROM counted k JOIN mediation_case_assistants a ON a.case_id = k.id
    WHERE k.rate IS NOT NULL
), posts AS (
    SELECT p.mediator_id, p.post,
           row_number() OVER (PARTITION BY p.mediator_id
                              ORDER BY p.starts_on DESC, p.id DESC) AS latest
    FROM registry_appointment p
    WHERE p.region_id LIKE %(like)s AND p.full_time AND p.starts_on <= %(end)s
      AND (p.ends_on IS NULL OR p.ends_on >= %(month)s)
), base AS (
    SELECT mediator_id,
           CASE post WHEN 'director' THEN %(director)s WHEN 'deputy' THEN %(deputy)s
                WHEN 'member' THEN %(member)s ELSE %(mediator)s END AS amount
    FROM posts WHERE latest = 1
)
SELECT mediator_id, sum(amount) FROM (
    SELECT mediator_id, amount FROM shares UNION ALL SELECT mediator_id, amount FROM base
) AS everything GROUP BY mediator_id
"""


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Settle a synthetic city's month against one SQL statement (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--mediators", type=int, default=10000)
        parser.add_argument("--cases", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, mediators, cases, repeat, **options):
        try:
            with all_regions(), transaction.atomic():
                bureau = self._city(mediators, cases)
                self._run(bureau, repeat)
                raise Rollback
        except Rollback:
            pass

    def _run(self, bureau, repeat):
        if connection.vendor == "postgresql":
            # Fresh rows in this transaction: give the planner their statistics.
            tables = [m._meta.db_table for m in (Mediator, Appointment, Case, CaseReview)]
            with connection.cursor() as cursor:
                for table in [*tables, Case.assistants.through._meta.db_table]:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        settlement = settle.create_settlement(bureau, MONTH, None)
        params = self._params(bureau)
        firsts, agains, reads, raw, checks = [], [], [], [], []
        with jurisdiction(bureau.region.prefix):
            for run in range(repeat):
                if run:
                    # Back to an empty draft (not timed): each run settles the month anew.
                    SettledCase._base_manager.filter(line__settlement=settlement).delete()
                    SettlementLine._base_manager.filter(settlement=settlement).delete()
                firsts.append(self._timed(settle.compute, settlement, checks=checks))
                if run == 0 and connection.vendor == "postgresql":
                    # The lines just written, as autovacuum would analyze them: without
                    # statistics the planner takes the settlement's tables for empty.
                    with connection.cursor() as cursor:
                        for model in (SettlementLine, SettledCase):
                            table = connection.ops.quote_name(model._meta.db_table)
                            cursor.execute(f"ANALYZE {table}")
                # From unchanged inputs: computed again, compared, nothing written.
                agains.append(self._timed(settle.compute, settlement))
                # The same computation without writing its lines (the preview's).
                reads.append(self._timed(settle.would_pay, settlement, settlement.rule_version))
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(RAW_SQL, params)
                    rows = cursor.fetchall()
                raw.append(time.perf_counter() - start)
        expected = {m: Decimal(str(total)).quantize(Decimal("0.01")) for m, total in rows}
        got = defaultdict(Decimal)
        for mediator_id, total in SettlementLine._base_manager.filter(
            settlement=settlement
        ).values_list("mediator_id", "total"):
            got[mediator_id] += total
        if dict(got) != expected:
            wrong = [m for m in expected.keys() | got.keys() if expected.get(m) != got.get(m)]
            raise CommandError(f"totals differ for {len(wrong)} mediators, e.g. {wrong[:5]}")
        total = sum(expected.values())
        first_s, again_s = statistics.median(firsts), statistics.median(agains)
        reads_s, raw_s = statistics.median(reads), statistics.median(raw)
        written = SettlementLine._base_manager.filter(settlement=settlement).count()
        cases = SettledCase._base_manager.filter(line__settlement=settlement).count()
        self.stdout.write(
            f"settled {len(got)} mediators ({written} lines, {cases} settled cases), total "
            f"¥{total:,.2f} (same to the fen); medians of {repeat}: settling the month "
            f"{first_s * 1000:.0f} ms{self._checks(checks)}, recomputing it from unchanged inputs "
            f"{again_s * 1000:.0f} ms, computing it without writing (the preview) "
            f"{reads_s * 1000:.0f} ms, one SQL statement {raw_s * 1000:.0f} ms"
        )
        self.stdout.write(f"BENCH settlement ratio={first_s / raw_s:.2f} goal<=2")
        self.stdout.write(f"BENCH settlement-recompute ratio={again_s / raw_s:.2f} goal<=2")
        self.stdout.write(f"BENCH settlement-preview ratio={reads_s / raw_s:.2f} goal<=2")

    @staticmethod
    def _checks(checks):
        if not checks:
            return ""
        median = statistics.median(checks) * 1000
        return f" (of which the foreign-key checks at commit {median:.0f} ms)"

    @staticmethod
    def _timed(function, *args, checks=None):
        """Seconds *function* takes; *checks* gets those of its foreign-key checks."""
        start = time.perf_counter()
        function(*args)
        if connection.vendor == "postgresql":
            # The foreign keys are checked at commit, which this rolled-back run never
            # reaches: checked here, inside the time, as a real settlement pays them.
            checking = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if checks is not None:
                checks.append(time.perf_counter() - checking)
        return time.perf_counter() - start

    def _params(self, bureau):
        rules = RULES_USED
        return {
            "like": bureau.region.prefix + "%",
            "month": MONTH,
            "end": END,
            "min_score": rules["min_review_score"],
            "ordinary": Decimal(rules["case_rates"]["ordinary"]),
            "complex": Decimal(rules["case_rates"]["complex"]),
            "major": Decimal(rules["case_rates"]["major"]),
            "oral": Decimal(str(rules["oral_share"])),
            "unsuccessful": Decimal(str(rules["unsuccessful_share"])),
            "lead": Decimal(str(rules["lead_share"])),
            "award": Decimal(rules["major_award"]),
            **{post: Decimal(amount) for post, amount in rules["base_by_post"].items()},
        }

    def _city(self, mediator_count, case_count):
        rng = random.Random(13)
        regions = [Region(code=CITY, name="基准市")]
        for county in range(1, 5):
            regions.append(Region(code=f"3399{county:02d}000000", name=f"基准{county}区"))
            for town in range(1, 11):
                regions.append(
                    Region(code=f"3399{county:02d}{town:03d}000", name=f"基准{county}区{town}镇")
                )
        for region in regions:
            region.level, region.prefix = level_of(region.code), prefix_of(region.code)
        Region.objects.bulk_create(regions)
        by_code = {r.code: r for r in regions}
        for region in regions[1:]:
            parent = region.code[:6] + "000000" if region.code[6:9] != "000" else CITY
            region.parent = by_code[parent]
        Region.objects.bulk_update(regions[1:], ["parent"])
        bureau = Bureau.objects.create(
            region=by_code[CITY], name="基准市司法局", level=BureauLevel.CITY
        )
        towns = [r for r in regions if r.code[6:9] != "000"]
        committees = Committee.objects.bulk_create(
            Committee(code=f"BENCH-{i:05d}", name=f"基准调委会{i}", kind="township", region=town)
            for i, town in enumerate(towns)
        )
        people = []
        for i in range(mediator_count):
            committee = committees[i % len(committees)]
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 500)
            number = make_id_number("339901", born, i, "M")
            people.append(
                Mediator(
                    name=f"基准调解员{i}",
                    id_number=number,
                    id_number_digest=digest(number),
                    region=committee.region,
                    bank_account="" if i % 50 == 0 else f"6222{i:015d}",
                )
            )
        people = Mediator.objects.bulk_create(people, batch_size=2000)
        posts = ["director", "deputy", "member", "mediator"]
        Appointment.objects.bulk_create(
            (
                Appointment(
                    mediator=m,
                    committee=committees[i % len(committees)],
                    region=committees[i % len(committees)].region,
                    post=posts[i % 4] if i % 5 == 0 else "mediator",
                    full_time=i % 5 == 0,
                    paid_by=("court" if i % 3 == 0 else "bureau") if i % 5 == 0 else "",
                    starts_on=datetime.date(2020, 1, 1),
                )
                for i, m in enumerate(people)
            ),
            batch_size=2000,
        )
        dispute = DisputeType.objects.order_by("pk").first()
        filed = []
        for n in range(case_count):
            lead_index = rng.randrange(mediator_count)
            committee = committees[lead_index % len(committees)]
            result = rng.choices(["success", "failure"], [9, 1])[0]
            filed.append(
                Case(
                    bureau=bureau,
                    year=2025,
                    sequence=n + 1,
                    number=f"（2025）基调字第{n + 1}号",
                    committee=committee,
                    region=committee.region,
                    received_on=datetime.date(2025, 3, 2),
                    source="application",
                    dispute_type=dispute,
                    summary="基准案件",
                    difficulty=rng.choices(["ordinary", "complex", "major"], [80, 17, 3])[0],
                    lead_mediator=people[lead_index],
                    status="closed",
                    closed_on=datetime.date(2025, 3, rng.randrange(3, 31)),
                    result=result,
                    agreement_form=rng.choice(["oral", "written"]) if result == "success" else "",
                )
            )
        filed = Case.objects.bulk_create(filed, batch_size=2000)
        through = Case.assistants.through
        helpers = []
        for case in filed:
            if rng.random() < 0.25:
                count = rng.choice([1, 2])
                chosen = {rng.randrange(mediator_count) for _ in range(count)}
                helpers += [
                    through(case_id=case.pk, mediator_id=people[i].pk)
                    for i in chosen
                    if people[i].pk != case.lead_mediator_id
                ]
        through.objects.bulk_create(helpers, batch_size=2000)
        reviewer = get_user_model().objects.create(username="bench-reviewer")
        CaseReview.objects.bulk_create(
            (
                CaseReview(
                    case=case,
                    region=case.region,
                    file_score=rng.randrange(20, 41),
                    process_score=rng.randrange(15, 31),
                    result_score=rng.randrange(15, 31),
                    score=0,
                    participation_evidenced=rng.random() < 0.8,
                    handled_properly=rng.random() < 0.5,
                    decision=rng.choices(["accepted", "rejected"], [19, 1])[0],
                    reviewed_by=reviewer,
                )
                for case in filed
            ),
            batch_size=2000,
        )
        CaseReview.objects.filter(case__bureau=bureau).update(
            score=F("file_score") + F("process_score") + F("result_score")
        )
        SubsidyRuleVersion.objects.create(
            bureau=bureau,
            region=bureau.region,
            name="基准办法",
            effective_from=datetime.date(2025, 1, 1),
            rules=RULES.validate(RULES_USED),
        )
        return bureau
