"""The readable change history (core.history): record pages and the API's /history/
read the audit trail as a clerk would write it: Chinese labels, display values,
linked names inside the jurisdiction and none outside it, local times to the second,
who acted and in which role, and never a personal number."""

import datetime
import re
from contextlib import ExitStack, contextmanager
from zoneinfo import ZoneInfo

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import strip_tags

from core import audit, history
from core.generic_views import TenantDetailView
from core.models import Role
from core.personal import make_id_number
from core.tenancy import JurisdictionModel, all_regions, jurisdiction, with_jurisdiction
from mediation.models import Case
from registry import personal_access
from registry.models import Mediator
from tests.factories import (
    FACTORIES,
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    make_case,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARTY_ID = make_id_number("330602", datetime.date(1970, 2, 3), 12, "F")
PARTY_PHONE = "13912345678"


@contextmanager
def acting(role):
    """Write as *role* does on a page: its jurisdiction, its user, its role."""
    with ExitStack() as stack:
        stack.enter_context(jurisdiction(role.jurisdiction_prefix))
        stack.enter_context(set_actor(role.user))
        stack.enter_context(audit.acting_in(role))
        yield


def _role(user):
    with all_regions():
        return Role.objects.select_related("region", "bureau", "office", "user").get(user=user)


def _named(user, name):
    user.first_name = name
    user.save()
    return user


@pytest.fixture
def unit(world):
    """Two committees of one village and a mediator serving in the first."""
    with all_regions():
        east = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="东村人民调解委员会"
        )
        west = CommitteeFactory(
            region=world["a"]["village"], office=world["a"]["office"], name="西村人民调解委员会"
        )
        post = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=east
        )
    return {"east": east, "west": west, "mediator": post.mediator}


@pytest.fixture
def story(world, unit, login):
    """A clerk (王芳) files a case on the pages and starts mediation; county staff (李明)
    then moves it to the other committee and marks it difficult."""
    clerk = _named(world["a"]["clerk_user"], "王芳")
    _named(world["a"]["county_user"], "李明")
    client = login(clerk)
    filing = {
        "committee": unit["east"].code,
        "received_on": "2025-03-10",
        "source": "application",
        "dispute_type": "neighbourhood",
        "summary": "邻里之间因排水沟堵塞发生纠纷。",
        "difficulty": "ordinary",
        "amount": "1200.50",
        "lead_mediator": unit["mediator"].name,
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "4",
        "parties-0-role": "applicant",
        "parties-0-name": "张三",
        "parties-0-id_number": PARTY_ID,
        "parties-0-phone": PARTY_PHONE,
        "parties-1-role": "respondent",
        "parties-1-name": "李四",
    }
    response = client.post(reverse("mediation:case_create"), filing)
    assert response.status_code == 302, response.content
    with all_regions():
        case = Case.objects.get()
    assert client.post(reverse("mediation:case_start", args=[case.pk])).status_code == 302
    with acting(_role(world["a"]["county_user"])):
        case = Case.objects.get(pk=case.pk)
        case.committee = unit["west"]
        case.difficulty = "complex"
        case.save()
    return case


def _section(html: str) -> str:
    return html.split('<section id="history"', 1)[1].split("</section>", 1)[0]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(fragment)).strip()


def _changes(section: str) -> list[str]:
    return [_text(c) for c in re.findall(r'<div class="history-change">(.*?)</div>', section, re.S)]


def _rows(section: str) -> list[str]:
    return [_text(r) for r in re.findall(r'<tr class="history-entry">(.*?)</tr>', section, re.S)]


