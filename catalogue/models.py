"""Reporting periods. Indicators are not stored here: the versioned YAML files in
`catalogue/data` are their single source (see catalogue.spec)."""

from __future__ import annotations

from django.db import models

from core.language import pick


class PeriodKind(models.TextChoices):
    H1 = "H1", "6 tháng đầu năm"
    Y = "Y", "Cả năm"
    Q1 = "Q1", "Quý I"
    Q2 = "Q2", "Quý II"
    Q3 = "Q3", "Quý III"
    Q4 = "Q4", "Quý IV"


class Period(models.Model):
    code = models.CharField(max_length=10, unique=True)  # "2024-H1"
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=2, choices=PeriodKind.choices)
    opens_on = models.DateField()
    deadline = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="one_period_per_year_kind"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("deadline"))
                & models.Q(deadline__lte=models.F("closes_on")),
                name="period_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label_vi(self) -> str:
        return f"{PeriodKind(self.kind).label} {self.year}"

    @property
    def label(self) -> str:
        """The period's name in the reader's language."""
        return pick(self.label_vi, self.label_en)

    @property
    def label_en(self) -> str:
        english = {
            "H1": "First half of",
            "Y": "Year",
            "Q1": "Q1",
            "Q2": "Q2",
            "Q3": "Q3",
            "Q4": "Q4",
        }
        return f"{english[self.kind]} {self.year}"
