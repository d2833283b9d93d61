"""Journey 1 in a real browser: a school's staff member types the half-year figures,
sees the hub's checks, submits; the cluster's lead school returns, then accepts.

Figures are seed 000's first half-year: 41 classes / 2.658 learners, of which
intermediate 25 / 1.793, advanced 3 / 184, short courses 13 / 681; carried over
22 / 1.618. They are typed the Vietnamese way ("2.658").

The live server commits what the browser does, so each test removes the submissions
it touched, before and after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from catalogue.models import Period
from submissions.models import AuditEntry, Status, Submission
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

SEED_000_H1 = {
    "training.classes": "41",
    "training.learners": "2.658",
    "training.intermediate.classes": "25",
    "training.intermediate.learners": "1.793",
    "training.advanced.classes": "3",
    "training.advanced.learners": "184",
    "training.short_courses.classes": "13",
    "training.short_courses.learners": "681",
    "training.classes.carried_over": "22",
    "training.learners.carried_over": "1.618",
}


def field(code: str) -> str:
    return "#f-" + code.replace(".", "-")


def sum_of(page, parent: str, split: str):  # type: ignore[no-untyped-def]
    return page.locator(f'.sum[data-sum-for="{parent}"][data-split="{split}"]')


def forget(slug: str, period_code: str) -> None:
    with schema_context(slug):
        Submission.objects.filter(period__code=period_code).delete()


@pytest.fixture
def clean_submissions(db: None) -> Iterator[None]:
    touched = [("thainguyen", "2023-H1"), ("dienbien", "2024-H1")]
    for slug, code in touched:
        forget(slug, code)
    yield
    for slug, code in touched:
        forget(slug, code)


def type_figures(page, figures: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for code, text in figures.items():
        page.fill(field(code), text)


def fill_what_completeness_requires(page) -> None:  # type: ignore[no-untyped-def]
    """Research projects: none this half-year (0); conferences: not applicable."""
    findings = page.locator("#findings")
    assert "đề tài nghiên cứu khoa học" in findings.inner_text()
    assert "hội thảo khoa học" in findings.inner_text()
    page.fill(field("research.projects"), "0")
    page.select_option("#mark-f-research-conferences", "not_applicable")


def test_school_types_checks_and_submits_its_half_year(site, new_page, clean_submissions):
    page = new_page()
    login(page, site, "thainguyen", "thainguyen-editor")

    # From the school home to the period's form.
    page.get_by_role("link", name="6 tháng đầu năm 2023").click()
    page.wait_for_url(site.url("thainguyen", "/submissions/2023-H1/"))
    expect(page.locator("#status-badge")).to_have_text("Chưa nhập")
    assert page.locator("h2#section-training").inner_text() == "Đào tạo, bồi dưỡng"
    assert page.get_by_label("Tổng số lớp đào tạo, bồi dưỡng", exact=True).get_attribute(
        "inputmode"
    ) == ("numeric")

    # Typing: the sums of parts follow live, the Vietnamese way.
    type_figures(page, SEED_000_H1)
    programme_classes = sum_of(page, "training.classes", "programme")
    programme_learners = sum_of(page, "training.learners", "programme")
    assert programme_learners.locator("output").inner_text() == "2.658 + …"  # postgraduate blank
    page.fill(field("training.postgraduate.classes"), "0")
    page.fill(field("training.postgraduate.learners"), "0")
    assert programme_classes.locator("output").inner_text() == "41"
    assert programme_learners.locator("output").inner_text() == "2.658"
    assert "mismatch" not in (programme_classes.get_attribute("class") or "")
    assert sum_of(page, "training.classes", "origin").locator("output").inner_text() == "22 + …"

    # Enter in a number field moves on to the next one (the first part, indented under
    # its total); it does not submit the form.
    page.focus(field("training.classes"))
    page.keyboard.press("Enter")
    assert page.url == site.url("thainguyen", "/submissions/2023-H1/")
    assert page.evaluate("document.activeElement.id") == "f-training-classes-carried_over"
    # Tab from a number goes to its state choice, then (past the next row's definition,
    # when it has one) to the next number.
    page.focus(field("training.classes"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mark-f-training-classes"
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.tagName") == "SUMMARY":
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-training-classes-carried_over"

    # An inconsistency: 42 classes whose programmes add up to 41.
    page.fill(field("training.classes"), "42")
    assert programme_classes.locator("output").inner_text() == "41 ≠ 42"
    assert "mismatch" in programme_classes.get_attribute("class")
    screenshot(page, "journey-1-typing-mismatch-vi")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã lưu bản nháp")
    mismatch = page.locator("#f-training-classes-findings .finding.consistency.blocking")
    assert "khác số đã khai (42)" in mismatch.inner_text()
    assert page.locator("#findings .finding.consistency.blocking").count() == 1
    assert page.get_by_label(
        "Giải trình cho “Tổng số lớp đào tạo, bồi dưỡng”", exact=True
    ).is_visible()
    assert page.locator(field("training.learners")).input_value() == "2.658"
    screenshot(page, "journey-2-consistency-finding-vi")
    page.locator(".lang button[value=en]").click()
    page.wait_for_load_state()
    assert "Sum of parts" in page.locator("tr[data-code='training.classes']").inner_text()
    screenshot(page, "journey-2-consistency-finding-en", full_page=False)
    page.locator(".lang button[value=vi]").click()
    page.wait_for_load_state()

    # The finding at the top links to the field.
    page.locator("#findings .blocking a[href='#f-training-classes']").click()
    assert page.url.endswith("#f-training-classes")

    # Fix it; then do what completeness asks.
    page.fill(field("training.classes"), "41")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert page.locator(".finding.consistency.blocking").count() == 0
    fill_what_completeness_requires(page)
    page.get_by_label("Kết quả nổi bật, cách làm hay", exact=True).fill(
        "Hoàn thành kế hoạch đào tạo 6 tháng đầu năm."
    )
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    # Nothing blocks; only "carried over" of the carried-over/new split is given, so the
    # page says what the blank "new" rows must hold, without blocking (issue 11 point 5).
    assert page.locator("#findings .finding.blocking").count() == 0
    assert "phải cộng lại đúng 19" in page.locator("#findings").inner_text()

    # Submit, through the confirmation dialog.
    page.get_by_role("button", name="Gửi báo cáo").click()
    dialog = page.locator("dialog#submit-dialog")
    assert dialog.is_visible()
    screenshot(page, "journey-3-confirm-dialog-vi", full_page=False)
    dialog.get_by_role("button", name="Quay lại").click()
    assert not dialog.is_visible()
    page.get_by_role("button", name="Gửi báo cáo").click()
    dialog.get_by_role("button", name="Xác nhận gửi").click()
    page.wait_for_load_state()
    expect(page.locator("#status-badge")).to_have_text("Đã gửi")
    assert page.locator("#submission-form").count() == 0  # read-only now
    assert page.locator("#f-training-learners").inner_text() == "2.658"
    screenshot(page, "journey-4-submitted-vi")

    # The same page in English.
    page.locator(".lang button[value=en]").click()
    page.wait_for_load_state()
    expect(page.locator("#status-badge")).to_have_text("Submitted")
    assert page.locator("#f-training-learners").inner_text() == "2,658"
    assert page.locator("h2#section-training").inner_text() == "Training and short courses"
    screenshot(page, "journey-5-submitted-en")

    with schema_context("thainguyen"):
        submission = Submission.objects.get(period=Period.objects.get(code="2023-H1"))
        assert submission.status == Status.SUBMITTED
        assert submission.values.get(code="training.learners").value == 2658
        channels = set(submission.audit.values_list("channel", flat=True))
    assert channels == {"page"}

    # The history lists every change with its channel.
    page.goto(site.url("thainguyen", "/submissions/2023-H1/history/"))
    assert page.locator("tr.audit.status").count() == 1
    assert page.locator("tr.audit[data-code='training.classes']").count() == 2  # 42, then 41


def test_lead_school_returns_then_accepts_a_members_report(site, new_page, clean_submissions):
    member = new_page()
    login(member, site, "dienbien", "dienbien-editor")
    member.goto(site.url("dienbien", "/submissions/2024-H1/"))
    type_figures(member, SEED_000_H1)
    member.get_by_role("button", name="Lưu nháp").click()
    member.wait_for_load_state()
    fill_what_completeness_requires(member)
    member.get_by_role("button", name="Gửi báo cáo").click()
    member.get_by_role("button", name="Xác nhận gửi").click()
    member.wait_for_load_state()
    expect(member.locator("#status-badge")).to_have_text("Đã gửi")
    # A member school does not review.
    assert member.locator("#review").count() == 0

    # Quảng Ninh leads the cluster in 2024: its approver reviews Điện Biên's report.
    lead = new_page()
    login(lead, site, "dienbien", "quangninh-approver")
    row = lead.locator("tr[data-period='2024-H1']")
    assert row.locator(".badge").inner_text() == "Đã gửi"
    row.get_by_role("link", name="Duyệt").click()
    lead.wait_for_url(site.url("dienbien", "/submissions/2024-H1/"))
    assert lead.locator("#submission-form").count() == 0
    # 2023 is not a year Quảng Ninh leads: nothing to read there.
    assert lead.locator("tr[data-period='2023-H1']").count() == 0
    screenshot(lead, "journey-6-lead-review-vi")
    lead.get_by_label("Lý do trả lại (bắt buộc)", exact=True).fill(
        "Đề nghị bổ sung số lớp ngoài kế hoạch."
    )
    lead.get_by_role("button", name="Trả lại để sửa").click()
    lead.wait_for_load_state()
    expect(lead.locator("#status-badge")).to_have_text("Trả lại")

    # The member sees the comment, can edit again, and resubmits.
    member.goto(site.url("dienbien", "/submissions/2024-H1/"))
    assert "bổ sung số lớp ngoài kế hoạch" in member.locator(".review-note").inner_text()
    expect(member.locator("#status-badge")).to_have_text("Trả lại")
    member.fill(field("training.classes.outside_plan"), "0")
    member.get_by_role("button", name="Gửi báo cáo").click()
    member.get_by_role("button", name="Xác nhận gửi").click()
    member.wait_for_load_state()
    expect(member.locator("#status-badge")).to_have_text("Đã gửi")

    lead.reload()
    lead.get_by_role("button", name="Chấp nhận").click()
    lead.wait_for_load_state()
    expect(lead.locator("#status-badge")).to_have_text("Đã chấp nhận")
    assert lead.locator("#review").count() == 0
    screenshot(lead, "journey-7-accepted-vi")

    with schema_context("dienbien"):
        submission = Submission.objects.get(period__code="2024-H1")
        statuses = list(
            submission.audit.filter(kind=AuditEntry.Kind.STATUS)
            .order_by("id")
            .values_list("new", "username")
        )
    assert submission.status == Status.ACCEPTED and submission.reviewed_by == "quangninh-approver"
    assert statuses == [
        ("submitted", "dienbien-editor"),
        ("returned", "quangninh-approver"),
        ("submitted", "dienbien-editor"),
        ("accepted", "quangninh-approver"),
    ]
