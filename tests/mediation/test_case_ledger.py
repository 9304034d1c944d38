"""The case ledger (调解案件台账): the case list's export with the list's filters, one
row per case, parties' numbers masked, real dates and amounts, a constant number of
queries per chunk, big ledgers as jobs for their owner only, and a file LibreOffice
opens."""

import csv
import datetime
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import exports as core_exports
from core import jobs
from core.excel import MONEY_FORMAT
from core.models import Job, JobStatus, Role
from core.personal import make_id_number
from core.tenancy import all_regions, jurisdiction
from mediation import services
from mediation.ledger import CaseLedger
from mediation.models import Callback, Case, DisputeType
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

HEADERS = [
    "案件编号",
    "受理日期",
    "调委会",
    "所属区划",
    "主调解员",
    "协助调解员",
    "当事人",
    "纠纷类型",
    "案件来源",
    "难易程度",
    "状态",
    "调解结果",
    "结案日期",
    "协议形式",
    "涉及金额（元）",
    "是否履行",
    "司法确认",
    "回访日期",
    "回访满意度",
    "回访时是否履行",
    "防止民转刑",
    "防止自杀",
    "防止群体性上访",
    "群体性上访人数",
    "防止群体性事件",
    "群体性事件人数",
]
PARTY_ID = make_id_number("330602", datetime.date(1970, 2, 3), 12, "F")
PARTY_PHONE = "13912345678"
SECOND_ID = make_id_number("330602", datetime.date(1981, 7, 9), 34, "M")
SECOND_PHONE = "13755556666"


@pytest.fixture
def posts(world):
    """A village committee and a township committee of 越城区, each with a mediator,
    and an assistant in the village committee; a committee of 上城区 too."""
    with all_regions():
        village = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="甲村调委会"
        )
        township = CommitteeFactory(
            region=world["a"]["township"], kind="township", name="甲镇调委会"
        )
        foreign = CommitteeFactory(region=world["b"]["village"], name="外市调委会")

        def post(committee, name, full_time=True):
            mediator = MediatorFactory(region=committee.region, name=name)
            AppointmentFactory(mediator=mediator, committee=committee, full_time=full_time)
            return mediator

        return {
            "village": village,
            "township": township,
            "foreign": foreign,
            "lead": post(village, "张调解"),
            "assistant": post(village, "李协助", full_time=False),
            "township_lead": post(township, "王调解"),
            "foreign_lead": post(foreign, "外调解"),
        }


@pytest.fixture
def cases(world, posts):
    """Three cases in 越城区 (a closed one with parties, an assistant and a recorded
    callback; one in mediation; one received at the township committee) and one in
    上城区."""
    with all_regions():
        closed = make_case(
            posts["village"],
            posts["lead"],
            received_on=datetime.date(2025, 3, 10),
            amount=Decimal("1200.50"),
            assistants=[posts["assistant"]],
            parties=[
                {"role": "applicant", "name": "张三", "id_number": PARTY_ID, "phone": PARTY_PHONE},
                {"role": "respondent", "name": "李四", "phone": SECOND_PHONE},
                {"role": "other", "name": "王五", "id_number": SECOND_ID},
            ],
        )
        services.close_case(
            closed,
            result="success",
            closed_on=datetime.date(2025, 3, 20),
            agreement_form="written",
            fulfilled=True,
            judicial_confirmation=True,
            prevented_criminal=True,
            prevented_mass_petition=True,
            mass_petition_persons=12,
        )
        Callback.objects.create(
            case=closed,
            region=closed.region,
            called_on=datetime.date(2025, 4, 2),
            satisfaction=5,
            fulfilled=True,
        )
        # Drawn but not called yet: not a callback the ledger shows.
        Callback.objects.create(case=closed, region=closed.region)
        mediating = make_case(
            posts["village"],
            posts["lead"],
            received_on=datetime.date(2025, 4, 2),
            source="court",
            summary="宅基地边界纠纷",
            parties=[
                {"role": "applicant", "name": "赵六"},
                {"role": "respondent", "name": "钱七"},
            ],
        )
        services.start_mediation(mediating)
        received = make_case(
            posts["township"],
            posts["township_lead"],
            received_on=datetime.date(2025, 5, 6),
            dispute_type=DisputeType.objects.exclude(code="neighbourhood").first(),
        )
        foreign = make_case(posts["foreign"], posts["foreign_lead"])
    return {"closed": closed, "mediating": mediating, "received": received, "foreign": foreign}