def test_a_case_history_reads_as_a_clerk_would_write_it(world, login, unit, story):
    client = login(world["a"]["county_user"])
    page = client.get(story.get_absolute_url())
    html = page.content.decode()
    section = _section(html)
    changes = _changes(section)

    assert "状态：已受理 → 调解中" in changes
    assert "难易程度：一般 → 疑难复杂" in changes
    assert "调委会：东村人民调解委员会 → 西村人民调解委员会" in changes
    west, east = unit["west"], unit["east"]
    assert f'<a href="{west.get_absolute_url()}">西村人民调解委员会</a>' in section
    assert f'<a href="{east.get_absolute_url()}">东村人民调解委员会</a>' in section
    # The filing lists what was filled in, as labels and display values.
    assert "涉及金额（元）：¥1,200.50" in changes
    assert "受理日期：2025-03-10" in changes

    rows = _rows(section)
    assert len(rows) == 3  # newest first: the move, the start, the filing
    assert rows[0].startswith(
        LogEntry.objects.get_for_object(story)
        .latest("timestamp")
        .timestamp.astimezone(SHANGHAI)
        .strftime("%Y-%m-%d %H:%M:%S")
    )
    assert "李明" in rows[0] and "越城区司法局 · 司法局工作人员" in rows[0] and "修改" in rows[0]
    assert "王芳" in rows[1] and "a镇司法所 · 司法所工作人员" in rows[1] and "状态" in rows[1]
    assert "王芳" in rows[2] and "新建" in rows[2]
    for entry in LogEntry.objects.get_for_object(story):
        assert entry.timestamp.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") in section

    text = _text(section)
    english = [f.name for f in Case._meta.get_fields()] + ["None", "True", "False", "update"]
    assert [w for w in english if re.search(rf"\b{w}\b", text)] == []
    assert PARTY_ID not in html and PARTY_PHONE not in html


