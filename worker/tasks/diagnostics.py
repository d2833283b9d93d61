from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task(name="worker.diagnostics.current_schema", ignore_result=False)
def current_schema() -> dict[str, str]:
    """Which schema the task ran in, as seen by the database itself."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    return {
        "connection_schema": connection.schema_name,  # type: ignore[attr-defined]
        "database_schema": schema,
    }
