"""Configurable scoring and rankings of schools for the department.

The Academy sets its scoring table each year in guidance that is not public, so
nothing here is hard-coded: a `Scheme` (year, version, criteria) says what counts
and how much, and `score_schools` applies it to a table of figures. The bundled
`EXAMPLE_SCHEME_2024` is an illustration, flagged ``is_example``, not the official
table.

How a score is made
-------------------
1. For each criterion a **raw value** per school: the numerator indicator, divided by
   the denominator indicator (``denominator``), by a constant
   (``denominator_constant``, e.g. 55 standard indicators) or, for
   ``per_lecturer``, by ``staff.lecturers``.
2. **Points** in [0, 100] from the raw value (times ``scale``):

   * ``minmax_national`` / ``minmax_cluster``: 100 × (v − min) / (max − min) among the
     schools being scored, nationally or within the school's cluster.
   * ``per_lecturer``: the value per lecturer, then min–max nationally.
   * ``rank_points``: schools ranked nationally; with N ranked the best gets N rank
     points and the last 1 (ties share the better rank). Rank points are expressed
     as a share of N (100 × points / N) so they sit on the same 0–100 scale as the
     other normalisations whatever N is.
   * ``raw``: the value itself (``scale`` turns a fraction into a percentage or a
     count into points), clipped to [0, 100].

   ``direction="lower"`` inverts: the smallest value gets the most points (for
   ``raw``: 100 − value). ``cap`` then limits the points of that criterion.
3. **Score** = Σ points × weight, with weights normalised to sum 1, so a score is in
   [0, 100]; rounded to 2. ``contributions`` holds each criterion's points × weight
   rounded to 2 (they sum to the score within rounding).
4. **Ranks** over the rounded score (what users see), nationally and within the
   cluster; ties share the better rank (1, 1, 3).

Documented choices
------------------
* A school whose ``data_state`` is "missing" (or unknown) is **never ranked as
  zero**: its score and ranks are None and it is listed with its state. It is left
  out of every min–max range and rank count, so it does not move anyone's points.
* A criterion whose numerator is missing, or whose denominator is missing or zero,
  gives that school **0 points** for the criterion and a note saying why ("tử số
  thiếu" / "numerator missing", "mẫu số bằng 0" / "denominator is zero"). The hub
  never invents a figure; a gap costs the points it would have earned and the note
  tells the school what to fix. Such a school is left out of that criterion's
  min–max range and rank count. The same holds for ``minmax_cluster`` when the
  school has no cluster.
* Min–max where every school has the same value: **everyone gets 100** — nobody did
  worse than anyone else, and 0 would punish a whole cluster for being even.
* Schools scored on figures not yet accepted (``data_state`` "submitted") are scored
  and ranked, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from aggregation.transforms import (
    Basis,
    facts_on_basis,
    period_sort_key,
    period_year,
    year_roster,
)
from core.formatting import format_number, format_percent

__all__ = [
    "EXAMPLE_SCHEME_2024",
    "LECTURERS_CODE",
    "Criterion",
    "Scheme",
    "explain",
    "rank_trend",
    "score_schools",
    "scoring_inputs",
]

Direction = Literal["higher", "lower"]
Normalisation = Literal["minmax_cluster", "minmax_national", "per_lecturer", "rank_points", "raw"]
Language = Literal["vi", "en"]

LECTURERS_CODE = "staff.lecturers"
NORMALISATIONS: tuple[str, ...] = (
    "minmax_cluster",
    "minmax_national",
    "per_lecturer",
    "rank_points",
    "raw",
)
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
SCORED_STATES: tuple[str, ...] = ("accepted", "submitted")
OUTPUT_COLUMNS: tuple[str, ...] = (
    "school",
    "cluster",
    "data_state",
    "score",
    "rank_national",
    "rank_cluster",
    "contributions",
    "points",
    "raw",
    "notes",
)

# reason key -> (Vietnamese, English)
REASONS: dict[str, tuple[str, str]] = {
    "numerator_missing": ("tử số thiếu", "numerator missing"),
    "denominator_missing": ("mẫu số thiếu", "denominator missing"),
    "denominator_zero": ("mẫu số bằng 0", "denominator is zero"),
    "no_cluster": ("trường không thuộc cụm nào", "school is not in a cluster"),
    "no_data": ("chưa có số liệu, không xếp hạng", "no figures, not ranked"),
    "not_accepted": ("số liệu chưa được duyệt", "figures not yet accepted"),
}


@dataclass(frozen=True)
class Criterion:
    """One line of a scoring table."""

    code: str
    label_vi: str
    label_en: str
    numerator: str
    denominator: str | None = None
    denominator_constant: float | None = None
    weight: float = 1.0
    direction: Direction = "higher"
    normalisation: Normalisation = "minmax_national"
    # Points cap, applied before weighting (points are in [0, 100]).
    cap: float | None = None
    # Multiplier applied to the raw value before normalisation: 100 turns
    # "standards met / 55" into a percentage, 10 gives 10 points per person sent to
    # study (with cap=100). Min–max and rank normalisations are unaffected by it.
    scale: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if self.direction not in DIRECTIONS:
            problems.append(f"direction must be one of {DIRECTIONS}")
        if self.normalisation not in NORMALISATIONS:
            problems.append(f"normalisation must be one of {NORMALISATIONS}")
        if self.weight < 0:
            problems.append("weight must not be negative")
        if self.denominator is not None and self.denominator_constant is not None:
            problems.append("give a denominator indicator or a constant, not both")
        if self.denominator_constant is not None and self.denominator_constant <= 0:
            problems.append("denominator_constant must be positive")
        if self.normalisation == "per_lecturer" and (
            self.denominator is not None or self.denominator_constant is not None
        ):
            problems.append(f"per_lecturer divides by {LECTURERS_CODE}; give no denominator")
        if self.cap is not None and not 0 < self.cap <= 100:
            problems.append("cap must be in (0, 100]")
        if self.scale <= 0:
            problems.append("scale must be positive")
        if problems:
            raise ValueError(f"criterion {self.code}: " + "; ".join(problems))

    @property
    def denominator_code(self) -> str | None:
        """The indicator the numerator is divided by, if any."""
        return LECTURERS_CODE if self.normalisation == "per_lecturer" else self.denominator


@dataclass(frozen=True)
class Scheme:
    """A scoring table: the criteria in force for a year, in one version."""

    year: int
    version: int
    label: str
    criteria: tuple[Criterion, ...]
    is_example: bool = False
    label_en: str = ""

    def __post_init__(self) -> None:
        codes = [criterion.code for criterion in self.criteria]
        if not codes:
            raise ValueError("a scheme needs at least one criterion")
        if len(set(codes)) != len(codes):
            raise ValueError("criterion codes must be unique within a scheme")
        if sum(criterion.weight for criterion in self.criteria) <= 0:
            raise ValueError("the criteria's weights must add up to more than zero")

    def weights(self) -> dict[str, float]:
        """Criterion code -> weight normalised so that the weights sum to 1."""
        total = sum(criterion.weight for criterion in self.criteria)
        return {criterion.code: criterion.weight / total for criterion in self.criteria}


# --------------------------------------------------------------------------- inputs


def scoring_inputs(
    *, facts: pd.DataFrame, members: pd.DataFrame, period: str, basis: Basis
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Build `score_schools`' inputs for every school with a cluster in the period's year.

    Returns (values, data_state, clusters). A school's state is "accepted" when all
    its counted figures are accepted, "submitted" when some are only submitted, and
    "missing" when none count on the basis.
    """
    roster = year_roster(members=members, year=period_year(period))
    schools = roster["school"].tolist()
    used = facts_on_basis(facts[facts["period"] == period], basis)
    used = used[used["school"].isin(schools)]
    values = (
        used.pivot(index="school", columns="indicator", values="value")
        .reindex(index=schools)
        .astype("float64")
    )
    pending = used.loc[used["status"] != "accepted", "school"].unique()
    has_data = values.notna().any(axis=1)
    data_state = pd.Series("missing", index=schools, dtype=object)
    data_state[has_data.to_numpy()] = "accepted"
    data_state[data_state.index.isin(pending)] = "submitted"
    clusters = pd.Series(roster["cluster"].to_numpy(), index=schools, dtype=object)
    return values, data_state, clusters