def test_the_api_history_gives_labels_beside_raw_values_paginated_as_the_schema_says(
    world, login, unit, story
):
    client = login(world["a"]["county_user"])
    url = f"/api/v1/cases/{story.pk}/history/"
    body = client.get(url, {"page_size": 2}).json()
    assert body["count"] == 3 and body["next"] and len(body["results"]) == 2
    newest, started = body["results"]
    committee = next(c for c in newest["changes"] if c["field"] == "committee")
    assert committee == {
        "field": "committee",
        "label": "调委会",
        "old": unit["east"].pk,
        "new": unit["west"].pk,
        "old_display": "东村人民调解委员会",
        "new_display": "西村人民调解委员会",
        "operation": "",
    }
    status = next(c for c in started["changes"] if c["field"] == "status")
    assert (status["old"], status["new"]) == ("received", "mediating")
    assert (status["old_display"], status["new_display"]) == ("已受理", "调解中")
    assert newest["action"] == "update" and newest["action_display"] == "修改"
    assert newest["actor_name"] == "李明"
    assert newest["role"] == {
        "kind": "bureau_staff",
        "kind_display": "司法局工作人员",
        "unit": "越城区司法局",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", newest["time"])
    assert newest["timestamp"].endswith("+08:00")
    assert newest["timestamp"][:19].replace("T", " ") == newest["time"]
    oldest = client.get(body["next"]).json()
    assert [e["action"] for e in oldest["results"]] == ["create"]

    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/cases/{id}/history/"]["get"]

    def resolve(ref):
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    paginated = resolve(
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert set(paginated["properties"]) == set(body)
    entry = resolve(paginated["properties"]["results"]["items"]["$ref"])
    assert set(entry["properties"]) == set(newest)
    change = resolve(entry["properties"]["changes"]["items"]["$ref"])
    assert set(change["properties"]) == set(committee)
    # Pages, not the case list's filters.
    assert {p["name"] for p in operation["parameters"]} == {"id", "page", "page_size"}


def _entries(case, role, committees, count):
    """Bring the case's trail to *count* entries, moving it between *committees* and
    toggling its difficulty as *role*."""
    with acting(role):
        case = Case.objects.get(pk=case.pk)
        for index in range(LogEntry.objects.get_for_object(case).count(), count):
            case.committee = committees[index % 2]
            case.difficulty = "complex" if case.difficulty == "ordinary" else "ordinary"
            case.save()


def test_a_page_of_history_takes_the_same_queries_for_5_entries_as_for_50(world, login, unit):
    with all_regions():
        case = make_case(unit["east"], unit["mediator"])
    role = _role(world["a"]["county_user"])
    client = login(world["a"]["county_user"])
    api_url = f"/api/v1/cases/{case.pk}/history/?page_size=100"
    counts = {}
    for size in (5, 50):
        _entries(case, role, [unit["west"], unit["east"]], size)
        with CaptureQueriesContext(connection) as api_queries:
            body = client.get(api_url).json()
        assert len(body["results"]) == size
        # The last page, which holds the filing, names the same kinds of objects.
        last = -(-size // history.PAGE_SIZE)
        with CaptureQueriesContext(connection) as page_queries:
            page = client.get(case.get_absolute_url(), {"history_page": last})
        assert len(page.context["history"]) == size - (last - 1) * history.PAGE_SIZE
        assert "新建" in _rows(_section(page.content.decode()))[-1]
        counts[size] = (len(api_queries), len(page_queries))
    assert counts[5] == counts[50]

    # The first page shows the newest, closed, with the way to older ones.
    newest = client.get(case.get_absolute_url()).content.decode()
    assert len(_rows(_section(newest))) == history.PAGE_SIZE
    assert '<details class="history-panel">' in newest and "?history_page=2#history" in newest
    assert '<details class="history-panel" open>' in page.content.decode()


def test_a_related_object_outside_the_jurisdiction_is_never_named(world, login, unit):
    with all_regions():
        case = make_case(unit["east"], unit["mediator"])
        foreign = CommitteeFactory(region=world["b"]["village"], name="杭州某村人民调解委员会")
        gone = MediatorFactory(region=world["a"]["township"], name="已删除的调解员")
        gone_pk = gone.pk
        gone.delete()
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        object_id=case.pk,
        object_repr=str(case),
        action=LogEntry.Action.UPDATE,
        changes={
            "committee": [foreign.pk, unit["east"].pk],
            "lead_mediator": [gone_pk, unit["mediator"].pk],
        },
    )
    client = login(world["a"]["county_user"])
    html = client.get(case.get_absolute_url()).content.decode()
    changes = _changes(_section(html))
    assert "调委会：（已不在您的辖区） → 东村人民调解委员会" in changes
    assert f"主调解员：（已删除） → {unit['mediator'].name}" in changes
    assert "杭州某村" not in html and "已删除的调解员" not in html
    # The API gives the recorded key beside the placeholder, and no name either.
    response = login(world["a"]["city_user"]).get(f"/api/v1/cases/{case.pk}/history/")
    committee = response.json()["results"][0]["changes"][0]
    assert (committee["old"], committee["old_display"]) == (foreign.pk, "（已不在您的辖区）")
    assert "杭州某村" not in response.content.decode()


def test_personal_numbers_never_show_even_from_an_old_unmasked_entry(world, login):
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"])
    clear_id = make_id_number("330602", datetime.date(1980, 1, 2), 7, "F")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Mediator),
        object_pk=str(mediator.pk),
        object_id=mediator.pk,
        object_repr=mediator.name,
        action=LogEntry.Action.UPDATE,
        changes={
            "id_number": [clear_id, "******"],
            "phone": ["13800001111", "13900002222"],
            "bank_account": [None, "6222020200112233445"],
            "id_number_digest": ["a" * 64, "b" * 64],
            "updated_at": ["2025-01-01 00:00:00", "2025-01-02 00:00:00"],
            "mobile_before_rename": ["13700003333", ""],
            "education": ["college", "bachelor"],
        },
    )
    client = login(world["a"]["county_user"])
    html = client.get(mediator.get_absolute_url()).content.decode()
    changes = _changes(_section(html))
    for secret in (clear_id, "13800001111", "13900002222", "6222020200112233445", "13700003333"):
        assert secret not in html
    assert "身份证号码：****** → ******" in changes
    assert "银行账号：— → ******" in changes
    assert "mobile_before_rename：****** → —" in changes  # a field since removed
    assert not any("aaaa" in c or "2025-01-0" in c for c in changes)  # internal fields
    body = client.get(f"/api/v1/mediators/{mediator.pk}/history/").json()
    recorded = {c["field"]: c for c in body["results"][0]["changes"]}
    assert recorded["phone"]["old"] == recorded["phone"]["new"] == "******"
    assert "id_number_digest" not in recorded and "updated_at" not in recorded


