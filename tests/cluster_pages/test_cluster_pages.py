"""The cluster review pages (journey 2) through Django's test client: the board, the
figures, the findings, the report's text and the report, and who may do what."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django_tenants.utils import schema_context
from docx import Document
from lxml import html as lxml_html

from aggregation.models import AggregationState
from aggregation.services import cluster_aggregate, submission_publish
from core.formatting import format_count
from reviews.models import ClusterNarrative, ReportJob
from reviews.services import report_generate
from submissions.models import AuditEntry, Narrative, Status, Submission
from submissions.services import submission_submit
from tests.cluster_pages.conftest import (
    DRAFT_SCHOOL,
    MISSING_SCHOOL,
    PAGE,
    PUBLIC_PAGE,
    SYSTEM,
)
from tests.world import NORTH

ORDER = ["quangninh", "hagiang", "langson", "caobang", "dienbien", "laichau", "laocai", "sonla"]


def tree(response):  # type: ignore[no-untyped-def]
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join(element.text_content().split())


def lead(page_client):  # type: ignore[no-untyped-def]
    return page_client("quangninh-approver", "quangninh")


def status_in_schema(slug: str, period) -> str:  # type: ignore[no-untyped-def]
    with schema_context(slug):
        return Submission.objects.get(period=period).status


def seed_values(seed, slug: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return next(e for e in seed["data"]["submissions"] if e["school"] == slug)["values"]


# --- the board ----------------------------------------------------------------------------


def test_board_lists_every_school_with_its_status(half_year, page_client):
    response = lead(page_client).get(PAGE)
    assert response.status_code == 200
    page = tree(response)
    rows = page.xpath("//table[contains(@class,'board-table')]/tbody/tr")
    assert [row.get("data-school") for row in rows] == ORDER
    statuses = {row.get("data-school"): row.get("data-status") for row in rows}
    assert statuses[DRAFT_SCHOOL] == "draft"
    assert statuses[MISSING_SCHOOL] == "not_started"
    assert {statuses[s] for s in ORDER if s not in (DRAFT_SCHOOL, MISSING_SCHOOL)} == {"submitted"}
    by_slug = {row.get("data-school"): row for row in rows}
    assert "Bản nháp" in text_of(by_slug[DRAFT_SCHOOL])
    assert "Chưa nhập" in text_of(by_slug[MISSING_SCHOOL])
    assert "Đã gửi" in text_of(by_slug["caobang"])
    # The deadline (20/6/2024) has long passed: the missing school is late.
    assert "Trễ hạn" in text_of(by_slug[MISSING_SCHOOL])
    # Last change (Vietnam time) and role tags; the missing school has none.
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", text_of(by_slug["caobang"]))
    assert "—" in text_of(by_slug[MISSING_SCHOOL].xpath("td[@class='when']")[0])
    assert "Cụm trưởng" in text_of(by_slug["quangninh"])
    assert "Cụm phó thường trực" in text_of(by_slug["hagiang"])
    # Accept and return only where a report waits for the lead.
    assert by_slug["caobang"].xpath(".//form[contains(@class,'accept-form')]")
    assert not by_slug[DRAFT_SCHOOL].xpath(".//form")
    assert not by_slug[MISSING_SCHOOL].xpath(".//form")
    counts = text_of(page.xpath("//p[@class='board-counts']")[0])
    assert "Đã gửi: 6" in counts and "Bản nháp: 1" in counts and "Chưa nhập: 1" in counts


def page_findings(page_client, slug: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The findings a school's own page lists (blocking, then unexplained warnings)."""
    page = tree(page_client(f"{slug}-editor", slug).get("/submissions/2024-H1/"))
    return [text_of(li) for li in page.xpath("//section[@id='findings']//li")]


def api_findings(api_client, slug: str) -> list[dict]:  # type: ignore[no-untyped-def]
    response = api_client(f"{slug}-editor", slug).get("/api/v1/submissions/2024-H1/")
    assert response.status_code == 200
    return [f for f in response.json()["findings"] if f["blocking"] or not f["explained"]]


