from __future__ import annotations

from aggregation.models import Snapshot
from catalogue.models import Period
from reviews.models import ClusterNarrative, ReportJob
from tenants.models import Cluster


def report_jobs(*, cluster: Cluster, period: Period) -> list[ReportJob]:
    return list(ReportJob.objects.filter(cluster=cluster, period=period))


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
