"""Shared fixtures: a small world of schools built once per session in the real
PostgreSQL test database (schemas cannot be rolled back cheaply for every test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.worker_fixtures import celery_worker_process  # noqa: F401  (shared fixture)
from tests.world import (  # noqa: F401  (the constants stay importable from here, as before)
    CLOSED_PERIOD,
    MIDLANDS,
    NORTH,
    NORTH_CENTRAL,
    OPEN_PERIODS,
    PASSWORD,
    RED_RIVER,
    WORLD_SCHOOLS,
    World,
    build_world,
)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment: None, django_db_blocker: Any) -> Iterator[World]:
    """Create the test database for every session, then the world.

    pytest-django's own fixture creates it only when a collected test uses the `db`
    fixture; the tests that commit on purpose (for a worker in another process) use
    neither, and run alone they must still never touch the configured database."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        world = build_world()
    yield world
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=0)


@pytest.fixture
def world(django_db_setup: World, db: None) -> World:
    return django_db_setup


@pytest.fixture(autouse=True)
def public_schema_after_each_test() -> Iterator[None]:
    """The tenant middleware leaves the connection in the last request's schema."""
    yield
    from django.db import connection

    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def default_language_for_each_test() -> Iterator[None]:
    """The locale middleware leaves the last request's language active in the thread:
    every test starts in the hub's default language (vi), whatever ran before it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def page_client() -> callable:  # type: ignore[valid-type]
    """A logged-in Django test client on a host: page_client("quangninh-editor", "quangninh")."""

    def make(username: str | None, slug: str | None = None) -> Client:
        host = f"{slug}.{settings.HUB_DOMAIN}" if slug else settings.HUB_DOMAIN
        client = Client(HTTP_HOST=host)
        if username:
            client.force_login(user(username))
        return client

    return make


@pytest.fixture
def api_client() -> callable:  # type: ignore[valid-type]
    """An API client with a token on a host: api_client("quangninh-editor", "quangninh")."""

    def make(username: str | None, slug: str | None = None) -> APIClient:
        host = f"{slug}.{settings.HUB_DOMAIN}" if slug else settings.HUB_DOMAIN
        client = APIClient(HTTP_HOST=host)
        if username:
            _instance, token = AuthToken.objects.create(user=user(username))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make
