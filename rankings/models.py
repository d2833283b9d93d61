"""The department's scoring tables and the rankings the worker computes from them.

The tables keep the names they had when rankings lived in `aggregation` (moved
without touching the database: see migrations/0001_initial.py).
"""

from __future__ import annotations

from django.db import models

from aggregation.models import Basis
from catalogue.models import Period


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
    """The department's scoring table for one year (see rankings.scoring).

    Every edit goes through `rankings.services`, which bumps `version` and
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
        db_table = "aggregation_scoringscheme"
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
        db_table = "aggregation_scoringcriterion"
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
        db_table = "aggregation_ranking"
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

    class Meta:
        db_table = "aggregation_rankingvisibility"

    def __str__(self) -> str:
        return f"{self.period_id} open={self.open_to_schools}"