# --------------------------------------------------------------------------- scoring


def score_schools(
    *,
    values: pd.DataFrame,
    data_state: pd.Series,
    clusters: pd.Series,
    scheme: Scheme,
) -> pd.DataFrame:
    """Score and rank schools on a scheme (rules in the module docstring).

    ``values``: index school slug, columns indicator codes, NaN = missing.
    ``data_state``: school -> "accepted" | "submitted" | "missing".
    ``clusters``: school -> cluster slug.

    Returns one row per school (those in ``values`` or ``data_state``), ranked
    schools first by national rank, then unranked ones by slug, with columns
    school, cluster, data_state, score (float | None), rank_national (int | None),
    rank_cluster (int | None), contributions (code -> float, None when unscored),
    points (code -> points before weighting), raw (code -> raw value | None) and
    notes (list of {criterion, reason, vi, en}).
    """
    schools = sorted({*map(str, values.index), *map(str, data_state.index)})
    index = pd.Index(schools, dtype=object, name="school")
    state = data_state.reindex(index).astype(object)
    state = state.where(state.isin(SCORED_STATES), "missing")
    cluster = clusters.reindex(index).astype(object)
    table = values.reindex(index=index).astype("float64")
    scored = (state != "missing").to_numpy()
    weights = scheme.weights()

    points = pd.DataFrame(index=index, dtype="float64")
    raw = pd.DataFrame(index=index, dtype="float64")
    reasons = pd.DataFrame(index=index, dtype=object)
    for criterion in scheme.criteria:
        ratio, reason = _raw_values(table, criterion)
        if criterion.normalisation == "minmax_cluster":
            reason = reason.mask((reason == "") & cluster.isna().to_numpy(), "no_cluster")
        valid = (reason == "").to_numpy() & scored
        earned = _points(ratio.where(valid), criterion, cluster)
        points[criterion.code] = earned.where(valid, 0.0).where(scored)
        raw[criterion.code] = ratio.where(scored)
        reasons[criterion.code] = reason.where(scored, "")

    contributions = points.mul(pd.Series(weights))
    score = contributions.sum(axis=1).round(2).where(scored)
    rank_national = score.rank(method="min", ascending=False)
    rank_cluster = score.groupby(cluster).rank(method="min", ascending=False)

    codes = [criterion.code for criterion in scheme.criteria]
    contribution_rows = contributions[codes].round(2).to_numpy().tolist()
    point_rows = points[codes].round(2).to_numpy().tolist()
    raw_rows = raw[codes].round(4).to_numpy().tolist()
    reason_rows = reasons[codes].to_numpy().tolist()
    records = []
    for position, school in enumerate(schools):
        is_scored = bool(scored[position])
        records.append(
            {
                "school": school,
                "cluster": _none_if_missing(cluster.iloc[position]),
                "data_state": state.iloc[position],
                "score": float(score.iloc[position]) if is_scored else None,
                "rank_national": _int_or_none(rank_national.iloc[position]),
                "rank_cluster": _int_or_none(rank_cluster.iloc[position]),
                "contributions": dict(zip(codes, contribution_rows[position], strict=True))
                if is_scored
                else None,
                "points": dict(zip(codes, point_rows[position], strict=True))
                if is_scored
                else None,
                "raw": {
                    code: None if np.isnan(value) else value
                    for code, value in zip(codes, raw_rows[position], strict=True)
                }
                if is_scored
                else None,
                "notes": _notes(
                    state.iloc[position],
                    dict(zip(codes, reason_rows[position], strict=True)),
                    scheme,
                ),
            }
        )
    records.sort(
        key=lambda record: (
            record["rank_national"] is None,
            record["rank_national"] or 0,
            record["school"],
        )
    )
    return pd.DataFrame(
        {
            column: pd.Series([record[column] for record in records], dtype=object)
            for column in OUTPUT_COLUMNS
        }
    )


