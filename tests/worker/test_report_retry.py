"""The report task's retry: a database error during a build releases the job back to
"queued" so that the task's retry takes it again and rebuilds every file; when the
retries are spent the job is "failed" with the error's message.

The task runs eagerly (`apply`), retries included, inside the test's transaction."""

from __future__ import annotations

import io
from unittest import mock

from django.db import OperationalError
from docx import Document

from reviews import services
from reviews.models import JobStatus, ReportJob
from reviews.services import report_request
from reviews.tasks import MAX_RETRIES, generate_report
from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (shared fixture)

LOST = "server closed the connection unexpectedly"


def queued_job(seed) -> ReportJob:  # type: ignore[no-untyped-def]
    job = report_request(
        cluster=seed["cluster"], period=seed["period"], language="vi", username="t"
    )
    assert job.status == JobStatus.QUEUED
    return job


def test_a_database_error_once_is_retried_and_the_job_ends_done_with_its_files(
    seed_002_cluster,  # noqa: F811
):
    job = queued_job(seed_002_cluster)
    real_build_pdf = services.build_pdf
    calls: list[int] = []

    def build_pdf_failing_once(context):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            # The last builder: the first attempt has already saved its DOCX and XLSX.
            raise OperationalError(LOST)
        return real_build_pdf(context)

    with mock.patch.object(services, "build_pdf", side_effect=build_pdf_failing_once):
        generate_report.apply(kwargs={"job_id": job.pk})

    assert len(calls) == 2, "the retry ran the build again"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100, (job.status, job.message)
    assert job.message == ""
    assert job.fingerprint and job.finished_at is not None
    for kind in ("docx", "xlsx", "pdf"):
        assert getattr(job, kind).name.endswith(f".{kind}"), kind
    assert job.pdf.read().startswith(b"%PDF")
    job.docx.open()
    assert Document(io.BytesIO(job.docx.read())).paragraphs


def test_a_database_error_every_time_fails_the_job_with_its_message(
    seed_002_cluster,  # noqa: F811
):
    job = queued_job(seed_002_cluster)
    always = mock.patch.object(services, "build_docx", side_effect=OperationalError(LOST))
    with always as build_docx:
        result = generate_report.apply(kwargs={"job_id": job.pk})

    assert build_docx.call_count == MAX_RETRIES + 1, "the first run and every retry built"
    assert result.failed()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED, job.status
    assert LOST in job.message
    assert job.finished_at is not None
    assert not job.docx and not job.pdf