def _rows(content):
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], sheet


def _export(client, query=""):
    return client.post(reverse("mediation:case_export") + (f"?{query}" if query else ""))


def _file(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith('attachment; filename="case-ledger-')
    return b"".join(response.streaming_content)


def _listed(client, query):
    response = client.get(reverse("mediation:case_list") + f"?{query}")
    assert response.status_code == 200
    return sorted(c.number for c in response.context["object_list"])


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=closed",
        "source=court",
        "q=宅基地",
        "received_from=2025-04-01",
        "received_to=2025-03-31",
        "region=330602001000&difficulty=ordinary",
        "result=success&received_from=2025-01-01&received_to=2025-12-31",
    ],
)
def test_the_ledger_holds_exactly_the_cases_the_list_shows_for_its_filters(
    world, cases, login, query
):
    client = login(world["a"]["county_user"])
    rows, _ = _rows(_file(_export(client, query)))
    assert sorted(r["案件编号"] for r in rows) == _listed(client, query)


def test_the_committee_filter_narrows_the_ledger(world, posts, cases, login):
    client = login(world["a"]["county_user"])
    rows, _ = _rows(_file(_export(client, f"committee={posts['township'].code}")))
    assert [r["案件编号"] for r in rows] == [cases["received"].number]


def test_the_ledger_stays_inside_the_jurisdiction(world, cases, login):
    rows, _ = _rows(_file(_export(login(world["a"]["city_user"]))))
    assert cases["foreign"].number not in {r["案件编号"] for r in rows}
    assert len(rows) == 3
    rows, _ = _rows(_file(_export(login(world["b"]["county_user"]))))
    assert [r["案件编号"] for r in rows] == [cases["foreign"].number]


def test_every_column_has_its_chinese_header_and_its_type(world, cases, login):
    content = _file(_export(login(world["a"]["finance_user"]), "status=closed"))
    rows, sheet = _rows(content)
    assert [c.value for c in sheet[1]] == HEADERS
    (row,) = rows
    assert row["案件编号"] == cases["closed"].number
    assert row["受理日期"] == datetime.datetime(2025, 3, 10)
    assert row["结案日期"] == datetime.datetime(2025, 3, 20)
    assert row["调委会"] == "甲村调委会"
    assert row["所属区划"] == "越城区a镇"
    assert row["主调解员"] == "张调解"
    assert row["协助调解员"] == "李协助"
    assert row["纠纷类型"] == "邻里纠纷"
    assert (row["案件来源"], row["难易程度"]) == ("当事人申请", "一般")
    assert (row["状态"], row["调解结果"], row["协议形式"]) == ("已结案", "调解成功", "书面协议")
    assert row["涉及金额（元）"] == 1200.5
    assert (row["是否履行"], row["司法确认"]) == ("是", "是")
    assert row["回访日期"] == datetime.datetime(2025, 4, 2)
    assert (row["回访满意度"], row["回访时是否履行"]) == (5, "是")
    assert (row["防止民转刑"], row["防止自杀"]) == ("是", "否")
    assert (row["防止群体性上访"], row["群体性上访人数"]) == ("是", 12)
    assert (row["防止群体性事件"], row["群体性事件人数"]) == ("否", 0)
    cells = {cell.column_letter: cell for cell in sheet[2]}
    date_cell, amount_cell = cells["B"], cells["O"]
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    assert amount_cell.data_type == "n" and amount_cell.number_format == MONEY_FORMAT


def test_open_cases_leave_the_outcome_and_callback_empty(world, cases, login):
    rows, _ = _rows(_file(_export(login(world["a"]["county_user"]), "status=mediating")))
    (row,) = rows
    assert row["状态"] == "调解中"
    assert row["当事人"] == "申请人 赵六；被申请人 钱七"
    for column in ("调解结果", "结案日期", "协议形式", "是否履行", "回访日期", "回访满意度"):
        assert row[column] is None, column
    rows, _ = _rows(_file(_export(login(world["a"]["county_user"]), "status=received")))
    assert rows[0]["所属区划"] == "越城区a镇"  # a township committee


