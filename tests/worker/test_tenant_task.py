import pytest
from django_tenants.utils import schema_context

from worker.tasks.diagnostics import current_schema

pytestmark = pytest.mark.worker


def test_task_sent_from_a_school_runs_in_that_schools_schema(world, celery_worker_process):
    with schema_context("hagiang"):
        result = current_schema.apply_async(queue=celery_worker_process.queue)

    ran_in = result.get(timeout=30)

    assert ran_in == {"connection_schema": "hagiang", "database_schema": "hagiang"}


def test_task_sent_from_the_public_schema_runs_in_public(world, celery_worker_process):
    with schema_context("public"):
        result = current_schema.apply_async(queue=celery_worker_process.queue)
    assert result.get(timeout=30)["database_schema"] == "public"
