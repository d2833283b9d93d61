"""Reads of snapshots and published figures, cached in Redis by fingerprint."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from aggregation.models import AggregationState, Basis, Snapshot
from aggregation.transforms import Basis as BasisName
from catalogue.models import Period
from tenants.models import Cluster


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
    """What a cluster member may see: totals, completeness counts and its own row.

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
    completeness = data.get("completeness", {})
    visible["completeness"] = {
        key: value for key, value in completeness.items() if not isinstance(value, list)
    }
    visible["restricted"] = True
    return visible


def academy_view(*, period: Period, basis: BasisName) -> dict[str, Any]:
    """Every cluster's totals and the national total, from one query over the facts.

    Cached under a key that changes whenever any fact of the period changes.
    """
    from django.db.models import Count, Max

    from aggregation.models import Fact
    from aggregation.services import facts_frame_for_period, members_frame
    from aggregation.transforms import build_academy_view
    from catalogue.selectors import catalogue_for_year

    marker = Fact.objects.filter(period=period).aggregate(
        count=Count("id"), latest=Max("published_at")
    )
    latest = marker["latest"].timestamp() if marker["latest"] else 0
    key = f"academy:{period.code}:{basis}:{marker['count']}:{latest}"
    data = cache.get(key)
    if data is None:
        data = build_academy_view(
            facts=facts_frame_for_period(period=period),
            members=members_frame(year=period.year),
            catalogue=catalogue_for_year(period.year),
            period=period.code,
            basis=basis,
        )
        cache.set(key, data, timeout=3600)
    return data
