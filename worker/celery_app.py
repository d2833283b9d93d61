"""The Celery app. Tasks sent from a school's request carry its schema
(tenant-schemas-celery puts it in the message headers) and run inside it."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")

app = CeleryApp("cumhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "worker.tasks.diagnostics",
        "worker.tasks.publish",
        "worker.tasks.aggregate",
        "worker.tasks.rankings",
        "worker.tasks.reports",
    ],
    related_name=None,
)
