"""Reads of who is who. What a user may do is `tenants.access`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from core.errors import NotFoundError
from tenants.models import (
    Cluster,
    ClusterMembership,
    ClusterRole,
    DepartmentMembership,
    School,
    SchoolLineage,
    SchoolMembership,
)


def department_membership(user: User | AnonymousUser) -> DepartmentMembership | None:
    if not user.is_authenticated:
        return None
    return DepartmentMembership.objects.filter(user=user).first()


def user_schools(user: User) -> list[SchoolMembership]:
    return list(SchoolMembership.objects.filter(user=user).select_related("school"))


def cluster_membership_of(*, school: School, year: int) -> ClusterMembership | None:
    return (
        ClusterMembership.objects.filter(school=school, year=year).select_related("cluster").first()
    )


def cluster_members(*, cluster: Cluster, year: int) -> list[ClusterMembership]:
    """The cluster's schools that year: lead first, then deputies, then members."""
    order = {role: position for position, role in enumerate(ClusterRole.values)}
    members = list(
        ClusterMembership.objects.filter(cluster=cluster, year=year).select_related("school")
    )
    return sorted(members, key=lambda m: (order[m.role], m.school.schema_name))


def user_cluster_roles(*, user: User, cluster: Cluster, year: int) -> set[str]:
    """Roles that the user's schools hold in a cluster in a year."""
    return set(
        ClusterMembership.objects.filter(
            school__staff__user=user, cluster=cluster, year=year
        ).values_list("role", flat=True)
    )


def user_school_slugs(user: User) -> set[str]:
    return set(
        SchoolMembership.objects.filter(user=user).values_list("school__schema_name", flat=True)
    )


def user_leads_a_cluster(user: User) -> bool:
    """Whether one of the user's schools leads a cluster in some year."""
    return ClusterMembership.objects.filter(
        school__staff__user=user, role=ClusterRole.LEAD
    ).exists()


def cluster_by_slug(slug: str) -> Cluster | None:
    return Cluster.objects.filter(slug=slug).first()


def cluster_get(slug: str) -> Cluster:
    """The cluster with this slug; NotFoundError (404 at the edges) when there is none.
    The one lookup the pages and the API use for a cluster named in a URL."""
    cluster = cluster_by_slug(slug)
    if cluster is None:
        raise NotFoundError(_("Không có cụm %(slug)s.") % {"slug": slug})
    return cluster


def clusters_by_id(ids: set[int]) -> dict[int, Cluster]:
    return Cluster.objects.in_bulk(ids)


# --------------------------------------------------------------------------- lineage


def predecessors_of(school: School) -> list[SchoolLineage]:
    """Every school that became `school`, directly or through earlier mergers, nearest
    first; each with the date from which its figures count as `school`'s."""
    found: list[SchoolLineage] = []
    frontier = [school.pk]
    seen = {school.pk}
    while frontier:
        rows = list(
            SchoolLineage.objects.filter(successor_id__in=frontier)
            .select_related("predecessor", "successor")
            .order_by("predecessor__name_vi")
        )
        frontier = [row.predecessor_id for row in rows if row.predecessor_id not in seen]
        seen.update(frontier)
        found.extend(rows)
    return found


def successor_of(school: School) -> School | None:
    lineage = SchoolLineage.objects.filter(predecessor=school).select_related("successor").first()
    return lineage.successor if lineage else None