def test_a_reveal_reads_as_viewing_the_full_number(world, login):
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"])
    role = _role(world["a"]["county_user"])
    with jurisdiction(role.jurisdiction_prefix):
        personal_access.reveal(mediator, "id_number", role=role)
        personal_access.log_reveals(
            [mediator.pk], ["phone", "bank_account"], role=role, via="export"
        )
    client = login(world["a"]["county_user"])
    rows = _rows(_section(client.get(mediator.get_absolute_url()).content.decode()))
    assert len(rows) == 3  # created, then two reads in full
    assert "查看完整号码" in rows[0] and "查看完整号码" in rows[1]
    assert any("查看了身份证号码" in r and "司法局工作人员" in r for r in rows)
    assert any("在导出中查看了电话、银行账号" in r for r in rows)


def test_a_job_records_the_role_it_runs_in(world):
    role = _role(world["a"]["county_user"])
    with all_regions():
        office = world["a"]["office"]

    @with_jurisdiction
    def rename(office_id, role_id=None):
        from core.models import JudicialOffice

        target = JudicialOffice.objects.get(pk=office_id)
        target.name = "改名司法所"
        target.save()

    rename(office.pk, role_id=role.pk)
    entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.actor == role.user
    assert entry.additional_data["role"] == {
        "id": role.pk,
        "kind": "bureau_staff",
        "unit": "越城区司法局",
    }


def test_a_save_that_changes_only_timestamps_writes_no_entry(world, unit):
    with all_regions():
        case = make_case(unit["east"], unit["mediator"])
        before = LogEntry.objects.get_for_object(case).count()
        Case.objects.get(pk=case.pk).save()
        assert LogEntry.objects.get_for_object(case).count() == before


def _detail_routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace or ""
            yield from _detail_routes(
                entry.url_patterns, prefix + (f"{namespace}:" if namespace else "")
            )
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", None)
            # Users are not tenant rows; their page is tested in test_users_admin.
            if view is not None and issubclass(view, TenantDetailView) and entry.name:
                if not issubclass(view.model, JurisdictionModel):
                    continue
                yield prefix + entry.name, view.model


DETAIL_ROUTES = sorted(set(_detail_routes(get_resolver().url_patterns)), key=lambda r: r[0])


def test_every_detail_page_is_found():
    names = {name for name, _model in DETAIL_ROUTES}
    assert {
        "core:bureau_detail",
        "core:office_detail",
        "registry:mediator_detail",
        "registry:committee_detail",
        "registry:training_detail",
        "mediation:case_detail",
        "mediation:ranking_detail",
        "publication:publication_detail",
        "complaints:complaint_detail",
    } <= names


@pytest.mark.parametrize(("name", "model"), DETAIL_ROUTES, ids=[n for n, _m in DETAIL_ROUTES])
def test_every_detail_page_shows_the_readable_history(world, login, name, model):
    with all_regions():
        obj = FACTORIES[model](world, "a")
    role = _role(world["a"]["admin_user"])
    with acting(role):
        # One change every kind of record has, written as the city's bureau admin.
        LogEntry.objects.log_create(
            obj, action=LogEntry.Action.UPDATE, changes={"region": [None, obj.region_id]}
        )
    response = login(world["a"]["admin_user"]).get(reverse(name, args=[obj.pk]))
    assert response.status_code == 200
    section = _section(response.content.decode())
    assert "变更记录" in section
    rows = _rows(section)
    assert rows and "修改" in rows[0] and "司法局管理员" in rows[0]
    assert f"行政区划：— → {obj.region.name}" in _changes(section)
    assert all(isinstance(e, history.Entry) for e in response.context["history"])


def test_the_holiday_schedule_page_shows_the_readable_history(world, login):
    client = login(world["a"]["admin_user"])
    response = client.post(
        reverse("core:workday_edit", args=[2099]),
        {"holidays": "2099-10-01\n2099-10-02", "workdays": ""},
    )
    assert response.status_code == 302
    section = _section(client.get(reverse("core:workday_edit", args=[2099])).content.decode())
    assert "放假日期：2099-10-01、2099-10-02" in _changes(section)
    assert "新建" in _rows(section)[0]
