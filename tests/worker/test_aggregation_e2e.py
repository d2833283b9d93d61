"""Submit seed 002's eight schools through the real services and let a real worker
publish and aggregate them. Data here is committed (the worker is another process),
so the fixture cleans up after itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aggregation.models import DeclaredTotal, Snapshot
from catalogue.models import Period
from submissions.services import submission_reopen
from tenants.models import Cluster, School
from tests.reliability_support import ACTOR, clean, submit
from tests.seeds import seed_002_declared, seed_002_figures
from tests.waiting import wait_for
from tests.world import NORTH

pytestmark = pytest.mark.worker

PERIOD = "2024-Y"  # a period no transactional test uses, since this data is committed


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[Period]:
    with django_db_blocker.unblock():
        period = Period.objects.get(code=PERIOD)
        clean(period)
        try:
            yield period
        finally:
            clean(period)


def wait_for_snapshot(period: Period, predicate) -> dict:
    def matching() -> dict | None:
        snapshot = Snapshot.objects.filter(
            cluster__slug=NORTH, period=period, basis="submitted"
        ).first()
        return snapshot.data if snapshot is not None and predicate(snapshot.data) else None

    return wait_for(matching, timeout=30, what="a matching snapshot", every=0.2)


def test_worker_aggregates_seed_002_and_follows_a_change(committed, celery_worker_process):
    period = committed
    schools, declared = seed_002_figures(), seed_002_declared()
    north = Cluster.objects.get(slug=NORTH)
    for code, value in declared.items():
        DeclaredTotal.objects.create(
            cluster=north, period=period, indicator=code, value=value, source="seed 002"
        )

    for slug, values in schools.items():
        submit(School.objects.get(schema_name=slug), period, values)

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
    corrected = {**schools["sonla"], "training.classes": 31}
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
