"""Exports of the roster lists: the list's filters from the query string, Chinese
headers and real dates, personal numbers masked unless revealed by a role that may
see them (and then audited), and big exports as jobs."""

import datetime
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from core import exports as core_exports
from core.models import Job, JobStatus
from core.tenancy import all_regions
from registry.excel.templates import COMMITTEE_COLUMNS, MEDIATOR_COLUMNS
from registry.models import ExpertiseField, Mediator
from registry.models.mediators import PERSONAL_FIELDS
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory
from tests.registry.test_import_mediators import header


def _sheet(response):
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], sheet


@pytest.fixture
def roster(world):
    with all_regions():
        village = CommitteeFactory(code="TWH-V1", region=world["a"]["village"], name="甲村调委会")
        township = CommitteeFactory(
            code="TWH-T1", region=world["a"]["township"], kind="township", name="甲镇调委会"
        )
        CommitteeFactory(code="TWH-X1", region=world["b"]["village"], name="外市调委会")
        zhang = MediatorFactory(
            region=world["a"]["township"], name="张甲", bank_account="6228480012345678901"
        )
        AppointmentFactory(mediator=zhang, committee=village, starts_on=datetime.date(2023, 2, 3))
        li = MediatorFactory(region=world["a"]["township"], name="李乙")
        AppointmentFactory(mediator=li, committee=township, full_time=False)
        MediatorFactory(region=world["b"]["township"], name="王外")
    return {"zhang": zhang, "li": li}


def _export(client, name, query="", data=None):
    return client.post(reverse(name) + (f"?{query}" if query else ""), data or {})


def test_the_mediator_export_applies_the_list_filters_and_shows_real_dates(world, roster, login):
    rows, sheet = _sheet(
        _export(login(world["a"]["county_user"]), "registry:mediator_export", "q=张")
    )
    assert [r[header(MEDIATOR_COLUMNS, "name")] for r in rows] == ["张甲"]
    row = rows[0]
    assert row[header(MEDIATOR_COLUMNS, "committee")] == "TWH-V1"
    assert row[header(MEDIATOR_COLUMNS, "starts_on")] == datetime.datetime(2023, 2, 3)
    assert sheet.cell(row=2, column=4).number_format == "yyyy-mm-dd"  # the birth date
    # The import template's columns come first, in its order.
    assert [c.value for c in sheet[1]][: len(MEDIATOR_COLUMNS)] == [
        str(c.header) for c in MEDIATOR_COLUMNS
    ]


def test_the_mediator_export_shows_only_the_jurisdiction(world, roster, login):
    rows, _ = _export_rows(login(world["a"]["clerk_user"]))
    assert {r[header(MEDIATOR_COLUMNS, "name")] for r in rows} == {"张甲", "李乙"}


def _export_rows(client, query="", data=None):
    return _sheet(_export(client, "registry:mediator_export", query, data))


def test_personal_numbers_are_masked_by_default_decrypting_nothing_auditing_nothing(
    world, roster, login, monkeypatch
):
    zhang = roster["zhang"]
    masked = {name: mask(getattr(zhang, name)) for name, (_n, mask) in PERSONAL_FIELDS.items()}
    assert masked["id_number"].count("*") == 10 and masked["bank_account"].startswith("**** ")

    def decrypted(*args):
        raise AssertionError("a masked export decrypted a number")

    for name in PERSONAL_FIELDS:  # the masked forms are stored: nothing to decrypt
        monkeypatch.setattr(Mediator._meta.get_field(name), "from_db_value", decrypted)
    before = LogEntry.objects.count()
    rows, _ = _export_rows(login(world["a"]["county_user"]), "q=张")
    for name, shown in masked.items():
        assert rows[0][header(MEDIATOR_COLUMNS, name)] == shown
    assert LogEntry.objects.count() == before


def test_a_clerk_who_asks_sees_id_and_phone_in_full_and_each_reveal_is_audited(
    world, roster, login
):
    rows, _ = _export_rows(login(world["a"]["clerk_user"]), "", {"reveal": "1"})
    by_name = {r[header(MEDIATOR_COLUMNS, "name")]: r for r in rows}
    zhang = roster["zhang"]
    assert by_name["张甲"][header(MEDIATOR_COLUMNS, "id_number")] == zhang.id_number
    assert by_name["张甲"][header(MEDIATOR_COLUMNS, "phone")] == zhang.phone
    # A clerk may not see bank accounts: masked even when asked.
    assert by_name["张甲"][header(MEDIATOR_COLUMNS, "bank_account")] == zhang.bank_account_masked
    with all_regions():
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        assert {e.object_id for e in entries} == {roster["zhang"].pk, roster["li"].pk}
        assert all(e.actor == world["a"]["clerk_user"] for e in entries)
        assert entries.first().changes_dict["revealed"] == ["id_number", "phone"]


