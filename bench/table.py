"""Timing, rows, goals and plain-text tables. Pure Python: no Django.

A benchmark returns one `Table`; each `Row` is a measurement (a name, the samples'
statistics in seconds) with an optional `Goal`. The verdict is informative only:
nothing here ever fails on timing.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Statistic = Literal["median", "p95", "total"]
HEADERS = ("name", "n", "median", "p95", "min", "max", "goal", "verdict")


@dataclass(frozen=True)
class Goal:
    """`statistic` of the row must stay under `seconds`."""

    seconds: float
    statistic: Statistic = "median"

    def label(self) -> str:
        prefix = {"median": "", "p95": "p95 ", "total": "total "}[self.statistic]
        return f"{prefix}< {format_seconds(self.seconds)}"


@dataclass(frozen=True)
class Row:
    name: str
    n: int
    median: float
    p95: float
    min: float
    max: float
    total: float
    goal: Goal | None = None

    @classmethod
    def from_samples(cls, name: str, samples: Sequence[float], goal: Goal | None = None) -> Row:
        if not samples:
            raise ValueError(f"{name}: no samples")
        ordered = sorted(samples)
        return cls(
            name=name,
            n=len(ordered),
            median=statistics.median(ordered),
            p95=percentile(ordered, 95),
            min=ordered[0],
            max=ordered[-1],
            total=sum(ordered),
            goal=goal,
        )

    def measured(self, statistic: Statistic) -> float:
        return {"median": self.median, "p95": self.p95, "total": self.total}[statistic]

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        return "ok" if self.measured(self.goal.statistic) < self.goal.seconds else "over goal"

    def cells(self) -> tuple[str, ...]:
        return (
            self.name,
            str(self.n),
            format_seconds(self.median),
            format_seconds(self.p95),
            format_seconds(self.min),
            format_seconds(self.max),
            self.goal.label() if self.goal else "",
            self.verdict,
        )


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, samples: Sequence[float], goal: Goal | None = None) -> Row:
        row = Row.from_samples(name, samples, goal)
        self.rows.append(row)
        return row

    def render(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        grid = [HEADERS, *(row.cells() for row in self.rows)]
        widths = [max(len(line[column]) for line in grid) for column in range(len(HEADERS))]
        # Names and goals read left to right; numbers line up on the right.
        left = {0, 6, 7}
        for position, line in enumerate(grid):
            cells = [
                cell.ljust(width) if column in left else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
            if position == 0:
                lines.append("  ".join("-" * width for width in widths))
        lines.extend(f"  {note}" for note in self.notes)
        return "\n".join(lines)


def repeat(times: int, action: Callable[[], object], warmup: int = 0) -> list[float]:
    """Seconds taken by each of `times` calls of `action`, after `warmup` untimed ones
    (first calls pay for imports, caches and font registration a running process
    has already paid)."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def percentile(ordered: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile of already sorted samples (p95 of 50 is the 48th)."""
    position = max(1, math.ceil(rank / 100 * len(ordered)))
    return ordered[position - 1]


def format_seconds(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"
