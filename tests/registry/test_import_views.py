"""The import pages: files that cannot be imported at all are refused beside the
field and never stored; a dry run lists every bad row or offers "Import now"; big
files run as jobs; only roles that write may import."""

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from core.imports import check_file
from core.models import Job, JobStatus
from core.tenancy import all_regions
from registry.excel.templates import COMMITTEE_COLUMNS, MEDIATOR_COLUMNS
from registry.models import Committee, Mediator
from tests.factories import CommitteeFactory, RoleFactory, UserFactory
from tests.registry.test_import_mediators import counts, header, mediator_row, workbook

URL = reverse("registry:roster_import")


@pytest.fixture
def clerk(world, login):
    with all_regions():
        CommitteeFactory(code="TWH-A1", region=world["a"]["village"])
    return login(world["a"]["clerk_user"])


def upload(client, content, name="roster.xlsx", kind="mediators"):
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def _file_errors(response):
    assert response.status_code == 200, "the form is shown again"
    return response.context["form"].errors["file"]


def jobs():
    with all_regions():
        return list(Job.objects.order_by("pk"))


def _nothing_stored(settings):
    imports = settings.MEDIA_ROOT / "imports"
    return not imports.exists() or not any(imports.iterdir())


def test_the_page_offers_both_templates_and_the_form(clerk):
    response = clerk.get(URL)
    assert response.status_code == 200
    assert b"kind=mediators" in response.content and b"kind=committees" in response.content


@pytest.mark.parametrize(
    ("kind", "columns"), [("mediators", MEDIATOR_COLUMNS), ("committees", COMMITTEE_COLUMNS)]
)
def test_a_template_has_the_headers_pick_lists_and_an_instructions_sheet(clerk, kind, columns):
    response = clerk.get(reverse("registry:roster_import_template") + f"?kind={kind}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    sheet, guide = book.worksheets
    assert [c.value for c in sheet[1]] == [str(c.header) for c in columns]
    assert sheet.max_row == 1, "no example row to import by mistake"
    lists = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert lists, "choice columns have pick lists"
    assert [
        row[0] for row in guide.iter_rows(min_row=2, max_row=len(columns) + 1, values_only=True)
    ] == [str(c.header) for c in columns]


def test_an_unknown_template_is_not_found(clerk):
    assert clerk.get(reverse("registry:roster_import_template")).status_code == 404


def test_an_empty_file_is_refused(clerk, settings):
    assert _file_errors(upload(clerk, b""))
    assert _nothing_stored(settings)


def test_check_file_refuses_an_empty_file():
    with pytest.raises(Exception) as refused:
        check_file(SimpleUploadedFile("empty.xlsx", b""))
    assert refused.value.code == "empty"


def test_a_50_mb_upload_is_refused_with_the_limit(clerk, settings):
    before = counts()
    errors = _file_errors(upload(clerk, bytes(50 * 1024 * 1024)))
    assert "50.0" in errors[0] and "10.0" in errors[0]  # its size and the limit
    assert _nothing_stored(settings) and counts() == before


def test_the_size_limit_comes_from_the_settings(clerk, settings):
    settings.IMPORT_MAX_BYTES = 1000
    content = workbook(MEDIATOR_COLUMNS, [mediator_row(n) for n in range(1, 30)])
    assert len(content) > 1000
    assert "1000" in _file_errors(upload(clerk, content))[0].replace("\xa0", "")


def test_an_old_xls_file_is_refused_with_what_to_do(clerk, settings):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    for name in ("roster.xls", "roster.xlsx"):
        errors = _file_errors(upload(clerk, xls, name=name))
        assert errors == [
            _("This is an old Excel file (.xls). Open it in Excel or WPS and save it as .xlsx.")
        ]
    assert _nothing_stored(settings)


def test_a_file_renamed_to_xlsx_is_refused(clerk, settings):
    not_a_workbook = _("This is not an Excel workbook (.xlsx).")
    assert _file_errors(upload(clerk, "姓名,身份证号\n".encode())) == [not_a_workbook]
    document = BytesIO()
    with zipfile.ZipFile(document, "w") as archive:  # a Word file is a zip too
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert _file_errors(upload(clerk, document.getvalue())) == [not_a_workbook]
    zipped = workbook(MEDIATOR_COLUMNS, [mediator_row(1)])
    assert _file_errors(upload(clerk, zipped, name="roster.csv")) == [not_a_workbook]
    assert _nothing_stored(settings)


def test_a_damaged_workbook_is_refused(clerk):
    content = workbook(MEDIATOR_COLUMNS, [mediator_row(1)])
    broken = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.endswith("sheet1.xml") else data)
    assert _file_errors(upload(clerk, broken.getvalue()))


def test_merged_cells_are_refused_naming_the_range(clerk, settings):
    book = Workbook()
    sheet = book.active
    sheet.append([str(c.header) for c in MEDIATOR_COLUMNS])
    row = mediator_row(1)
    sheet.append([row.get(c.key) for c in MEDIATOR_COLUMNS])
    sheet.append([row.get(c.key) for c in MEDIATOR_COLUMNS])
    sheet.merge_cells("N2:N3")
    buffer = BytesIO()
    book.save(buffer)
    errors = _file_errors(upload(clerk, buffer.getvalue()))
    assert "N2:N3" in errors[0]
    assert _nothing_stored(settings)


