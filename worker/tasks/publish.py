from __future__ import annotations

from django.db import DatabaseError, connection
from kombu.exceptions import OperationalError as BrokerError

from aggregation.services import submission_publish
from catalogue.models import Period
from tenants.models import School
from worker.celery_app import app


@app.task(
    name="worker.tasks.publish.publish_submission",
    autoretry_for=(DatabaseError, BrokerError),
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
