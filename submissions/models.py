"""A school's own figures, in the school's schema: one submission per period."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã gửi"
    ACCEPTED = "accepted", "Đã chấp nhận"
    RETURNED = "returned", "Trả lại"


class Channel(models.TextChoices):
    PAGE = "page", "Trang web"
    API = "api", "API"
    UPLOAD = "upload", "Tải tệp"
    SYSTEM = "system", "Hệ thống"


class NarrativeSection(models.TextChoices):
    HIGHLIGHTS = "highlights", "Kết quả nổi bật, cách làm hay"
    LIMITATIONS = "limitations", "Hạn chế và nguyên nhân"
    PROPOSALS = "proposals", "Kiến nghị, đề xuất với Học viện"
    NEXT_TASKS = "next_tasks", "Nhiệm vụ trọng tâm kỳ tới"


class Submission(models.Model):
    period = models.OneToOneField(
        "catalogue.Period", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every change; a save must name the version it edited (optimistic locking).
    version = models.PositiveIntegerField(default=0)
    catalogue_version = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    review_comment = models.TextField(blank=True)
    # The reviewer's side (lead, standing_deputy or department; `review_policy`) and,
    # when a school, its slug: who decided, on whose behalf.
    reviewed_role = models.CharField(max_length=20, blank=True)
    reviewed_school = models.CharField(max_length=63, blank=True)
    # Set when an approver or the department reopens it; lifts the closing-date lock.
    reopened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.period_id} ({self.status}, v{self.version})"


class Value(models.Model):
    """One indicator's figure. `value` None is a blank, which is not the same as 0."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(max_length=100)
    value = models.BigIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    # "Không có số liệu": the source (a historical or partial report) did not state it.
    # Never counted as 0; a required figure so marked needs an explanation unless it
    # comes from a backfill.
    not_reported = models.BooleanField(default=False)
    # The school's explanation of a consistency finding on this indicator.
    explanation = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "code"], name="one_value_per_code"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class Narrative(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="narratives")
    section = models.CharField(max_length=20, choices=NarrativeSection.choices)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "section"], name="one_text_per_section"),
        ]

    def __str__(self) -> str:
        return self.section


class AuditEntry(models.Model):
    """Every change of a value, note, narrative or status: who, when, old, new, how."""

    class Kind(models.TextChoices):
        VALUE = "value", "Số liệu"
        NOTE = "note", "Giải trình"
        NARRATIVE = "narrative", "Nội dung"
        STATUS = "status", "Trạng thái"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="audit")
    at = models.DateTimeField(auto_now_add=True)
    user_id = models.IntegerField(null=True)
    username = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    field = models.CharField(max_length=100)
    # None records a blank figure, which must stay distinct from an empty text.
    old = models.TextField(blank=True, null=True)  # noqa: DJ001
    new = models.TextField(blank=True, null=True)  # noqa: DJ001
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.kind} {self.field}"


class ReceivedFile(models.Model):
    """A file kept as received, with who sent it and what it did (a school's upload
    here, a bulk file in `imports`)."""

    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.BooleanField(default=True)
    applied = models.BooleanField(default=False)
    summary = models.JSONField(default=dict)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} by {self.uploaded_by}"


class Upload(ReceivedFile):
    """A school's upload for one period."""

    # Kept even when the file was refused, so no draft is created just to record it.
    period = models.ForeignKey(
        "catalogue.Period", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    file = models.FileField(upload_to="uploads/%Y/%m/")

    class Meta(ReceivedFile.Meta):
        pass
