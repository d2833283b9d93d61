"""Issue 12 in a real browser: a department administrator, starting from the test
world, sets up a new cluster for a year from the browser alone. They create five new
schools (each provisioned by a real worker, the schools page following the jobs), a
cluster for the year, its five members with the lead and the standing deputy, and a
user for one school with the editor role; that user sets their own password through
the one-time link and signs in on their school's host.

The live server and the worker commit what they do, so the fixture removes everything
created (schools with their schemas, the cluster, the users, the audit rows) before
and after. Screenshots of /setup/ at 390 px and 1366 px are saved for a person to
look at (test-artifacts/)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from administration.models import AdminChange, ProvisioningJob
from tenants.models import Cluster, ClusterMembership, School
from tenants.services import department_role_grant, user_ensure
from tests.browser.conftest import login, screenshot
from tests.browser.test_journey_lead import drain
from tests.worker_fixtures import RunningWorker, start_worker, wait_until_ready

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


def clean() -> None:
    ClusterMembership.objects.filter(cluster__slug=CLUSTER).delete()
    ClusterMembership.objects.filter(school__schema_name__in=SLUGS).delete()
    Cluster.objects.filter(slug=CLUSTER).delete()
    User.objects.filter(username__in=[ADMIN, EDITOR]).delete()
    for school in School.objects.filter(schema_name__in=SLUGS):
        school.delete(force_drop=True)
    ProvisioningJob.objects.filter(slug__in=SLUGS).delete()
    AdminChange.objects.filter(actor=ADMIN).delete()


@pytest.fixture
def setup_world(db: None) -> Iterator[None]:
    clean()
    try:
        admin = user_ensure(username=ADMIN, password="pw-for-tests")
        department_role_grant(user=admin, is_admin=True)
        yield
    finally:
        clean()


@pytest.fixture
def provisioning_worker(setup_world: None, tmp_path: Path) -> Iterator[RunningWorker]:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "worker.log"
    worker = RunningWorker(start_worker(queue, log_path), queue, log_path)
    try:
        wait_until_ready(worker)
        yield worker
        drain(worker)
    finally:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=15)
        except Exception:
            worker.process.kill()


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
