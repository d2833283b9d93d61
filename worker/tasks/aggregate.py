from __future__ import annotations

from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from aggregation.services import cluster_aggregate, reconcile
from catalogue.models import Period
from tenants.models import Cluster
from worker.celery_app import app


@app.task(
    name="worker.tasks.aggregate.aggregate_cluster_period",
    autoretry_for=(DatabaseError, BrokerError),
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


@app.task(name="worker.tasks.aggregate.reconcile_all")
def reconcile_all() -> dict[str, list[str]]:
    report = reconcile()
    return {"republished": report.republished, "reaggregated": report.reaggregated}
