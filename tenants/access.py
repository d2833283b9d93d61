"""The one access policy: who may do what on which host, cluster and submission.

- `Access` / `access_for`: what one user may do on one host (a school's, or the
  hub's public one). `hub.access` (pages) and `api.permissions` (API) both use it.
- Cluster viewer roles: how a user sees a cluster in a year (`cluster_viewer_role`),
  who may read the cluster's board and reports (`CLUSTER_READERS`) and who may
  generate its report (`REPORT_GENERATORS`, with `require_cluster_reader` and
  `require_report_generator` raising `core.errors.ForbiddenError`).
- Review standing: the facts the review policy (`tenants.review_policy`) reads
  about a user and a submission's school (`reviewer_standing`, `cluster_seats`).

Ranking access lives with the rankings (`rankings.selectors.RankingAccess`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ForbiddenError
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
from tenants.review_policy import (
    ACCEPT,
    DEPARTMENT,
    REOPEN,
    ClusterSeats,
    Decision,
    ReviewerStanding,
    review_decision,
)
from tenants.selectors import department_membership, user_cluster_roles

# Who may read a cluster's board, figures, text and reports.
CLUSTER_READERS = frozenset(
    {ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY, ClusterRole.DEPUTY, DEPARTMENT}
)
# Who may generate the cluster's report.
REPORT_GENERATORS = frozenset({ClusterRole.LEAD, DEPARTMENT})


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
    # For the review policy's answer on this host (`can_review`), looked up on demand.
    user_id: int | None = None
    school: School | None = field(default=None, compare=False)
    _decisions: dict[int, Decision] = field(default_factory=dict, compare=False, repr=False)

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
        """May accept or return this school's submission of that year: the review
        policy's answer (`tenants.review_policy`), which the services apply again.
        Only the department and a lead or standing deputy school can ever review, so
        nobody else costs a query."""
        if self.user_id is None or self.school is None:
            return False
        if not (
            self.is_department
            or self.review_roles.get(year) in (ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY)
        ):
            return False
        if year not in self._decisions:
            self._decisions[year] = review_decision(
                action=ACCEPT,
                user=reviewer_standing(user_id=self.user_id),
                seats=cluster_seats(school=self.school, year=year),
                accepted=False,
                closed=False,
            )
        return self._decisions[year].allowed

    def can_reopen(self, year: int, *, accepted: bool, closes_on: date) -> bool:
        """May reopen this school's submission of that year: the review policy's answer
        (the school's approver or the department before acceptance, the reviewer's
        side after it, only the department after the closing date)."""
        if self.user_id is None or self.school is None:
            return False
        if not (self.is_department or self.school_role == SchoolRole.APPROVER or self.review_roles):
            return False
        return review_decision(
            action=REOPEN,
            user=reviewer_standing(user_id=self.user_id),
            seats=cluster_seats(school=self.school, year=year),
            accepted=accepted,
            closed=timezone.localdate() > closes_on,
        ).allowed

    def can_read_review(self, year: int) -> bool:
        return self.school_role is not None or self.is_department or year in self.review_roles


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
        user_id=user.pk,
        school=tenant,
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


# --- cluster viewer roles -------------------------------------------------------------------


def cluster_viewer_role(
    *, user: User, cluster: Cluster, year: int, is_department: bool | None = None
) -> str | None:
    """How a user sees a cluster in a year: 'department', their school's cluster role,
    or None when they have nothing to do with it. The strongest role wins.
    `is_department`, when the caller already knows it, saves the lookup."""
    if is_department is None:
        is_department = department_membership(user) is not None
    if is_department:
        return DEPARTMENT
    roles = user_cluster_roles(user=user, cluster=cluster, year=year)
    for role in ClusterRole.values:
        if role in roles:
            return role
    return None


def require_cluster_reader(role: str | None, *, year: int) -> str:
    """The role, when it may read the cluster's pages and reports; else ForbiddenError."""
    if role not in CLUSTER_READERS:
        raise ForbiddenError(
            _("Chỉ trường cụm trưởng, cụm phó và Vụ xem được trang của cụm trong năm %(year)s.")
            % {"year": year}
        )
    assert role is not None
    return role


def require_report_generator(role: str | None) -> str:
    if role not in REPORT_GENERATORS:
        raise ForbiddenError(_("Chỉ trường cụm trưởng (và Vụ) mới tạo được báo cáo của cụm."))
    assert role is not None
    return role


def require_cluster_lead(role: str | None) -> None:
    if role != ClusterRole.LEAD:
        raise ForbiddenError(_("Chỉ trường cụm trưởng mới làm được việc này."))


def can_write_declared(*, user: User | AnonymousUser, cluster: Cluster, year: int) -> bool:
    """Declared cluster totals are entered by the department, or by an approver of the
    school that leads the cluster that year (deputies and editors only read them)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if department_membership_exists(user_id=user.pk):
        return True
    return SchoolMembership.objects.filter(
        user_id=user.pk,
        role=SchoolRole.APPROVER,
        school__memberships__cluster=cluster,
        school__memberships__year=year,
        school__memberships__role=ClusterRole.LEAD,
    ).exists()


def require_declared_writer(*, user: User | AnonymousUser, cluster: Cluster, year: int) -> None:
    if not can_write_declared(user=user, cluster=cluster, year=year):
        raise ForbiddenError(
            _(
                "Chỉ người duyệt của trường cụm trưởng (và Vụ) mới nhập được số liệu "
                "công bố của cụm; cụm phó chỉ xem."
            )
        )


def school_in_cluster(*, school: School, cluster: Cluster, year: int) -> bool:
    """A cluster's pages live on its own schools' hosts (and the hub's)."""
    return ClusterMembership.objects.filter(cluster=cluster, year=year, school=school).exists()


def reviewer_memberships(*, user: User, on_school: School | None = None) -> list[ClusterMembership]:
    """The cluster places (lead, deputies) held by the user's schools, every year."""
    memberships = ClusterMembership.objects.filter(
        school__staff__user=user, role__in=REVIEWER_ROLES
    ).select_related("cluster")
    if on_school is not None:
        memberships = memberships.filter(school=on_school)
    return list(memberships)


# --- review standing (the facts the review policy reads) ------------------------------------


def cluster_seats(*, school: School, year: int) -> ClusterSeats:
    """The school's role in its cluster that year, its lead and standing deputy."""
    own = (
        ClusterMembership.objects.filter(school=school, year=year)
        .values_list("cluster_id", "role")
        .first()
    )
    if own is None:
        return ClusterSeats(school=school.schema_name)
    cluster_id, role = own
    seats = ClusterMembership.objects.filter(
        cluster_id=cluster_id,
        year=year,
        role__in=(ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY),
    ).values_list("role", "school__schema_name", "school__short_name", "school__name_vi")
    holders: dict[str, str] = {}
    names: dict[str, str] = {}
    for seat, slug, short_name, name_vi in seats:
        holders[seat] = slug
        names[slug] = short_name or name_vi
    return ClusterSeats(
        school=school.schema_name,
        role=role,
        lead=holders.get(ClusterRole.LEAD),
        standing_deputy=holders.get(ClusterRole.STANDING_DEPUTY),
        names=names,
    )


def reviewer_standing(*, user_id: int) -> ReviewerStanding:
    return ReviewerStanding(
        is_department=department_membership_exists(user_id=user_id),
        school_roles=dict(
            SchoolMembership.objects.filter(user_id=user_id).values_list(
                "school__schema_name", "role"
            )
        ),
    )


def department_membership_exists(*, user_id: int) -> bool:
    return DepartmentMembership.objects.filter(user_id=user_id).exists()
