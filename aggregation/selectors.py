"""Reads of snapshots and published figures, cached in Redis by fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.contrib.postgres.aggregates import StringAgg
from django.core.cache import cache
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import MD5, Cast, Concat

from aggregation.models import (
    AggregationState,
    Basis,
    DeclaredTotal,
    DeclaredTotalChange,
    Fact,
    Publication,
    Snapshot,
)
from aggregation.transforms import FACT_COLUMNS, build_academy_view, marks_on_basis
from aggregation.transforms import Basis as BasisName
from catalogue.models import Period
from catalogue.rollup import Mark
from catalogue.selectors import catalogue_for_year
from submissions.services import submission_findings
from submissions.validation import Finding
from tenants.models import Cluster, ClusterMembership, School


def cluster_basis(*, cluster: Cluster, period: Period) -> str:
    basis = (
        AggregationState.objects.filter(cluster=cluster, period=period)
        .values_list("basis", flat=True)
        .first()
    )
    return basis or Basis.SUBMITTED


def snapshot_read(
    *, cluster: Cluster, period: Period, basis: str | None = None
) -> dict[str, Any] | None:
    """The current snapshot's data. The cache key carries the fingerprint (and, through
    the cache's key function, the schema of the host asking), so a recomputed snapshot
    is never served stale."""
    basis = basis or cluster_basis(cluster=cluster, period=period)
    head = (
        Snapshot.objects.filter(cluster=cluster, period=period, basis=basis)
        .values_list("pk", "fingerprint", "computed_at")
        .first()
    )
    if head is None:
        return None
    pk, fingerprint, computed_at = head
    key = f"snapshot:{pk}:{fingerprint}:{computed_at.timestamp()}"
    data = cache.get(key)
    if data is None:
        data = Snapshot.objects.values_list("data", flat=True).get(pk=pk)
        cache.set(key, data, timeout=3600)
    return data


FULL_VIEW_ROLES = {"department", "lead", "standing_deputy", "deputy"}


def snapshot_for_viewer(
    data: dict[str, Any], *, viewer_role: str, own_schools: set[str]
) -> dict[str, Any]:
    """What a cluster member may see: totals (with their states and counts, without
    the names of the schools short of them), completeness counts and its own row.

    The lead, its deputies and the department see every school's row.
    """
    if viewer_role in FULL_VIEW_ROLES:
        return data
    visible = dict(data)
    visible["schools"] = [row for row in data["schools"] if row["school"] in own_schools]
    visible["findings"] = [
        finding
        for finding in data["findings"]
        if finding.get("school") in own_schools or finding.get("scope") == "cluster"
    ]
    # Which other schools are short of a total is theirs to see, like completeness:
    # a member sees each total's state and the counts, not the names.
    visible["figures"] = {
        code: {key: item for key, item in figure.items() if key != "schools"}
        for code, figure in data.get("figures", {}).items()
    }
    completeness = data.get("completeness", {})
    visible["completeness"] = {
        key: value for key, value in completeness.items() if not isinstance(value, list)
    }
    visible["restricted"] = True
    return visible


def academy_view(*, period: Period, basis: BasisName) -> dict[str, Any]:
    """Every cluster's totals and the national total, from one query over the facts.

    Cached under `facts_marker`, which changes with any fact of the period and any
    membership of its year (a school moving cluster is never served stale).
    """
    key = f"academy:{period.code}:{basis}:{facts_marker(period=period)}"
    data = cache.get(key)
    if data is None:
        data = build_academy_view(
            facts=facts_frame_for_period(period=period),
            members=members_frame(year=period.year),
            catalogue=catalogue_for_year(period.year),
            period=period.code,
            basis=basis,
            marks=marks_for_period(period=period, basis=basis),
        )
        cache.set(key, data, timeout=3600)
    return data


def marks_for_period(*, period: Period, basis: BasisName) -> dict[str, dict[str, Mark]]:
    """Every school's marks (not applicable / not reported) for the period, kept to the
    publications that count on `basis`: the snapshots', academy view's and rankings'
    roll-ups read the same marks."""
    published = {
        slug: (status, marks)
        for slug, status, marks in Publication.objects.filter(period=period).values_list(
            "school__schema_name", "status", "marks"
        )
    }
    return marks_on_basis(published, basis)


def facts_marker(*, period: Period) -> str:
    """A short marker that changes whenever a fact or a publication (marks included) of
    the period, or a membership or role of its year, changes: the one cache marker of
    every period-wide read."""
    # Facts and publications in one query: a publication that only changes a school's
    # marks touches no fact, so its time counts too.
    per_period = Fact.objects.filter(period=OuterRef("pk")).values("period")
    published = Publication.objects.filter(period=OuterRef("pk")).values("period")
    facts = (
        Period.objects.filter(pk=period.pk)
        .values(
            count=Subquery(per_period.annotate(n=Count("id")).values("n")),
            latest=Subquery(per_period.annotate(t=Max("published_at")).values("t")),
            published=Subquery(published.annotate(t=Max("published_at")).values("t")),
        )
        .first()
    ) or {"count": 0, "latest": None, "published": None}
    members = ClusterMembership.objects.filter(year=period.year).aggregate(
        count=Count("id"),
        digest=MD5(
            StringAgg(
                Concat(
                    Cast("school_id", CharField()),
                    Value(":"),
                    Cast("cluster_id", CharField()),
                    Value(":"),
                    "role",
                ),
                delimiter=",",
                order_by="school_id",
            )
        ),
    )
    parts = [
        str(facts["count"] or 0),
        facts["latest"].isoformat() if facts["latest"] else "-",
        facts["published"].isoformat() if facts["published"] else "-",
        str(members["count"]),
        members["digest"] or "-",
    ]
    return f"f{facts['count'] or 0}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def facts_frame(*, schools: list[int], periods: list[int]) -> pd.DataFrame:
    """One query over the fact table; school and period as slugs/codes."""
    rows = Fact.objects.filter(school_id__in=schools, period_id__in=periods).values_list(
        "school__schema_name", "period__code", "indicator", "value", "status", "version"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=FACT_COLUMNS)
    return frame.astype({"value": "int64", "version": "int64"}) if len(frame) else frame


def facts_frame_for_period(*, period: Period) -> pd.DataFrame:
    rows = Fact.objects.filter(period=period).values_list(
        "school__schema_name", "period__code", "indicator", "value", "status", "version"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=FACT_COLUMNS)
    return frame.astype({"value": "int64", "version": "int64"}) if len(frame) else frame


def members_frame(*, year: int) -> pd.DataFrame:
    rows = ClusterMembership.objects.filter(year=year).values_list(
        "school__schema_name", "cluster__slug", "year", "role"
    )
    return pd.DataFrame.from_records(list(rows), columns=["school", "cluster", "year", "role"])


def publications_frame(*, schools: list[int], period: Period) -> pd.DataFrame:
    rows = Publication.objects.filter(school_id__in=schools, period=period).values_list(
        "school__schema_name", "status", "submitted_at", "changed_at"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["school", "status", "submitted_at", "updated_at"]
    )
    frame["period"] = period.code
    return frame


def aggregation_state_of(*, cluster: Cluster, period: Period) -> AggregationState | None:
    """When the cluster's figures were last computed, and whether a run is pending."""
    return AggregationState.objects.filter(cluster=cluster, period=period).first()


