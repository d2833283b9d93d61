"""The test world: its cluster slugs, schools, users and periods, and the builder
that creates it once per session (tests/conftest.py's `django_db_setup`). Import the
constants from here, never redefine them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

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
# Seed 002's cluster, in the order its report lists the schools.
NORTH_SCHOOLS = [slug for slug, _name, cluster, _role in WORLD_SCHOOLS if cluster == NORTH]


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