def test_finance_that_asks_sees_only_the_bank_account_in_full(world, roster, login):
    rows, _ = _export_rows(login(world["a"]["finance_user"]), "q=张&reveal=1")
    zhang = roster["zhang"]
    assert rows[0][header(MEDIATOR_COLUMNS, "bank_account")] == zhang.bank_account
    assert rows[0][header(MEDIATOR_COLUMNS, "id_number")] == zhang.id_number_masked
    with all_regions():
        entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.changes_dict["revealed"] == ["bank_account"]


def test_the_committee_export_applies_the_filters_and_leaves_deregistered_ones_out(
    world, roster, login
):
    with all_regions():
        CommitteeFactory(
            code="TWH-D1",
            region=world["a"]["village"],
            status="deregistered",
            deregistered_on=datetime.date(2025, 1, 1),
        )
    client = login(world["a"]["county_user"])
    rows, _ = _sheet(_export(client, "registry:committee_export"))
    assert [r[header(COMMITTEE_COLUMNS, "code")] for r in rows] == ["TWH-T1", "TWH-V1"]
    rows, _ = _sheet(_export(client, "registry:committee_export", "kind=village"))
    assert [r[header(COMMITTEE_COLUMNS, "code")] for r in rows] == ["TWH-V1"]
    assert rows[0][header(COMMITTEE_COLUMNS, "founded_on")] == datetime.datetime(2015, 3, 1)


def test_an_export_is_a_post(world, login):
    client = login(world["a"]["county_user"])
    assert client.get(reverse("registry:mediator_export")).status_code == 405


def test_a_big_export_runs_as_a_job_with_a_download(
    world, roster, login, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(core_exports, "STREAM_LIMIT", 1)
    client = login(world["a"]["clerk_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, "registry:mediator_export", "", {"reveal": "1"})
    with all_regions():
        job = Job.objects.get(kind="export_mediators")
    assert response.url == reverse("core:job_detail", args=[job.uuid])
    assert job.status == JobStatus.DONE and job.result["rows"] == 2
    rows, _ = _sheet(client.get(reverse("core:job_download", args=[job.uuid])))
    assert {r[header(MEDIATOR_COLUMNS, "id_number")] for r in rows} == {
        roster["zhang"].id_number,
        roster["li"].id_number,
    }
    with all_regions():
        access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        # Each mediator whose numbers the export showed, and the download of the file.
        assert access.filter(content_type__model="mediator").count() == 2
        (download,) = access.filter(content_type__model="job")
    assert download.changes_dict["revealed"] == ["id_number", "phone"]


def test_filters_that_do_not_validate_send_the_user_back_to_the_list(world, roster, login):
    client = login(world["a"]["county_user"])
    response = _export(client, "registry:committee_export", "kind=no-such-kind")
    assert response.status_code == 302
    assert response.url == reverse("registry:committee_list") + "?kind=no-such-kind"
    page = client.get(response.url).content.decode()
    assert "请先更正筛选条件，再导出。" in page


def test_the_mediator_export_names_the_expertise_in_the_fields_order(world, roster, login):
    first, _second, third = ExpertiseField.objects.all()[:3]
    with all_regions():
        roster["zhang"].expertise.set([third, first])
    rows, _ = _export_rows(login(world["a"]["county_user"]))
    expertise = {
        r[header(MEDIATOR_COLUMNS, "name")]: r[header(MEDIATOR_COLUMNS, "expertise")] for r in rows
    }
    assert expertise == {"张甲": f"{first.name}、{third.name}", "李乙": None}
    # The order is the fields' own, whatever the database gives.
    ExpertiseField.objects.filter(pk=first.pk).update(position=third.position + 1)
    rows, _ = _export_rows(login(world["a"]["county_user"]), "q=张")
    assert rows[0][header(MEDIATOR_COLUMNS, "expertise")] == f"{third.name}、{first.name}"
