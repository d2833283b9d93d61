"""Report jobs, built by the worker."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from reviews.services import report_fail, report_generate

MAX_RETRIES = 3


@shared_task(bind=True, name="reviews.generate_report", max_retries=MAX_RETRIES)
def generate_report(self: Any, job_id: int) -> dict[str, object]:
    """A database error releases the job (back to queued) and retries with backoff;
    only when the retries are spent is the job marked failed."""
    try:
        return {"job_id": job_id, "generated": report_generate(job_id=job_id)}
    except DatabaseError as error:
        if self.request.retries >= self.max_retries:
            report_fail(job_id=job_id, message=str(error))
            raise
        raise self.retry(exc=error, countdown=2**self.request.retries) from error
