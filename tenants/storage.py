"""Where files that belong to the hub rather than one school are kept.

Schools' uploads use django-tenants' storage, which files them under the schema of
the request (MEDIA_ROOT/<schema>/). Report jobs and bulk files are public-schema data
read from several hosts (the lead's, its deputies', the hub's), so they live in one
folder outside the schools' ones; the views that serve them check access."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def hub_files() -> Storage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "_hub")
