"""The demo: the clusters and schools of the seed documents, their people and figures.

Loading is idempotent: every step is an upsert keyed by natural keys, so running it
again changes nothing and `make run` can call it on every start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from administration.selectors import successor_of as lineage_successor
from administration.services import schools_merge
from aggregation.models import DeclaredTotal
from aggregation.services import reconcile
from catalogue.models import Period
from catalogue.services import period_ensure
from rankings.services import scheme_ensure_example
from reviews.models import Section
from reviews.selectors import narratives_of
from reviews.services import cluster_narrative_save
from submissions.models import Channel
from submissions.services import (
    Actor,
    Changes,
    submission_record_historical,
    submission_update,
)
from tenants.models import Cluster, School, SchoolRole
from tenants.services import (
    cluster_membership_set,
    cluster_roles_clear,
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


def demo_password_hash() -> str:
    """One hash for every demo login, kept across runs while DEMO_PASSWORD is unchanged
    (any demo user's current hash is reused when the password still matches it)."""
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username="department").first()
    if existing is not None and existing.check_password(settings.DEMO_PASSWORD):
        return existing.password
    return make_password(settings.DEMO_PASSWORD)


def demo_logins() -> list[DemoLogin]:
    schools = read_demo_file("schools.yaml")["schools"]
    logins = [
        DemoLogin("department", "department", None),
        DemoLogin("department-admin", "department (administrator: year set-up, scoring)", None),
    ]
    for school in schools:
        logins.append(DemoLogin(f"{school['slug']}-editor", SchoolRole.EDITOR, school["slug"]))
        logins.append(DemoLogin(f"{school['slug']}-approver", SchoolRole.APPROVER, school["slug"]))
    return logins


def load_structure() -> dict[str, int]:
    """Public tenant, periods, clusters, schools (schemas), memberships and users."""
    data = read_demo_file("schools.yaml")
    password_hash = demo_password_hash()
    public_tenant_ensure()
    for code in DEMO_PERIODS:
        period_ensure(code=code)
    for year in sorted({int(code[:4]) for code in DEMO_PERIODS}):
        scheme_ensure_example(year=year)
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
        # The file is authoritative for each cluster-year it lists: roles it does not
        # give are cleared first, so re-runs and edited files never collide on the
        # one-lead rule.
        for cluster_slug, year in {(m["cluster"], int(m["year"])) for m in data["memberships"]}:
            cluster_roles_clear(cluster=clusters[cluster_slug], year=year)
        for item in data["memberships"]:
            cluster_membership_set(
                school=schools[item["school"]],
                cluster=clusters[item["cluster"]],
                year=int(item["year"]),
                role=item["role"],
            )
        department = user_ensure(
            username="department", password_hash=password_hash, full_name="Vụ Các trường chính trị"
        )
        department_role_grant(user=department, can_manage_scoring=False)
        admin = user_ensure(
            username="department-admin",
            password_hash=password_hash,
            full_name="Vụ Các trường chính trị (quản trị)",
        )
        department_role_grant(user=admin, can_manage_scoring=True, is_admin=True)
        for slug, school in schools.items():
            for role in (SchoolRole.EDITOR, SchoolRole.APPROVER):
                user = user_ensure(username=f"{slug}-{role}", password_hash=password_hash)
                school_role_grant(user=user, school=school, role=role)
    return {
        "clusters": len(clusters),
        "schools": len(schools),
        "memberships": len(data["memberships"]),
        "mergers": load_mergers(data.get("mergers", []), schools=schools),
    }


def load_mergers(items: list[dict[str, Any]], *, schools: dict[str, School]) -> int:
    """The demo's mergers (`mergers:` in schools.yaml), recorded as the department
    would (`administration.services.schools_merge`), marked illustrative. A merger
    already recorded is left as it is (idempotent)."""
    recorded = 0
    for item in items:
        into = schools[item["into"]]
        sources = [
            schools[slug] for slug in item["from"] if lineage_successor(schools[slug]) is None
        ]
        if sources:
            schools_merge(
                into=into,
                sources=sources,
                effective=str(item["effective"]),
                actor="demo-loader",
                note=item.get("note", ""),
                illustrative=True,
            )
        recorded += 1
    return recorded


