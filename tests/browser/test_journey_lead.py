"""Journey 2 in a real browser: the lead school (Quảng Ninh's approver) opens its
cluster's half-year, sees who is missing, accepts a report, edits the limitations,
generates the cluster report in a real worker, follows its progress and downloads
DOCX, XLSX and PDF.

The data is seed 002's half-year (2024-H1) with Lai Châu missing and Sơn La still in
draft, and a year-earlier half-year for the comparison chart. The live server and the
worker commit what they do, so the fixture removes everything it or the page created,
before and after; the worker runs only for this test (a session-long worker would go
on publishing other tests' committed submissions after they clean up).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from aggregation.models import AggregationState, DeclaredTotal, Fact, Publication, Snapshot
from aggregation.services import cluster_aggregate, submission_publish
from catalogue.models import Period
from reviews.models import ClusterNarrative, ReportJob
from submissions.models import AuditEntry, Submission
from submissions.services import (
    Actor,
    Changes,
    submission_record_historical,
    submission_submit,
    submission_update,
)
from tenants.models import Cluster, ClusterMembership, School
from tests.browser.conftest import login, screenshot
from tests.seeds import required_totals, seed_002
from tests.waiting import wait_for
from tests.worker_fixtures import RunningWorker, worker_running
from tests.world import NORTH

pytestmark = pytest.mark.browser

PERIOD, PREVIOUS = "2024-H1", "2023-H1"
PAGE = f"/cluster/{NORTH}/{PERIOD}/"
MISSING, DRAFT, TO_ACCEPT = "laichau", "sonla", "caobang"
ACTOR = Actor(user_id=None, username="journey-2-setup", channel="api")
SCHOOL_NARRATIVES = {
    "hagiang": {
        "limitations": "Cơ sở vật chất, trang thiết bị còn thiếu đồng bộ\n"
        "Hoạt động của thư viện chưa có sự đổi mới"
    },
    "laocai": {"proposals": "Hướng dẫn thống nhất về chuyển đổi số trong quản trị nhà trường"},
}
EDITED = "Tiến độ khai giảng các lớp ở một số trường còn chậm so với kế hoạch"


# --- committed data -------------------------------------------------------------------------


def cluster_schools() -> list[School]:
    return [
        m.school
        for m in ClusterMembership.objects.filter(cluster__slug=NORTH, year=2024).select_related(
            "school"
        )
    ]


def remove_report_files(job: ReportJob) -> None:
    """Report files sit under the schema of the host that asked for them."""
    for field in (job.docx, job.xlsx, job.pdf):
        if not field.name:
            continue
        for schema in ("quangninh", "public"):
            with schema_context(schema):
                if default_storage.exists(field.name):
                    default_storage.delete(field.name)


def clean() -> None:
    periods = list(Period.objects.filter(code__in=[PERIOD, PREVIOUS]))
    schools = cluster_schools()
    for school in schools:
        with schema_context(school.schema_name):
            Submission.objects.filter(period__in=periods).delete()
    cluster = Cluster.objects.get(slug=NORTH)
    for job in ReportJob.objects.filter(cluster=cluster, period__in=periods):
        remove_report_files(job)
    ReportJob.objects.filter(cluster=cluster, period__in=periods).delete()
    ClusterNarrative.objects.filter(cluster=cluster, period__in=periods).delete()
    Fact.objects.filter(school__in=schools, period__in=periods).delete()
    Publication.objects.filter(school__in=schools, period__in=periods).delete()
    Snapshot.objects.filter(cluster=cluster, period__in=periods).delete()
    AggregationState.objects.filter(cluster=cluster, period__in=periods).delete()
    DeclaredTotal.objects.filter(cluster=cluster, period__in=periods).delete()


def build() -> None:
    data = seed_002()
    period, previous = Period.objects.get(code=PERIOD), Period.objects.get(code=PREVIOUS)
    schools = {s.schema_name: s for s in cluster_schools()}
    for entry in data["submissions"]:
        slug = entry["school"]
        if slug == MISSING:
            continue
        school, values = schools[slug], required_totals(entry["values"])
        # A year earlier: a little less of everything, entered as already submitted.
        submission_record_historical(
            school=school,
            period=previous,
            values={code: max(0, round(v * 0.85)) for code, v in values.items()},
            narratives={},
            source="journey 2 test",
            actor=ACTOR,
        )
        submission_update(
            school=school,
            period=period,
            expected_version=0,
            changes=Changes(values=values, narratives=SCHOOL_NARRATIVES.get(slug, {})),
            actor=ACTOR,
        )
        if slug != DRAFT:
            submission_submit(school=school, period=period, actor=ACTOR)
        submission_publish(school=school, period=previous)
        submission_publish(school=school, period=period)
    cluster = Cluster.objects.get(slug=NORTH)
    for code, value in data["cluster_declared"][0]["values"].items():
        DeclaredTotal.objects.create(cluster=cluster, period=period, indicator=code, value=value)
    cluster_aggregate(cluster=cluster, period=period, force=True)


@pytest.fixture
def lead_half_year(db: None) -> Iterator[None]:
    clean()
    try:
        build()
        yield
    finally:
        clean()


# --- the worker, for this test only ---------------------------------------------------------------


def drain(worker: RunningWorker, timeout: float = 60) -> None:
    """Wait until the worker has nothing queued, reserved, scheduled or running."""
    import redis

    from worker.celery_app import app

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    destination = [f"{worker.queue}@{os.uname().nodename}"]
    quiet = 0

    def idle_twice() -> bool:
        nonlocal quiet
        queued = sum(broker.llen(queue) for queue in settings.HUB_QUEUES)
        inspect = app.control.inspect(destination=destination, timeout=1)
        states = [inspect.active(), inspect.reserved(), inspect.scheduled()]
        # A worker busy in its one (solo) slot does not answer: count that as busy.
        busy = any(state is None or any(state.values()) for state in states)
        quiet = quiet + 1 if not queued and not busy else 0
        return quiet >= 2

    try:
        wait_for(idle_twice, timeout=timeout, what="an idle worker", every=0.3)
    except AssertionError as error:
        raise AssertionError(f"{error}:\n{worker.log()[-3000:]}") from None


@pytest.fixture
def report_worker(lead_half_year: None, tmp_path: Path) -> Iterator[RunningWorker]:
    """The real worker on this session's queues; stopped, once idle, before the cleanup."""
    with worker_running(tmp_path) as worker:
        yield worker
        drain(worker)


