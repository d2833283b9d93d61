from __future__ import annotations

from collections import defaultdict

from django.db.models import Max

from aggregation.models import Snapshot
from catalogue.models import Period
from reviews.models import ClusterNarrative, ClusterNarrativeRevision, ReportJob
from tenants.models import Cluster


def report_jobs(*, cluster: Cluster, period: Period) -> list[ReportJob]:
    return list(
        ReportJob.objects.filter(cluster=cluster, period=period).select_related("cluster", "period")
    )


def report_job_of(*, cluster: Cluster, period: Period, job_id: int) -> ReportJob | None:
    return (
        ReportJob.objects.select_related("cluster", "period")
        .filter(pk=job_id, cluster=cluster, period=period)
        .first()
    )


def report_is_out_of_date(job: ReportJob) -> bool:
    """The figures changed since the report was built from them."""
    current = (
        Snapshot.objects.filter(cluster=job.cluster, period=job.period, basis=job.basis)
        .values_list("fingerprint", flat=True)
        .first()
    )
    return bool(job.fingerprint) and current is not None and current != job.fingerprint


def narratives_of(*, cluster: Cluster, period: Period) -> dict[str, ClusterNarrative]:
    return {n.section: n for n in ClusterNarrative.objects.filter(cluster=cluster, period=period)}


def report_next_number(*, cluster: Cluster, period: Period) -> int:
    """The number the next report of this cluster and period takes: one more than the
    last. `reviews.services.report_request` takes it under a row lock; the page shows
    it in the preview."""
    last = ReportJob.objects.filter(cluster=cluster, period=period).aggregate(Max("number"))[
        "number__max"
    ]
    return (last or 0) + 1


def narrative_revisions(
    *, cluster: Cluster, period: Period
) -> dict[str, list[ClusterNarrativeRevision]]:
    """Each section's earlier versions of the report's text."""
    grouped: dict[str, list[ClusterNarrativeRevision]] = defaultdict(list)
    for revision in ClusterNarrativeRevision.objects.filter(
        narrative__cluster=cluster, narrative__period=period
    ).select_related("narrative"):
        grouped[revision.narrative.section].append(revision)
    return grouped
