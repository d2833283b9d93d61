"""Submit seed 002's eight schools through the real services and let a real worker
publish and aggregate them. Data here is committed (the worker is another process),
so the fixture cleans up after itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django_tenants.utils import schema_context

from aggregation.models import AggregationState, DeclaredTotal, Fact, Publication, Snapshot
from catalogue.models import Period
from submissions.models import Submission
from submissions.services import (
    Actor,
    Changes,
    submission_reopen,
    submission_submit,
    submission_update,
)
from tenants.models import Cluster, School

pytestmark = pytest.mark.worker

PERIOD = "2024-Y"  # a period no transactional test uses, since this data is committed
NORTH = "mien-nui-bien-gioi-phia-bac"
SEED_002 = Path(settings.BASE_DIR) / "demo" / "figures" / "002-cluster-2024-h1.yaml"
ACTOR = Actor(user_id=None, username="e2e-test", channel="api")


def seed_002() -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    data = yaml.safe_load(SEED_002.read_text(encoding="utf-8"))
    schools = {item["school"]: dict(item["values"]) for item in data["submissions"]}
    declared = dict(data["cluster_declared"][0]["values"])
    return schools, declared


def with_required_totals(values: dict[str, int]) -> dict[str, int]:
    """The seed lists projects and conferences by level only; the catalogue requires
    their totals, which the test fills as the sum of the listed levels."""
    filled = dict(values)
    for total in ("research.projects", "research.conferences"):
        filled[total] = sum(v for code, v in values.items() if code.startswith(total + "."))
    return filled


def clean(period: Period) -> None:
    for school in School.objects.schools():
        with schema_context(school.schema_name):
            Submission.objects.filter(period=period).delete()
    Fact.objects.filter(period=period).delete()
    Publication.objects.filter(period=period).delete()
    Snapshot.objects.filter(period=period).delete()
    AggregationState.objects.filter(period=period).delete()
    DeclaredTotal.objects.filter(period=period).delete()


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[Period]:
    with django_db_blocker.unblock():
        period = Period.objects.get(code=PERIOD)
        clean(period)
        try:
            yield period
        finally:
            clean(period)


def submit(school: School, period: Period, values: dict[str, int]) -> None:
    submission_update(
        school=school,
        period=period,
        expected_version=current_version(school, period),
        changes=Changes(values=values),
        actor=ACTOR,
    )
    submission_submit(school=school, period=period, actor=ACTOR)


def current_version(school: School, period: Period) -> int:
    with schema_context(school.schema_name):
        submission = Submission.objects.filter(period=period).first()
        return submission.version if submission else 0


def wait_for_snapshot(period: Period, predicate, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = Snapshot.objects.filter(
            cluster__slug=NORTH, period=period, basis="submitted"
        ).first()
        if snapshot is not None and predicate(snapshot.data):
            return snapshot.data
        time.sleep(0.2)
    raise AssertionError(f"no matching snapshot within {timeout}s")


def test_worker_aggregates_seed_002_and_follows_a_change(committed, celery_worker_process):
    period = committed
    schools, declared = seed_002()
    north = Cluster.objects.get(slug=NORTH)
    for code, value in declared.items():
        DeclaredTotal.objects.create(
            cluster=north, period=period, indicator=code, value=value, source="seed 002"
        )

    for slug, values in schools.items():
        submit(School.objects.get(schema_name=slug), period, with_required_totals(values))

    snapshot = wait_for_snapshot(period, lambda data: len(data["completeness"]["submitted"]) == 8)

    for code in {code for values in schools.values() for code in values}:
        expected = sum(values.get(code, 0) for values in schools.values())
        assert snapshot["totals"][code] == expected, code
    rows = {row["school"]: row["values"] for row in snapshot["schools"]}
    assert rows["dienbien"]["training.learners"] == schools["dienbien"]["training.learners"]
    declared_classes = [
        finding
        for finding in snapshot["findings"]
        if finding["kind"] == "declared_mismatch" and finding["code"] == "training.classes"
    ]
    assert declared_classes and declared_classes[0]["expected"] == declared["training.classes"]
    assert declared_classes[0]["actual"] == sum(v["training.classes"] for v in schools.values())

    # A change at one school (reopened, corrected, resubmitted) reaches the snapshot.
    sonla = School.objects.get(schema_name="sonla")
    submission_reopen(school=sonla, period=period, actor=ACTOR, reason="sửa số lớp")
    corrected = {**with_required_totals(schools["sonla"]), "training.classes": 31}
    submit(sonla, period, corrected)
    expected_classes = (
        sum(v["training.classes"] for v in schools.values())
        - schools["sonla"]["training.classes"]
        + 31
    )
    updated = wait_for_snapshot(
        period,
        lambda data: (
            data["totals"].get("training.classes") == expected_classes
            and len(data["completeness"]["submitted"]) == 8
        ),
    )
    assert updated["fingerprint"] != snapshot["fingerprint"]
