"""Rankings: `scoring_inputs` + `score_schools` per period, then `rank_trend`.

Pure pandas, no database: a synthetic fact frame (every indicator of the catalogue,
some figures and a few whole schools missing, accepted and submitted statuses) for
`ranking_schools` schools in clusters of 16, and a synthetic scheme whose criteria
cycle through every normalisation, with ratios, a lower-is-better direction and
caps.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from aggregation.transforms import FACT_COLUMNS, period_year
from bench.sizes import Sizes
from bench.table import Goal, Table
from catalogue.spec import Catalogue, load_catalogue
from rankings.scoring import (
    Criterion,
    Direction,
    Normalisation,
    Scheme,
    rank_trend,
    score_schools,
    scoring_inputs,
)

PERIODS = ("2038-H1", "2038-Y", "2039-H1", "2039-Y")
SCHOOLS_PER_CLUSTER = 16
GOAL = Goal(2.0)
CYCLE: tuple[Normalisation, ...] = (
    "minmax_national",
    "minmax_cluster",
    "per_lecturer",
    "rank_points",
    "raw",
)


def run(sizes: Sizes) -> Table:
    table = Table("Rankings: score_schools on synthetic figures")
    periods = PERIODS[-sizes.ranking_periods :]
    catalogue = load_catalogue(period_year(periods[-1]))
    rng = np.random.default_rng(2039)
    facts = synthetic_facts(catalogue, sizes.ranking_schools, periods, rng)
    members = synthetic_members(sizes.ranking_schools, periods)
    scheme = synthetic_scheme(catalogue, sizes.ranking_criteria, year=period_year(periods[-1]))
    inputs, scoring, trends, totals = [], [], [], []
    for _ in range(sizes.ranking_repeats):
        began = time.perf_counter()
        scores: dict[str, pd.DataFrame] = {}
        for period in periods:
            started = time.perf_counter()
            values, data_state, clusters = scoring_inputs(
                facts=facts, members=members, period=period, basis="submitted"
            )
            inputs.append(time.perf_counter() - started)
            started = time.perf_counter()
            scores[period] = score_schools(
                values=values, data_state=data_state, clusters=clusters, scheme=scheme
            )
            scoring.append(time.perf_counter() - started)
        started = time.perf_counter()
        rank_trend(scores)
        trends.append(time.perf_counter() - started)
        totals.append(time.perf_counter() - began)
    label = (
        f"{sizes.ranking_schools} schools × {len(scheme.criteria)} criteria × "
        f"{len(periods)} periods"
    )
    table.add(label, totals, GOAL)
    table.add("  of which scoring_inputs, one period", inputs)
    table.add("  of which score_schools, one period", scoring)
    table.add(f"  of which rank_trend over {len(periods)} periods", trends)
    table.notes.append(
        f"input: {len(facts):,} fact rows ({len(catalogue.indicators)} indicators), "
        f"{members['cluster'].nunique()} clusters"
    )
    return table


def school_names(count: int) -> list[str]:
    return [f"school{index:04d}" for index in range(count)]


def synthetic_facts(
    catalogue: Catalogue, schools: int, periods: tuple[str, ...], rng: np.random.Generator
) -> pd.DataFrame:
    names = np.array(school_names(schools), dtype=object)
    codes = np.array([indicator.code for indicator in catalogue.indicators], dtype=object)
    bounds = np.array([indicator.max_value // 4 + 1 for indicator in catalogue.indicators])
    # ~2 % of schools report nothing in a period, ~3 % of figures are missing.
    frames = []
    for period in periods:
        status = np.where(rng.random(schools) < 0.7, "accepted", "submitted").astype(object)
        reporting = rng.random(schools) >= 0.02
        frame = pd.DataFrame(
            {
                "school": np.repeat(names, len(codes)),
                "period": period,
                "indicator": np.tile(codes, schools),
                "value": rng.integers(0, np.tile(bounds, schools)),
                "status": np.repeat(status, len(codes)),
                "version": 1,
            }
        )
        keep = np.repeat(reporting, len(codes)) & (rng.random(len(frame)) >= 0.03)
        frames.append(frame[keep])
    return pd.concat(frames, ignore_index=True)[list(FACT_COLUMNS)]


def synthetic_members(schools: int, periods: tuple[str, ...]) -> pd.DataFrame:
    clusters = max(1, -(-schools // SCHOOLS_PER_CLUSTER))
    rows = [
        (name, f"cluster-{index % clusters:02d}", year, "lead" if index < clusters else "member")
        for year in sorted({period_year(period) for period in periods})
        for index, name in enumerate(school_names(schools))
    ]
    return pd.DataFrame(rows, columns=["school", "cluster", "year", "role"])


def synthetic_scheme(catalogue: Catalogue, count: int, *, year: int) -> Scheme:
    """`count` criteria over distinct indicators, cycling through the normalisations."""
    candidates = [
        indicator.code for indicator in catalogue.indicators if indicator.code != "staff.lecturers"
    ]
    step = max(1, len(candidates) // count)
    numerators = candidates[::step][:count]
    criteria = []
    for position, numerator in enumerate(numerators):
        normalisation = CYCLE[position % len(CYCLE)]
        ratio = normalisation == "minmax_national" and position % 2 == 1
        lower = normalisation == "rank_points" and position % 3 == 0
        raw = normalisation == "raw"
        direction: Direction = "lower" if lower else "higher"
        criteria.append(
            Criterion(
                code=f"criterion{position + 1:02d}",
                label_vi=f"Tiêu chí {position + 1}",
                label_en=f"Criterion {position + 1}",
                numerator=numerator,
                denominator="training.classes" if ratio else None,
                normalisation=normalisation,
                direction=direction,
                weight=float(1 + position % 4),
                scale=10.0 if raw else 1.0,
                cap=100.0 if raw else None,
            )
        )
    return Scheme(year=year, version=1, label="Bảng điểm thử nghiệm", criteria=tuple(criteria))
