"""Importing mediators with their posts: every bad row is reported with its row number
and column, and nothing is written unless every row is good. Also the helpers the
other Excel tests use to build workbooks."""

import datetime
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.imports import run_import
from core.personal import make_id_number
from core.tenancy import all_regions, jurisdiction
from registry.excel.importers import MediatorImporter
from registry.excel.templates import MEDIATOR_COLUMNS
from registry.models import Appointment, Mediator
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

BORN = datetime.date(1980, 5, 17)


def header(columns, key) -> str:
    return next(str(c.header) for c in columns if c.key == key)


def workbook(columns, rows, headers=None) -> bytes:
    """An .xlsx with the columns' headers (or *headers*) and one row per dict."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers or [str(c.header) for c in columns])
    for row in rows:
        sheet.append([row.get(c.key) for c in columns])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mediator_row(n=1, **values):
    """A good row: labels as a user types them."""
    born = BORN + datetime.timedelta(days=n // 500)  # 500 ID numbers per birth date
    return {
        "id_number": make_id_number("330602", born, n, "M"),
        "name": f"导入调解员{n}",
        "gender": _("Male"),
        "birth_date": born,
        "phone": f"1391234{n:04d}",
        "education": _("Junior college"),
        "political_status": _("CPC member"),
        "background": _("Lawyer"),
        "expertise": "",
        "volunteer": _("No"),
        "expert_pool": _("Yes"),
        "bank_name": "中国农业银行",
        "bank_account": f"62284800123456{n:05d}",
        "committee": "TWH-A1",
        "post": _("Mediator"),
        "full_time": _("No"),
        "paid_by": _("Justice bureau"),
        "starts_on": datetime.date(2024, 1, 1),
        **values,
    }


def counts():
    """Mediators, posts and their audit entries (jobs have audit entries of their own)."""
    with all_regions():
        return (
            Mediator._base_manager.count(),
            Appointment._base_manager.count(),
            LogEntry.objects.filter(
                content_type__in=ContentType.objects.get_for_models(Mediator, Appointment).values()
            ).count(),
        )


def run(rows, user, *, dry_run=False, prefix="330602001", columns=MEDIATOR_COLUMNS):
    content = workbook(columns, rows)
    with jurisdiction(prefix):
        return run_import(MediatorImporter(actor=user), BytesIO(content), dry_run=dry_run)


def errors_of(report):
    return {(e.row, e.column) for e in report.errors}


@pytest.fixture
def committees(world):
    with all_regions():
        return {
            "a": CommitteeFactory(code="TWH-A1", region=world["a"]["village"]),
            "a_other": CommitteeFactory(code="TWH-A2", region=world["a"]["village"]),
            "b": CommitteeFactory(code="TWH-B1", region=world["b"]["village"]),
        }


@pytest.fixture
def clerk(world, committees):
    return world["a"]["clerk_user"]


def test_a_clean_file_imports_mediators_with_their_posts_and_audits_them(clerk, committees):
    rows = [mediator_row(1, expertise="婚姻家庭、邻里纠纷"), mediator_row(2, full_time=_("Yes"))]
    before = counts()
    report = run(rows, clerk)
    assert report.ok, report.errors
    assert (report.rows, report.new, report.changed, report.unchanged) == (2, 2, 0, 0)
    with all_regions():
        mediator = Mediator.objects.get(name="导入调解员1")
        assert mediator.id_number == rows[0]["id_number"]
        assert mediator.region_id == committees["a"].region_id
        assert mediator.expert_pool and not mediator.volunteer
        assert {f.name for f in mediator.expertise.all()} == {"婚姻家庭", "邻里纠纷"}
        post = Appointment.objects.get(mediator__name="导入调解员2")
        assert post.full_time and post.committee == committees["a"]
        assert post.paid_by == "bureau" and post.starts_on == datetime.date(2024, 1, 1)
        entry = LogEntry.objects.get_for_object(mediator).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == clerk
        assert entry.changes_dict["id_number"][1] == "******"  # masked, as auditlog masks
        assert LogEntry.objects.get_for_object(post).get().action == LogEntry.Action.CREATE
    assert counts()[:2] == (before[0] + 2, before[1] + 2)


def test_a_dry_run_validates_and_counts_but_writes_nothing(clerk):
    before = counts()
    report = run([mediator_row(1), mediator_row(2)], clerk, dry_run=True)
    assert report.ok and report.dry_run and report.new == 2
    assert counts() == before


def test_importing_the_same_file_again_changes_nothing_and_logs_nothing(clerk):
    rows = [mediator_row(1, expertise="婚姻家庭"), mediator_row(2, full_time=_("Yes"))]
    assert run(rows, clerk).ok
    before = counts()
    # The same people typed differently: codes for labels, spaces in the phone number.
    rows[1] = {**rows[1], "phone": "139 1234 0002", "post": "mediator", "gender": ""}
    report = run(rows, clerk)
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 2)
    assert counts() == before


def test_a_changed_row_updates_the_mediator_and_is_audited_as_an_edit(clerk):
    assert run([mediator_row(1), mediator_row(2)], clerk).ok
    before = counts()
    report = run([mediator_row(1, name="改名调解员"), mediator_row(2)], clerk)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    with all_regions():
        mediator = Mediator.objects.get(name="改名调解员")
        assert LogEntry.objects.get_for_object(mediator).latest("timestamp").changes_dict[
            "name"
        ] == ["导入调解员1", "改名调解员"]
    assert counts() == (before[0], before[1], before[2] + 1)


def test_a_new_post_of_a_registered_mediator_is_added_to_the_career(clerk, committees):
    assert run([mediator_row(1)], clerk).ok
    report = run([mediator_row(1, committee="TWH-A2", starts_on=datetime.date(2025, 3, 1))], clerk)
    assert (report.new, report.changed) == (0, 1)
    with all_regions():
        assert Appointment.objects.filter(mediator__name="导入调解员1").count() == 2


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(clerk):
    wrong_check_digit = mediator_row(3)["id_number"][:17] + (
        "0" if mediator_row(3)["id_number"][17] != "0" else "1"
    )
    rows = [
        mediator_row(1),
        mediator_row(2, starts_on="上个月"),  # row 3: text in a date column
        mediator_row(3, id_number=wrong_check_digit),  # row 4
        mediator_row(4, committee="TWH-B1"),  # row 5: a committee of another city
        mediator_row(5, education="博士后", volunteer="也许"),  # row 6: two errors
        mediator_row(6),
    ]
    before = counts()
    report = run(rows, clerk)
    column = {key: header(MEDIATOR_COLUMNS, key) for key in ("starts_on", "id_number", "committee")}
    assert errors_of(report) == {
        (3, column["starts_on"]),
        (4, column["id_number"]),
        (5, column["committee"]),
        (6, header(MEDIATOR_COLUMNS, "education")),
        (6, header(MEDIATOR_COLUMNS, "volunteer")),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "上个月" in messages[(3, column["starts_on"])]
    assert messages[(4, column["id_number"])] == _(
        "The check digit of this ID card number is wrong; please check each digit."
    )
    assert messages[(5, column["committee"])] == _(
        "No committee with this code in your jurisdiction."
    )
    assert counts() == before


def test_an_impossible_birth_date_in_the_id_number_is_refused(clerk):
    number = make_id_number("330602", BORN, 7, "M")
    impossible = number[:10] + "1345" + number[14:]  # month 13
    report = run([mediator_row(1), mediator_row(2, id_number=impossible)], clerk)
    assert errors_of(report) == {(3, header(MEDIATOR_COLUMNS, "id_number"))}
    assert counts()[0] == 0


def test_a_birth_date_that_contradicts_the_id_number_is_refused_on_its_column(clerk):
    report = run([mediator_row(1, birth_date=datetime.date(1981, 1, 1))], clerk)
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "birth_date"))}
    assert counts()[0] == 0


def test_the_same_id_number_twice_in_the_file_is_refused_naming_the_first_row(clerk):
    rows = [
        mediator_row(1),
        mediator_row(2),
        mediator_row(3, id_number=mediator_row(1)["id_number"]),
    ]
    report = run(rows, clerk)
    assert errors_of(report) == {(4, header(MEDIATOR_COLUMNS, "id_number"))}
    assert "2" in report.errors[0].message
    assert counts()[0] == 0


def test_an_id_number_registered_by_another_bureau_is_refused(world, clerk):
    with all_regions():
        other = MediatorFactory(region=world["b"]["township"])
    before = counts()
    report = run([mediator_row(1), mediator_row(2, id_number=other.id_number)], clerk)
    assert errors_of(report) == {(3, header(MEDIATOR_COLUMNS, "id_number"))}
    assert report.errors[0].message == _(
        "A mediator with this ID card number is already registered."
    )
    assert counts() == before


def test_a_second_full_time_post_is_refused(world, clerk, committees):
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committees["a"], full_time=True)
    before = counts()
    row = mediator_row(
        1,
        id_number=mediator.id_number,
        name=mediator.name,
        gender="",
        birth_date=None,
        phone=mediator.phone,
        committee="TWH-A2",
        full_time=_("Yes"),
    )
    report = run([row], clerk)
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "full_time"))}
    assert counts() == before


def test_a_post_ending_before_it_starts_is_refused(clerk):
    row = mediator_row(1, ends_on=datetime.date(2023, 1, 1), exit_reason=_("Own request"))
    report = run([row], clerk)
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "ends_on"))}
    assert counts()[0] == 0


def test_a_row_with_a_bad_person_and_a_bad_post_reports_both(clerk):
    row = mediator_row(1, birth_date=datetime.date(1981, 1, 1), ends_on=datetime.date(2023, 1, 1))
    report = run([{**row, "exit_reason": _("Own request")}], clerk)
    assert errors_of(report) == {
        (2, header(MEDIATOR_COLUMNS, "birth_date")),
        (2, header(MEDIATOR_COLUMNS, "ends_on")),
    }


def test_a_committee_outside_the_jurisdiction_is_unknown_even_to_a_sibling_township(
    world, clerk, committees
):
    # The county user of 柯桥区 (a2) does not see 越城区's committee.
    report = run([mediator_row(1)], world["a2"]["county_user"], prefix="330603")
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "committee"))}


def test_a_required_cell_left_blank_is_reported(clerk):
    report = run([mediator_row(1, name=None), mediator_row(2)], clerk)
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "name"))}
    assert report.errors[0].message == _("This field is required.")


def test_an_unknown_expertise_field_is_reported_with_the_known_ones(clerk):
    report = run([mediator_row(1, expertise="婚姻家庭、炼丹")], clerk)
    assert errors_of(report) == {(2, header(MEDIATOR_COLUMNS, "expertise"))}
    assert "炼丹" in report.errors[0].message and "婚姻家庭" in report.errors[0].message


@pytest.mark.parametrize("paid_by", ["", _("Unpaid")])
def test_a_full_time_post_without_a_payer_is_refused_on_its_column(clerk, paid_by):
    rows = [mediator_row(1), mediator_row(2, full_time=_("Yes"), paid_by=paid_by)]
    report = run(rows, clerk)
    assert errors_of(report) == {(3, header(MEDIATOR_COLUMNS, "paid_by"))}
    assert report.errors[0].message == "专职岗位须写明经费来源（出资方），不能为“无报酬”。"
    assert counts()[0] == 0


def test_a_part_time_post_without_a_payer_names_none(clerk):
    assert run([mediator_row(1, paid_by="")], clerk).ok
    with all_regions():
        assert Appointment.objects.get().paid_by == ""


def test_a_stored_full_time_post_without_a_payer_is_left_as_it_is(world, clerk, committees):
    """Rows stored before the rule keep their value; the completeness report lists
    them. Importing the mediator again, payer cell empty, changes nothing."""
    with all_regions():
        mediator = MediatorFactory(region=world["a"]["township"])
        post = AppointmentFactory(
            mediator=mediator,
            committee=committees["a"],
            starts_on=datetime.date(2024, 1, 1),
            paid_by="unpaid",
        )
    row = mediator_row(
        1,
        id_number=mediator.id_number,
        name=mediator.name,
        gender="",
        birth_date=None,
        phone=mediator.phone,
        full_time=_("Yes"),
        paid_by="",
    )
    with all_regions():
        entries = LogEntry.objects.get_for_object(post).count()
    report = run([row], clerk)
    assert report.ok, report.errors
    post.refresh_from_db()
    assert post.paid_by == "unpaid"
    with all_regions():
        assert LogEntry.objects.get_for_object(post).count() == entries  # not rewritten
