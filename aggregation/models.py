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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "period", "indicator"],
                name="one_declared_per_cluster_period_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period_id} {self.indicator}={self.value}"


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


# --------------------------------------------------------------------------- rankings


class Direction(models.TextChoices):
    HIGHER = "higher", "Cao hơn là tốt hơn"
    LOWER = "lower", "Thấp hơn là tốt hơn"


class Normalisation(models.TextChoices):
    MINMAX_CLUSTER = "minmax_cluster", "Min–max trong cụm"
    MINMAX_NATIONAL = "minmax_national", "Min–max toàn quốc"
    PER_LECTURER = "per_lecturer", "Trên một giảng viên (min–max toàn quốc)"
    RANK_POINTS = "rank_points", "Điểm theo thứ hạng"
    RAW = "raw", "Giá trị trực tiếp (0–100)"


class ScoringScheme(models.Model):
    """The department's scoring table for one year (see aggregation.scoring).

    Every edit goes through `aggregation.ranking_services`, which bumps `version` and
    queues the year's rankings; a ranking records the version it was computed with.
    """

    year = models.PositiveSmallIntegerField(unique=True)
    version = models.PositiveIntegerField(default=1)
    label_vi = models.CharField(max_length=255)
    label_en = models.CharField(max_length=255, blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Bảng điểm minh họa, không phải bảng điểm chính thức."
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.SUBMITTED)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}: {self.label_vi}"


class ScoringCriterion(models.Model):
    """One line of a scoring table: an indicator or a ratio of indicators, weighted."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=60)
    label_vi = models.CharField(max_length=255)
    label_en = models.CharField(max_length=255, blank=True)
    numerator = models.CharField(max_length=100)
    denominator = models.CharField(max_length=100, blank=True)
    denominator_constant = models.FloatField(null=True, blank=True)
    weight = models.FloatField(default=1.0)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    normalisation = models.CharField(
        max_length=20, choices=Normalisation.choices, default=Normalisation.MINMAX_NATIONAL
    )
    cap = models.FloatField(null=True, blank=True)
    scale = models.FloatField(default=1.0)

    class Meta:
        ordering = ["scheme", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="one_criterion_code_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.weight})"


class Ranking(models.Model):
    """Scores and ranks of every school for one period, computed by a worker.

    Append-only (a few kept per period): a row is identified by the scheme version and
    the fingerprint of its inputs, so a change of either gives a new row and the same
    inputs never compute twice. `data` also holds the scheme as it was, so an old
    ranking stays explainable after the scheme changes.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="rankings")
    scheme_version = models.PositiveIntegerField()
    basis = models.CharField(max_length=10, choices=Basis.choices)
    fingerprint = models.CharField(max_length=64)
    # Cheap marker of the period's fact rows (count, latest publication) when last
    # checked: readers compare it to notice a ranking gone stale without hashing.
    facts_marker = models.CharField(max_length=80)
    data = models.JSONField()
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scheme", "scheme_version", "fingerprint"],
                name="one_ranking_per_period_scheme_version_inputs",
            )
        ]
        indexes = [models.Index(fields=["period", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.period_id} v{self.scheme_version} {self.fingerprint[:8]}"


class RankingVisibility(models.Model):
    """The department's grant: schools may see every cluster's detailed ranking of a
    period (by default a school sees its own cluster's ranking and its own national row)."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="+")
    open_to_schools = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.period_id} open={self.open_to_schools}"
