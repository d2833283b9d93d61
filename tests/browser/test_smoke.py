"""The foundation: a real browser signs in on a school's host and lands on its home."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_sign_in_on_a_school_host_shows_the_school(site, new_page, world):
    page = new_page()
    login(page, site, "thainguyen", "thainguyen-editor")
    assert page.url == site.url("thainguyen", "/")
    heading = page.locator("h1")
    assert heading.inner_text() == world.schools["thainguyen"].name_vi
    assert page.locator(".topbar .who").inner_text() == "thainguyen-editor"
    screenshot(page, "smoke-school-home")