# The wording of `explain`, per language. This module stays free of Django (it is
# tested without a database), so its few sentences are templates here rather than
# gettext messages; numbers go through core.formatting.
_EXPLAIN_TEXT: dict[Language, dict[str, str]] = {
    "vi": {
        "unscored": "{label}: {reason} → 0 điểm × trọng số {weight} = 0 điểm.",
        "scored": "{label}: giá trị {value} → {earned} điểm{cap} × trọng số {weight} "
        "= {contribution} điểm.",
        "cap": " (mức trần {cap})",
        "point": "điểm",
        "points": "điểm",
    },
    "en": {
        "unscored": "{label}: {reason} → 0 points × weight {weight} = 0 points.",
        "scored": "{label}: value {value} → {earned} {earned_unit}{cap} × weight {weight} "
        "= {contribution} {contribution_unit}.",
        "cap": " (capped at {cap})",
        "point": "point",
        "points": "points",
    },
}
_LANGUAGE_INDEX: dict[Language, int] = {"vi": 0, "en": 1}


def explain(
    row: Mapping[str, Any] | pd.Series, scheme: Scheme, language: Language = "vi"
) -> list[str]:
    """One sentence per criterion: the raw value, the points and the weight.

    ``row`` is a row of `score_schools`' result. An unscored school gets one
    sentence saying it has no figures and is not ranked.
    """
    text = _EXPLAIN_TEXT[language]
    if row["score"] is None:
        return [REASONS["no_data"][_LANGUAGE_INDEX[language]].capitalize() + "."]

    def shown(value: float, digits: int = 2) -> str:
        return format_number(value, language, decimals=digits)

    def unit(amount: str) -> str:
        return text["point"] if amount == "1" else text["points"]

    weights = scheme.weights()
    notes = {note["criterion"]: note["reason"] for note in row["notes"] if note["criterion"]}
    sentences = []
    for criterion in scheme.criteria:
        code = criterion.code
        label = (criterion.label_vi, criterion.label_en)[_LANGUAGE_INDEX[language]]
        weight = format_percent(weights[code] * 100, language, decimals=1)
        if code in notes:
            reason = REASONS[notes[code]][_LANGUAGE_INDEX[language]]
            sentences.append(text["unscored"].format(label=label, reason=reason, weight=weight))
            continue
        earned_points, cap = row["points"][code], criterion.cap
        capped = cap is not None and earned_points >= cap
        earned, contribution = shown(earned_points), shown(row["contributions"][code])
        sentences.append(
            text["scored"].format(
                label=label,
                value=shown(row["raw"][code], digits=4),
                earned=earned,
                earned_unit=unit(earned),
                cap=text["cap"].format(cap=shown(cap)) if cap is not None and capped else "",
                weight=weight,
                contribution=contribution,
                contribution_unit=unit(contribution),
            )
        )
    return sentences


