"""The worker's side of the data flow: publish a school's figures, aggregate a
cluster's period, and reconcile whatever a lost message left stale."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, connection
from kombu.exceptions import OperationalError as BrokerError

from aggregation.services import cluster_aggregate, reconcile, submission_publish
from catalogue.models import Period
from tenants.models import Cluster, School

TRANSIENT_ERRORS = (DatabaseError, BrokerError)


@shared_task(
    name="aggregation.publish_submission",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def publish_submission(period_code: str, school: str | None = None) -> dict[str, object]:
    """Publish one school's submission. Sent from the school's schema, so it runs there
    (tenant-schemas-celery); `school` may also name it explicitly."""
    slug = school or connection.schema_name  # type: ignore[attr-defined]
    outcome = submission_publish(
        school=School.objects.get(schema_name=slug), period=Period.objects.get(code=period_code)
    )
    return {
        "school": outcome.school,
        "period": outcome.period,
        "version": outcome.version,
        "changed": outcome.changed,
    }


@shared_task(
    name="aggregation.aggregate_cluster_period",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def aggregate_cluster_period(
    cluster_id: int, period_code: str, force: bool = False
) -> dict[str, object]:
    computed = cluster_aggregate(
        cluster=Cluster.objects.get(pk=cluster_id),
        period=Period.objects.get(code=period_code),
        force=force,
    )
    return {"cluster_id": cluster_id, "period": period_code, "computed": computed}


@shared_task(name="aggregation.reconcile_all")
def reconcile_all() -> dict[str, list[str]]:
    report = reconcile()
    return {"republished": report.republished, "reaggregated": report.reaggregated}
