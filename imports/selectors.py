"""Reads for the bulk backfill: who may use it, which clusters a lead school's user
backfills, the kept bulk files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from catalogue.models import Period
from imports.models import BulkUpload
from tenants.models import Cluster, ClusterMembership, ClusterRole, School
from tenants.selectors import department_membership


@dataclass(frozen=True)
class LedCluster:
    """A cluster a user's school leads in a year, with its member schools' slugs."""

    year: int
    cluster: Cluster
    lead_name: str
    schools: list[str]


def bulk_may_use(user: User | AnonymousUser) -> bool:
    """The department, or a user of a school that leads a cluster (in some year).

    The same rule as `bulk_allowed_schools`, which then decides, per
    period, which schools the file may touch.
    """
    if not user.is_authenticated:
        return False
    if department_membership(user) is not None:
        return True
    return ClusterMembership.objects.filter(
        school__staff__user=user, role=ClusterRole.LEAD
    ).exists()


def bulk_allowed_schools(*, user: User, year: int) -> set[str] | None:
    """Slugs the user may backfill for a period of `year`; None means every school."""
    if department_membership(user) is not None:
        return None
    current_year = timezone.localdate().year
    led = ClusterMembership.objects.filter(
        school__staff__user=user, role=ClusterRole.LEAD, year__in={year, current_year}
    ).values_list("cluster_id", flat=True)
    return set(
        ClusterMembership.objects.filter(cluster_id__in=list(led), year=year).values_list(
            "school__schema_name", flat=True
        )
    )


def led_clusters(user: User) -> list[LedCluster]:
    """For a lead school's user: the clusters it leads, newest year first."""
    led = list(
        ClusterMembership.objects.filter(school__staff__user=user, role=ClusterRole.LEAD)
        .select_related("cluster", "school")
        .order_by("-year", "cluster__slug")
    )
    members: dict[tuple[int, int], list[str]] = {}
    for cluster_id, year, slug in ClusterMembership.objects.filter(
        cluster_id__in={lead.cluster_id for lead in led}, year__in={lead.year for lead in led}
    ).values_list("cluster_id", "year", "school__schema_name"):
        members.setdefault((cluster_id, year), []).append(slug)
    return [
        LedCluster(
            year=lead.year,
            cluster=lead.cluster,
            lead_name=lead.school.name_vi,
            schools=sorted(members.get((lead.cluster_id, lead.year), [])),
        )
        for lead in led
    ]


def schools_by_slug(slugs: Iterable[str]) -> dict[str, School]:
    return {
        school.schema_name: school
        for school in School.objects.schools().filter(schema_name__in=set(slugs))
    }


def periods_by_code(codes: Iterable[str]) -> dict[str, Period]:
    return {period.code: period for period in Period.objects.filter(code__in=set(codes))}


def bulk_dry_run_of(*, upload_id: int, username: str) -> BulkUpload | None:
    """A bulk dry run sent by `username`: the only one they may confirm."""
    return BulkUpload.objects.filter(pk=upload_id, uploaded_by=username, dry_run=True).first()


def bulk_applied_copy_exists(*, upload: BulkUpload) -> bool:
    """Was the same file (by content) applied by the same user since `upload` was sent?"""
    return BulkUpload.objects.filter(
        sha256=upload.sha256,
        uploaded_by=upload.uploaded_by,
        applied=True,
        uploaded_at__gte=upload.uploaded_at,
    ).exists()
