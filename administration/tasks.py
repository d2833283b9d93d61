"""Schools provisioned by the worker (a new schema is created and migrated)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from administration.services import school_provisioning_fail, school_provisioning_run

MAX_RETRIES = 3


@shared_task(bind=True, name="administration.provision_school", max_retries=MAX_RETRIES)
def provision_school(self: Any, job_id: int) -> dict[str, object]:
    """A database error releases the job (back to queued) and retries with backoff;
    only when the retries are spent is the job marked failed."""
    try:
        return {"job_id": job_id, "provisioned": school_provisioning_run(job_id=job_id)}
    except DatabaseError as error:
        if self.request.retries >= self.max_retries:
            school_provisioning_fail(job_id=job_id, message=str(error))
            raise
        raise self.retry(exc=error, countdown=2**self.request.retries) from error