def test_board_counts_open_findings_per_school(half_year, page_client, api_client):
    """One findings list per submission: the board's count and list of a school's open
    findings are those its own page and the API show (issue 11, point 7)."""
    period = half_year["period"]
    # Cao Bằng's own submission now says 20 intermediate classes of its 14.
    with schema_context("caobang"):
        submission = Submission.objects.get(period=period)
        submission.values.create(code="training.intermediate.classes", value=20)
    page = tree(lead(page_client).get(PAGE))
    cells = {
        row.get("data-school"): text_of(row.xpath("td[contains(@class,'findings')]")[0])
        for row in page.xpath("//table[contains(@class,'board-table')]/tbody/tr")
    }
    assert int(cells["caobang"]) >= 1
    for slug in ORDER:
        shown = page_findings(page_client, slug)
        assert int(cells[slug]) == len(shown) == len(api_findings(api_client, slug)), slug
        group = page.xpath(f"//section[contains(@class,'finding-group')][@data-school='{slug}']")
        if shown:
            board_items = [text_of(li) for li in group[0].xpath(".//li")]
            assert board_items == shown, slug
        else:
            assert not group, slug
    group = page.xpath("//section[contains(@class,'finding-group')][@data-school='caobang']")[0]
    assert "Hoàng Đình Giong" in text_of(group.xpath("h3")[0])
    assert any("20" in text_of(li) for li in group.xpath(".//li"))
    # The declared cluster figures' findings come last, under their own heading.
    groups = page.xpath("//section[contains(@class,'finding-group')]")
    assert groups[-1].get("data-school") == ""
    assert "Số liệu cụm đã công bố" in text_of(groups[-1].xpath("h3")[0])


def test_lead_accepts_from_the_board_with_a_page_audit_row(half_year, page_client):
    period = half_year["period"]
    client = lead(page_client)
    response = client.post(PAGE + "review/caobang/", {"decision": "accept", "comment": ""})
    assert response.status_code == 302 and response["Location"].endswith("#school-caobang")
    assert status_in_schema("caobang", period) == Status.ACCEPTED
    with schema_context("caobang"):
        entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.STATUS).first()
    assert (entry.new, entry.username, entry.channel) == ("accepted", "quangninh-approver", "page")
    page = tree(client.get(PAGE))
    row = page.xpath("//tr[@data-school='caobang']")[0]
    assert row.get("data-status") == "accepted" and "Đã chấp nhận" in text_of(row)
    assert not row.xpath(".//form")
    assert "Đã chấp nhận báo cáo của Trường Chính trị Hoàng Đình Giong" in text_of(page)


def test_lead_returns_only_with_a_comment(half_year, page_client):
    period = half_year["period"]
    client = lead(page_client)
    refused = client.post(PAGE + "review/laocai/", {"decision": "return", "comment": " "})
    assert refused.status_code == 302
    assert status_in_schema("laocai", period) == Status.SUBMITTED
    assert "cần ghi rõ lý do" in text_of(tree(client.get(PAGE)))
    client.post(PAGE + "review/laocai/", {"decision": "return", "comment": "Bổ sung số lớp."})
    assert status_in_schema("laocai", period) == Status.RETURNED
    with schema_context("laocai"):
        submission = Submission.objects.get(period=period)
        entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.STATUS).first()
    assert submission.review_comment == "Bổ sung số lớp." and entry.channel == "page"
    row = tree(client.get(PAGE)).xpath("//tr[@data-school='laocai']")[0]
    assert "Trả lại" in text_of(row) and "Bổ sung số lớp." in text_of(row)


def test_reviewing_a_draft_is_refused_with_a_message(half_year, page_client):
    client = lead(page_client)
    client.post(PAGE + f"review/{DRAFT_SCHOOL}/", {"decision": "accept"})
    assert status_in_schema(DRAFT_SCHOOL, half_year["period"]) == Status.DRAFT
    assert "Chỉ duyệt được báo cáo đã gửi" in text_of(tree(client.get(PAGE)))


