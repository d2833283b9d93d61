"""Rankings of schools for the department: computed by a worker from the fact table."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from catalogue.models import Period
from rankings.services import ranking_compute, rankings_reconcile


@shared_task(
    name="rankings.compute_period_rankings",
    autoretry_for=(DatabaseError, BrokerError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def compute_period_rankings(period_code: str, force: bool = False) -> dict[str, object]:
    period = Period.objects.filter(code=period_code).first()
    if period is None:
        return {"period": period_code, "computed": False, "reason": "no_period"}
    outcome = ranking_compute(period=period, force=force)
    return {
        "period": period_code,
        "computed": outcome.computed,
        "reason": outcome.reason,
        "ranking_id": outcome.ranking.pk if outcome.ranking else None,
    }


@shared_task(name="rankings.reconcile_rankings")
def reconcile_rankings() -> dict[str, list[str]]:
    return {"queued": rankings_reconcile()}
