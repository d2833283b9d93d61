"""Reads of who is who, and what a user may do on a given host."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F

from tenants.models import (
    REVIEWER_ROLES,
    Cluster,
    ClusterMembership,
    ClusterRole,
    DepartmentMembership,
    School,
    SchoolMembership,
    SchoolRole,
)


@dataclass(frozen=True)
class Access:
    """What one user may do on one host (a school's, or the hub's public one).

    `review_roles` maps a year to the cluster role (lead or deputy) that one of the
    user's own schools holds in the host school's cluster that year: the only way a
    user of one school reaches another school's data.
    """

    authenticated: bool
    school_role: str | None = None
    is_department: bool = False
    can_manage_scoring: bool = False
    review_roles: dict[int, str] = field(default_factory=dict)

    @property
    def can_view(self) -> bool:
        return self.school_role is not None or self.is_department or bool(self.review_roles)

    @property
    def can_edit(self) -> bool:
        return self.school_role in (SchoolRole.EDITOR, SchoolRole.APPROVER)

    @property
    def can_approve(self) -> bool:
        return self.school_role == SchoolRole.APPROVER

    def can_review(self, year: int) -> bool:
        """Accept or return this school's submission of that year (the lead school only)."""
        return self.review_roles.get(year) == ClusterRole.LEAD

    def can_read_review(self, year: int) -> bool:
        return self.school_role is not None or self.is_department or year in self.review_roles


def department_membership(user: User | AnonymousUser) -> DepartmentMembership | None:
    if not user.is_authenticated:
        return None
    return DepartmentMembership.objects.filter(user=user).first()


def access_for(*, user: User | AnonymousUser, tenant: School) -> Access:
    if not user.is_authenticated:
        return Access(authenticated=False)
    department = department_membership(user)
    is_department = department is not None
    can_manage_scoring = bool(department and department.can_manage_scoring)
    if tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return Access(
            authenticated=True, is_department=is_department, can_manage_scoring=can_manage_scoring
        )
    school_role = (
        SchoolMembership.objects.filter(user=user, school=tenant)
        .values_list("role", flat=True)
        .first()
    )
    return Access(
        authenticated=True,
        school_role=school_role,
        is_department=is_department,
        can_manage_scoring=can_manage_scoring,
        review_roles=review_roles(user=user, school=tenant),
    )


def review_roles(*, user: User, school: School) -> dict[int, str]:
    """Years in which one of the user's schools leads or deputies `school`'s cluster."""
    rows = ClusterMembership.objects.filter(
        school__staff__user=user,
        role__in=REVIEWER_ROLES,
        cluster__memberships__school=school,
        cluster__memberships__year=F("year"),
    ).exclude(school=school)
    return dict(rows.values_list("year", "role"))


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


def cluster_role_of(*, school: School, cluster: Cluster, year: int) -> str | None:
    return (
        ClusterMembership.objects.filter(school=school, cluster=cluster, year=year)
        .values_list("role", flat=True)
        .first()
    )


def user_cluster_roles(*, user: User, cluster: Cluster, year: int) -> set[str]:
    """Roles that the user's schools hold in a cluster in a year."""
    return set(
        ClusterMembership.objects.filter(
            school__staff__user=user, cluster=cluster, year=year
        ).values_list("role", flat=True)
    )


def cluster_viewer_role(
    *, user: User, cluster: Cluster, year: int, is_department: bool | None = None
) -> str | None:
    """How a user sees a cluster in a year: 'department', their school's cluster role,
    or None when they have nothing to do with it. The strongest role wins.
    `is_department`, when the caller already knows it, saves the lookup."""
    if is_department is None:
        is_department = department_membership(user) is not None
    if is_department:
        return "department"
    roles = user_cluster_roles(user=user, cluster=cluster, year=year)
    for role in ClusterRole.values:
        if role in roles:
            return role
    return None


def user_school_slugs(user: User) -> set[str]:
    return set(
        SchoolMembership.objects.filter(user=user).values_list("school__schema_name", flat=True)
    )


def user_leads_a_cluster(user: User) -> bool:
    """Whether one of the user's schools leads a cluster in some year."""
    return ClusterMembership.objects.filter(
        school__staff__user=user, role=ClusterRole.LEAD
    ).exists()
