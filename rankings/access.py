"""Who may see which part of the rankings: the one rule, for the API and the pages.

* the department (Vụ Các trường chính trị) sees everything;
* a school's user sees, for a period, the ranking of the cluster(s) their school(s)
  belong to that year (every row, with the reasons), and their own school's row in
  the national ranking, and nothing of other clusters;
* unless the department has opened the period to schools (`RankingVisibility`), in
  which case school users see every cluster's ranking and the national one;
* anyone else (no school, no department role) sees nothing;
* scoring schemes are read by the department and edited by its members who hold
  `can_manage_scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from catalogue.models import Period
from core.errors import ForbiddenError
from rankings.models import RankingVisibility
from tenants.models import ClusterMembership, DepartmentMembership, SchoolMembership

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class RankingAccess:
    authenticated: bool
    is_department: bool = False
    can_manage: bool = False
    own_schools: frozenset[str] = field(default_factory=frozenset)
    own_clusters: frozenset[str] = field(default_factory=frozenset)
    open_to_schools: bool = False

    @property
    def can_view(self) -> bool:
        return self.is_department or bool(self.own_schools)

    @property
    def sees_all(self) -> bool:
        return self.is_department or (bool(self.own_schools) and self.open_to_schools)

    def can_see_cluster(self, cluster: str | None) -> bool:
        return self.sees_all or (cluster is not None and cluster in self.own_clusters)

    def can_see_school(self, school: str, cluster: str | None) -> bool:
        return self.sees_all or school in self.own_schools or self.can_see_cluster(cluster)


def department_access(user: User) -> RankingAccess:
    """Access that does not depend on a period (index, trend, scheme pages)."""
    if not user.is_authenticated:
        return RankingAccess(authenticated=False)
    department = DepartmentMembership.objects.filter(user_id=user.pk).first()
    own = frozenset(
        SchoolMembership.objects.filter(user_id=user.pk).values_list(
            "school__schema_name", flat=True
        )
    )
    return RankingAccess(
        authenticated=True,
        is_department=department is not None,
        can_manage=bool(department and department.can_manage_scoring),
        own_schools=own,
    )


def ranking_access(*, user: User, period: Period) -> RankingAccess:
    """`department_access` plus the period's clusters of the user's schools and the
    department's grant for the period."""
    base = department_access(user)
    if not base.authenticated:
        return base
    clusters = frozenset(
        ClusterMembership.objects.filter(
            school__schema_name__in=base.own_schools, year=period.year
        ).values_list("cluster__slug", flat=True)
    )
    opened = RankingVisibility.objects.filter(period=period, open_to_schools=True).exists()
    return RankingAccess(
        authenticated=True,
        is_department=base.is_department,
        can_manage=base.can_manage,
        own_schools=base.own_schools,
        own_clusters=clusters,
        open_to_schools=opened,
    )


def require_view(access: RankingAccess) -> None:
    if not access.can_view:
        raise ForbiddenError(
            _("Chỉ Vụ Các trường chính trị và cán bộ các trường xem được bảng xếp hạng.")
        )


def require_department(access: RankingAccess, message: str | None = None) -> None:
    """Scoring schemes and the period's grant are the department's own."""
    if not access.is_department:
        raise ForbiddenError(message or _("Chỉ Vụ Các trường chính trị xem được bảng điểm."))


def require_manage(access: RankingAccess) -> None:
    if not access.can_manage:
        raise ForbiddenError(_("Chỉ cán bộ Vụ được giao quản trị bảng điểm mới sửa được."))
