from __future__ import annotations

from django.db import DatabaseError

from reviews.services import report_generate
from worker.celery_app import app


@app.task(
    name="worker.tasks.reports.generate_report",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def generate_report(job_id: int) -> dict[str, object]:
    return {"job_id": job_id, "generated": report_generate(job_id=job_id)}
