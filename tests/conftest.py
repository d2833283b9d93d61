"""Shared fixtures: a small world of schools built once per session in the real
PostgreSQL test database (schemas cannot be rolled back cheaply for every test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from catalogue.models import Period
from catalogue.services import period_ensure
from tenants.models import Cluster, School, SchoolRole
from tenants.services import (
    cluster_membership_set,
    cluster_upsert,
    department_role_grant,
    public_tenant_ensure,
    school_provision,
    school_role_grant,
    user_ensure,
)
from tests.worker_fixtures import celery_worker_process  # noqa: F401  (shared fixture)

PASSWORD = "pw-for-tests"
NORTH = "mien-nui-bien-gioi-phia-bac"
MIDLANDS = "trung-du-mien-nui-phia-bac"
NORTH_CENTRAL = "bac-trung-bo"
RED_RIVER = "dong-bang-song-hong"
# slug, name, cluster in 2024, role in 2024
WORLD_SCHOOLS = [
    ("quangninh", "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh", NORTH, "lead"),
    ("hagiang", "Trường Chính trị tỉnh Hà Giang", NORTH, "standing_deputy"),
    ("langson", "Trường Chính trị Hoàng Văn Thụ tỉnh Lạng Sơn", NORTH, "deputy"),
    ("dienbien", "Trường Chính trị tỉnh Điện Biên", NORTH, "member"),
    ("caobang", "Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng", NORTH, "member"),
    ("laichau", "Trường Chính trị tỉnh Lai Châu", NORTH, "member"),
    ("laocai", "Trường Chính trị tỉnh Lào Cai", NORTH, "member"),
    ("sonla", "Trường Chính trị tỉnh Sơn La", NORTH, "member"),
    ("thainguyen", "Trường Chính trị tỉnh Thái Nguyên", MIDLANDS, "lead"),
    ("backan", "Trường Chính trị tỉnh Bắc Kạn", MIDLANDS, "member"),
    ("thanhhoa", "Trường Chính trị tỉnh Thanh Hóa", NORTH_CENTRAL, "lead"),
    ("vinhphuc", "Trường Chính trị tỉnh Vĩnh Phúc", RED_RIVER, "lead"),
]


@dataclass
class World:
    schools: dict[str, School]
    clusters: dict[str, Cluster]

    def host(self, slug: str | None = None) -> str:
        return f"{slug}.{settings.HUB_DOMAIN}" if slug else settings.HUB_DOMAIN


OPEN_PERIODS = ["2020-Y", "2022-Y", "2023-H1", "2023-Y", "2024-H1", "2024-Y"]
CLOSED_PERIOD = "2022-H1"


def build_world() -> World:
    from django.db import connection

    # Refuse loudly rather than write the test world into a developer's database.
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    public_tenant_ensure()
    for code in OPEN_PERIODS:
        period = period_ensure(code=code)
        # Tests run long after these periods closed; keep them open so entry works.
        Period.objects.filter(pk=period.pk).update(closes_on=date(2099, 12, 31))
    period_ensure(code=CLOSED_PERIOD)
    clusters = {
        NORTH: cluster_upsert(
            slug=NORTH,
            name_vi="Cụm thi đua các trường chính trị khu vực miền núi, biên giới phía Bắc",
            name_en="Northern mountain & border cluster",
        ),
        MIDLANDS: cluster_upsert(
            slug=MIDLANDS,
            name_vi="Cụm thi đua các trường chính trị khu vực trung du miền núi phía Bắc",
            name_en="Northern midlands cluster",
        ),
        NORTH_CENTRAL: cluster_upsert(
            slug=NORTH_CENTRAL,
            name_vi="Cụm thi đua các trường chính trị khu vực Bắc Trung Bộ",
            name_en="North Central cluster",
        ),
        RED_RIVER: cluster_upsert(
            slug=RED_RIVER,
            name_vi="Cụm thi đua các trường chính trị khu vực đồng bằng sông Hồng",
            name_en="Red River Delta cluster",
        ),
    }
    schools: dict[str, School] = {}
    for slug, name, cluster, role in WORLD_SCHOOLS:
        school = School.objects.filter(schema_name=slug).first() or school_provision(
            slug=slug, name_vi=name, short_name=name, province=slug
        )
        schools[slug] = school
        for year in (2020, 2022, 2023, 2024):
            # Roles are held in 2024 only, so a school's role visibly changes by year.
            cluster_membership_set(
                school=school,
                cluster=clusters[cluster],
                year=year,
                role=role if year == 2024 else "member",
            )
        for school_role in (SchoolRole.EDITOR, SchoolRole.APPROVER):
            user = user_ensure(username=f"{slug}-{school_role}", password=PASSWORD)
            school_role_grant(user=user, school=school, role=school_role)
    department = user_ensure(username="department", password=PASSWORD)
    department_role_grant(user=department)
    user_ensure(username="nobody", password=PASSWORD)
    return World(schools=schools, clusters=clusters)


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
