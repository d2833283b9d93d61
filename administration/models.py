"""The department's running of the year: what it changed (an audit history), school
mergers (lineage) and per-school deadline extensions.

The map itself (schools, clusters, yearly memberships, roles, periods) lives in
`tenants` and `catalogue`; this app is the one way the department writes to it.
"""

from __future__ import annotations

from django.db import models

from catalogue.models import Period
from tenants.models import School, SchoolLineage

# SchoolLineage moved to tenants (rankings read it too); re-exported for old imports.
__all__ = [
    "AdminChange",
    "DeadlineExtension",
    "ProvisioningJob",
    "ProvisioningStatus",
    "SchoolLineage",
]


class AdminChange(models.Model):
    """One change made by the department: who, when, what, before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    # What was changed, as a reader finds it: "cluster", "membership", "school", "user",
    # "roles", "period", "extension", "merger"; and its natural key.
    target_type = models.CharField(max_length=30)
    target = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


class DeadlineExtension(models.Model):
    """A later deadline for one school in one period, with the reason it was given."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    reason = models.TextField()
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "school"], name="one_extension_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.period_id} → {self.deadline}"


class ProvisioningStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang khởi tạo"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class ProvisioningJob(models.Model):
    """A school being created by the worker (its schema takes a while to migrate): the
    schools page follows it from queued to done or failed."""

    slug = models.CharField(max_length=63)
    name_vi = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120, blank=True)
    province = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=ProvisioningStatus.choices, default=ProvisioningStatus.QUEUED
    )
    message = models.TextField(blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ProvisioningStatus.DONE, ProvisioningStatus.FAILED)
