"""Issue 12 in a real browser: a department administrator, starting from the test
world, sets up a new cluster for a year from the browser alone. They create five new
schools (each provisioned by a real worker, the schools page following the jobs), a
cluster for the year, its five members with the lead and the standing deputy, and a
user for one school with the editor role; that user sets their own password through
the one-time link and signs in on their school's host. Then the year runs: the
administrator opens the year's half-year (its dates, on the periods page) and creates
an editor and an approver for a member school and an approver for the lead school; the
member's editor enters and submits its figures on its host, the lead's approver
accepts them from its cluster board and generates the cluster report (the worker's
job done, with its files).

The live server and the worker commit what they do, so the fixture removes everything
created (schools with their schemas, the cluster, the users, the audit rows) before
and after. Screenshots of /setup/ at 390 px and 1366 px are saved for a person to
look at (test-artifacts/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from administration.models import AdminChange, DeadlineExtension, ProvisioningJob
from aggregation.models import (
    AggregationState,
    DeclaredTotal,
    DeclaredTotalChange,
    Fact,
    Publication,
    Snapshot,
)
from catalogue.models import Period
from catalogue.services import period_ensure
from rankings.models import Ranking, RankingVisibility
from reviews.models import ClusterNarrative, ReportJob
from tenants.models import Cluster, ClusterMembership, School
from tenants.services import department_role_grant, user_ensure
from tests.browser.conftest import login, screenshot
from tests.browser.test_journey_lead import drain
from tests.worker_fixtures import RunningWorker, worker_running

pytestmark = pytest.mark.browser

ADMIN = "h7-setup-admin"
YEAR = 2031
CLUSTER = "cum-thu-nghiem-tay-bac"
SCHOOLS = [
    ("tnmuonga", "Trường Chính trị thử nghiệm Mường A"),
    ("tnmuongb", "Trường Chính trị thử nghiệm Mường B"),
    ("tnmuongc", "Trường Chính trị thử nghiệm Mường C"),
    ("tnmuongd", "Trường Chính trị thử nghiệm Mường D"),
    ("tnmuonge", "Trường Chính trị thử nghiệm Mường E"),
]
SLUGS = [slug for slug, _name in SCHOOLS]
EDITOR = "tnmuonga-editor"
NEW_PASSWORD = "Mat-khau-moi-2031!"
PROVISIONED_MS = 180_000
PERIOD = f"{YEAR}-H1"
# The member school that reports (a plain member), and the people the year needs.
MEMBER = SLUGS[3]
MEMBER_EDITOR, MEMBER_APPROVER = f"{MEMBER}-editor", f"{MEMBER}-approver"
LEAD_APPROVER = f"{SLUGS[0]}-approver"
USERS = [ADMIN, EDITOR, MEMBER_EDITOR, MEMBER_APPROVER, LEAD_APPROVER]


def remove_report_files(job: ReportJob) -> None:
    """Report files sit under the schema of the host that asked for them (the lead's)."""
    for field in (job.docx, job.xlsx, job.pdf):
        if not field.name:
            continue
        for schema in (SLUGS[0], "public"):
            if schema != "public" and not School.objects.filter(schema_name=schema).exists():
                continue
            with schema_context(schema):
                if default_storage.exists(field.name):
                    default_storage.delete(field.name)


def clean() -> None:
    for job in ReportJob.objects.filter(cluster__slug=CLUSTER):
        remove_report_files(job)
    ReportJob.objects.filter(cluster__slug=CLUSTER).delete()
    ClusterNarrative.objects.filter(cluster__slug=CLUSTER).delete()
    Snapshot.objects.filter(cluster__slug=CLUSTER).delete()
    AggregationState.objects.filter(cluster__slug=CLUSTER).delete()
    DeclaredTotal.objects.filter(cluster__slug=CLUSTER).delete()
    DeclaredTotalChange.objects.filter(cluster__slug=CLUSTER).delete()
    Fact.objects.filter(school__schema_name__in=SLUGS).delete()
    Publication.objects.filter(school__schema_name__in=SLUGS).delete()
    ClusterMembership.objects.filter(cluster__slug=CLUSTER).delete()
    ClusterMembership.objects.filter(school__schema_name__in=SLUGS).delete()
    Cluster.objects.filter(slug=CLUSTER).delete()
    User.objects.filter(username__in=USERS).delete()
    for school in School.objects.filter(schema_name__in=SLUGS):
        school.delete(force_drop=True)
    ProvisioningJob.objects.filter(slug__in=SLUGS).delete()
    AdminChange.objects.filter(actor=ADMIN).delete()
    # The period's rows in the public schema, then the period itself without Django's
    # cascade (it would look for submissions in the public schema; the schools' own
    # tables went with their schemas).
    Ranking.objects.filter(period__code=PERIOD).delete()
    RankingVisibility.objects.filter(period__code=PERIOD).delete()
    DeadlineExtension.objects.filter(period__code=PERIOD).delete()
    periods = Period.objects.filter(code=PERIOD)
    periods._raw_delete(periods.db)


@pytest.fixture
def setup_world(db: None) -> Iterator[None]:
    clean()
    try:
        admin = user_ensure(username=ADMIN, password="pw-for-tests")
        department_role_grant(user=admin, is_admin=True)
        # The catalogue's periods exist (as in a fresh database, `manage.py migrate`
        # plus the catalogue); the administrator sets this one's dates on its page.
        period_ensure(code=PERIOD)
        yield
    finally:
        clean()


@pytest.fixture
def provisioning_worker(setup_world: None, tmp_path: Path) -> Iterator[RunningWorker]:
    with worker_running(tmp_path) as worker:
        yield worker
        drain(worker)


def test_the_department_sets_up_a_new_cluster_from_its_browser(site, new_page, provisioning_worker):
    page = new_page(width=1366)
    login(page, site, None, ADMIN)
    page.get_by_role("link", name="Cụm, trường, người dùng, kỳ báo cáo và sáp nhập").click()
    page.wait_for_url(site.url(None, "/setup/"))

    # Five new schools, each provisioned by the worker; the page follows the jobs.
    page.get_by_role("link", name="Trường", exact=True).click()
    page.wait_for_url(site.url(None, "/setup/schools/"))
    for slug, name in SCHOOLS:
        page.get_by_label("Mã trường").fill(slug)
        page.get_by_label("Tên trường", exact=False).first.fill(name)
        page.get_by_role("button", name="Tạo trường").click()
        page.wait_for_url(site.url(None, "/setup/schools/"))
        expect(page.locator(".messages .success")).to_contain_text(slug)
    for slug in SLUGS:
        expect(page.locator(f"#school-{slug}")).to_be_visible(timeout=PROVISIONED_MS)
        expect(page.locator(f"#school-{slug}")).to_contain_text(f"{slug}.localhost")
    expect(page.locator(".job.status-done")).to_have_count(5)
    screenshot(page, "setup-schools-1366")
    assert set(
        School.objects.filter(schema_name__in=SLUGS).values_list("schema_name", flat=True)
    ) == set(SLUGS)

    # A cluster for the year, then its members with the lead and the standing deputy.
    page.goto(site.url(None, f"/setup/?year={YEAR}"))
    page.get_by_label("Mã cụm").fill(CLUSTER)
    page.get_by_label("Tên cụm (tiếng Việt)").fill("Cụm thi đua thử nghiệm Tây Bắc")
    page.get_by_role("button", name="Tạo cụm").click()
    page.wait_for_url(site.url(None, f"/setup/clusters/{CLUSTER}/{YEAR}/"))
    roles = ["lead", "standing_deputy", "deputy", "member", "member"]
    for index, (slug, role) in enumerate(zip(SLUGS, roles, strict=True)):
        page.locator(f"#id_form-{index}-school").select_option(slug)
        page.locator(f"#id_form-{index}-role").select_option(role)
    page.get_by_role("button", name="Lưu thành viên").click()
    page.wait_for_url(site.url(None, f"/setup/?year={YEAR}"))
    row = page.locator(f"#cluster-{CLUSTER}")
    expect(row.locator("td").nth(1)).to_have_text(SCHOOLS[0][1])
    expect(row.locator("td").nth(2)).to_have_text(SCHOOLS[1][1])
    expect(row.locator("td.num")).to_have_text("5")
    assert dict(
        ClusterMembership.objects.filter(cluster__slug=CLUSTER, year=YEAR).values_list(
            "school__schema_name", "role"
        )
    ) == dict(zip(SLUGS, roles, strict=True))

    # /setup/ as it looks on a desktop and on a phone.
    screenshot(page, "setup-year-1366")
    phone = new_page(width=390, height=844)
    login(phone, site, None, ADMIN)
    phone.goto(site.url(None, f"/setup/?year={YEAR}"))
    # The viewport as a phone shows it; the full page (its capture drops the scrollbar
    # but keeps the narrower image, so its right edge looks clipped).
    screenshot(phone, "setup-year-390", full_page=False)
    screenshot(phone, "setup-year-390-full")
    # On a phone the table scrolls inside its wrapper, not the page.
    assert phone.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    table = phone.locator(".setup-table.clusters")
    assert phone.evaluate(
        "t => t.parentElement.scrollWidth > t.parentElement.clientWidth", table.element_handle()
    )

    # A user for the first school, with the editor role.
    page.get_by_role("link", name="Người dùng", exact=True).click()
    page.get_by_label("Tên đăng nhập").fill(EDITOR)
    page.get_by_label("Họ và tên").fill("Lò Văn Thử")
    page.get_by_role("button", name="Tạo người dùng").click()
    page.wait_for_url(site.url(None, f"/setup/people/{EDITOR}/"))
    link = page.locator("#password-set-link").get_attribute("href")
    assert link and "/accounts/reset/" in link
    page.locator("#id_roles-0-school").select_option(SLUGS[0])
    page.locator("#id_roles-0-role").select_option("editor")
    page.get_by_role("button", name="Lưu vai trò").click()
    expect(page.locator(".messages .success")).to_contain_text(EDITOR)
    expect(page.locator("#id_roles-0-school")).to_have_value(SLUGS[0])
    screenshot(page, "setup-person-1366")

    # The new user sets their password through the link and signs in on their school.
    user = new_page()
    user.goto(link)
    user.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    user.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    user.get_by_role("button", name="Lưu mật khẩu").click()
    user.wait_for_url(lambda url: "/accounts/reset/done/" in url)
    user.goto(site.url(SLUGS[0], "/accounts/login/"))
    user.get_by_label("Tên đăng nhập").fill(EDITOR)
    user.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    user.locator("form button[type=submit].primary").click()
    user.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert user.url.startswith(site.url(SLUGS[0], "/"))
    expect(user.locator(".topbar .host")).to_have_text(SCHOOLS[0][1])
    expect(user.locator(".topbar .who")).to_have_text(EDITOR)
    # The link works once.
    again = new_page()
    again.goto(link)
    expect(again.locator("p.error")).to_be_visible()

    # --- the year runs ---------------------------------------------------------------------

    # The half-year opens today: its dates, set on the periods page.
    today = timezone.localdate()
    page.goto(site.url(None, "/setup/periods/"))
    row = page.locator(f"#period-{PERIOD}")
    row.locator(f"#id_{PERIOD}-opens_on").fill((today - timedelta(days=1)).isoformat())
    row.locator(f"#id_{PERIOD}-deadline").fill((today + timedelta(days=14)).isoformat())
    row.locator(f"#id_{PERIOD}-closes_on").fill((today + timedelta(days=180)).isoformat())
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages .success")).to_contain_text(PERIOD)

    # The people the year needs: an editor and an approver for the member school, an
    # approver for the lead school; each sets their password through their link.
    links = {
        MEMBER_EDITOR: person_with_role(page, site, MEMBER_EDITOR, MEMBER, "editor"),
        MEMBER_APPROVER: person_with_role(page, site, MEMBER_APPROVER, MEMBER, "approver"),
        LEAD_APPROVER: person_with_role(page, site, LEAD_APPROVER, SLUGS[0], "approver"),
    }
    for link in links.values():
        password_set(new_page(), link)

    # The member's editor enters and submits its figures on its own host.
    member = new_page()
    sign_in(member, site, MEMBER, MEMBER_EDITOR)
    member.goto(site.url(MEMBER, f"/submissions/{PERIOD}/"))
    expect(member.locator("#status-badge")).to_have_text("Chưa nhập")
    counts = member.locator("#submission-form input.count")
    for index in range(counts.count()):
        counts.nth(index).fill("0")
    member.fill("#f-training-classes", "0")
    member.get_by_role("button", name="Lưu nháp").click()
    member.wait_for_load_state()
    expect(member.locator(".messages")).to_contain_text("Đã lưu bản nháp")
    member.get_by_role("button", name="Gửi báo cáo").click()
    member.get_by_role("button", name="Xác nhận gửi").click()
    member.wait_for_load_state()
    expect(member.locator("#status-badge")).to_have_text("Đã gửi")

    # The lead's approver accepts it from the cluster board on the lead's host.
    board_path = f"/cluster/{CLUSTER}/{PERIOD}/"
    lead = new_page()
    sign_in(lead, site, SLUGS[0], LEAD_APPROVER)
    lead.goto(site.url(SLUGS[0], board_path))
    expect(lead.locator("#viewer-role")).to_contain_text("Cụm trưởng")
    member_row = lead.locator(f"#board tr[data-school='{MEMBER}']")
    expect(member_row.locator(".badge").first).to_have_text("Đã gửi")
    member_row.get_by_role("button", name="Chấp nhận").click()
    lead.wait_for_load_state()
    expect(lead.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo của")
    expect(member_row.locator(".badge").first).to_have_text("Đã chấp nhận")
    # The worker publishes it and aggregates the cluster before the report is built.
    drain(provisioning_worker)
    lead.reload()

    # The lead generates the cluster report; the worker's job ends with its files.
    lead.locator("#generate-form input[value=vi]").check()
    lead.locator("#generate").click()
    lead.wait_for_load_state()
    expect(lead.locator(".messages")).to_contain_text("Đã yêu cầu tạo báo cáo số 1")
    job = lead.locator("#reports tr.job").first
    expect(job.locator(".job-state")).to_have_text("Hoàn thành", timeout=120_000)
    expect(job.locator("a.file-link")).to_have_count(3)
    screenshot(lead, "setup-year-report-done-1366", full_page=False)
    report = ReportJob.objects.get(cluster__slug=CLUSTER, period__code=PERIOD)
    assert (report.status, report.requested_by) == ("done", LEAD_APPROVER)
    assert report.docx.name and report.xlsx.name and report.pdf.name


def person_with_role(page, site, username: str, school: str, role: str) -> str:  # type: ignore[no-untyped-def]
    """Create a user on the people page, give them a school role; their password link."""
    page.goto(site.url(None, "/setup/people/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Họ và tên").fill(username)
    page.get_by_role("button", name="Tạo người dùng").click()
    page.wait_for_url(site.url(None, f"/setup/people/{username}/"))
    link = page.locator("#password-set-link").get_attribute("href")
    assert link and "/accounts/reset/" in link
    page.locator("#id_roles-0-school").select_option(school)
    page.locator("#id_roles-0-role").select_option(role)
    page.get_by_role("button", name="Lưu vai trò").click()
    expect(page.locator(".messages .success")).to_contain_text(username)
    return link


def password_set(page, link: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(link)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu").click()
    page.wait_for_url(lambda url: "/accounts/reset/done/" in url)


def sign_in(page, site, slug: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site.url(slug, "/accounts/login/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
