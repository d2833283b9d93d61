"""Where to go: the cluster pages a user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aggregation.selectors import snapshot_pairs
from catalogue.models import Period
from catalogue.selectors import periods_list
from hub.http import HubRequest, page_user
from hub.views.cluster.common import ROLE_LABELS, cluster_name
from tenants.access import DEPARTMENT, reviewer_memberships
from tenants.models import Cluster, School
from tenants.selectors import clusters_by_id, department_membership


def cluster_links(
    *, user: Any, on_school: School | None = None, department: bool = False
) -> list[dict[str, Any]]:
    """(cluster, period) pages a user may open: the department's are every cluster's
    periods that have figures; a school's are the years it leads or deputies a cluster."""
    periods = {p.pk: p for p in periods_list()}
    pairs: list[tuple[Cluster, Period, str]] = []
    if department:
        seen = snapshot_pairs()
        clusters = clusters_by_id({c for c, _p in seen})
        pairs = [(clusters[c], periods[p], DEPARTMENT) for c, p in seen if p in periods]
    else:
        for membership in reviewer_memberships(user=user, on_school=on_school):
            for period in periods.values():
                if period.year == membership.year:
                    pairs.append((membership.cluster, period, membership.role))
    pairs.sort(key=lambda p: (-p[1].year, p[1].code, p[0].slug))
    return [
        {
            "cluster": cluster,
            "cluster_name": cluster_name(cluster),
            "period": period,
            "period_label": period.label,
            "role_label": ROLE_LABELS.get(role, role),
        }
        for cluster, period, role in pairs
    ]


@require_GET
def cluster_index(request: HubRequest) -> HttpResponse:
    """The hub host's list of cluster pages (the department's way in)."""
    user = page_user(request)
    is_department = department_membership(user) is not None
    links = cluster_links(user=user, department=is_department)
    return render(request, "cluster/index.html", {"links": links})
