"""Browser tests: Debian's chromium, driven by Playwright, against a live server.

pytest-django's `live_server` is not used: it belongs to a TransactionTestCase whose
flush at the end would wipe the session's world of schools and users. The server here
runs in a thread of this process, reads the committed world through its own database
connections, and is reached as `http://<slug>.localhost:<port>/` like a real school
host. Browser tests write committed data: each cleans up what it changed.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make venv`); no browser is
ever downloaded. Its absence fails the tests, it does not skip them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

from tests.world import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _IPv6Server(ThreadedWSGIServer):
    address_family = socket.AF_INET6


def _closing_connections(app: Callable[..., object]) -> Callable[..., object]:
    """Close the request thread's database connections once the response is built.

    With CONN_MAX_AGE and the browser's keep-alive, they would otherwise outlive the
    session and keep the test database from being dropped.
    """

    def wrapped(environ: dict[str, object], start_response: Callable[..., object]) -> object:
        try:
            return app(environ, start_response)
        finally:
            connections.close_all()

    return wrapped


class HubServer:
    """The hub's WSGI app (with static files from the finders) on 127.0.0.1 and ::1.

    Chromium resolves `*.localhost` to loopback and may try ::1 first, so the same port
    is served on both when the machine has IPv6.
    """

    def __init__(self) -> None:
        app = _closing_connections(StaticFilesHandler(WSGIHandler()))
        self.servers: list[ThreadedWSGIServer] = []
        first = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        first.set_app(app)
        self.servers.append(first)
        self.port: int = first.server_address[1]
        with contextlib.suppress(OSError):
            second = _IPv6Server(("::1", self.port), _QuietHandler, allow_reuse_address=False)
            second.set_app(app)
            self.servers.append(second)
        self.threads = [
            threading.Thread(target=server.serve_forever, daemon=True) for server in self.servers
        ]
        for thread in self.threads:
            thread.start()

    def url(self, slug: str | None = None, path: str = "/") -> str:
        host = f"{slug}.{settings.HUB_DOMAIN}" if slug else settings.HUB_DOMAIN
        return f"http://{host}:{self.port}{path}"

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _sync_database_calls_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an asyncio loop in this thread, which Django takes for
    an async context and refuses database calls in. The calls here are synchronous."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def db(django_db_setup: World, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Database access for browser tests, on the committed test database.

    Overrides pytest-django's `db` for this package: no per-test transaction, which the
    live server's own connections could not see into (and `world` from tests.conftest,
    which asks for `db`, gets the committed world). The name also tells pytest-django
    to create the test database when only browser tests are collected.
    """
    with django_db_blocker.unblock():
        yield
        # Beside Playwright's loop, asgiref gives this test its own connection objects;
        # close them here or they outlive the session and block dropping the database.
        connections.close_all()


@pytest.fixture(scope="package")
def hub_server(django_db_setup: World) -> Iterator[HubServer]:
    server = HubServer()
    yield server
    server.stop()


@pytest.fixture
def site(hub_server: HubServer, db: None) -> HubServer:
    """The live server, with database access open for the test and the server's threads
    while it runs (the blocker pytest-django installs is process-wide)."""
    return hub_server


# Package scope: Playwright's loop must be gone before tests outside this package run.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests drive Debian's chromium. "
            "Run `make venv`, which installs it (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh temporary user-data-dir of its own (it
    # refuses --user-data-dir in args); the profile below only holds crash dumps.
    with tempfile.TemporaryDirectory(prefix="cumhub-chromium-") as profile, sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM),
            # Headless comes from --headless=new in the args, not Playwright's flag.
            headless=False,
            args=[*CHROMIUM_ARGS, f"--crash-dumps-dir={profile}"],
            env={**os.environ, "HOME": profile},
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """new_page(locale="vi") → a page in a fresh context (its own cookies)."""
    contexts = []

    def make(locale: str = "vi", width: int = 1280, height: int = 900) -> object:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, site: HubServer, host_slug: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real login form of `<host_slug>.localhost`."""
    page.goto(site.url(host_slug, "/accounts/login/"))
    page.get_by_label("Tên đăng nhập").or_(page.get_by_label("Username")).fill(username)
    page.get_by_label("Mật khẩu").or_(page.get_by_label("Password")).fill(PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """Save `test-artifacts/<name>.png` (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
