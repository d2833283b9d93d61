"""The Celery app. Tasks live in each app's `tasks.py` (found by autodiscovery);
tasks sent from a school's request carry its schema (tenant-schemas-celery puts it
in the message headers) and run inside it."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

# Naming no settings gets the production ones, which refuse to start without a
# secret key and hosts: a deployment never falls into debug by omission.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

app = CeleryApp("cumhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["worker.tasks.diagnostics"], related_name=None)
