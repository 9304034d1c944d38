"""The ranking pages: list (published by default), run with progress, detail with
chart and workbook, publishing, and quarterly targets."""

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Job
from core.tenancy import all_regions, jurisdiction
from mediation import ranking
from mediation.models import QuarterlyTarget, RankingSnapshot
from mediation.services import close_case
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case


@pytest.fixture
def ranked(world):
    """Bureau "a" with three full-time mediators, one of whom closed a case in 2025 Q1,
    and its draft ranking."""
    side = world["a"]
    with jurisdiction(side["county"].prefix):
        committee = CommitteeFactory(region=side["village"])
        mediators = [MediatorFactory(region=side["village"]) for _ in range(3)]
        for mediator in mediators:
            AppointmentFactory(committee=committee, mediator=mediator)
        case = make_case(committee, mediators[0], received_on=datetime.date(2025, 2, 1))
        close_case(
            case, closed_on=datetime.date(2025, 2, 5), result="success", agreement_form="oral"
        )
        QuarterlyTarget.objects.create(
            mediator=mediators[1], year=2025, quarter=1, target=2, region=committee.region
        )
        snapshot = ranking.rank_quarter(side["county_bureau"], 2025, 1)
    return {**side, "committee": committee, "mediators": mediators, "snapshot": snapshot}


def test_others_see_the_published_rankings_by_default(ranked, login):
    client = login(ranked["finance_user"])
    url = reverse("mediation:ranking_list")
    detail = reverse("mediation:ranking_detail", args=[ranked["snapshot"].pk])
    assert detail not in client.get(url).content.decode()
    assert detail in client.get(url, {"status": "draft"}).content.decode()
    with all_regions():
        ranking.publish(ranked["snapshot"])
    assert detail in client.get(url).content.decode()


def test_bureau_staff_see_their_drafts_marked_and_may_publish_them_from_the_list(ranked, login):
    client = login(ranked["county_user"])
    url = reverse("mediation:ranking_list")
    publish = reverse("mediation:ranking_publish", args=[ranked["snapshot"].pk])
    page = client.get(url).content.decode()
    assert reverse("mediation:ranking_detail", args=[ranked["snapshot"].pk]) in page
    assert 'data-testid="draft-badge">草稿<' in page and publish in page
    # Asking for the published ones still narrows the list.
    assert publish not in client.get(url, {"status": ""}).content.decode()
    with all_regions():
        ranking.publish(ranked["snapshot"])
    page = client.get(url).content.decode()
    assert "draft-badge" not in page and publish not in page