def rank_trend(scores_by_period: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Ranks and scores over periods, for trend charts.

    Returns a frame indexed by school with columns (field, period), field in
    "score", "rank_national", "rank_cluster", periods in chronological order. Scores
    are floats (NaN when unscored), ranks nullable integers (<NA> when unranked).
    """
    periods = sorted(scores_by_period, key=period_sort_key)
    fields = ["score", "rank_national", "rank_cluster"]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "school": scores_by_period[period]["school"].astype(object).to_numpy(),
                    "period": period,
                    **{
                        field: pd.to_numeric(scores_by_period[period][field]).to_numpy(
                            dtype="float64"
                        )
                        for field in fields
                    },
                }
            )
            for period in periods
        ],
        ignore_index=True,
    )
    wide = long.pivot(index="school", columns="period", values=fields)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([fields, periods]))
    wide.columns.names = ["field", "period"]
    return wide.astype({(field, period): "Int64" for field in fields[1:] for period in periods})


# --------------------------------------------------------------------------- example

EXAMPLE_SCHEME_2024 = Scheme(
    year=2024,
    version=1,
    label="VÍ DỤ – bảng điểm minh họa năm 2024, không phải bảng điểm chính thức của Học viện",
    label_en="EXAMPLE – an illustrative 2024 scheme, not the Academy's official scoring table",
    is_example=True,
    criteria=(
        # Training load per lecturer: a school's size should not decide its rank.
        Criterion(
            code="learners_per_lecturer",
            label_vi="Học viên trên một giảng viên",
            label_en="Learners per lecturer",
            numerator="training.learners",
            normalisation="per_lecturer",
            weight=20,
        ),
        # Classes compared within the cluster, where schools are of similar size.
        Criterion(
            code="classes",
            label_vi="Số lớp đào tạo, bồi dưỡng",
            label_en="Training classes",
            numerator="training.classes",
            normalisation="minmax_cluster",
            weight=10,
        ),
        Criterion(
            code="research_projects",
            label_vi="Đề tài khoa học (tổng các cấp)",
            label_en="Research projects (all levels)",
            numerator="research.projects",
            normalisation="minmax_national",
            weight=15,
        ),
        # Rank points: a few large conference programmes should not flatten the rest.
        Criterion(
            code="conferences",
            label_vi="Hội thảo, tọa đàm khoa học (tổng các cấp)",
            label_en="Conferences and seminars (all levels)",
            numerator="research.conferences",
            normalisation="rank_points",
            weight=10,
        ),
        Criterion(
            code="articles_per_lecturer",
            label_vi="Bài đăng tạp chí trên một giảng viên",
            label_en="Journal articles per lecturer",
            numerator="publications.journal_articles",
            normalisation="per_lecturer",
            weight=15,
        ),
        # Absolute, not relative: 26 of 55 indicators met is 47.27 points.
        Criterion(
            code="standards_met",
            label_vi="Chỉ tiêu trường chính trị chuẩn đã đạt (trên 55)",
            label_en="Standard-school indicators met (of 55)",
            numerator="standards.indicators_met",
            denominator_constant=55,
            scale=100,
            normalisation="raw",
            weight=20,
        ),
        # 10 points per person sent to study, at most 100.
        Criterion(
            code="staff_sent_to_study",
            label_vi="Cán bộ, giảng viên được cử đi đào tạo",
            label_en="Staff sent to study",
            numerator="staff.sent_to_study",
            scale=10,
            cap=100,
            normalisation="raw",
            weight=10,
        ),
    ),
)


# --------------------------------------------------------------------------- helpers


def _raw_values(table: pd.DataFrame, criterion: Criterion) -> tuple[pd.Series, pd.Series]:
    """Raw value per school and the reason ("" when fine) it could not be computed."""
    numerator = _column(table, criterion.numerator)
    denominator_code = criterion.denominator_code
    if denominator_code is not None:
        denominator = _column(table, denominator_code)
    elif criterion.denominator_constant is not None:
        denominator = pd.Series(float(criterion.denominator_constant), index=table.index)
    else:
        denominator = pd.Series(1.0, index=table.index)
    reason = pd.Series(
        np.select(
            [numerator.isna(), denominator.isna(), denominator == 0],
            ["numerator_missing", "denominator_missing", "denominator_zero"],
            default="",
        ),
        index=table.index,
        dtype=object,
    )
    ratio = numerator.div(denominator.where(denominator != 0)).where(reason == "")
    return ratio, reason


def _points(ratio: pd.Series, criterion: Criterion, cluster: pd.Series) -> pd.Series:
    """Points in [0, 100] (capped) for valid schools; NaN where ``ratio`` is NaN."""
    value = ratio * criterion.scale
    higher = criterion.direction == "higher"
    normalisation = criterion.normalisation
    if normalisation in ("minmax_national", "per_lecturer"):
        earned = _minmax(value, value.min(), value.max(), higher=higher)
    elif normalisation == "minmax_cluster":
        groups = value.groupby(cluster)
        earned = _minmax(value, groups.transform("min"), groups.transform("max"), higher=higher)
    elif normalisation == "rank_points":
        ranked = value.rank(method="min", ascending=not higher)
        count = value.notna().sum()
        earned = 100.0 * (count - ranked + 1) / count if count else value
    else:  # raw
        earned = value if higher else 100.0 - value
    earned = earned.clip(lower=0.0, upper=100.0)
    if criterion.cap is not None:
        earned = earned.clip(upper=criterion.cap)
    return earned


def _minmax(value: pd.Series, low: Any, high: Any, *, higher: bool) -> pd.Series:
    span = high - low
    scaled = (value - low) / span if higher else (high - value) / span
    # Everyone equal (span 0): everyone gets full points.
    flat = np.broadcast_to(np.asarray(span == 0), value.shape)
    return (100.0 * scaled).mask(flat, 100.0).where(value.notna())


def _column(table: pd.DataFrame, code: str) -> pd.Series:
    if code in table.columns:
        return table[code].astype("float64")
    return pd.Series(np.nan, index=table.index, dtype="float64")


def _notes(state: str, reasons: Mapping[str, str], scheme: Scheme) -> list[dict[str, Any]]:
    if state == "missing":
        return [_note(None, "no_data")]
    notes = [_note(None, "not_accepted")] if state == "submitted" else []
    labels = {criterion.code: criterion for criterion in scheme.criteria}
    for code, reason in reasons.items():
        if reason:
            notes.append(_note(labels[str(code)], str(reason)))
    return notes


def _note(criterion: Criterion | None, reason: str) -> dict[str, Any]:
    vi, en = REASONS[reason]
    if criterion is not None:
        vi, en = f"{criterion.label_vi}: {vi}", f"{criterion.label_en}: {en}"
    return {
        "criterion": criterion.code if criterion else None,
        "reason": reason,
        "vi": vi,
        "en": en,
    }


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _none_if_missing(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value
