"""The hub's side of the figures (public schema): what schools published, and what
the workers computed from it."""

from __future__ import annotations

from django.db import models

from catalogue.models import Period
from tenants.models import Cluster, School


class Basis(models.TextChoices):
    SUBMITTED = "submitted", "Đã gửi và đã chấp nhận"
    ACCEPTED = "accepted", "Chỉ đã chấp nhận"


class Fact(models.Model):
    """One published figure: upserted on (school, period, indicator)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=100)
    value = models.BigIntegerField()
    status = models.CharField(max_length=12)
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period", "indicator"], name="one_fact_per_school_period_code"
            ),
        ]
        indexes = [models.Index(fields=["period", "school"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.period_id} {self.indicator}={self.value}"


class Publication(models.Model):
    """The state of one school's submission as last published (for staleness checks
    and the completeness board)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12)
    submitted_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField()
    published_at = models.DateTimeField(auto_now=True)
    # The figures the school marks instead of giving a value, code → "not_reported" |
    # "not_applicable", as of `version`. Kept here, not as fact rows: a fact is a count
    # (value NOT NULL) for every reader of the fact table, so a mark can never be
    # read as 0; the marks travel with the version and status they were published in.
    marks = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period"], name="one_publication_per_school_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.period_id} v{self.version} {self.status}"


class DeclaredTotal(models.Model):
    """A cluster total as a historical report declared it (seed 002: 238 lớp), kept to be
    compared with the sum of the schools' own figures."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=100)
    value = models.BigIntegerField()
    source = models.CharField(max_length=255, blank=True)
    # Who entered it last and when (the lead's approver or the department; empty for
    # figures loaded from a seed). Every change is in DeclaredTotalChange.
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period", "indicator"],
                name="one_declared_per_cluster_period_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} {self.indicator}={self.value}"


class DeclaredTotalChange(models.Model):
    """One change of a declared cluster total: who, when, before and after (None when
    it was added, or removed)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.indicator}"


class AggregationState(models.Model):
    """Debounce and serialise the aggregation of one (cluster, period).

    Every publish bumps `requested`; a run computes the snapshot for the `requested`
    it read under a row lock and stores it as `computed`. Runs that find
    `computed >= requested` have nothing to do, so a burst of submissions causes one
    computation, and two workers never compute the same (cluster, period) at once.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    requested = models.PositiveIntegerField(default=0)
    computed = models.PositiveIntegerField(default=0)
    # The lead school's choice of which figures count in its views and reports.
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.SUBMITTED)
    requested_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period"], name="one_state_per_cluster_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} {self.computed}/{self.requested}"


class Snapshot(models.Model):
    """A computed view of (cluster, period) on one basis; replaced atomically."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=10, choices=Basis.choices)
    fingerprint = models.CharField(max_length=64)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period", "basis"], name="one_snapshot_per_cluster_period_basis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} {self.basis} {self.fingerprint[:8]}"