def test_detail_table_chart_and_under_target(ranked, login, django_assert_max_num_queries):
    client = login(ranked["county_user"])
    with django_assert_max_num_queries(25):
        response = client.get(ranked["snapshot"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("under-target") == 1  # the one with a target of 2 and no case
    assert ranked["committee"].name in html
    chart = response.context["chart"]
    assert chart["cases"] == [1, 0, 0] and chart["targets"] == [0, 2, 0]
    assert chart["names"][0] == ranked["mediators"][0].name
    assert 'id="ranking-chart"' in html and "vendor/echarts/echarts.min.js" in html


def test_detail_query_count_is_constant(ranked, login):
    client = login(ranked["county_user"])
    url = ranked["snapshot"].get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with jurisdiction(ranked["county"].prefix):
        for _ in range(5):
            AppointmentFactory(
                committee=ranked["committee"], mediator=MediatorFactory(region=ranked["village"])
            )
        big = ranking.rank_quarter(ranked["county_bureau"], 2025, 1)
    with CaptureQueriesContext(connection) as large:
        client.get(big.get_absolute_url())
    assert len(large) == len(small)


def test_workbook_export(ranked, login):
    client = login(ranked["county_user"])
    response = client.get(ranked["snapshot"].get_absolute_url(), {"export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert len(rows) == 4  # header + three mediators
    assert rows[1][0] == 1 and rows[1][1] == ranked["mediators"][0].name


def test_publish_by_staff_only_and_once(ranked, login):
    url = reverse("mediation:ranking_publish", args=[ranked["snapshot"].pk])
    assert login(ranked["finance_user"]).post(url).status_code == 403
    response = login(ranked["county_user"]).post(url)
    assert response.status_code == 302
    with all_regions():
        snapshot = RankingSnapshot.objects.get()
    assert snapshot.status == "published" and snapshot.published_at


def test_run_form_starts_a_job(ranked, login, django_capture_on_commit_callbacks):
    client = login(ranked["county_user"])
    url = reverse("mediation:ranking_run")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": 2025, "quarter": 1})
    with all_regions():
        job = Job.objects.get()
        assert response.url == reverse("core:job_detail", args=[job.uuid])
        assert job.status == "done", job.message
        snapshot = RankingSnapshot.objects.get()  # the draft was replaced
    assert snapshot.version == 2


def test_a_ranking_run_ends_on_its_draft_which_staff_list_open_and_publish(
    ranked, login, django_capture_on_commit_callbacks
):
    client = login(ranked["county_user"])
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(reverse("mediation:ranking_run"), {"year": 2025, "quarter": 1})
    page = client.get(job_page.url).content.decode()
    with all_regions():
        draft = RankingSnapshot.objects.get()
    # The finished job links to its draft...
    link = re.search(r'<a [^>]*href="([^"]+)" data-testid="job-result"', page).group(1)
    assert link == draft.get_absolute_url()
    # ...which shows as a draft with its publish button, and is on the list.
    detail = client.get(link).content.decode()
    assert 'data-testid="status">草稿' in detail and 'data-testid="publish"' in detail
    assert link in client.get(reverse("mediation:ranking_list")).content.decode()
    publish = reverse("mediation:ranking_publish", args=[draft.pk])
    assert client.post(publish).status_code == 302
    detail = client.get(link).content.decode()
    assert 'data-testid="status">已发布' in detail and 'data-testid="publish"' not in detail


def test_run_form_refuses_a_quarter_not_over(ranked, login):
    client = login(ranked["county_user"])
    response = client.post(reverse("mediation:ranking_run"), {"year": 2099, "quarter": 1})
    assert response.status_code == 200
    assert "quarter" in response.context["form"].errors
    response = client.post(reverse("mediation:ranking_run"), {"year": 2025, "quarter": 5})
    assert "quarter" in response.context["form"].errors
    with all_regions():
        assert Job.objects.count() == 0


def test_run_is_for_bureau_staff(ranked, login):
    assert login(ranked["clerk_user"]).get(reverse("mediation:ranking_run")).status_code == 403


def test_targets_list_and_set(ranked, login, world):
    client = login(ranked["county_user"])
    mediator = ranked["mediators"][2]
    url = reverse("mediation:target_set")
    data = {"mediator": mediator.name, "year": 2025, "quarter": 2, "target": 4}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "target": 6}).status_code == 302  # changes it
    with all_regions():
        assert QuarterlyTarget.objects.get(mediator=mediator, quarter=2).target == 6
        count = QuarterlyTarget.objects.count()
        foreign = MediatorFactory(region=world["b"]["village"])
    for bad, field in (
        ({**data, "mediator": foreign.name}, "mediator"),
        ({**data, "target": -1}, "target"),
        ({**data, "quarter": 5}, "quarter"),
    ):
        response = client.post(url, bad)
        assert field in response.context["form"].errors
    with all_regions():
        assert QuarterlyTarget.objects.count() == count
    html = client.get(reverse("mediation:target_list")).content.decode()
    assert mediator.name in html


@pytest.mark.parametrize("url_name", ["mediation:ranking_list", "mediation:target_list"])
def test_list_pages_query_count_is_constant(ranked, login, url_name):
    client = login(ranked["county_user"])
    url = reverse(url_name) + "?status=all"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with jurisdiction(ranked["county"].prefix):
        for quarter in (2, 3):
            ranking.rank_quarter(ranked["county_bureau"], 2025, quarter)
        for mediator in ranked["mediators"]:
            QuarterlyTarget.objects.create(
                mediator=mediator, year=2024, quarter=4, target=3, region=mediator.region
            )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["object_list"]) > 1
    assert len(large) == len(small)


def test_quarters_and_criteria_are_named_in_chinese(ranked, login):
    client = login(ranked["county_user"])
    listing = client.get(reverse("mediation:ranking_list"), {"status": "draft"}).content.decode()
    assert "2025年第一季度" in listing
    assert ">第四季度</option>" in listing  # the quarter filter
    detail = client.get(ranked["snapshot"].get_absolute_url()).content.decode()
    assert "成功数 › 调解成功率 › 平均满意度" in detail
    targets = client.get(reverse("mediation:target_list")).content.decode()
    assert "2025年第一季度" in targets