@pytest.mark.parametrize(
    ("username", "host", "expected"),
    [
        ("hagiang-approver", "hagiang", 403),  # standing deputy: only the lead's own
        ("langson-approver", "langson", 403),  # deputy
        ("dienbien-approver", "dienbien", 403),  # member
        ("department", None, 403),  # the department reviews only a lead's own without deputy
    ],
)
def test_only_the_lead_reviews_a_members_report_from_the_board(
    half_year, page_client, username, host, expected
):
    path = (PAGE if host else PUBLIC_PAGE) + "review/caobang/"
    response = page_client(username, host).post(path, {"decision": "accept"})
    assert response.status_code == expected
    assert status_in_schema("caobang", half_year["period"]) == Status.SUBMITTED


# --- who sees the page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "host", "expected"),
    [
        ("quangninh-approver", "quangninh", 200),
        ("quangninh-editor", "quangninh", 200),
        ("hagiang-editor", "hagiang", 200),
        ("langson-approver", "langson", 200),
        ("department", None, 200),
        ("department", "quangninh", 200),
        ("dienbien-approver", "dienbien", 403),  # a member never sees the cluster's pages
        ("thainguyen-approver", "thainguyen", 404),  # not a school of this cluster
        ("thainguyen-approver", None, 403),  # another cluster's lead, on the hub's host
        ("nobody", None, 403),
    ],
)
def test_who_may_open_the_cluster_page(half_year, page_client, username, host, expected):
    path = PAGE if host else PUBLIC_PAGE
    assert page_client(username, host).get(path).status_code == expected


def test_other_clusters_lead_gets_403_on_a_cluster_school_host(half_year, page_client):
    # Thái Nguyên's staff cannot even open Quảng Ninh's host.
    assert page_client("thainguyen-approver", "quangninh").get(PAGE).status_code == 403


def test_a_year_the_school_does_not_lead_is_403(half_year, page_client):
    """Roles rotate yearly: in 2023 Quảng Ninh was a member of its cluster."""
    response = lead(page_client).get(f"/cluster/{NORTH}/2023-H1/")
    assert response.status_code == 403


def test_anonymous_goes_to_login(half_year, page_client):
    response = page_client(None, "quangninh").get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deputy_reads_everything_but_has_no_forms(half_year, page_client):
    response = page_client("langson-approver", "langson").get(PAGE)
    page = tree(response)
    assert "Cụm phó" in text_of(page.xpath("//*[@id='viewer-role']")[0])
    assert len(page.xpath("//table[contains(@class,'board-table')]/tbody/tr")) == 8
    assert page.xpath("//table[@id='summary-table']")
    assert not page.xpath(
        "//main//form[not(contains(@class,'lang')) and not(contains(@class,'logout'))]"
    )
    assert not page.xpath("//*[@id='generate-form']")
    assert not page.xpath("//form[contains(@class,'narrative-editor')]")


def test_standing_deputy_reviews_only_the_lead_schools_own_report(half_year, page_client):
    page = tree(page_client("hagiang-approver", "hagiang").get(PAGE))
    assert "Cụm phó thường trực" in text_of(page.xpath("//*[@id='viewer-role']")[0])
    review_forms = page.xpath("//main//form[contains(@class,'accept-form')]")
    assert [f.get("action").rstrip("/").rsplit("/", 1)[-1] for f in review_forms] == ["quangninh"]
    assert not page.xpath("//*[@id='generate-form']")
    assert not page.xpath("//form[contains(@class,'narrative-editor')]")
    # The board says who reviews each report: the standing deputy for the lead's own.
    rows = {
        r.get("data-school"): r
        for r in page.xpath("//table[contains(@class,'board-table')]/tbody/tr")
    }
    assert "Hà Giang" in text_of(rows["quangninh"].xpath(".//*[contains(@class,'reviewer')]")[0])
    assert "Quảng Ninh" in text_of(rows["caobang"].xpath(".//*[contains(@class,'reviewer')]")[0])