def test_missing_and_renamed_headers_are_named(clerk, settings):
    headers = [str(c.header) for c in MEDIATOR_COLUMNS]
    headers[0] = "身份证"  # renamed
    del headers[1]  # the name column is missing
    content = workbook(MEDIATOR_COLUMNS[1:], [], headers=headers)
    message = _file_errors(upload(clerk, content))[0]
    assert header(MEDIATOR_COLUMNS, "id_number") in message
    assert header(MEDIATOR_COLUMNS, "name") in message
    assert "身份证" in message  # what was found instead
    assert _nothing_stored(settings)


def test_a_committee_file_uploaded_as_mediators_is_refused_by_its_headers(clerk):
    content = workbook(COMMITTEE_COLUMNS, [{"code": "TWH-1"}])
    assert _file_errors(upload(clerk, content, kind="mediators"))


def test_a_file_with_a_bad_row_lists_it_and_offers_no_import(clerk, settings):
    before = counts()
    content = workbook(MEDIATOR_COLUMNS, [mediator_row(1), mediator_row(2, starts_on="明天")])
    response = upload(clerk, content)
    (job,) = jobs()
    assert response.url == reverse("registry:roster_import_result", args=[job.uuid])
    page = clerk.get(response.url)
    assert page.context["report"]["errors"] == [
        {
            "row": 3,
            "column": header(MEDIATOR_COLUMNS, "starts_on"),
            "message": page.context["report"]["errors"][0]["message"],
        }
    ]
    assert b'data-testid="import-errors"' in page.content
    assert b'data-testid="import-now"' not in page.content
    assert counts() == before
    assert _nothing_stored(settings), "a refused file is deleted"


def test_a_clean_file_is_checked_then_imported_with_the_button(clerk, settings):
    content = workbook(MEDIATOR_COLUMNS, [mediator_row(1), mediator_row(2)])
    response = upload(clerk, content)
    page = clerk.get(response.url)
    assert page.context["report"]["new"] == 2 and page.context["may_import"]
    assert b'data-testid="import-now"' in page.content
    with all_regions():
        assert Mediator.objects.count() == 0, "the check wrote nothing"
    response = clerk.post(response.url)
    real = jobs()[-1]
    assert response.url == reverse("registry:roster_import_result", args=[real.uuid])
    assert real.result["dry_run"] is False and real.result["new"] == 2
    with all_regions():
        assert Mediator.objects.count() == 2
    assert _nothing_stored(settings), "the imported file is deleted"
    # The button of the first check cannot import the same file twice.
    again = clerk.post(reverse("registry:roster_import_result", args=[jobs()[0].uuid]))
    assert again.url == URL


def test_a_file_of_more_than_1000_rows_runs_as_a_job(clerk, django_capture_on_commit_callbacks):
    rows = [mediator_row(n, phone="") for n in range(1, 1002)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(clerk, workbook(MEDIATOR_COLUMNS, rows))
    (dry,) = jobs()
    assert dry.status == JobStatus.DONE and dry.result["new"] == 1001 and dry.total
    assert response.url == reverse("registry:roster_import_result", args=[dry.uuid])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        clerk.post(response.url)
    assert callbacks, "the real run was queued as a job too"
    real = jobs()[-1]
    assert real.status == JobStatus.DONE and real.result["new"] == 1001
    with all_regions():
        assert Mediator.objects.count() == 1001


def test_the_result_page_polls_while_the_job_runs(clerk, world):
    with all_regions():
        job = Job.objects.create(
            region=world["a"]["office"].region,
            kind="import_mediators",
            created_by=world["a"]["clerk_user"],
            role=world["a"]["clerk_role"],
            total=10,
            done=4,
        )
    page = clerk.get(reverse("registry:roster_import_result", args=[job.uuid]))
    assert b"hx-trigger" in page.content and b"40%" in page.content
    partial = clerk.get(
        reverse("registry:roster_import_result", args=[job.uuid]), HTTP_HX_REQUEST="true"
    )
    assert partial.content.lstrip().startswith(b'<div id="import-status"')


@pytest.mark.parametrize("key", ["finance_user"])
def test_roles_that_do_not_write_may_not_import(world, login, key):
    client = login(world["a"][key])
    assert client.get(URL).status_code == 403
    content = workbook(MEDIATOR_COLUMNS, [mediator_row(1)])
    assert upload(client, content).status_code == 403


def test_an_auditor_may_not_import(world, login):
    with all_regions():
        auditor = RoleFactory(
            user=UserFactory(username="a_auditor"), kind="auditor", bureau=world["a"]["city_bureau"]
        ).user
    assert login(auditor).get(URL).status_code == 403


def test_committees_import_through_the_same_pages(clerk, world):
    row = {
        "code": "TWH-NEW1",
        "name": "新村人民调解委员会",
        "kind": _("Village/community committee"),
        "region": world["a"]["village"].code,
        "office": world["a"]["office"].name,
        "filing_status": _("Filed"),
        "filed_on": "2020-05-01",
    }
    response = upload(clerk, workbook(COMMITTEE_COLUMNS, [row]), kind="committees")
    assert jobs()[0].result["new"] == 1, jobs()[0].result
    clerk.post(response.url)
    with all_regions():
        committee = Committee.objects.get(code="TWH-NEW1")
    assert committee.filed_with_office == world["a"]["office"]
