"""A school that keeps its figures in Excel, in a real browser: Lào Cai's editor
downloads the template, fills it in (openpyxl here, as a spreadsheet program would),
uploads it, reads the dry run, confirms and finds the figures in the form; then sends
a broken file and gets the exact list of cells to fix, with nothing changed.

The live server commits what the browser does: the test removes Lào Cai's 2024-H1
submission and uploads before and after, and keeps uploaded files in a temporary
media folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from playwright.sync_api import expect

from imports.models import BulkUpload
from submissions.models import AuditEntry, Submission, Upload, Value
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

SLUG = "laocai"
PERIOD = "2024-H1"
FORM = f"/submissions/{PERIOD}/"
PAGE = f"/submissions/{PERIOD}/upload/"

# Seed 000's first half-year, as a school would type it into the template: numbers,
# and one figure typed as text the Vietnamese way.
FIGURES: dict[str, object] = {
    "training.classes": 41,
    "training.learners": "2.658",
    "training.intermediate.classes": 25,
    "training.intermediate.learners": 1793,
    "training.classes.carried_over": 22,
    "research.projects": 0,
}
BROKEN: dict[str, object] = {
    "training.classes": "1,5",
    "training.learners": -3,
    "research.projects": "nhiều",
}


def forget() -> None:
    with schema_context(SLUG):
        Submission.objects.filter(period__code=PERIOD).delete()
        Upload.objects.filter(period__code=PERIOD).delete()


@pytest.fixture
def clean_upload(db: None, settings, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # django-tenants' storage caches MEDIA_ROOT/<schema>; forget it both ways.
    storages["default"].__dict__.pop("relative_media_root", None)
    forget()
    yield
    forget()
    storages["default"].__dict__.pop("relative_media_root", None)


def stored_values() -> dict[str, int | None]:
    with schema_context(SLUG):
        return dict(
            Value.objects.filter(submission__period__code=PERIOD).values_list("code", "value")
        )


def fill(template: Path, values: dict[str, object], out: Path) -> dict[str, int]:
    """Type values into the template's "Giá trị" column; return each code's row."""
    workbook = load_workbook(template)
    sheet = workbook["Số liệu"]
    header = [cell.value for cell in sheet[1]]
    code_column, value_column = header.index("Mã chỉ tiêu"), header.index("Giá trị")
    rows: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=3):
        code = row[code_column].value
        if code in values:
            row[value_column].value = values[code]
            rows[str(code)] = row[value_column].row
    assert set(rows) == set(values)
    workbook.save(out)
    return rows


def test_school_fills_the_excel_template_and_uploads_it(site, new_page, clean_upload, tmp_path):
    page = new_page()
    login(page, site, SLUG, "laocai-editor")

    # From the form to the upload page.
    page.goto(site.url(SLUG, FORM))
    links = page.locator("#upload-links")
    expect(links).to_contain_text("Tải mẫu Excel")
    links.get_by_role("link", name="Tải tệp lên").click()
    page.wait_for_url(site.url(SLUG, PAGE))
    expect(page.locator("h1")).to_have_text("Tải số liệu từ tệp: báo cáo 6 tháng đầu năm 2024")
    expect(page.locator("#upload-limit")).to_have_text("Tệp .xlsx hoặc .csv, tối đa 5 MB.")
    assert page.locator("#upload-file").get_attribute("accept") == ".xlsx,.csv"
    screenshot(page, "upload-0-page-vi")

    # Download the template, as a person would.
    with page.expect_download() as downloading:
        page.locator("#template-xlsx").click()
    download = downloading.value
    assert download.suggested_filename == f"{SLUG}-{PERIOD}.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    # Fill it in and upload it: a dry run first.
    filled = tmp_path / "Lào Cai 6 tháng 2024.xlsx"
    fill(template, FIGURES, filled)
    page.set_input_files("#upload-file", str(filled))
    page.get_by_role("button", name="Chạy thử", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#result-message")).to_have_text(
        "Chạy thử: 6 chỉ tiêu sẽ thay đổi khi xác nhận."
    )
    changes = page.locator("#upload-changes tr.change")
    expect(changes).to_have_count(6)
    learners = page.locator('#upload-changes tr[data-code="training.learners"]')
    expect(learners.locator("th")).to_have_text("Tổng số học viên (lượt học viên)")
    expect(learners.locator("td.diff")).to_have_text("(trống) → 2.658")
    expect(page.locator('#upload-changes tr[data-code="research.projects"] td.diff')).to_have_text(
        "(trống) → 0"
    )
    assert stored_values() == {}  # a dry run saves nothing
    screenshot(page, "upload-1-dry-run-vi")

    # Confirm: the kept file is applied, and the form shows the figures.
    page.get_by_role("button", name="Xác nhận cập nhật").click()
    page.wait_for_url(site.url(SLUG, FORM))
    expect(page.locator(".messages")).to_contain_text("Đã cập nhật 6 chỉ tiêu từ tệp.")
    expect(page.locator("#f-training-learners")).to_have_value("2.658")
    expect(page.locator("#f-training-intermediate-learners")).to_have_value("1.793")
    expect(page.locator("#f-research-projects")).to_have_value("0")
    screenshot(page, "upload-2-applied-form-vi", full_page=False)
    applied = stored_values()
    assert applied == {
        "training.classes": 41,
        "training.learners": 2658,
        "training.intermediate.classes": 25,
        "training.intermediate.learners": 1793,
        "training.classes.carried_over": 22,
        "research.projects": 0,
    }
    with schema_context(SLUG):
        channels = set(
            AuditEntry.objects.filter(submission__period__code=PERIOD).values_list(
                "channel", "username"
            )
        )
    assert channels == {("upload", "laocai-editor")}

    # A broken file: every bad cell listed with its place; nothing changes.
    broken = tmp_path / "sai.xlsx"
    rows = fill(template, BROKEN, broken)
    page.goto(site.url(SLUG, PAGE))
    page.set_input_files("#upload-file", str(broken))
    page.get_by_role("button", name="Chạy thử", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#result-message")).to_have_text("Tệp có lỗi; chưa có gì được lưu.")
    errors = page.locator("#upload-errors tr.problem")
    expect(errors).to_have_count(3)
    listed = [
        (
            row.locator("td.sheet").inner_text(),
            row.locator("td.row-number").inner_text(),
            row.locator("td.column").inner_text(),
            row.get_attribute("data-code"),
        )
        for row in errors.all()
    ]
    assert listed == [
        ("Số liệu", str(rows[code]), "F", code)
        for code in sorted(BROKEN, key=lambda code: rows[code])
    ]
    messages = {
        row.get_attribute("data-code"): row.locator("td.message").inner_text()
        for row in errors.all()
    }
    assert "“1,5” không rõ nghĩa" in messages["training.classes"]
    assert "số âm" in messages["training.learners"]
    assert "Không đọc được “nhiều” thành một số" in messages["research.projects"]
    expect(page.get_by_role("button", name="Xác nhận cập nhật")).to_have_count(0)
    assert stored_values() == applied
    screenshot(page, "upload-3-errors-vi")

    # The history: the refused file, the applied one and its dry run.
    history = page.locator("table.upload-history tbody tr")
    expect(history).to_have_count(3)
    outcomes = [row.locator(".badge").inner_text() for row in history.all()]
    assert outcomes == ["Có lỗi", "Đã cập nhật", "Chạy thử"]
    expect(history.nth(1)).to_contain_text("Lào Cai 6 tháng 2024.xlsx")

    # The same refusal, in English.
    page.locator(".lang button[value=en]").click()
    page.wait_for_load_state()
    page.set_input_files("#upload-file", str(broken))
    page.get_by_role("button", name="Dry run", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#result-message")).to_have_text(
        "The file has errors; nothing has been saved."
    )
    expect(page.locator("#upload-errors tr.problem")).to_have_count(3)
    expect(
        page.locator('#upload-errors tr[data-code="training.learners"] td.message')
    ).to_contain_text("negative")
    screenshot(page, "upload-4-errors-en")
    assert stored_values() == applied
    assert page.locator("#upload-errors thead").inner_text().split("\t")[:3] == [
        "Sheet",
        "Row",
        "Column",
    ]


BULK_SCHOOLS = [("laichau", "2023-H1"), ("sonla", "2023-H1")]
BULK_NAME = "bo-sung-2023.csv"


def forget_bulk() -> None:
    for slug, code in BULK_SCHOOLS:
        with schema_context(slug):
            Submission.objects.filter(period__code=code).delete()
    BulkUpload.objects.filter(original_name=BULK_NAME).delete()


@pytest.fixture
def clean_bulk(db: None, settings, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    storages["default"].__dict__.pop("relative_media_root", None)
    forget_bulk()
    yield
    forget_bulk()
    storages["default"].__dict__.pop("relative_media_root", None)


def test_department_backfills_two_schools_from_one_file(site, new_page, clean_bulk, tmp_path):
    page = new_page()
    login(page, site, None, "department")
    page.goto(site.url(None, "/uploads/bulk/"))
    expect(page.locator("h1")).to_have_text("Nhập số liệu hàng loạt")
    expect(page.locator("#scope")).to_contain_text("Mọi trường và mọi kỳ")

    data = tmp_path / BULK_NAME
    data.write_text(
        "trường,kỳ,chỉ tiêu,giá trị\n"
        "laichau,2023-H1,training.classes,18\n"
        'laichau,2023-H1,training.learners,"1.020"\n'
        "sonla,2023-H1,Tổng số lớp đào tạo bồi dưỡng,27\n",
        encoding="utf-8",
    )
    page.set_input_files("#upload-file", str(data))
    page.get_by_role("button", name="Chạy thử", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#result-message")).to_have_text(
        "Chạy thử: 3 giá trị sẽ thay đổi khi xác nhận."
    )
    groups = page.locator("section.change-group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0).locator("h4")).to_contain_text("Trường Chính trị tỉnh Lai Châu")
    expect(groups.nth(0).locator("h4")).to_contain_text("6 tháng đầu năm 2023")
    expect(groups.nth(0).locator('tr[data-code="training.learners"] td.diff')).to_have_text(
        "(trống) → 1.020"
    )
    expect(groups.nth(1).locator('tr[data-code="training.classes"]')).to_contain_text("27")
    screenshot(page, "upload-5-bulk-dry-run-vi")

    page.get_by_role("button", name="Xác nhận cập nhật").click()
    page.wait_for_url(site.url(None, "/uploads/bulk/"))
    expect(page.locator(".messages")).to_contain_text("Đã cập nhật 3 giá trị cho 2 trường.")
    screenshot(page, "upload-6-bulk-applied-vi", full_page=False)
    with schema_context("laichau"):
        laichau = dict(
            Value.objects.filter(submission__period__code="2023-H1").values_list("code", "value")
        )
    with schema_context("sonla"):
        sonla = dict(
            Value.objects.filter(submission__period__code="2023-H1").values_list("code", "value")
        )
    assert laichau == {"training.classes": 18, "training.learners": 1020}
    assert sonla == {"training.classes": 27}
