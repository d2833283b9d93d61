from __future__ import annotations

from django.db import models

from submissions.models import ReceivedFile
from tenants.storage import hub_files


class BulkUpload(ReceivedFile):
    """A long-format file (school, period, indicator, value) sent by a lead school or
    the department."""

    file = models.FileField(upload_to="bulk/%Y/%m/", storage=hub_files)

    class Meta(ReceivedFile.Meta):
        pass
