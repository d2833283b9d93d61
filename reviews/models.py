"""The lead school's cluster review (public schema): report narratives and report jobs."""

from __future__ import annotations

from django.db import models

from catalogue.models import Period
from tenants.models import Cluster
from tenants.storage import hub_files


class Section(models.TextChoices):
    OPENING = "opening", "Mở đầu"
    LIMITATIONS = "limitations", "Hạn chế và nguyên nhân"
    PROPOSALS = "proposals", "Kiến nghị, đề xuất với Học viện"
    NEXT_TASKS = "next_tasks", "Nhiệm vụ trọng tâm kỳ tới"
    SCORING = "scoring", "Kết quả chấm điểm, bình xét"


class ClusterNarrative(models.Model):
    """One section of the cluster report's text: a list of items, each optionally
    tagged with the school it came from (and, for tasks, an owner and a month)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=20, choices=Section.choices)
    items = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period", "section"], name="one_narrative_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} {self.section} v{self.version}"


class ClusterNarrativeRevision(models.Model):
    """Every saved version of a section, kept so edits can be reviewed."""

    narrative = models.ForeignKey(
        ClusterNarrative, on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    items = models.JSONField()
    saved_by = models.CharField(max_length=150)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.narrative_id} v{self.version}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class ReportJob(models.Model):
    """One generation of the cluster report; every generation is kept as a version."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    language = models.CharField(max_length=2, default="vi")
    basis = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    docx = models.FileField(upload_to="reports/", storage=hub_files, blank=True)
    xlsx = models.FileField(upload_to="reports/", storage=hub_files, blank=True)
    pdf = models.FileField(upload_to="reports/", storage=hub_files, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period", "number"], name="one_report_number_per_cluster_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} #{self.number} {self.status}"
