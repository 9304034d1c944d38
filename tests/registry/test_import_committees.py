"""Importing committees, matched on their code: the model's rules per row, the region
inside the jurisdiction, filing derived as the rules say, and a second import of the
same file changing nothing."""

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from core.imports import run_import
from core.tenancy import all_regions, jurisdiction
from registry.excel.importers import CommitteeImporter
from registry.excel.templates import COMMITTEE_COLUMNS
from registry.models import Committee
from tests.factories import CommitteeFactory
from tests.registry.test_import_mediators import header, workbook


def committee_row(world, n=1, **values):
    return {
        "code": f"TWH-IMP{n:03d}",
        "name": f"导入村人民调解委员会{n}",
        "kind": _("Village/community committee"),
        "region": world["a"]["village"].code,
        "office": world["a"]["office"].name,
        "address": "人民路1号",
        "phone": "0575-88001234",
        "founded_on": "2015-03-01",
        "filing_status": _("Filed"),
        "filed_on": "2015-04-01",
        **values,
    }


def run(world, rows, *, dry_run=False, prefix="330602"):
    content = workbook(COMMITTEE_COLUMNS, rows)
    with jurisdiction(prefix):
        return run_import(
            CommitteeImporter(actor=world["a"]["county_user"]), BytesIO(content), dry_run=dry_run
        )


def state():
    with all_regions():
        return (
            Committee._base_manager.count(),
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Committee)
            ).count(),
        )


def errors_of(report):
    return {(e.row, e.column) for e in report.errors}


def test_committees_import_with_their_filing_derived_and_audited(world):
    rows = [
        committee_row(world, 1),
        committee_row(
            world,
            2,
            kind="county",  # a code works as well as the label
            region=world["a"]["county"].code[:6],  # and a division code's prefix
            office="",
        ),
    ]
    report = run(world, rows)
    assert report.ok, report.errors
    assert report.new == 2
    with all_regions():
        village = Committee.objects.get(code="TWH-IMP001")
        county = Committee.objects.get(code="TWH-IMP002")
        assert village.filed_with_office == world["a"]["office"]
        assert county.kind == "county" and county.filed_with_bureau == world["a"]["county_bureau"]
        assert LogEntry.objects.get_for_object(village).count() == 1


def test_importing_the_same_committees_again_changes_nothing(world):
    rows = [committee_row(world, 1), committee_row(world, 2)]
    assert run(world, rows).ok
    before = state()
    report = run(world, rows)
    assert (report.new, report.changed, report.unchanged) == (0, 0, 2)
    assert state() == before


def test_a_changed_committee_is_updated(world):
    assert run(world, [committee_row(world, 1)]).ok
    report = run(world, [committee_row(world, 1, address="新华路2号")])
    assert report.changed == 1
    with all_regions():
        assert Committee.objects.get(code="TWH-IMP001").address == "新华路2号"


def test_every_bad_committee_row_is_reported_and_nothing_is_written(world):
    rows = [
        committee_row(world, 1),
        committee_row(world, 2, region=world["b"]["village"].code),  # another city
        committee_row(world, 3, kind=_("Industry/professional committee")),  # no field
        committee_row(world, 4, founded_on="去年"),  # text in a date column
        committee_row(world, 5, office="不存在的司法所"),
        committee_row(world, 6, region="12345"),  # not a division code
        committee_row(world, 7, kind=_("Township/street committee")),  # in a village
    ]
    before = state()
    report = run(world, rows)
    assert errors_of(report) == {
        (3, header(COMMITTEE_COLUMNS, "region")),
        (4, header(COMMITTEE_COLUMNS, "industry_field")),
        (5, header(COMMITTEE_COLUMNS, "founded_on")),
        (6, header(COMMITTEE_COLUMNS, "office")),
        (7, header(COMMITTEE_COLUMNS, "region")),
        (8, header(COMMITTEE_COLUMNS, "region")),
    }
    assert state() == before


def test_a_code_used_by_another_bureau_is_refused(world):
    with all_regions():
        CommitteeFactory(code="TWH-IMP001", region=world["b"]["village"])
    report = run(world, [committee_row(world, 1)])
    assert errors_of(report) == {(2, header(COMMITTEE_COLUMNS, "code"))}


def test_a_filed_village_committee_without_an_office_is_refused_on_the_filing_column(world):
    report = run(world, [committee_row(world, 1, office="")])
    assert errors_of(report) == {(2, header(COMMITTEE_COLUMNS, "filing_status"))}


def test_the_same_code_twice_in_the_file_is_refused(world):
    report = run(world, [committee_row(world, 1), committee_row(world, 1, name="重复")])
    assert errors_of(report) == {(3, header(COMMITTEE_COLUMNS, "code"))}


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_workbook_with_only_headers_imports_nothing_and_says_so(world, dry_run):
    report = run(world, [], dry_run=dry_run)
    assert not report.ok and report.errors[0].row == 0