# Sơn La's seed figures are entered but left as a draft: the demo's lead school then
# has someone to wait for, and Sơn La's staff can see what still blocks submitting.
LEFT_AS_DRAFT = {("sonla", "2024-H1")}
# Typed by hand in the demo's first journey (README), so left empty.
LEFT_EMPTY = {("thainguyen", "2022-H1")}
SYSTEM = Actor(user_id=None, username="demo-loader", channel=Channel.SYSTEM)


def open_demo_periods(*, today: date) -> None:
    """The seed periods ended years ago; the demo keeps them open for entry (deadline
    two weeks ahead, closing in six months) so every journey can be walked through."""
    for period in Period.objects.filter(code__in=DEMO_PERIODS):
        period.deadline = max(period.deadline, today + timedelta(days=14))
        period.closes_on = max(period.closes_on, today + timedelta(days=180))
        period.save(update_fields=["deadline", "closes_on"])


def load_figures() -> dict[str, int]:
    """The seed documents' figures as submissions, and seed 002's declared totals.

    Historical reports follow the same rules as anyone's (`submission_record_historical`):
    a required figure a seed does not state is marked not reported, never 0, and the
    seeds' own inconsistencies stay as findings explained by their source, so no record
    is stored as submitted with an open blocking finding."""
    schools = {school.schema_name: school for school in School.objects.schools()}
    periods = {period.code: period for period in Period.objects.all()}
    loaded = drafts = 0
    for path in sorted((DEMO_DIR / "figures").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.get("submissions", []):
            key = (entry["school"], entry["period"])
            if key in LEFT_EMPTY or entry["school"] not in schools:
                continue
            school, period = schools[entry["school"]], periods[entry["period"]]
            narratives = {k: v for k, v in (entry.get("narratives") or {}).items() if v}
            if key in LEFT_AS_DRAFT:
                if submission_draft_version(school=school, period=period) == 0:
                    submission_update(
                        school=school,
                        period=period,
                        expected_version=0,
                        changes=Changes(values=entry["values"], narratives=narratives),
                        actor=SYSTEM,
                    )
                drafts += 1
                continue
            submission_record_historical(
                school=school,
                period=period,
                values=entry["values"],
                narratives=narratives,
                source=f"{data['source']}",
                actor=SYSTEM,
            )
            loaded += 1
        for narrative in data.get("cluster_narratives", []):
            load_cluster_narratives(narrative, period=periods[narrative["period"]])
        for declared in data.get("cluster_declared", []):
            cluster = Cluster.objects.get(slug=declared["cluster"])
            for code, value in declared["values"].items():
                DeclaredTotal.objects.update_or_create(
                    cluster=cluster,
                    period=periods[declared["period"]],
                    indicator=code,
                    defaults={"value": value, "source": data["source"]},
                )
    return {"submitted": loaded, "drafts": drafts}


def load_cluster_narratives(entry: dict[str, Any], *, period: Period) -> None:
    """A seed review's limitations, proposals and tasks as the lead's report text.
    Sections already written (by a lead, or an earlier load) are left alone."""
    cluster = Cluster.objects.get(slug=entry["cluster"])

    def clauses(text: str) -> list[dict[str, Any]]:
        body = text.split(":", 1)[1] if text.startswith("Kiến nghị") else text
        parts = [part.strip().rstrip(".") for part in body.split(";") if part.strip()]
        return [{"text": part[0].upper() + part[1:] + "."} for part in parts]

    sections = {
        Section.LIMITATIONS: clauses(entry.get("limitations", "")),
        Section.PROPOSALS: clauses(entry.get("proposals", "")),
        Section.NEXT_TASKS: [
            {"text": task["task_vi"], "owner": task["owner"], "month": int(task["month"][5:7])}
            for task in entry.get("tasks", [])
        ],
    }
    existing = narratives_of(cluster=cluster, period=period)
    for section, items in sections.items():
        if items and (section not in existing or not existing[section].items):
            cluster_narrative_save(
                cluster=cluster,
                period=period,
                section=section,
                items=items,
                expected_version=existing[section].version if section in existing else 0,
                username=SYSTEM.username,
            )


def submission_draft_version(*, school: School, period: Period) -> int:
    from django_tenants.utils import schema_context

    from submissions.models import Submission

    with schema_context(school.schema_name):
        submission = Submission.objects.filter(period=period).first()
        return submission.version if submission else 0


def aggregate_everything() -> int:
    """Publish and aggregate here and now, so the demo opens with figures even before
    a worker has drained the queue (the queued runs then find nothing to do)."""
    return len(reconcile(aggregate_inline=True).reaggregated)
