"""Seed 002's eight schools submitted and aggregated inside the test's transaction."""

from __future__ import annotations

import pytest

from aggregation.models import DeclaredTotal
from aggregation.services import cluster_aggregate, submission_publish
from catalogue.models import Period
from submissions.services import Actor, Changes, submission_submit, submission_update
from tests.seeds import required_totals, seed_002
from tests.world import NORTH

ACTOR = Actor(user_id=None, username="seed", channel="api")


@pytest.fixture
def seed_002_cluster(world):
    """2024-H1 of the north cluster with seed 002's figures, narratives and declared totals."""
    data = seed_002()
    period = Period.objects.get(code="2024-H1")
    for entry in data["submissions"]:
        school = world.schools[entry["school"]]
        narratives = {k: v for k, v in (entry.get("narratives") or {}).items() if v}
        submission_update(
            school=school,
            period=period,
            expected_version=0,
            changes=Changes(values=required_totals(entry["values"]), narratives=narratives),
            actor=ACTOR,
        )
        submission_submit(school=school, period=period, actor=ACTOR)
        submission_publish(school=school, period=period)
    cluster = world.clusters[NORTH]
    for code, value in data["cluster_declared"][0]["values"].items():
        DeclaredTotal.objects.create(cluster=cluster, period=period, indicator=code, value=value)
    cluster_aggregate(cluster=cluster, period=period, force=True)
    return {"cluster": cluster, "period": period, "data": data}