def test_department_reads_and_generates_but_does_not_edit(half_year, page_client):
    page = tree(page_client("department").get(PUBLIC_PAGE))
    assert page.xpath("//*[@id='generate-form']")
    assert not page.xpath("//form[contains(@class,'narrative-editor')]")
    assert not page.xpath("//form[contains(@class,'basis-switch')]")
    assert not page.xpath("//form[contains(@class,'accept-form')]")


def test_department_reaches_the_page_from_the_cluster_index(half_year, page_client):
    page = tree(page_client("department").get("/clusters/"))
    links = page.xpath(f"//a[@href='/clusters/{NORTH}/2024-H1/']")
    assert links


# --- figures and findings --------------------------------------------------------------------


def test_figures_sum_the_counted_schools_with_charts(half_year, page_client):
    page = tree(lead(page_client).get(PAGE))
    counted = [s for s in ORDER if s not in (DRAFT_SCHOOL, MISSING_SCHOOL)]
    classes = sum(seed_values(half_year, s)["training.classes"] for s in counted)
    learners = sum(seed_values(half_year, s)["training.learners"] for s in counted)
    total = page.xpath("//tr[@id='summary-total']/td")
    # The draft and the missing school have no figures: the total is the column's
    # sum, marked as a lower bound with the count of schools short of figures.
    assert text_of(total[0]) == f"≥ {classes} (2 trường chưa đủ)"
    assert text_of(total[1]) == f"≥ {format_count(learners, 'vi')} (2 trường chưa đủ)"
    tile = page.xpath("//li[@data-key='training.learners']//span[contains(@class,'tile-value')]")[0]
    assert text_of(tile) == f"≥ {format_count(learners, 'vi')} (2 trường chưa đủ)"
    # Charts are inline SVG drawn on the server, one bar per school that reported.
    charts = page.xpath("//svg[contains(@class,'cl-chart')]")
    assert len(charts) == 2
    assert len(charts[0].xpath(".//rect[contains(@class,'panel-0')]")) == len(counted)
    assert charts[1].xpath(".//rect[@data-kind='projects']")
    assert not page.xpath("//script[starts-with(@src,'http')]")
    assert "Chưa có số liệu kỳ 2023-H1 để so sánh" in text_of(page)


def test_basis_is_shown_everywhere_and_the_lead_switches_it(half_year, page_client, world):
    client = lead(page_client)
    page = tree(client.get(PAGE))
    lines = [text_of(e) for e in page.xpath("//*[contains(@class,'basis-line')]")]
    assert len(lines) == 3 and all("Số liệu: đã gửi và đã chấp nhận" in line for line in lines)
    # The lead never accepts its own school's report; its standing deputy does.
    assert client.post(PAGE + "review/quangninh/", {"decision": "accept"}).status_code == 403
    standing_deputy = page_client("hagiang-approver", "hagiang")
    assert (
        standing_deputy.post(PAGE + "review/quangninh/", {"decision": "accept"}).status_code == 302
    )
    assert status_in_schema("quangninh", half_year["period"]) == Status.ACCEPTED
    response = client.post(PAGE + "basis/", {"basis": "accepted"})
    assert response.status_code == 302
    state = AggregationState.objects.get(cluster=half_year["cluster"], period=half_year["period"])
    assert state.basis == "accepted"
    # The snapshot on the accepted basis counts what was accepted when it was computed.
    submission_publish(school=world.schools["quangninh"], period=half_year["period"])
    cluster_aggregate(cluster=half_year["cluster"], period=half_year["period"], force=True)
    page = tree(client.get(PAGE))
    assert "Số liệu: chỉ đã chấp nhận" in text_of(
        page.xpath("//header//*[contains(@class,'basis-line')]")[0]
    )
    total = page.xpath("//tr[@id='summary-total']/td")
    # Only Quảng Ninh's report is accepted: the seven others are short of figures.
    classes = seed_values(half_year, "quangninh")["training.classes"]
    assert text_of(total[0]) == f"≥ {classes} (7 trường chưa đủ)"
    assert total[0].get("data-value") == str(classes)
    deputy = page_client("hagiang-approver", "hagiang")
    assert deputy.post(PAGE + "basis/", {"basis": "submitted"}).status_code == 403
    assert client.post(PAGE + "basis/", {"basis": "all"}).status_code == 400


