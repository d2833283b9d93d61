"""The demo: the clusters and schools of the seed documents, their people and figures.

Loading is idempotent: every step is an upsert keyed by natural keys, so running it
again changes nothing and `make run` can call it on every start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

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

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_PERIODS = ["2022-Q2", "2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1", "2024-Y", "2020-Y"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    school: str | None


def read_demo_file(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


def demo_logins() -> list[DemoLogin]:
    schools = read_demo_file("schools.yaml")["schools"]
    logins = [
        DemoLogin("department", "department", None),
        DemoLogin("department-admin", "department (scoring admin)", None),
    ]
    for school in schools:
        logins.append(DemoLogin(f"{school['slug']}-editor", SchoolRole.EDITOR, school["slug"]))
        logins.append(DemoLogin(f"{school['slug']}-approver", SchoolRole.APPROVER, school["slug"]))
    return logins


def load_structure() -> dict[str, int]:
    """Public tenant, periods, clusters, schools (schemas), memberships and users."""
    data = read_demo_file("schools.yaml")
    password = settings.DEMO_PASSWORD
    public_tenant_ensure()
    for code in DEMO_PERIODS:
        period_ensure(code=code)
    clusters = {
        item["slug"]: cluster_upsert(
            slug=item["slug"],
            name_vi=item["name_vi"],
            name_en=item["name_en"],
            region=item.get("region", ""),
        )
        for item in data["clusters"]
    }
    schools: dict[str, School] = {}
    for item in data["schools"]:
        existing = School.objects.filter(schema_name=item["slug"]).first()
        schools[item["slug"]] = existing or school_provision(
            slug=item["slug"],
            name_vi=item["name_vi"],
            short_name=item.get("short_name", item["name_vi"]),
            province=item.get("province", ""),
        )
    with transaction.atomic():
        # Roles are set lead-last per cluster-year would still collide on re-runs when a
        # role moved; demoting everyone of a cluster-year first keeps re-runs idempotent.
        for item in sorted(
            data["memberships"], key=lambda m: m["role"] in ("lead", "standing_deputy")
        ):
            cluster_membership_set(
                school=schools[item["school"]],
                cluster=clusters[item["cluster"]],
                year=int(item["year"]),
                role=item["role"],
            )
        department = user_ensure(
            username="department", password=password, full_name="Vụ Các trường chính trị"
        )
        department_role_grant(user=department, can_manage_scoring=False)
        admin = user_ensure(
            username="department-admin",
            password=password,
            full_name="Vụ Các trường chính trị (quản trị)",
        )
        department_role_grant(user=admin, can_manage_scoring=True)
        for slug, school in schools.items():
            for role in (SchoolRole.EDITOR, SchoolRole.APPROVER):
                user = user_ensure(username=f"{slug}-{role}", password=password)
                school_role_grant(user=user, school=school, role=role)
    return {
        "clusters": len(clusters),
        "schools": len(schools),
        "memberships": len(data["memberships"]),
    }


def cluster_by_slug(slug: str) -> Cluster:
    return Cluster.objects.get(slug=slug)
