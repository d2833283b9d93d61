"""Reads for the department's year set-up: clusters of a year with their members and
roles, schools, people with their roles, the history of changes, school lineage."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from administration.models import (
    AdminChange,
    DeadlineExtension,
    ProvisioningJob,
)
from catalogue.models import Period
from core.errors import NotFoundError
from tenants import selectors as tenants_selectors
from tenants.models import (
    Cluster,
    ClusterMembership,
    ClusterRole,
    DepartmentMembership,
    School,
    SchoolLineage,
    SchoolMembership,
)

ROLE_ORDER = {role: position for position, role in enumerate(ClusterRole.values)}


def is_department_admin(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return DepartmentMembership.objects.filter(user=user, is_admin=True).exists()


def school_by_slug(slug: str) -> School:
    school = School.objects.schools().filter(schema_name=slug).first()
    if school is None:
        raise NotFoundError(_("Không có trường mã “%(school)s”.") % {"school": slug})
    return school


def cluster_by_slug(slug: str) -> Cluster:
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None:
        raise NotFoundError(_("Không có cụm mã “%(cluster)s”.") % {"cluster": slug})
    return cluster


def user_by_username(username: str) -> User:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(_("Không có người dùng “%(username)s”.") % {"username": username})
    return user


def cluster_members(*, cluster: Cluster, year: int) -> list[dict[str, Any]]:
    """The cluster's schools that year: lead first, then the standing deputy, deputies
    and members, each with its role."""
    rows = ClusterMembership.objects.filter(cluster=cluster, year=year).select_related("school")
    members = [
        {"school": m.school.schema_name, "name": m.school.name_vi, "role": m.role} for m in rows
    ]
    return sorted(members, key=lambda member: (ROLE_ORDER[member["role"]], member["school"]))


def clusters_of_year(*, year: int | None) -> list[dict[str, Any]]:
    """Every cluster with, when a year is given, its members and roles that year."""
    clusters = list(Cluster.objects.all())
    out = []
    by_cluster: dict[int, list[dict[str, Any]]] = {}
    if year is not None:
        for membership in ClusterMembership.objects.filter(year=year).select_related("school"):
            by_cluster.setdefault(membership.cluster_id, []).append(
                {
                    "school": membership.school.schema_name,
                    "name": membership.school.name_vi,
                    "role": membership.role,
                }
            )
    for cluster in clusters:
        entry: dict[str, Any] = {
            "slug": cluster.slug,
            "name_vi": cluster.name_vi,
            "name_en": cluster.name_en,
            "region": cluster.region,
        }
        if year is not None:
            members = sorted(
                by_cluster.get(cluster.pk, []),
                key=lambda member: (ROLE_ORDER[member["role"]], member["school"]),
            )
            entry["year"] = year
            entry["members"] = members
        out.append(entry)
    return out


def schools_list() -> list[School]:
    return list(School.objects.schools().prefetch_related("domains"))


def school_hosts(school: School) -> list[str]:
    return [domain.domain for domain in school.domains.all()]


def users_with_roles() -> list[dict[str, Any]]:
    user_model = get_user_model()
    schools: dict[int, list[dict[str, str]]] = {}
    for user_id, school, role in SchoolMembership.objects.order_by(
        "school__schema_name"
    ).values_list("user_id", "school__schema_name", "role"):
        schools.setdefault(user_id, []).append({"school": school, "role": role})
    department = {
        membership.user_id: {"admin": membership.is_admin, "scoring": membership.can_manage_scoring}
        for membership in DepartmentMembership.objects.all()
    }
    return [
        {
            "username": user.username,
            "full_name": user.first_name,
            "email": user.email,
            "is_active": user.is_active,
            "has_password": user.has_usable_password(),
            "schools": schools.get(user.pk, []),
            "department": department.get(user.pk),
        }
        for user in user_model.objects.order_by("username")
    ]


def history(*, target_type: str | None = None, target: str | None = None, limit: int = 200):
    changes = AdminChange.objects.all()
    if target_type:
        changes = changes.filter(target_type=target_type)
    if target:
        changes = changes.filter(target=target)
    return list(changes[:limit])


def predecessors_of(school: School) -> list[SchoolLineage]:
    return tenants_selectors.predecessors_of(school)


def successor_of(school: School) -> School | None:
    return tenants_selectors.successor_of(school)


def deadline_for(*, period: Period, school: School) -> DeadlineExtension | None:
    return DeadlineExtension.objects.filter(period=period, school=school).first()


# --------------------------------------------------------------------------- set-up pages


def active_schools() -> list[School]:
    """The schools that can be placed in a cluster or given people, by name."""
    return list(School.objects.schools().filter(is_active=True).order_by("name_vi"))


def periods_list() -> list[Period]:
    return list(Period.objects.order_by("-year", "-code"))


def extensions_list() -> list[DeadlineExtension]:
    return list(
        DeadlineExtension.objects.select_related("period", "school").order_by(
            "-period__year", "period__code", "school__name_vi"
        )
    )


def lineages_list() -> list[SchoolLineage]:
    return list(
        SchoolLineage.objects.select_related("predecessor", "successor").order_by(
            "-effective_from", "successor__name_vi", "predecessor__name_vi"
        )
    )


def predecessors_by_school() -> dict[str, list[SchoolLineage]]:
    """Each successor's direct predecessors, keyed by the successor's code."""
    out: dict[str, list[SchoolLineage]] = {}
    for lineage in lineages_list():
        out.setdefault(lineage.successor.schema_name, []).append(lineage)
    return out


def provisioning_jobs(*, limit: int = 20) -> list[ProvisioningJob]:
    return list(ProvisioningJob.objects.all()[:limit])


def provisioning_job(job_id: int) -> ProvisioningJob:
    job = ProvisioningJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(_("Không có yêu cầu khởi tạo trường này."))
    return job


def history_types() -> list[str]:
    return list(
        AdminChange.objects.order_by("target_type").values_list("target_type", flat=True).distinct()
    )


def school_staff(school: School) -> list[dict[str, Any]]:
    """A school's people: everyone with a role there (approvers first), then the editors
    whose role was withdrawn at this school (role None), who may be given it back."""
    rows = (
        SchoolMembership.objects.filter(school=school)
        .select_related("user")
        .order_by("role", "user__username")
    )
    people = [
        {
            "username": m.user.username,
            "full_name": m.user.first_name,
            "email": m.user.email,
            "role": m.role,
            "is_active": m.user.is_active,
            "has_password": m.user.has_usable_password(),
        }
        for m in rows
    ]
    current = {person["username"] for person in people}
    withdrawn = (
        set(
            AdminChange.objects.filter(
                action="school_editor_withdraw",
                target_type="roles",
                before__school=school.schema_name,
            ).values_list("target", flat=True)
        )
        - current
    )
    for former in get_user_model().objects.filter(username__in=withdrawn).order_by("username"):
        people.append(
            {
                "username": former.username,
                "full_name": former.first_name,
                "email": former.email,
                "role": None,
                "is_active": former.is_active,
                "has_password": former.has_usable_password(),
            }
        )
    return people