def test_findings_list_in_the_current_language(half_year, page_client):
    client = lead(page_client)
    page = tree(client.get(PAGE))
    findings = [text_of(li) for li in page.xpath("//ul[contains(@class,'cluster-findings')]/li")]
    assert any("báo cáo ghi tổng 238" in f for f in findings)
    english = tree(client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en"))
    findings = [text_of(li) for li in english.xpath("//ul[contains(@class,'cluster-findings')]/li")]
    assert any("the report declares 238" in f for f in findings)
    assert not any("báo cáo ghi tổng" in f for f in findings)


# --- the report's text ------------------------------------------------------------------------


def narrative_form(section: str, version: int, items: list[dict[str, str]]) -> dict[str, object]:
    return {
        "version": str(version),
        "text": [item.get("text", "") for item in items],
        "school": [item.get("school", "") for item in items],
        **(
            {
                "owner": [item.get("owner", "") for item in items],
                "month": [item.get("month", "") for item in items],
            }
            if section == "next_tasks"
            else {}
        ),
    }


def test_narrative_editing_keeps_history_and_refuses_a_stale_save(half_year, page_client):
    client = lead(page_client)
    path = PAGE + "narratives/limitations/"
    first = [
        {"text": "Tiến độ khai giảng một số lớp còn chậm", "school": "laocai"},
        {"text": "", "school": ""},  # the blank "new item" row is dropped
    ]
    response = client.post(path, narrative_form("limitations", 0, first))
    assert response.status_code == 302 and response["Location"].endswith("#narrative-limitations")
    narrative = ClusterNarrative.objects.get(section="limitations")
    assert narrative.version == 1
    assert narrative.items == [
        {
            "text": "Tiến độ khai giảng một số lớp còn chậm",
            "school": "laocai",
            "owner": None,
            "month": None,
        }
    ]
    second = [first[0], {"text": "Chuyển đổi số chưa rõ nét", "school": ""}]
    client.post(path, narrative_form("limitations", 1, second))
    page = tree(client.get(PAGE))
    section = page.xpath("//section[@id='narrative-limitations']")[0]
    assert [r.get("data-version") for r in section.xpath(".//ol[@class='revision-list']/li")] == [
        "2",
        "1",
    ]
    assert section.xpath(".//input[@name='version']")[0].get("value") == "2"
    tags = section.xpath(".//select[@name='school']/option[@selected]")
    assert tags and tags[0].get("value") == "laocai"

    # Someone saves from version 1 again: refused, nothing overwritten, text kept to copy.
    stale = client.post(path, narrative_form("limitations", 1, [{"text": "Bản cũ ghi đè"}]))
    assert stale.status_code == 409
    page = tree(stale)
    alert = text_of(page.xpath("//*[@id='problem-limitations']")[0])
    assert "đã được người khác sửa" in alert and "Không có gì bị ghi đè" in alert
    assert "Bản cũ ghi đè" in alert
    assert ClusterNarrative.objects.get(section="limitations").version == 2
    editor = page.xpath("//section[@id='narrative-limitations']//input[@name='version']")[0]
    assert editor.get("value") == "2"


def test_tasks_have_an_owner_school_and_a_month(half_year, page_client):
    client = lead(page_client)
    items = [{"text": "Tọa đàm khoa học cấp Cụm", "school": "", "owner": "hagiang", "month": "9"}]
    client.post(PAGE + "narratives/next_tasks/", narrative_form("next_tasks", 0, items))
    stored = ClusterNarrative.objects.get(section="next_tasks").items
    assert stored == [
        {"text": "Tọa đàm khoa học cấp Cụm", "school": None, "owner": "hagiang", "month": 9}
    ]
    deputy = tree(page_client("hagiang-approver", "hagiang").get(PAGE))
    item = text_of(deputy.xpath("//section[@id='narrative-next_tasks']//ol/li")[0])
    assert "Chủ trì: Trường Chính trị tỉnh Hà Giang" in item and "tháng 9" in item


def test_an_unknown_school_tag_is_not_stored(half_year, page_client):
    client = lead(page_client)
    client.post(
        PAGE + "narratives/proposals/",
        narrative_form("proposals", 0, [{"text": "Kiến nghị", "school": "thainguyen"}]),
    )
    assert ClusterNarrative.objects.get(section="proposals").items[0]["school"] is None


def test_only_the_lead_edits_and_prefills(half_year, page_client):
    form = narrative_form("limitations", 0, [{"text": "x"}])
    for username, host in (("hagiang-approver", "hagiang"), ("department", None)):
        base = PAGE if host else PUBLIC_PAGE
        client = page_client(username, host)
        assert client.post(base + "narratives/limitations/", form).status_code == 403
        assert client.post(base + "narratives/prefill/").status_code == 403
    assert not ClusterNarrative.objects.exists()


def test_prefill_takes_the_schools_narratives_with_their_school_tag(half_year, page_client):
    period = half_year["period"]
    with schema_context("hagiang"):
        submission = Submission.objects.get(period=period)
        Narrative.objects.create(
            submission=submission,
            section="limitations",
            text="- Cơ sở vật chất còn thiếu đồng bộ\n- Thư viện chưa đổi mới",
        )
    client = lead(page_client)
    response = client.post(PAGE + "narratives/prefill/")
    assert response.status_code == 302
    items = ClusterNarrative.objects.get(section="limitations").items
    assert [(i["text"], i["school"]) for i in items] == [
        ("Cơ sở vật chất còn thiếu đồng bộ", "hagiang"),
        ("Thư viện chưa đổi mới", "hagiang"),
    ]
    page = tree(client.get(PAGE))
    assert "Đã điền sẵn từ báo cáo của các trường: Hạn chế và nguyên nhân" in text_of(page)
    selected = page.xpath(
        "//section[@id='narrative-limitations']//select[@name='school']/option[@selected]"
    )
    assert [o.get("value") for o in selected] == ["hagiang", "hagiang"]
    # A second prefill leaves the edited section alone.
    client.post(PAGE + "narratives/prefill/")
    assert ClusterNarrative.objects.get(section="limitations").version == 1


# --- the report ---------------------------------------------------------------------------------


def test_preview_has_the_totals_sentence_with_the_sum_of_the_seed_schools(
    seed_002_cluster, page_client
):
    values = [entry["values"] for entry in seed_002_cluster["data"]["submissions"]]
    classes = sum(v["training.classes"] for v in values)
    learners = sum(v["training.learners"] for v in values)
    page = tree(lead(page_client).get(PAGE))
    preview = page.xpath("//*[@id='report-preview']/article[contains(@class,'cr-doc')]")
    assert preview
    assert f"tổng số {classes} lớp với {format_count(learners, 'vi')} học viên" in text_of(
        preview[0]
    )
    assert "Số 01-BC/CTĐ" in text_of(preview[0])
    english = tree(lead(page_client).get(PAGE + "?preview=en"))
    assert format_count(learners, "en") in text_of(english.xpath("//*[@id='report-preview']")[0])


def test_preview_uses_the_saved_report_text(half_year, page_client):
    client = lead(page_client)
    client.post(
        PAGE + "narratives/limitations/",
        narrative_form("limitations", 0, [{"text": "Thư viện chưa có sự đổi mới"}]),
    )
    preview = tree(client.get(PAGE)).xpath("//*[@id='report-preview']")[0]
    assert "Thư viện chưa có sự đổi mới" in text_of(preview)


def test_generating_creates_a_job_then_lists_its_files(half_year, page_client):
    client = lead(page_client)
    response = client.post(PAGE + "reports/", {"language": "vi"})
    assert response.status_code == 302 and response["Location"].endswith("#reports")
    job = ReportJob.objects.get(cluster=half_year["cluster"], period=half_year["period"])
    assert (job.status, job.number, job.language, job.requested_by) == (
        "queued",
        1,
        "vi",
        "quangninh-approver",
    )
    page = tree(client.get(PAGE))
    row = page.xpath(f"//tr[@id='job-{job.pk}']")[0]
    assert row.get("data-poll") == (f"/api/v1/clusters/{NORTH}/periods/2024-H1/reports/{job.pk}/")
    assert row.xpath(".//progress")[0].get("value") == "0"
    assert not row.xpath(".//a[contains(@class,'file-link')]")
    # The next preview is number 2.
    assert "Số 02-BC/CTĐ" in text_of(page.xpath("//*[@id='report-preview']")[0])

    assert report_generate(job_id=job.pk) is True
    page = tree(client.get(PAGE))
    row = page.xpath(f"//tr[@id='job-{job.pk}']")[0]
    assert row.get("data-poll") is None and "Hoàn thành" in text_of(row)
    links = {
        a.get("data-kind"): a.get("href") for a in row.xpath(".//a[contains(@class,'file-link')]")
    }
    assert set(links) == {"docx", "xlsx", "pdf"}
    for kind, href in links.items():
        assert href == f"/api/v1/clusters/{NORTH}/periods/2024-H1/reports/{job.pk}/{kind}/"
        download = client.get(href)
        assert download.status_code == 200
        content = b"".join(download.streaming_content)
        assert content
        if kind == "docx":
            assert "BÁO CÁO" in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert not page.xpath("//*[@id='out-of-date']")


def test_the_api_job_state_the_page_polls_answers_with_the_session(half_year, page_client):
    client = lead(page_client)
    client.post(PAGE + "reports/", {"language": "en"})
    job = ReportJob.objects.get()
    state = client.get(f"/api/v1/clusters/{NORTH}/periods/2024-H1/reports/{job.pk}/")
    assert state.status_code == 200 and state.json()["status"] == "queued"


@pytest.mark.parametrize(
    ("username", "host", "expected"),
    [
        ("department", None, 302),
        ("hagiang-approver", "hagiang", 403),
        ("langson-editor", "langson", 403),
    ],
)
def test_who_generates(half_year, page_client, username, host, expected):
    path = (PAGE if host else PUBLIC_PAGE) + "reports/"
    assert page_client(username, host).post(path, {"language": "vi"}).status_code == expected
    assert ReportJob.objects.count() == (1 if expected == 302 else 0)


def test_deputy_sees_the_generated_files(half_year, page_client):
    lead(page_client).post(PAGE + "reports/", {"language": "vi"})
    job = ReportJob.objects.get()
    report_generate(job_id=job.pk)
    page = tree(page_client("hagiang-approver", "hagiang").get(PAGE))
    assert len(page.xpath(f"//tr[@id='job-{job.pk}']//a[contains(@class,'file-link')]")) == 3


def test_deputy_and_department_download_a_report_the_lead_generated(half_year, page_client):
    lead(page_client).post(PAGE + "reports/", {"language": "vi"})
    job = ReportJob.objects.get()
    # Even if a worker ran the job in the lead's schema, the files are the hub's.
    with schema_context("quangninh"):
        report_generate(job_id=job.pk)
    route = f"/api/v1/clusters/{NORTH}/periods/2024-H1/reports/{job.pk}/docx/"
    for reader in (page_client("hagiang-approver", "hagiang"), page_client("department")):
        response = reader.get(route)
        assert response.status_code == 200 and b"".join(response.streaming_content)


def test_out_of_date_banner_after_the_figures_change(half_year, page_client, world):
    client = lead(page_client)
    client.post(PAGE + "reports/", {"language": "vi"})
    job = ReportJob.objects.get()
    report_generate(job_id=job.pk)
    assert not tree(client.get(PAGE)).xpath("//*[@id='out-of-date']")
    # Sơn La submits its draft: the figures the report was built from have changed.
    period = half_year["period"]
    submission_submit(school=world.schools[DRAFT_SCHOOL], period=period, actor=SYSTEM)
    submission_publish(school=world.schools[DRAFT_SCHOOL], period=period)
    cluster_aggregate(cluster=half_year["cluster"], period=period)
    page = tree(client.get(PAGE))
    banner = page.xpath("//*[@id='out-of-date']")
    assert banner and "Báo cáo số 1 đã cũ" in text_of(banner[0])
    assert "out-of-date" in page.xpath(f"//tr[@id='job-{job.pk}']")[0].get("class")


def test_no_snapshot_yet_shows_the_board_and_no_report(world, page_client):
    response = lead(page_client).get(f"/cluster/{NORTH}/2024-Y/")
    assert response.status_code == 200
    page = tree(response)
    rows = page.xpath("//table[contains(@class,'board-table')]/tbody/tr")
    assert {row.get("data-status") for row in rows} == {"not_started"}
    assert page.xpath("//*[@id='no-snapshot']")
    assert not page.xpath("//*[@id='generate-form']") and not page.xpath(
        "//*[@id='report-preview']"
    )


# --- language ---------------------------------------------------------------------------------


def test_the_page_in_english(half_year, page_client):
    page = tree(lead(page_client).get(PAGE, HTTP_ACCEPT_LANGUAGE="en"))
    content = text_of(page.xpath("//main")[0])
    for phrase in (
        "Northern mountain & border cluster",
        "Submission status",
        "Figures: submitted and accepted",
        "Not started",
        "Draft",
        "Late",
        "Classes and learners per school",
        "Generate report",
        "Limitations and causes",
    ):
        assert phrase in content, phrase
    learners = sum(
        seed_values(half_year, s)["training.learners"]
        for s in ORDER
        if s not in (DRAFT_SCHOOL, MISSING_SCHOOL)
    )
    assert format_count(learners, "en") in content
    assert "Tình hình nộp báo cáo" not in content


# --- the school home's way in ---------------------------------------------------------------------


def test_school_home_links_to_the_clusters_it_leads(world, page_client):
    page = tree(page_client("quangninh-editor", "quangninh").get("/"))
    links = page.xpath("//section[@id='my-clusters']//a/@href")
    assert f"/cluster/{NORTH}/2024-H1/" in links and f"/cluster/{NORTH}/2024-Y/" in links
    assert not any("2023" in link for link in links)  # not a lead that year
    assert "Cụm trưởng" in text_of(page.xpath("//section[@id='my-clusters']")[0])
    deputy = tree(page_client("hagiang-editor", "hagiang").get("/"))
    assert "Cụm phó thường trực" in text_of(deputy.xpath("//section[@id='my-clusters']")[0])
    member = tree(page_client("dienbien-editor", "dienbien").get("/"))
    assert not member.xpath("//section[@id='my-clusters']")


def test_reviewers_from_another_school_see_no_cluster_block_on_a_member_host(world, page_client):
    page = tree(page_client("quangninh-approver", "dienbien").get("/"))
    assert not page.xpath("//section[@id='my-clusters']")


def test_preview_stylesheet_is_served(world, page_client):
    response = lead(page_client).get("/cluster/report-preview.css")
    assert response.status_code == 200 and ".cr-doc" in response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert settings.HUB_DOMAIN