def test_parties_show_their_role_and_only_masked_numbers(world, cases, login):
    content = _file(_export(login(world["a"]["clerk_user"]), "status=closed"))
    rows, _ = _rows(content)
    assert rows[0]["当事人"] == (
        f"申请人 张三（{PARTY_ID[:4]}**********{PARTY_ID[-4:]}，139****5678）；"
        "被申请人 李四（137****6666）；"
        f"其他当事人 王五（{SECOND_ID[:4]}**********{SECOND_ID[-4:]}）"
    )
    # Nowhere in the file, in any part of the package, is a full number.
    with zipfile.ZipFile(BytesIO(content)) as package:
        text = b"".join(package.read(name) for name in package.namelist())
    for number in (PARTY_ID, PARTY_PHONE, SECOND_ID, SECOND_PHONE):
        assert number.encode() not in text


def test_filters_that_do_not_validate_refuse_the_export(world, cases, login):
    client = login(world["a"]["county_user"])
    response = _export(client, "status=closed&received_from=not-a-date")
    assert response.status_code == 302
    assert response.url == reverse("mediation:case_list") + (
        "?status=closed&received_from=not-a-date"
    )
    api = client.post(reverse("case-export") + "?received_from=not-a-date")
    assert api.status_code == 400 and "received_from" in api.json()


def test_the_export_is_a_post_and_needs_a_login(world, client):
    assert _export(client).status_code == 302  # to the login page
    client.force_login(world["a"]["county_user"])
    assert client.get(reverse("mediation:case_export")).status_code == 405


def test_the_list_has_the_export_button_with_its_filters(world, cases, login):
    page = login(world["a"]["county_user"]).get(reverse("mediation:case_list") + "?status=closed")
    html = page.content.decode()
    assert f'action="{reverse("mediation:case_export")}?status=closed"' in html
    assert "导出案件台账" in html


def _ledger_queries(role, chunk, monkeypatch):
    """Queries of writing the whole ledger of *role*'s jurisdiction, *chunk* cases
    per query."""
    monkeypatch.setattr("mediation.ledger.CHUNK", chunk)
    with jurisdiction(role.jurisdiction_prefix), CaptureQueriesContext(connection) as captured:
        CaseLedger(role, QueryDict()).write(BytesIO(), progress=lambda done, total=None: None)
    return len(captured)


def _more_cases(posts, count):
    with all_regions():
        for n in range(count):
            make_case(
                posts["village"],
                posts["lead"],
                assistants=[posts["assistant"]],
                parties=[{"role": "applicant", "name": f"当事人{n}", "phone": PARTY_PHONE}] * 3,
            )


def test_the_ledger_runs_the_same_queries_per_chunk_however_full_the_cases(
    world, posts, cases, monkeypatch
):
    with all_regions():
        role = Role.objects.get(user=world["a"]["county_user"])
    # 3 cases, then 9 with more parties, assistants and callbacks: one chunk each.
    small = _ledger_queries(role, 10, monkeypatch)
    _more_cases(posts, 6)
    assert _ledger_queries(role, 10, monkeypatch) == small
    # Three chunks of 3 cost two chunks' worth more than one chunk of 9, and each
    # chunk the same.
    one, three = _ledger_queries(role, 9, monkeypatch), _ledger_queries(role, 3, monkeypatch)
    five = _ledger_queries(role, 2, monkeypatch)
    per_chunk = (three - one) // 2
    assert per_chunk > 0 and three - one == 2 * per_chunk and five - one == 4 * per_chunk


def test_the_page_export_runs_the_same_queries_at_two_sizes(
    world, posts, cases, login, django_assert_max_num_queries
):
    client = login(world["a"]["county_user"])
    with CaptureQueriesContext(connection) as captured:
        _file(_export(client))
    _more_cases(posts, 8)
    with django_assert_max_num_queries(len(captured)):
        rows, _ = _rows(_file(_export(client)))
    assert len(rows) == 11