# --- the journey ---------------------------------------------------------------------------------


def board_row(page, slug: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#board tr[data-school='{slug}']")


def test_lead_school_reviews_its_cluster_and_generates_the_report(
    site, new_page, report_worker, world
):
    page = new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    login(page, site, "quangninh", "quangninh-approver")

    # From the school home's "Cụm của tôi" to the cluster's half-year.
    my_clusters = page.locator("#my-clusters")
    expect(my_clusters).to_contain_text("Cụm của tôi")
    my_clusters.locator(f"a[href='{PAGE}']").click()
    page.wait_for_url(site.url("quangninh", PAGE))
    expect(page.locator("h1")).to_have_text(world.clusters[NORTH].name_vi)
    expect(page.locator("#viewer-role")).to_contain_text("Cụm trưởng")

    # Who is missing: Lai Châu never started, Sơn La is still a draft.
    expect(board_row(page, MISSING)).to_have_attribute("data-status", "not_started")
    expect(board_row(page, MISSING).locator(".badge").first).to_have_text("Chưa nhập")
    expect(board_row(page, DRAFT).locator(".badge").first).to_have_text("Bản nháp")
    expect(board_row(page, TO_ACCEPT).locator(".badge").first).to_have_text("Đã gửi")
    assert page.locator("#board tbody tr").count() == 8
    # Totals and charts from the snapshot, on the basis shown.
    expect(page.locator("header .basis-line")).to_have_text("Số liệu: đã gửi và đã chấp nhận")
    assert page.locator("svg.cl-chart").count() == 3  # per school x2, a year earlier
    screenshot(page, "journey-lead-1-cluster-vi")

    # Accept Cao Bằng's report from the board.
    board_row(page, TO_ACCEPT).get_by_role("button", name="Chấp nhận").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo của")
    expect(board_row(page, TO_ACCEPT).locator(".badge").first).to_have_text("Đã chấp nhận")
    with schema_context(TO_ACCEPT):
        entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.STATUS).order_by("-id").first()
    assert (entry.new, entry.username, entry.channel) == ("accepted", "quangninh-approver", "page")
    # Let the worker publish it and aggregate again before the report is built.
    drain(report_worker)
    page.reload()
    assert page.locator("#updating").count() == 0

    # The limitations: filled in from the schools, then edited.
    page.locator("#prefill").click()
    page.wait_for_load_state()
    limitations = page.locator("#narrative-limitations")
    items = limitations.locator("li.item:not(.new)")
    expect(items).to_have_count(2)
    expect(items.first.locator("select[name=school]")).to_have_value("hagiang")
    items.first.locator("textarea").fill(EDITED)
    items.first.locator("select[name=school]").select_option("")
    items.nth(1).get_by_role("button", name="Xóa mục").click()
    expect(limitations.locator("li.item:not(.new)")).to_have_count(1)
    limitations.get_by_role("button", name="Thêm mục").click()
    added = limitations.locator("li.item").last
    added.locator("textarea").fill("Công tác chuyển đổi số chưa thực sự rõ nét")
    added.locator("select[name=school]").select_option("laocai")
    limitations.get_by_role("button", name="Lưu mục này").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã lưu mục “Hạn chế và nguyên nhân”")
    limitations = page.locator("#narrative-limitations")
    expect(limitations.locator("input[name=version]")).to_have_value("2")
    expect(limitations.locator(".revision-list > li")).to_have_count(2)
    stored = ClusterNarrative.objects.get(cluster__slug=NORTH, section="limitations").items
    assert [(i["text"], i["school"]) for i in stored] == [
        (EDITED, None),
        ("Công tác chuyển đổi số chưa thực sự rõ nét", "laocai"),
    ]
    # The preview shows the text the report will carry.
    expect(page.locator("#report-preview")).to_contain_text(EDITED)
    limitations.scroll_into_view_if_needed()
    screenshot(page, "journey-lead-2-limitations-vi", full_page=False)

    # Generate the report (Vietnamese) and follow the real job to the end.
    page.locator("#generate-form input[value=vi]").check()
    page.locator("#generate").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã yêu cầu tạo báo cáo số 1")
    job = page.locator("#reports tr.job").first
    page.locator("#reports").scroll_into_view_if_needed()
    screenshot(page, "journey-lead-3-report-progress-vi", full_page=False)
    expect(job.locator(".job-state")).to_have_text("Hoàn thành", timeout=120_000)
    assert job.locator("progress").evaluate("p => p.value") == 100
    expect(job.locator("a.file-link")).to_have_count(3)
    screenshot(page, "journey-lead-4-report-done-vi", full_page=False)

    downloads: dict[str, bytes] = {}
    for kind in ("docx", "xlsx", "pdf"):
        with page.expect_download() as info:
            job.locator(f"a.file-link[data-kind={kind}]").click()
        download = info.value
        assert download.suggested_filename.endswith(f".{kind}")
        downloads[kind] = Path(download.path()).read_bytes()
        assert downloads[kind], kind
    text = "\n".join(p.text for p in Document(io.BytesIO(downloads["docx"])).paragraphs)
    assert "BÁO CÁO" in text and EDITED in text
    assert load_workbook(io.BytesIO(downloads["xlsx"])).worksheets
    assert downloads["pdf"].startswith(b"%PDF")
    report = ReportJob.objects.get(cluster__slug=NORTH, period__code=PERIOD)
    assert (report.status, report.requested_by, report.language) == (
        "done",
        "quangninh-approver",
        "vi",
    )
    assert page.locator("#out-of-date").count() == 0

    # The same page in English.
    page.locator(".lang button[value=en]").click()
    page.wait_for_load_state()
    expect(page.locator("#board-title")).to_have_text("Submission status")
    expect(board_row(page, MISSING).locator(".badge").first).to_have_text("Not started")
    expect(page.locator("header .basis-line")).to_have_text("Figures: submitted and accepted")
    screenshot(page, "journey-lead-5-cluster-en")
    page.locator(".lang button[value=vi]").click()
    page.wait_for_load_state()
    assert script_errors == []
