from __future__ import annotations

from django.db import models


class BulkUpload(models.Model):
    """A long-format file (school, period, indicator, value) sent by a lead school or
    the department, kept as received with what it did."""

    file = models.FileField(upload_to="bulk/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.BooleanField(default=True)
    applied = models.BooleanField(default=False)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} by {self.uploaded_by}"
