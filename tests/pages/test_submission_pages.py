"""The school-host pages of a submission (hub.views.submissions), through Django's
test client: rendering, saving, refusals, submitting, reviewing, reopening, access."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from django_tenants.utils import schema_context

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from submissions.models import AuditEntry, Status, Submission, Value
from submissions.services import Actor, Changes, submission_submit, submission_update

FORM = "/submissions/{}/"
SEED_000_H1 = {
    "training.classes": "41",
    "training.learners": "2.658",
    "training.intermediate.classes": "25",
    "training.intermediate.learners": "1.793",
    "training.advanced.classes": "3",
    "training.advanced.learners": "184",
    "training.short_courses.classes": "13",
    "training.short_courses.learners": "681",
    "training.postgraduate.classes": "0",
    "training.postgraduate.learners": "0",
    "training.classes.carried_over": "22",
    "training.learners.carried_over": "1.618",
}
COMPLETE = {**SEED_000_H1, "research.projects": "0", "research.conferences": "0"}


def period(code: str) -> Period:
    return Period.objects.get(code=code)


def form_data(values: dict[str, str], version: int = 0, **extra: str) -> dict[str, str]:
    return {"version": str(version), **{f"value__{c}": v for c, v in values.items()}, **extra}


def save(slug: str, code: str, values: dict[str, object], username: str | None = None) -> int:
    """Values saved through the service (as another user or the API would)."""
    with schema_context(slug):
        current = Submission.objects.filter(period__code=code).first()
        version = current.version if current else 0
    submission, _entries = submission_update(
        school=school(slug),
        period=period(code),
        expected_version=version,
        changes=Changes(values=dict(values)),
        actor=Actor(user_id=None, username=username or f"{slug}-editor", channel="api"),
    )
    return submission.version


def submit(slug: str, code: str) -> None:
    submission_submit(
        school=school(slug),
        period=period(code),
        actor=Actor(user_id=None, username=f"{slug}-editor"),
    )


def school(slug: str):  # type: ignore[no-untyped-def]
    from tenants.models import School

    return School.objects.get(schema_name=slug)


def stored(slug: str, code: str) -> Submission | None:
    with schema_context(slug):
        return Submission.objects.filter(period__code=code).first()


def stored_values(slug: str, code: str) -> dict[str, int | None]:
    with schema_context(slug):
        return dict(
            Value.objects.filter(submission__period__code=code).values_list("code", "value")
        )


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- rendering ---------------------------------------------------------------------------


def test_form_groups_indicators_by_section_with_children_under_their_parent(world, page_client):
    response = page_client("thainguyen-editor", "thainguyen").get(FORM.format("2023-H1"))
    assert response.status_code == 200
    html = text(response)
    catalogue = catalogue_for_year(2023)
    headings = re.findall(r'<h2 id="section-([a-z_]+)">', html)
    assert headings == [section.code for section in catalogue.sections]
    assert "Đào tạo, bồi dưỡng" in html and "Lưu nháp" in html and "Gửi báo cáo" in html
    rows = re.findall(r'<tr class="indicator depth-(\d)[^"]*" data-code="([^"]+)"', html)
    order = [code for _depth, code in rows]
    depth = {code: int(level) for level, code in rows}
    assert len(rows) == len(catalogue.indicators)
    # A part follows its total (not the catalogue's flat order) and is indented.
    assert order.index("training.classes") < order.index("training.classes.carried_over")
    assert order.index("training.intermediate.classes.full_time") == (
        order.index("training.intermediate.classes") + 1
    )
    assert depth["training.classes"] == 0
    assert depth["training.intermediate.classes"] == 1
    assert depth["training.intermediate.classes.full_time"] == 2
    # A number field is text with a numeric keyboard, its label bound to it.
    assert '<label for="f-training-classes">Tổng số lớp đào tạo, bồi dưỡng</label>' in html
    assert re.search(
        r'<input type="text" inputmode="numeric" class="count" id="f-training-classes"', html
    )
    # Live sums: one per split of a total; four narratives; the version.
    assert html.count('data-sum-for="training.classes"') == 3
    assert html.count('name="narrative__') == 4
    assert '<input type="hidden" name="version" value="0">' in html


def test_form_in_english(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    html = text(client.get(FORM.format("2023-H1"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Training and short courses" in html
    assert "Classes, all programmes" in html
    assert "Save draft" in html and "Submit report" in html
    assert "First half of 2023" in html
    assert "Tổng số lớp đào tạo" not in html


def test_stored_values_show_the_vietnamese_way_in_vi_and_plainly_in_en(world, page_client):
    save("thainguyen", "2023-H1", {"training.learners": 12378})
    client = page_client("thainguyen-editor", "thainguyen")
    assert 'value="12.378"' in text(client.get(FORM.format("2023-H1")))
    assert 'value="12378"' in text(client.get(FORM.format("2023-H1"), HTTP_ACCEPT_LANGUAGE="en"))


def test_number_filter_writes_thousands_by_language():
    template = Template("{% load hub_format %}{{ n|number }}|{{ blank|number }}")
    with translation.override("vi"):
        assert template.render(Context({"n": 12378, "blank": None})) == "12.378|"
    with translation.override("en"):
        assert template.render(Context({"n": 12378, "blank": None})) == "12,378|"


def test_unknown_period_is_404(world, page_client):
    assert (
        page_client("thainguyen-editor", "thainguyen").get(FORM.format("2031-H1")).status_code
        == 404
    )


# --- saving -------------------------------------------------------------------------------


def test_save_draft_writes_values_with_a_page_audit_row(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    response = client.post(
        FORM.format("2023-H1"),
        form_data(
            SEED_000_H1,
            action="save",
            **{"narrative__highlights": "Hoàn thành kế hoạch.\r\nVượt chỉ tiêu."},
        ),
    )
    assert response.status_code == 302 and response["Location"] == FORM.format("2023-H1")
    assert stored_values("thainguyen", "2023-H1")["training.learners"] == 2658
    submission = stored("thainguyen", "2023-H1")
    assert submission.version == 1 and submission.status == Status.DRAFT
    with schema_context("thainguyen"):
        audit = list(AuditEntry.objects.filter(submission=submission))
        narrative = submission.narratives.get(section="highlights").text
    assert {entry.channel for entry in audit} == {"page"}
    assert {entry.username for entry in audit} == {"thainguyen-editor"}
    learners = next(entry for entry in audit if entry.field == "training.learners")
    assert (learners.old, learners.new) == (None, "2658")
    assert narrative == "Hoàn thành kế hoạch.\nVượt chỉ tiêu."
    page = text(client.get(FORM.format("2023-H1")))
    assert "Đã lưu bản nháp (phiên bản 1" in page
    # Saving the same form again changes nothing and says so.
    again = client.post(
        FORM.format("2023-H1"),
        form_data(
            SEED_000_H1,
            version=1,
            action="save",
            **{"narrative__highlights": "Hoàn thành kế hoạch.\r\nVượt chỉ tiêu."},
        ),
        follow=True,
    )
    assert "Không có thay đổi nào để lưu." in text(again)
    assert stored("thainguyen", "2023-H1").version == 1


def test_not_applicable_and_explanation_are_saved(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    client.post(FORM.format("2023-H1"), form_data({**SEED_000_H1, "training.classes": "42"}))
    page = text(client.get(FORM.format("2023-H1")))
    # The disagreement is shown on the total, with a box to explain it.
    assert 'name="note__training.classes"' in page
    assert 'class="sum mismatch" data-sum-for="training.classes" data-split="programme"' in page
    client.post(
        FORM.format("2023-H1"),
        form_data(
            {**SEED_000_H1, "training.classes": "42"},
            version=1,
            **{
                "note__training.classes": "Một lớp học hai chương trình.",
                "na__research.conferences": "1",
            },
        ),
    )
    with schema_context("thainguyen"):
        rows = {row.code: row for row in Value.objects.filter(submission__period__code="2023-H1")}
    assert rows["training.classes"].explanation == "Một lớp học hai chương trình."
    assert rows["research.conferences"].not_applicable is True
    page = text(client.get(FORM.format("2023-H1")))
    assert "đã giải trình" in page


def test_stale_version_is_refused_and_nothing_is_overwritten(world, page_client):
    save("thainguyen", "2023-H1", {"training.classes": 40}, username="thainguyen-approver")
    client = page_client("thainguyen-editor", "thainguyen")
    response = client.post(
        FORM.format("2023-H1"), form_data({"training.classes": "41"}, version=0, action="save")
    )
    assert response.status_code == 409
    html = text(response)
    assert "Báo cáo đã được người khác thay đổi" in html
    assert "Tải lại bản mới nhất" in html
    assert 'value="41"' in html  # what the person typed is still there to copy
    assert stored_values("thainguyen", "2023-H1") == {"training.classes": 40}
    assert stored("thainguyen", "2023-H1").version == 1


def test_invalid_input_is_shown_inline_in_vietnamese_and_nothing_is_saved(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    response = client.post(
        FORM.format("2023-H1"),
        form_data(
            {
                "training.classes": "1,5",
                "training.learners": "-3",
                "research.projects": "abc",
                "research.conferences": "2",
            }
        ),
    )
    assert response.status_code == 400
    html = text(response)
    assert "Số liệu chưa hợp lệ; chưa có gì được lưu." in html
    for code, fragment in (
        ("training.classes", "không rõ nghĩa"),
        ("training.learners", "là số âm"),
        ("research.projects", "Không đọc được “abc”"),
    ):
        anchor = "f-" + code.replace(".", "-")
        errors = re.search(rf'<ul class="finding-list" id="{anchor}-errors">(.*?)</ul>', html, re.S)
        assert errors and fragment in errors.group(1), code
        assert re.search(
            rf'id="{anchor}" name="value__{code}" value="[^"]*" [^>]*aria-invalid="true"', html
        )
        assert f'<a href="#{anchor}">' in html  # the summary links to the field
    # Typed input is kept, the good value too; nothing reached the database.
    assert 'value="1,5"' in html and 'value="-3"' in html and 'value="abc"' in html
    assert 'name="value__research.conferences" value="2"' in html
    assert stored("thainguyen", "2023-H1") is None


# --- submitting --------------------------------------------------------------------------


def test_submit_is_blocked_while_findings_block_it(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    response = client.post(
        FORM.format("2023-H1"),
        form_data({**SEED_000_H1, "training.classes": "42"}, action="submit-confirmed"),
        follow=True,
    )
    html = text(response)
    assert "Chưa gửi được: còn 3 vấn đề." in html
    assert "đánh dấu không có số liệu kèm giải trình" in html
    summary = re.search(r'<section class="card findings-summary".*?</section>', html, re.S).group(0)
    assert '<a href="#f-training-classes">' in summary  # consistency, on the total
    assert '<a href="#f-research-projects">' in summary  # completeness
    assert '<a href="#f-research-conferences">' in summary
    assert stored("thainguyen", "2023-H1").status == Status.DRAFT
    # The values typed with the failed submit were saved as a draft.
    assert stored_values("thainguyen", "2023-H1")["training.classes"] == 42


def test_submit_without_script_goes_through_a_confirmation_page(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    response = client.post(FORM.format("2023-H1"), form_data(COMPLETE, action="submit"))
    assert response.status_code == 302
    assert response["Location"] == "/submissions/2023-H1/submit/"
    confirm = client.get(response["Location"])
    assert "Xác nhận gửi báo cáo" in text(confirm)
    assert stored("thainguyen", "2023-H1").status == Status.DRAFT
    done = client.post("/submissions/2023-H1/submit/", {"version": "1"}, follow=True)
    assert stored("thainguyen", "2023-H1").status == Status.SUBMITTED
    html = text(done)
    assert "Đã gửi báo cáo 6 tháng đầu năm 2023 đến trường cụm trưởng." in html
    assert '<span class="badge submitted" id="status-badge">Đã gửi</span>' in html
    assert 'id="submission-form"' not in html  # read-only once submitted


def test_submit_from_the_dialog_saves_then_submits(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    client.post(FORM.format("2023-H1"), form_data(COMPLETE, action="submit-confirmed"))
    submission = stored("thainguyen", "2023-H1")
    assert submission.status == Status.SUBMITTED and submission.submitted_by == "thainguyen-editor"
    # Once submitted, the figures cannot be changed from the page.
    refused = client.post(
        FORM.format("2023-H1"), form_data({"training.classes": "5"}, version=submission.version)
    )
    assert refused.status_code == 409
    assert "Báo cáo đã gửi nên không thể sửa" in text(refused)
    assert stored_values("thainguyen", "2023-H1")["training.classes"] == 41


# --- reviewing -------------------------------------------------------------------------------


@pytest.fixture
def dienbien_submitted(world) -> None:
    save("dienbien", "2024-H1", {code: value for code, value in COMPLETE.items()})
    submit("dienbien", "2024-H1")


def test_lead_school_accepts_a_members_report(dienbien_submitted, page_client):
    client = page_client("quangninh-approver", "dienbien")
    page = text(client.get(FORM.format("2024-H1")))
    assert "Duyệt báo cáo (trường cụm trưởng)" in page
    assert 'id="submission-form"' not in page
    response = client.post("/submissions/2024-H1/review/", {"decision": "accept"}, follow=True)
    assert "Đã chấp nhận báo cáo." in text(response)
    submission = stored("dienbien", "2024-H1")
    assert submission.status == Status.ACCEPTED
    assert submission.reviewed_by == "quangninh-approver"


def test_lead_school_returns_with_a_comment_only(dienbien_submitted, page_client):
    client = page_client("quangninh-approver", "dienbien")
    response = client.post(
        "/submissions/2024-H1/review/", {"decision": "return", "comment": "  "}, follow=True
    )
    assert "Khi trả lại báo cáo cần ghi rõ lý do." in text(response)
    assert stored("dienbien", "2024-H1").status == Status.SUBMITTED
    client.post(
        "/submissions/2024-H1/review/",
        {"decision": "return", "comment": "Bổ sung số lớp ngoài kế hoạch."},
    )
    submission = stored("dienbien", "2024-H1")
    assert submission.status == Status.RETURNED
    assert submission.review_comment == "Bổ sung số lớp ngoài kế hoạch."
    # The member sees the comment and can edit again.
    member = text(page_client("dienbien-editor", "dienbien").get(FORM.format("2024-H1")))
    assert "Bổ sung số lớp ngoài kế hoạch." in member
    assert 'id="submission-form"' in member


@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("dienbien-editor", "dienbien"),  # the member itself
        ("dienbien-approver", "dienbien"),
        ("hagiang-approver", "dienbien"),  # a deputy reads but does not decide
        ("department", "dienbien"),
    ],
)
def test_only_the_lead_school_reviews(dienbien_submitted, page_client, username, slug):
    client = page_client(username, slug)
    response = client.post("/submissions/2024-H1/review/", {"decision": "accept"})
    assert response.status_code == 403
    assert "Duyệt báo cáo" not in text(client.get(FORM.format("2024-H1")))
    assert stored("dienbien", "2024-H1").status == Status.SUBMITTED


def test_reviewer_cannot_edit(dienbien_submitted, page_client):
    client = page_client("quangninh-approver", "dienbien")
    response = client.post(FORM.format("2024-H1"), form_data({"training.classes": "1"}))
    assert response.status_code == 403


# --- read-only and access ----------------------------------------------------------------


def test_department_reads_but_cannot_post(world, page_client):
    save("backan", "2023-H1", {"training.classes": 12})
    client = page_client("department", "backan")
    page = text(client.get(FORM.format("2023-H1")))
    assert 'id="submission-form"' not in page
    assert '<span id="f-training-classes" class="value">12</span>' in page
    assert "Lưu nháp" not in page
    assert (
        client.post(FORM.format("2023-H1"), form_data({"training.classes": "13"}, 1)).status_code
        == 403
    )
    assert client.post("/submissions/2023-H1/submit/", {"version": "1"}).status_code == 403
    assert stored_values("backan", "2023-H1") == {"training.classes": 12}


@pytest.mark.parametrize(
    ("username", "slug", "path"),
    [
        ("dienbien-editor", "backan", FORM.format("2023-H1")),  # another school
        ("nobody", "backan", FORM.format("2023-H1")),
        # Quảng Ninh leads Điện Biên's cluster in 2024 only.
        ("quangninh-approver", "dienbien", FORM.format("2023-H1")),
        ("quangninh-approver", "dienbien", "/submissions/2023-H1/history/"),
        ("dienbien-editor", "quangninh", FORM.format("2024-H1")),  # a member, not its lead
    ],
)
def test_users_outside_the_school_get_403(world, page_client, username, slug, path):
    client = page_client(username, slug)
    assert client.get(path).status_code == 403
    if not path.endswith("/history/"):
        assert client.post(path, form_data({"training.classes": "1"})).status_code == 403


def test_anonymous_goes_to_login(world, page_client):
    response = page_client(None, "backan").get(FORM.format("2023-H1"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_closed_period_is_read_only_with_the_reason(world, page_client):
    client = page_client("backan-editor", "backan")
    page = text(client.get(FORM.format("2022-H1")))
    assert 'id="submission-form"' not in page
    assert "Kỳ báo cáo đã khóa từ ngày" in page


# --- reopening ------------------------------------------------------------------------------


def test_approver_reopens_with_a_reason(world, page_client):
    save("thainguyen", "2023-H1", COMPLETE)
    submit("thainguyen", "2023-H1")
    editor = page_client("thainguyen-editor", "thainguyen")
    assert "Mở lại báo cáo" not in text(editor.get(FORM.format("2023-H1")))
    assert editor.post("/submissions/2023-H1/reopen/", {"reason": "x"}).status_code == 403

    approver = page_client("thainguyen-approver", "thainguyen")
    assert "Mở lại báo cáo" in text(approver.get(FORM.format("2023-H1")))
    refused = approver.post("/submissions/2023-H1/reopen/", {"reason": " "}, follow=True)
    assert "Cần ghi lý do mở lại báo cáo." in text(refused)
    assert stored("thainguyen", "2023-H1").status == Status.SUBMITTED

    done = approver.post(
        "/submissions/2023-H1/reopen/", {"reason": "Sửa số học viên bồi dưỡng."}, follow=True
    )
    assert "Đã mở lại báo cáo" in text(done)
    assert 'id="submission-form"' in text(done)
    submission = stored("thainguyen", "2023-H1")
    assert submission.status == Status.DRAFT
    with schema_context("thainguyen"):
        last = AuditEntry.objects.filter(submission=submission, kind="status").first()
    assert (last.new, last.comment, last.channel) == ("draft", "Sửa số học viên bồi dưỡng.", "page")


def test_department_reopens(world, page_client):
    save("backan", "2023-H1", COMPLETE)
    submit("backan", "2023-H1")
    page_client("department", "backan").post(
        "/submissions/2023-H1/reopen/", {"reason": "Vụ yêu cầu."}
    )
    assert stored("backan", "2023-H1").status == Status.DRAFT


# --- history and home ----------------------------------------------------------------------


def test_history_lists_changes_in_vietnam_time(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    client.post(FORM.format("2023-H1"), form_data({"training.classes": "41"}))
    client.post(FORM.format("2023-H1"), form_data({"training.classes": "1.041"}, version=1))
    with schema_context("thainguyen"):
        entry = AuditEntry.objects.filter(field="training.classes").first()
    response = client.get("/submissions/2023-H1/history/")
    assert response.status_code == 200
    html = text(response)
    from zoneinfo import ZoneInfo

    local = entry.at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M:%S")
    assert local in html
    assert html.count('<tr class="audit value" data-code="training.classes">') == 2
    assert '<span class="old">41</span> → <span class="new">1.041</span>' in html
    assert "Trang web" in html and "thainguyen-editor" in html
    assert "Tổng số lớp đào tạo, bồi dưỡng" in html


def test_school_home_lists_periods_with_status(world, page_client):
    save("thainguyen", "2023-H1", {"training.classes": 41})
    html = text(page_client("thainguyen-editor", "thainguyen").get("/"))
    row = re.search(r'<tr data-period="2023-H1">.*?</tr>', html, re.S).group(0)
    assert "Bản nháp" in row and 'href="/submissions/2023-H1/"' in row
    assert 'href="/submissions/2023-H1/history/"' in row
    assert "Chưa nhập" in re.search(r'<tr data-period="2024-Y">.*?</tr>', html, re.S).group(0)
    assert "đã khóa sổ" in re.search(r'<tr data-period="2022-H1">.*?</tr>', html, re.S).group(0)


def test_lead_school_home_on_a_member_lists_only_its_lead_year(dienbien_submitted, page_client):
    html = text(page_client("quangninh-approver", "dienbien").get("/"))
    assert re.findall(r'<tr data-period="(\d{4})-', html) == ["2024", "2024"]
    assert "Duyệt" in re.search(r'<tr data-period="2024-H1">.*?</tr>', html, re.S).group(0)


def test_each_row_offers_three_states_and_its_definition(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    page = text(client.get(FORM.format("2023-H1")))
    select = re.search(
        r'<select id="mark-[^"]*" name="mark__research\.conferences".*?</select>', page
    )
    assert select is not None
    assert [value for value in re.findall(r'<option value="([^"]*)"', select.group(0))] == [
        "",
        "not_applicable",
        "not_reported",
    ]
    assert "Không có số liệu" in select.group(0) and "Không áp dụng" in select.group(0)
    definition = catalogue_for_year(2023)["training.classes"].definition_vi
    assert definition and '<details class="definition">' in page
    assert definition in page


def test_not_reported_from_the_form_is_stored_and_unblocked_by_an_explanation(world, page_client):
    client = page_client("thainguyen-editor", "thainguyen")
    values = {k: v for k, v in COMPLETE.items() if k != "research.conferences"}
    client.post(
        FORM.format("2023-H1"),
        form_data(values, **{"mark__research.conferences": "not_reported"}),
    )
    with schema_context("thainguyen"):
        row = Value.objects.get(submission__period__code="2023-H1", code="research.conferences")
    assert (row.value, row.not_reported, row.not_applicable) == (None, True, False)
    page = text(client.get(FORM.format("2023-H1")))
    assert '<option value="not_reported" selected>' in page
    assert 'name="note__research.conferences"' in page  # the box that unblocks it

    client.post(
        FORM.format("2023-H1"),
        form_data(
            values,
            version=1,
            action="submit-confirmed",
            **{"mark__research.conferences": "not_reported"},
        ),
        follow=True,
    )
    assert stored("thainguyen", "2023-H1").status == Status.DRAFT  # no explanation yet

    client.post(
        FORM.format("2023-H1"),
        form_data(
            values,
            version=1,
            action="submit-confirmed",
            **{
                "mark__research.conferences": "not_reported",
                "note__research.conferences": "Báo cáo gốc không nêu số hội thảo.",
            },
        ),
    )
    assert stored("thainguyen", "2023-H1").status == Status.SUBMITTED

    # The mark was written once, by the page, and kept through the two later posts.
    with schema_context("thainguyen"):
        audited = list(
            AuditEntry.objects.filter(field="research.conferences:not_reported").values_list(
                "new", flat=True
            )
        )
    assert audited == ["True"]
