"""A school's upload page (hub.views.uploads, school host), through Django's test client:
templates, dry run, confirm, refusals, conflicts, history, access, English."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django_tenants.utils import schema_context

from catalogue.models import Period
from submissions.models import AuditEntry, Channel, Submission, Upload, Value
from submissions.services import Actor, Changes, submission_update
from submissions.spreadsheets import MAX_BYTES
from tenants.models import School
from tests.uploads.test_upload_api import fill_template

SLUG = "laocai"
PERIOD = "2024-H1"
PAGE = f"/submissions/{PERIOD}/upload/"
FORM = f"/submissions/{PERIOD}/"
TEMPLATE_XLSX = f"/api/v1/submissions/{PERIOD}/template.xlsx"


# --- helpers -----------------------------------------------------------------------------


def text(response: HttpResponse) -> str:
    return response.content.decode()


def stored_values(slug: str = SLUG, code: str = PERIOD) -> dict[str, int | None]:
    with schema_context(slug):
        return dict(
            Value.objects.filter(submission__period__code=code).values_list("code", "value")
        )


def version_of(slug: str = SLUG, code: str = PERIOD) -> int:
    with schema_context(slug):
        submission = Submission.objects.filter(period__code=code).first()
        return submission.version if submission else 0


def save(values: dict[str, object], username: str = "laocai-approver") -> None:
    """Figures changed by someone else, through the service (as the form or API would)."""
    submission_update(
        school=School.objects.get(schema_name=SLUG),
        period=Period.objects.get(code=PERIOD),
        expected_version=version_of(),
        changes=Changes(values=dict(values)),
        actor=Actor(user_id=None, username=username, channel=Channel.PAGE),
    )


def template(client) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(TEMPLATE_XLSX)
    assert response.status_code == 200
    return response.content


def dry_run(client, data: bytes, name: str = "laocai.xlsx", **extra):  # type: ignore[no-untyped-def]
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data)}, **extra)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert found, f"no hidden {name}"
    return found.group(1)


def confirm(client, html: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        PAGE,
        {"action": "confirm", "upload": hidden(html, "upload"), "version": hidden(html, "version")},
        **extra,
    )


@pytest.fixture
def editor(world, page_client):  # type: ignore[no-untyped-def]
    return page_client("laocai-editor", SLUG)


# --- the page ------------------------------------------------------------------------------


def test_page_offers_both_templates_and_the_upload_form_with_its_limit(editor):
    response = editor.get(PAGE)
    assert response.status_code == 200
    html = text(response)
    assert f'href="/api/v1/submissions/{PERIOD}/template.xlsx"' in html
    assert f'href="/api/v1/submissions/{PERIOD}/template.csv"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".xlsx,.csv"' in html
    assert "tối đa 5 MB" in html
    assert "Chưa có tệp nào được tải lên cho kỳ này." in html


def test_template_links_work_with_the_page_session(editor):
    """The links go to the API's template routes, which accept the page's session."""
    assert template(editor)[:2] == b"PK"
    csv = editor.get(f"/api/v1/submissions/{PERIOD}/template.csv")
    assert csv.status_code == 200 and csv.content.decode("utf-8-sig").startswith("code,")


def test_form_links_to_the_template_and_the_upload_page(editor):
    html = text(editor.get(FORM))
    links = re.search(r'<nav class="upload-links".*?</nav>', html, re.S)
    assert links
    assert TEMPLATE_XLSX in links.group(0) and PAGE in links.group(0)


# --- dry run and confirm ----------------------------------------------------------------


def test_dry_run_shows_the_diff_the_vietnamese_way_and_saves_nothing(editor):
    save({"training.classes": 20})
    data = fill_template(
        template(editor),
        {"training.classes": "24", "training.learners": "12.378", "research.schemes": 0},
    )
    response = dry_run(editor, data)
    assert response.status_code == 200
    html = text(response)
    assert "Chạy thử: 3 chỉ tiêu sẽ thay đổi khi xác nhận." in html
    rows = dict(re.findall(r'<tr class="change" data-code="([^"]+)">(.*?)</tr>', html, re.S))
    assert list(rows) == ["training.classes", "training.learners", "research.schemes"]
    assert "Tổng số lớp đào tạo, bồi dưỡng" in rows["training.classes"]
    assert '<span class="old">20</span> → <span class="new">24</span>' in rows["training.classes"]
    assert '<span class="new">12.378</span>' in rows["training.learners"]
    assert "(trống)" in rows["training.learners"]
    assert "Xác nhận cập nhật" in html
    assert hidden(html, "version") == "1"
    # Nothing saved; the original is kept as a dry run, with who sent it.
    assert stored_values() == {"training.classes": 20}
    with schema_context(SLUG):
        upload = Upload.objects.get(pk=int(hidden(html, "upload")))
        assert upload.dry_run and not upload.applied
        assert upload.uploaded_by == "laocai-editor" and upload.original_name == "laocai.xlsx"
        assert not AuditEntry.objects.filter(channel=Channel.UPLOAD).exists()


def test_confirm_applies_what_was_shown_with_upload_audit_rows(editor):
    data = fill_template(
        template(editor), {"training.classes": "24", "training.learners": "1.254 học viên"}
    )
    shown = text(dry_run(editor, data))
    response = confirm(editor, shown)
    assert response.status_code == 302 and response["Location"] == FORM
    assert stored_values() == {"training.classes": 24, "training.learners": 1254}
    with schema_context(SLUG):
        audit = list(
            AuditEntry.objects.filter(kind=AuditEntry.Kind.VALUE).values_list(
                "field", "channel", "username", "new"
            )
        )
        applied = Upload.objects.get(dry_run=False)
    assert sorted(audit) == [
        ("training.classes", "upload", "laocai-editor", "24"),
        ("training.learners", "upload", "laocai-editor", "1254"),
    ]
    assert applied.applied and applied.uploaded_by == "laocai-editor"
    form = text(editor.get(FORM))
    assert "Đã cập nhật 2 chỉ tiêu từ tệp." in form
    assert 'value="1.254"' in form


def test_confirm_reads_the_kept_file_not_a_new_one(editor):
    data = fill_template(template(editor), {"training.classes": "24"})
    shown = text(dry_run(editor, data))
    # A file posted with the confirmation is ignored: the kept original is applied.
    other = fill_template(template(editor), {"training.classes": "99"})
    response = editor.post(
        PAGE,
        {
            "action": "confirm",
            "upload": hidden(shown, "upload"),
            "version": hidden(shown, "version"),
            "file": SimpleUploadedFile("other.xlsx", other),
        },
    )
    assert response.status_code == 302
    assert stored_values() == {"training.classes": 24}
    with schema_context(SLUG):
        kept, applied = (
            Upload.objects.get(pk=int(hidden(shown, "upload"))),
            Upload.objects.get(dry_run=False),
        )
    assert applied.sha256 == kept.sha256


def test_broken_file_lists_each_cell_in_vietnamese_and_changes_nothing(editor):
    save({"training.classes": 20})
    data = fill_template(
        template(editor),
        {"training.classes": "1,5", "training.learners": "-3", "research.schemes": "nhiều"},
    )
    response = dry_run(editor, data, name="hong.xlsx")
    assert response.status_code == 400
    html = text(response)
    assert "Tệp có lỗi; chưa có gì được lưu." in html
    problems = re.findall(
        r'<tr class="problem is-error" data-sheet="([^"]*)" data-row="(\d+)" '
        r'data-column="([^"]*)" data-code="([^"]*)">(.*?)</tr>',
        html,
        re.S,
    )
    assert [(sheet, column, code) for sheet, _row, column, code, _cells in problems] == [
        ("Số liệu", "F", "training.classes"),
        ("Số liệu", "F", "training.learners"),
        ("Số liệu", "F", "research.schemes"),
    ]
    assert [int(row) for _s, row, _c, _code, _cells in problems] == sorted(
        int(row) for _s, row, _c, _code, _cells in problems
    )
    cells = [cells for *_rest, cells in problems]
    assert "“1,5” không rõ nghĩa" in cells[0]
    assert "số âm" in cells[1]
    assert "Không đọc được “nhiều” thành một số" in cells[2]
    assert "Tổng số lớp đào tạo, bồi dưỡng" in cells[0]
    assert "Xác nhận cập nhật" not in html and 'name="action" value="confirm"' not in html
    assert stored_values() == {"training.classes": 20}


def test_reuploading_the_same_file_says_unchanged(editor):
    data = fill_template(template(editor), {"training.classes": "24"})
    confirm(editor, text(dry_run(editor, data)))
    again = text(dry_run(editor, data))
    assert "Tệp không thay đổi số liệu nào so với hiện tại." in again
    assert 'id="upload-changes"' not in again and "Xác nhận cập nhật" not in again


def test_a_change_between_dry_run_and_confirm_is_refused_and_nothing_applied(editor):
    data = fill_template(template(editor), {"training.classes": "24", "training.learners": "900"})
    shown = text(dry_run(editor, data))
    save({"training.classes": 30})  # a colleague, in the form, meanwhile
    response = confirm(editor, shown)
    assert response.status_code == 409
    html = text(response)
    assert "Báo cáo đã được người khác thay đổi (phiên bản 1, bạn sửa từ phiên bản 0)" in html
    assert "Chưa cập nhật (xung đột)" in html  # the refused attempt, in the history
    assert stored_values() == {"training.classes": 30}
    with schema_context(SLUG):
        assert not AuditEntry.objects.filter(channel=Channel.UPLOAD).exists()
    # Running the kept file again shows the diff against the new figures.
    recheck = editor.post(PAGE, {"action": "recheck", "upload": hidden(shown, "upload")})
    again = text(recheck)
    assert recheck.status_code == 200
    assert '<span class="old">30</span> → <span class="new">24</span>' in again
    assert hidden(again, "version") == "1"
    assert confirm(editor, again).status_code == 302
    assert stored_values() == {"training.classes": 24, "training.learners": 900}


def test_confirming_twice_says_it_was_already_applied(editor):
    data = fill_template(template(editor), {"training.classes": "24"})
    shown = text(dry_run(editor, data))
    assert confirm(editor, shown).status_code == 302
    twice = confirm(editor, shown)
    assert twice.status_code == 409
    assert "Tệp này đã được cập nhật (bởi laocai-editor)" in text(twice)
    with schema_context(SLUG):
        assert AuditEntry.objects.filter(channel=Channel.UPLOAD).count() == 1


def test_only_the_person_who_saw_the_dry_run_confirms_it(editor, page_client):
    data = fill_template(template(editor), {"training.classes": "24"})
    shown = text(dry_run(editor, data))
    assert confirm(page_client("laocai-approver", SLUG), shown).status_code == 404
    assert stored_values() == {}


def test_file_over_the_limit_is_refused_before_reading(editor):
    response = dry_run(editor, b"x" * (MAX_BYTES + 1), name="big.csv")
    assert response.status_code == 400
    assert "Tệp “big.csv” vượt giới hạn 5 MB của tệp số liệu của trường." in text(response)
    with schema_context(SLUG):
        assert not Upload.objects.exists()


def test_no_file_is_asked_for(editor):
    response = editor.post(PAGE, {"action": "dry_run"})
    assert response.status_code == 400
    assert "Hãy chọn một tệp .xlsx hoặc .csv để tải lên." in text(response)


def test_closed_period_shows_why_and_takes_no_file(world, page_client):
    client = page_client("laocai-editor", SLUG)
    page = text(client.get("/submissions/2022-H1/upload/"))
    assert 'id="lock"' in page and "Kỳ báo cáo đã khóa" in page
    assert 'id="upload-form"' not in page
    data = b"code,value\ntraining.classes,3\n"
    refused = client.post(
        "/submissions/2022-H1/upload/", {"file": SimpleUploadedFile("x.csv", data)}
    )
    assert refused.status_code == 409


# --- history and originals -----------------------------------------------------------


def test_history_lists_each_upload_and_the_school_downloads_the_original(editor, page_client):
    data = fill_template(template(editor), {"training.classes": "24"})
    confirm(editor, text(dry_run(editor, data, name="Số liệu 6 tháng.xlsx")))
    dry_run(editor, fill_template(template(editor), {"training.classes": "-1"}), name="sai.xlsx")
    html = text(editor.get(PAGE))
    rows = re.findall(r'<tr class="upload ([a-z-]+)" data-upload="(\d+)">(.*?)</tr>', html, re.S)
    assert [outcome for outcome, _id, _cells in rows] == ["refused", "applied", "dry-run"]
    assert "sai.xlsx" in rows[0][2] and "Có lỗi" in rows[0][2]
    assert "Số liệu 6 tháng.xlsx" in rows[1][2] and "laocai-editor" in rows[1][2]
    assert "Đã cập nhật" in rows[1][2] and "Cập nhật" in rows[1][2]
    assert "Chạy thử" in rows[2][2]
    original = f"{PAGE}{rows[1][1]}/file/"
    assert original in html
    download = page_client("laocai-approver", SLUG).get(original)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("department", SLUG),  # reads every school, uploads for none
        ("quangninh-approver", SLUG),  # Lào Cai's lead school in 2024: reviews, never edits
        ("sonla-editor", SLUG),  # another school of the same cluster
    ],
)
def test_only_the_schools_own_editors_and_approvers_upload(world, page_client, username, slug):
    owner = page_client("laocai-editor", SLUG)
    shown = text(dry_run(owner, fill_template(template(owner), {"training.classes": "24"})))
    client = page_client(username, slug)
    assert client.get(PAGE).status_code == 403
    data = b"code,value\ntraining.classes,3\n"
    assert client.post(PAGE, {"file": SimpleUploadedFile("x.csv", data)}).status_code == 403
    assert confirm(client, shown).status_code == 403
    assert client.get(f"{PAGE}{hidden(shown, 'upload')}/file/").status_code == 403
    assert stored_values() == {}


def test_anonymous_goes_to_login(world, page_client):
    response = page_client(None, SLUG).get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- English ---------------------------------------------------------------------------


def test_english_page_labels_numbers_and_errors(editor):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = text(editor.get(PAGE, **english))
    assert "Upload figures from a file: report First half of 2024" in page
    assert "Download the Excel template (.xlsx)" in page and "at most 5 MB" in page
    good = fill_template(template(editor), {"training.learners": "12.378"})
    html = text(dry_run(editor, good, **english))
    assert "Learners, all programmes" in html and '<span class="new">12,378</span>' in html
    assert "(blank)" in html and "Confirm and apply" in html
    assert "Tổng số học viên" not in html
    broken = fill_template(template(editor), {"training.learners": "-3"})
    refused = text(dry_run(editor, broken, **english))
    assert "Errors to fix in the file (1)" in refused
    assert "negative" in refused and "số âm" not in refused


def test_a_version_other_than_the_dry_runs_is_refused(editor):
    data = fill_template(template(editor), {"training.classes": "24"})
    shown = text(dry_run(editor, data))
    save({"training.learners": 5})  # version 1 now; the dry run saw 0
    forged = editor.post(
        PAGE, {"action": "confirm", "upload": hidden(shown, "upload"), "version": "1"}
    )
    assert forged.status_code == 400
    assert stored_values() == {"training.learners": 5}
