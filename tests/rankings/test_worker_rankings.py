"""A real worker computes the rankings; a scheme edit or a change of figures gives a
new ranking row. The data here is committed (the worker is another process), so the
`committed` fixture deletes it afterwards."""

from __future__ import annotations

import pytest

from aggregation.models import Fact
from rankings.models import Ranking
from rankings.services import (
    criterion_update,
    rankings_request,
    scheme_ensure_example,
)
from rankings.tasks import compute_period_rankings
from tests.rankings.conftest import committed_db_fixture, insert_facts
from tests.seeds import seed_002_values
from tests.waiting import wait_for

pytestmark = pytest.mark.worker

# Committed data: the test database without a test transaction (see `committed`).
db = pytest.fixture(committed_db_fixture, name="db")

PERIOD = "2023-H1"  # no other test commits data for 2023


def wait_for_ranking(period, predicate) -> Ranking:
    def matching() -> Ranking | None:
        rankings = Ranking.objects.filter(period=period).order_by("-computed_at")
        return next((ranking for ranking in rankings if predicate(ranking)), None)

    return wait_for(matching, timeout=30, what=f"a matching ranking of {period}", every=0.2)


def test_worker_recomputes_on_scheme_edit_and_on_new_figures(committed, celery_worker_process):
    period = committed(PERIOD)
    insert_facts(period, seed_002_values(), status="accepted")

    # Seeding the example scheme queues the year's rankings after commit.
    scheme = scheme_ensure_example(year=2023)
    first = wait_for_ranking(period, lambda ranking: ranking.scheme_version == 1)
    assert first.scheme_id == scheme.pk
    scores = {row["school"]: row["score"] for row in first.data["rows"]}
    assert scores["quangninh"] == 27.86

    # A weight change bumps the version and queues a recompute on commit.
    edited = criterion_update(
        year=2023, code="classes", expected_version=1, actor="test", changes={"weight": 50}
    )
    assert edited.version == 2
    second = wait_for_ranking(period, lambda ranking: ranking.scheme_version == 2)
    assert second.pk != first.pk and second.fingerprint == first.fingerprint
    assert second.data["scheme"]["version"] == 2
    new_scores = {row["school"]: row["score"] for row in second.data["rows"]}
    assert new_scores["quangninh"] > scores["quangninh"]
    assert Ranking.objects.filter(period=period, scheme_version=1).exists()  # history kept

    # New figures (as a publish/aggregation would announce) give a new fingerprint.
    Fact.objects.filter(
        period=period, school__schema_name="langson", indicator="training.classes"
    ).update(value=120)
    rankings_request(period=period)
    third = wait_for_ranking(
        period,
        lambda ranking: ranking.scheme_version == 2 and ranking.fingerprint != first.fingerprint,
    )
    ranks = {row["school"]: row["rank_cluster"] for row in third.data["rows"]}
    assert (
        ranks["langson"]
        < {row["school"]: row["rank_cluster"] for row in second.data["rows"]}["langson"]
    )

    # The same inputs never compute twice: the worker takes the request, answers that
    # nothing changed, and no row is added. (The task's result, asked for this once,
    # says the worker has consumed it: no sleeping and hoping.)
    count = Ranking.objects.filter(period=period).count()
    answer = compute_period_rankings.apply_async(
        kwargs={"period_code": period.code}, ignore_result=False
    ).get(timeout=30)
    assert answer == {
        "period": period.code,
        "computed": False,
        "reason": "unchanged",
        "ranking_id": third.pk,
    }
    assert Ranking.objects.filter(period=period).count() == count
    assert "compute_period_rankings" in celery_worker_process.log()