def snapshot_pairs() -> list[tuple[int, int]]:
    """(cluster id, period id) of every cluster period that has figures."""
    return sorted(set(Snapshot.objects.values_list("cluster_id", "period_id")))


# --------------------------------------------------------------------------- declared totals


def declared_totals(*, cluster: Cluster, period: Period) -> list[DeclaredTotal]:
    """The figures a cluster report published for the cluster as a whole, in the
    year's catalogue order (codes the catalogue does not know last)."""
    order = {
        indicator.code: position
        for position, indicator in enumerate(catalogue_for_year(period.year).indicators)
    }
    rows = list(DeclaredTotal.objects.filter(cluster=cluster, period=period))
    rows.sort(key=lambda row: (order.get(row.indicator, len(order)), row.indicator))
    return rows


def declared_changes(
    *, cluster: Cluster, period: Period, limit: int = 50
) -> list[DeclaredTotalChange]:
    return list(DeclaredTotalChange.objects.filter(cluster=cluster, period=period)[:limit])


def open_findings(*, schools: Iterable[School], period: Period) -> dict[str, list[Finding]]:
    """THE open findings of each school's submission for the period: the list the
    school's own page and the API show (`submissions.services.submission_findings`,
    validated live), kept to what is open there (blocking, or a warning not
    explained). The lead's board and the report read this, not the snapshot's copy,
    which only a worker refreshes and which never had the completeness findings.

    ``schools`` are those with a submission for the period (without one, the page
    and the API show no findings).
    """
    return {
        school.schema_name: [
            finding
            for finding in submission_findings(school=school, period=period)
            if finding.blocking or not finding.explained
        ]
        for school in schools
    }