def _bulk_cases(posts, count):
    """*count* received cases of the village committee, written in bulk."""
    committee, lead = posts["village"], posts["lead"]
    dispute_type = DisputeType.objects.get(code="neighbourhood")
    bureau_id = Case.objects.filter(committee=committee).values_list("bureau", flat=True)[0]
    with all_regions():
        Case.objects.bulk_create(
            [
                Case(
                    bureau_id=bureau_id,
                    year=2024,
                    sequence=n,
                    number=f"330602-2024-{n:05d}",
                    committee=committee,
                    region=committee.region,
                    received_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 300),
                    source="application",
                    dispute_type=dispute_type,
                    summary="批量案件",
                    amount=n,
                    lead_mediator=lead,
                )
                for n in range(1, count + 1)
            ],
            batch_size=1000,
        )


def test_a_ledger_of_more_than_5000_cases_is_a_job_with_progress_and_a_download_for_its_owner(
    world, posts, cases, login, monkeypatch, django_capture_on_commit_callbacks
):
    with all_regions():
        _bulk_cases(posts, core_exports.STREAM_LIMIT + 1)
    reports = []
    progress = jobs.Lease.progress

    def recorded(lease, done, total=None):
        reports.append((done, total))
        return progress(lease, done, total)

    monkeypatch.setattr(jobs.Lease, "progress", recorded)
    owner = login(world["a"]["county_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(owner, "received_to=2024-12-31")
    with all_regions():
        job = Job.objects.get(kind="export_cases")
    assert response.status_code == 302
    assert response.url == reverse("core:job_detail", args=[job.uuid])
    total = core_exports.STREAM_LIMIT + 1
    assert job.status == JobStatus.DONE and job.result == {"rows": total}
    assert (job.done, job.total) == (total, total)
    assert reports[0] == (2000, total) and reports[-1] == (total, total)
    page = owner.get(job.get_absolute_url()).content.decode()
    download = reverse("core:job_download", args=[job.uuid])
    assert "案件台账导出" in page and f'href="{download}"' in page
    content = b"".join(owner.get(download).streaming_content)
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True)) == total
    # A colleague of the same bureau, an admin, another bureau: as if it did not exist.
    for user in (world["a"]["county_admin"], world["a"]["city_user"], world["b"]["county_user"]):
        other = Client()
        other.force_login(user)
        assert other.get(job.get_absolute_url()).status_code == 404
        assert other.get(download).status_code == 404


def test_the_api_answers_the_file_or_202_with_the_job(
    world, cases, login, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(world["a"]["finance_user"])  # may not write, may export
    response = client.post(reverse("case-export") + "?status=closed")
    rows, _ = _rows(b"".join(response.streaming_content))
    assert [r["案件编号"] for r in rows] == [cases["closed"].number]
    monkeypatch.setattr(core_exports, "STREAM_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case-export"))
    assert response.status_code == 202
    with all_regions():
        job = Job.objects.get(kind="export_cases")
    assert response.json() == {
        "job": str(job.uuid),
        "url": job.get_absolute_url(),
        "download": reverse("core:job_download", args=[job.uuid]),
    }
    rows, _ = _rows(b"".join(client.get(response.json()["download"]).streaming_content))
    assert len(rows) == 3


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_ledger_opens_in_libreoffice_with_the_filtered_rows(world, cases, login, tmp_path):
    content = _file(_export(login(world["a"]["county_user"]), "received_to=2025-04-30"))
    workbook = tmp_path / "ledger.xlsx"
    workbook.write_bytes(content)
    subprocess.run(
        [
            SOFFICE,
            # A profile of its own, so parallel test processes do not share one.
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(tmp_path / "ledger.csv", encoding="utf-8", newline="") as converted:
        header, *rows = list(csv.reader(converted))
    assert header == HEADERS
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {cases["closed"].number, cases["mediating"].number}
    closed = by_number[cases["closed"].number]
    # As LibreOffice shows them: dates as dates, the amount as money.
    assert (closed["受理日期"], closed["结案日期"]) == ("2025-03-10", "2025-03-20")
    assert closed["涉及金额（元）"] == "¥1,200.50"
    assert closed["当事人"].startswith("申请人 张三（")
