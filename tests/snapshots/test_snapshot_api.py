"""Who sees which part of a cluster's snapshot, the academy-wide view, the commands."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import F

from aggregation.models import AggregationState, Publication, Snapshot
from tests.world import NORTH

SNAPSHOT = f"/api/v1/clusters/{NORTH}/periods/2024-H1/snapshot/"


def school_values(seed) -> dict[str, dict[str, int]]:
    return {entry["school"]: entry["values"] for entry in seed["data"]["submissions"]}


@pytest.mark.parametrize(
    ("username", "host"),
    [("quangninh-approver", "quangninh"), ("hagiang-editor", None), ("department", None)],
)
def test_lead_deputies_and_department_see_every_row(seed_002_cluster, api_client, username, host):
    body = api_client(username, host).get(SNAPSHOT).json()
    assert {row["school"] for row in body["schools"]} == set(school_values(seed_002_cluster))
    assert body["basis"] == "submitted" and body["fingerprint"] and body["computed_at"]
    classes = sum(v["training.classes"] for v in school_values(seed_002_cluster).values())
    assert body["totals"]["training.classes"] == classes


def test_a_member_sees_totals_and_only_its_own_row(seed_002_cluster, api_client):
    body = api_client("dienbien-editor", "dienbien").get(SNAPSHOT).json()
    assert [row["school"] for row in body["schools"]] == ["dienbien"]
    assert body["restricted"] is True
    assert "training.classes" in body["totals"]
    assert all(f["school"] in (None, "dienbien") for f in body["findings"])
    assert not any(isinstance(value, list) for value in body["completeness"].values())


def test_another_clusters_school_is_refused(seed_002_cluster, api_client):
    assert api_client("backan-approver", "backan").get(SNAPSHOT).status_code == 403


def test_basis_switch_by_the_lead_only(seed_002_cluster, api_client):
    assert (
        api_client("hagiang-approver", "hagiang")
        .put(SNAPSHOT.replace("snapshot", "basis"), {"basis": "accepted"}, format="json")
        .status_code
        == 403
    )
    lead = api_client("quangninh-approver", "quangninh")
    assert (
        lead.put(
            SNAPSHOT.replace("snapshot", "basis"), {"basis": "accepted"}, format="json"
        ).status_code
        == 200
    )
    body = lead.get(SNAPSHOT).json()
    assert body["basis"] == "accepted" and body["totals"] == {}  # nothing accepted yet


def test_academy_view_is_the_departments_and_adds_up(seed_002_cluster, api_client):
    assert (
        api_client("quangninh-approver").get("/api/v1/periods/2024-H1/academy/").status_code == 403
    )
    body = api_client("department").get("/api/v1/periods/2024-H1/academy/").json()
    north = next(c for c in body["clusters"] if c["cluster"] == NORTH)
    assert north["totals"]["training.learners"] == sum(
        v["training.learners"] for v in school_values(seed_002_cluster).values()
    )
    for code, total in body["national"].items():
        assert total == sum(c["totals"].get(code, 0) for c in body["clusters"])


def test_aggregate_command_with_wait_computes_here(seed_002_cluster):
    Snapshot.objects.filter(period=seed_002_cluster["period"]).delete()
    call_command("aggregate", "--cluster", NORTH, "--period", "2024-H1", "--wait")
    assert Snapshot.objects.filter(cluster__slug=NORTH, period__code="2024-H1").count() == 2


def test_reconcile_command_reports_nothing_stale_after_inline_aggregation(seed_002_cluster, capsys):
    call_command("reconcile", "--inline")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Republished 0: -", "Re-aggregated 0: -"]


def test_reconcile_command_names_what_it_catches_up(seed_002_cluster, capsys):
    """The counterpart: a cluster whose snapshot is behind its requests, and a school
    whose submission is ahead of the fact table, are both named and caught up."""
    cluster, period = seed_002_cluster["cluster"], seed_002_cluster["period"]
    AggregationState.objects.filter(cluster=cluster, period=period).update(
        requested=F("computed") + 1
    )
    Publication.objects.filter(school__schema_name="dienbien", period=period).update(
        version=F("version") - 1
    )
    call_command("reconcile", "--inline")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Republished 1: dienbien 2024-H1 v"), lines
    assert lines[1] == f"Re-aggregated 1: {NORTH} 2024-H1", lines
    call_command("reconcile", "--inline")
    assert capsys.readouterr().out.splitlines() == ["Republished 0: -", "Re-aggregated 0: -"]


def test_snapshot_reads_come_from_the_cache_until_the_snapshot_changes(seed_002_cluster):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aggregation.selectors import snapshot_read
    from aggregation.services import cluster_aggregate

    def data_reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            snapshot_read(cluster=cluster, period=period, basis="submitted")
        return sum('"aggregation_snapshot"."data"' in q["sql"] for q in queries.captured_queries)

    cluster, period = seed_002_cluster["cluster"], seed_002_cluster["period"]
    cache.clear()
    assert data_reads() == 1
    assert data_reads() == 0  # the data now comes from Redis
    cluster_aggregate(cluster=cluster, period=period, force=True)
    assert data_reads() == 1  # recomputed: a new fingerprint/time, a new key


def test_cache_keys_carry_the_schema_of_the_host_that_reads(seed_002_cluster):
    from django.core.cache import cache
    from django_tenants.utils import schema_context

    with schema_context("quangninh"):
        cache.set("probe", "quangninh's")
    with schema_context("dienbien"):
        assert cache.get("probe") is None
    with schema_context("quangninh"):
        assert cache.get("probe") == "quangninh's"


def test_each_total_and_school_value_carries_its_state(seed_002_cluster, api_client):
    body = api_client("quangninh-approver", "quangninh").get(SNAPSHOT).json()
    assert body["totals"], "the seed has figures"
    for code, total in body["totals"].items():
        figure = body["figures"][code]
        shown = [row["values"][code] for row in body["schools"]]
        states = [row["figures"][code]["state"] for row in body["schools"]]
        # The total is the sum of exactly the column shown, and says when it is short.
        assert total == figure["value"] == sum(value for value in shown if value is not None)
        complete = all(state in ("complete", "not_applicable") for state in states)
        assert figure["state"] == ("complete" if complete else "partial")
        assert figure["counts"]["missing"] == states.count("missing")
        assert figure["schools"]["missing"] == [
            row["school"] for row in body["schools"] if row["figures"][code]["state"] == "missing"
        ]
        for row in body["schools"]:
            assert row["figures"][code]["value"] == row["values"][code]
            assert row["figures"][code]["state"] in (
                "complete",
                "partial",
                "missing",
                "not_reported",
                "not_applicable",
            )
    # Every school typed its classes: a complete total.
    assert body["figures"]["training.classes"]["state"] == "complete"


def test_declared_figures_stay_apart_with_their_source(seed_002_cluster, api_client):
    from aggregation.models import DeclaredTotal
    from aggregation.services import cluster_aggregate

    source = "Báo cáo sơ kết 6 tháng đầu năm 2024 của cụm"
    DeclaredTotal.objects.filter(cluster=seed_002_cluster["cluster"]).update(source=source)
    cluster_aggregate(
        cluster=seed_002_cluster["cluster"], period=seed_002_cluster["period"], force=True
    )
    body = api_client("quangninh-approver", "quangninh").get(SNAPSHOT).json()
    declared = seed_002_cluster["data"]["cluster_declared"][0]["values"]
    assert body["declared"] == {
        code: {"value": value, "source": source} for code, value in declared.items()
    }
    # Figures known only for the cluster as a whole are never presented as sums.
    assert "staff.training_attendances" not in body["totals"]
    assert "staff.training_attendances" not in body["figures"]
    # A figure both declared and computed: the total is the schools' sum, the gap a finding.
    schools_sum = sum(row["values"]["training.classes"] for row in body["schools"])
    assert body["totals"]["training.classes"] == schools_sum
    gaps = {f["code"]: f for f in body["findings"] if f["kind"] == "declared_mismatch"}
    if schools_sum != declared["training.classes"]:
        assert gaps["training.classes"]["expected"] == declared["training.classes"]
        assert gaps["training.classes"]["actual"] == schools_sum


def test_a_member_sees_the_states_but_not_who_is_short(seed_002_cluster, api_client):
    body = api_client("dienbien-editor", "dienbien").get(SNAPSHOT).json()
    assert body["figures"]["training.classes"]["state"] == "complete"
    assert all("schools" not in figure for figure in body["figures"].values())
    assert all("counts" in figure for figure in body["figures"].values())
