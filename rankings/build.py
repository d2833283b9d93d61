"""Rankings of schools for the department: the pure part (no Django, no database).

`rankings.scoring` scores a table of figures on a scheme. This module turns one
period's fact rows into the stored ranking (`build_ranking`), and derives what the
pages show from it: cluster against cluster, per-indicator leaderboards, the
traffic lights of a scorecard, and XLSX files of every table. The services
(`rankings.services`) run the query, call these and save.

Choices, in one place
---------------------
* **Basis.** The scheme says which figures count: "submitted" (submitted and
  accepted, the default, so a half-year can be ranked before every lead school has
  accepted) or "accepted" only. Each school's ``data_state`` says which it was
  ranked on: accepted, submitted only, or missing. Missing schools are listed, never
  ranked as zero (`rankings.scoring`).
* **Totals from parts.** Reports often state only the parts of a total ("03 đề tài
  cấp tỉnh, 06 đề tài cấp trường" and no "9 đề tài"). When a school has no figure for
  an indicator that the catalogue splits into parts and it has some of the parts,
  the total is the one the board and the snapshots show (`catalogue.rollup`): the
  sum of the first complete split, else the largest lower bound of a partial one.
  The row counts as submitted if any part is. Every criterion fed by such a total
  carries a note "summed from the parts reported", so nothing is silently invented.
* **Fingerprint.** `ranking_fingerprint` covers every fact row of the period whatever
  its status (`transforms.input_fingerprint`), the year's roster (school → cluster),
  the basis and the catalogue version: any change that could alter a ranking gives
  a new fingerprint. The scheme's version is stored beside it.
* **Cluster against cluster.** Per cluster: its schools, how many are ranked,
  submitted only and missing, the mean, best and lowest composite score of its ranked
  schools (clusters ranked by mean, ties share a rank), and for each indicator the
  scheme uses (plus classes and learners) the total and the per-school average over
  the schools that reported it ("reporting" says how many).
* **Traffic lights.** A criterion's points (0–100 before weighting): green from 70,
  amber from 40, red below; grey when the school has no figure for it (a note says
  why) or is not ranked.
* **XLSX.** Numbers are written as numbers; text that a spreadsheet would run
  (starting with = + - @, or a tab/CR) is prefixed with an apostrophe.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aggregation.transforms import (
    FACT_COLUMNS,
    facts_on_basis,
    input_fingerprint,
    period_year,
    year_roster,
)
from catalogue.rollup import Mark, descendants, school_figures
from catalogue.spec import Catalogue
from rankings.scoring import (
    LECTURERS_CODE,
    REASONS,
    Criterion,
    Scheme,
    explain,
    score_schools,
    scoring_inputs,
)

__all__ = [
    "CRITERION_FIELDS",
    "LIGHT_THRESHOLDS",
    "Table",
    "build_ranking",
    "cluster_comparison",
    "criterion_from_mapping",
    "explain_row",
    "indicator_leaderboard",
    "neutralise_cell",
    "ranking_fingerprint",
    "ranking_inputs",
    "roll_up_totals",
    "scheme_from_dict",
    "scheme_indicators",
    "scheme_to_dict",
    "table_xlsx",
    "traffic_light",
]

CRITERION_FIELDS: tuple[str, ...] = (
    "code",
    "label_vi",
    "label_en",
    "numerator",
    "denominator",
    "denominator_constant",
    "weight",
    "direction",
    "normalisation",
    "cap",
    "scale",
)
# Always compared between clusters, whatever the scheme.
CORE_INDICATORS: tuple[str, ...] = ("training.classes", "training.learners")
ROLLED_UP = ("cộng từ các phần đã báo cáo", "summed from the parts reported")
# (green from, amber from) in points before weighting.
LIGHT_THRESHOLDS: tuple[float, float] = (70.0, 40.0)


# --------------------------------------------------------------------------- schemes


def criterion_from_mapping(data: Mapping[str, Any]) -> Criterion:
    """A `Criterion` from a dict or a model's fields ("" and None mean "none").

    Raises ValueError (from `Criterion`) when the combination is invalid.
    """
    denominator = data.get("denominator") or None
    constant = data.get("denominator_constant")
    cap = data.get("cap")
    return Criterion(
        code=str(data["code"]),
        label_vi=str(data["label_vi"]),
        label_en=str(data.get("label_en") or data["label_vi"]),
        numerator=str(data["numerator"]),
        denominator=str(denominator) if denominator else None,
        denominator_constant=None if constant in (None, "") else float(constant),
        weight=float(data.get("weight", 1.0)),
        direction=data.get("direction") or "higher",
        normalisation=data.get("normalisation") or "minmax_national",
        cap=None if cap in (None, "") else float(cap),
        scale=float(data.get("scale") or 1.0),
    )


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    weights = scheme.weights()
    return {
        "year": scheme.year,
        "version": scheme.version,
        "label": scheme.label,
        "label_en": scheme.label_en,
        "is_example": scheme.is_example,
        "criteria": [
            {
                **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
                "weight_share": round(weights[criterion.code], 6),
            }
            for criterion in scheme.criteria
        ],
    }


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    return Scheme(
        year=int(data["year"]),
        version=int(data["version"]),
        label=str(data["label"]),
        label_en=str(data.get("label_en") or ""),
        is_example=bool(data.get("is_example")),
        criteria=tuple(criterion_from_mapping(item) for item in data["criteria"]),
    )


def scheme_indicators(scheme: Scheme) -> list[str]:
    """Indicators a scheme reads (numerators, then denominators), each once."""
    codes: list[str] = []
    for criterion in scheme.criteria:
        for code in (criterion.numerator, criterion.denominator_code):
            if code and code not in codes:
                codes.append(code)
    return codes


# --------------------------------------------------------------------------- inputs


def roll_up_totals(
    facts: pd.DataFrame,
    catalogue: Catalogue,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill absent totals under the catalogue's one roll-up rule (module docstring).

    ``facts`` must be on a basis (one row per school, period, indicator). Returns the
    facts with the derived rows appended, and the derived rows alone (school, period,
    indicator, state: "complete" for the sum of a complete split, "partial" for a
    lower bound). ``marks`` (school → indicator → "not_applicable" | "not_reported",
    the publications' marks on the same basis) make the ranking's roll-up the
    snapshot's: a part marked not applicable counts 0 and completes its split.
    """
    derived_columns = ["school", "period", "indicator", "state"]
    if facts.empty or not catalogue.splits:
        return facts, pd.DataFrame(columns=derived_columns)
    rows: list[dict[str, Any]] = []
    for (school, period), group in facts.groupby(["school", "period"], sort=True):
        typed = {
            str(code): int(value)
            for code, value in zip(group["indicator"], group["value"], strict=True)
        }
        status = dict(zip(group["indicator"], group["status"], strict=True))
        version = dict(zip(group["indicator"], group["version"], strict=True))
        school_marks = (marks or {}).get(str(school))
        for code, figure in school_figures(
            catalogue=catalogue, values=typed, marks=school_marks
        ).items():
            if not figure.derived or figure.value is None:
                continue
            parts = [part for part in descendants(catalogue, code) if part in typed]
            if not parts:
                continue
            rows.append(
                {
                    "school": school,
                    "period": period,
                    "indicator": code,
                    "value": int(figure.value),
                    "status": "submitted"
                    if any(status[part] != "accepted" for part in parts)
                    else "accepted",
                    "version": int(max(version[part] for part in parts)),
                    "state": figure.state,
                }
            )
    if not rows:
        return facts, pd.DataFrame(columns=derived_columns)
    derived = pd.DataFrame(rows)
    frame = pd.concat(
        [facts, derived[list(facts.columns)].astype({"value": "int64", "version": "int64"})],
        ignore_index=True,
    )
    return frame, derived[derived_columns].reset_index(drop=True)


def ranking_inputs(
    *,
    facts: pd.DataFrame,
    members: pd.DataFrame,
    catalogue: Catalogue,
    period: str,
    basis: str,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> tuple[pd.DataFrame, pd.Series, pd.Series, dict[str, set[str]]]:
    """(values, data_state, clusters, derived) for `score_schools` and the leaderboards.

    ``derived`` maps a school to the indicators whose totals were summed from parts.
    """
    scoped = _fact_frame(facts)
    scoped = scoped[scoped["period"] == period]
    used = facts_on_basis(scoped, basis)  # type: ignore[arg-type]
    rolled, derived_rows = roll_up_totals(used, catalogue, marks)
    values, state, clusters = scoring_inputs(
        facts=rolled,
        members=_member_frame(members),
        period=period,
        basis=basis,  # type: ignore[arg-type]
    )
    derived: dict[str, set[str]] = {}
    for school, code in derived_rows[["school", "indicator"]].itertuples(index=False):
        derived.setdefault(str(school), set()).add(str(code))
    return values, state, clusters, derived


def ranking_fingerprint(
    *,
    facts: pd.DataFrame,
    members: pd.DataFrame,
    period: str,
    basis: str,
    catalogue_version: int,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> str:
    """SHA-256 over the period's fact rows, the year's roster, the basis, the catalogue
    and the schools' marks (a mark changes a roll-up without changing any fact)."""
    scoped = _fact_frame(facts)
    scoped = scoped[scoped["period"] == period]
    roster = year_roster(members=_member_frame(members), year=period_year(period))
    digest = hashlib.sha256(f"cum-hub-ranking:v1:{period}:{basis}:{catalogue_version}\n".encode())
    digest.update(input_fingerprint(scoped).encode())
    lines = sorted(f"{school}\x1f{cluster}" for school, cluster in roster.itertuples(index=False))
    digest.update("\x1e".join(lines).encode())
    if marks:
        marked = sorted(
            f"{school}\x1f{code}\x1f{mark}"
            for school, codes in marks.items()
            for code, mark in codes.items()
        )
        digest.update(("\x1d" + "\x1e".join(marked)).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- ranking


def build_ranking(
    *,
    facts: pd.DataFrame,
    members: pd.DataFrame,
    catalogue: Catalogue,
    period: str,
    scheme: Scheme,
    basis: str,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> dict[str, Any]:
    """The stored ranking of one period: JSON-ready (dicts, lists, str, int, float, None).

    ``rows``: one per school of the year's roster (ranked first, by national rank),
    with score, ranks, contributions, points, raw values, the inputs used and notes
    (`explain_row` writes the sentences from them when they are shown).
    ``clusters``: `cluster_comparison`.
    """
    values, state, clusters, derived = ranking_inputs(
        facts=facts, members=members, catalogue=catalogue, period=period, basis=basis, marks=marks
    )
    result = score_schools(values=values, data_state=state, clusters=clusters, scheme=scheme)
    inputs = scheme_indicators(scheme)
    used_by: dict[str, list[Criterion]] = {}
    for criterion in scheme.criteria:
        for code in (criterion.numerator, criterion.denominator_code):
            if code:
                used_by.setdefault(code, []).append(criterion)
    schools = [str(school) for school in result["school"]]
    table = values.reindex(index=schools, columns=inputs).astype("float64")
    input_rows = {
        school: dict(zip(inputs, (_number_or_none(v) for v in row), strict=True))
        for school, row in zip(schools, table.to_numpy().tolist(), strict=True)
    }
    rows: list[dict[str, Any]] = []
    for record in result.to_dict("records"):
        school = str(record["school"])
        row = {key: _plain(value) for key, value in record.items()}
        row["inputs"] = input_rows[school]
        if row["score"] is not None:
            for code in sorted(derived.get(school, set()) & set(used_by)):
                for criterion in used_by[code]:
                    row["notes"].append(_rolled_up_note(criterion, code, catalogue))
        rows.append(row)
    compared = sorted({*inputs, *CORE_INDICATORS} - {LECTURERS_CODE}) + (
        [LECTURERS_CODE] if LECTURERS_CODE in inputs else []
    )
    return {
        "period": period,
        "basis": basis,
        "scheme": scheme_to_dict(scheme),
        "catalogue_version": catalogue.version,
        "rows": rows,
        "clusters": cluster_comparison(rows=rows, values=values, indicators=compared),
        # JSONB does not keep key order: the columns' order is stored apart.
        "compared_indicators": compared,
        "counts": {
            "schools": len(rows),
            "ranked": sum(1 for row in rows if row["score"] is not None),
            "missing": sum(1 for row in rows if row["data_state"] == "missing"),
            "submitted": sum(1 for row in rows if row["data_state"] == "submitted"),
        },
    }


def explain_row(row: Mapping[str, Any], scheme: Scheme, language: str) -> list[str]:
    """`rankings.scoring.explain` for a stored row (its "summed from parts" notes
    are the hub's own and are left to the notes list)."""
    plain = {**row, "notes": [note for note in row.get("notes", []) if note["reason"] in REASONS]}
    return explain(plain, scheme, "en" if language.startswith("en") else "vi")


def cluster_comparison(
    *, rows: Sequence[Mapping[str, Any]], values: pd.DataFrame, indicators: Sequence[str]
) -> list[dict[str, Any]]:
    """Cluster against cluster (module docstring), ordered by rank then slug."""
    frame = pd.DataFrame(
        {
            "school": [str(row["school"]) for row in rows],
            "cluster": [row.get("cluster") for row in rows],
            "score": pd.array([row["score"] for row in rows], dtype="Float64"),
            "state": [row["data_state"] for row in rows],
        }
    )
    frame = frame[frame["cluster"].notna()]
    if frame.empty:
        return []
    table = values.reindex(index=frame["school"].tolist(), columns=list(indicators)).astype(
        "float64"
    )
    table.index = frame.index
    table["_cluster"] = frame["cluster"].to_numpy()
    grouped = table.groupby("_cluster", sort=True)
    sums = grouped.sum(min_count=1).to_dict("index")
    counts = grouped.count().to_dict("index")
    stats = (
        frame.assign(score=frame["score"].astype("float64"))
        .groupby("cluster", sort=True)["score"]
        .agg(["count", "mean", "max", "min", "size"])
    )
    ranks = stats["mean"].rank(method="min", ascending=False).to_dict()
    stats_rows = stats.to_dict("index")
    states = frame.groupby(["cluster", "state"]).size().to_dict()
    out: list[dict[str, Any]] = []
    for cluster, row in stats_rows.items():
        ranked = int(row["count"])
        totals: dict[str, int | float | None] = {}
        averages: dict[str, float | None] = {}
        reporting: dict[str, int] = {}
        for code in indicators:
            n = int(counts[cluster][code])
            total = float(sums[cluster][code]) if n else None
            reporting[code] = n
            totals[code] = _whole(total)
            averages[code] = round(total / n, 2) if total is not None else None
        out.append(
            {
                "cluster": cluster,
                "schools": int(row["size"]),
                "ranked": ranked,
                "accepted": int(states.get((cluster, "accepted"), 0)),
                "submitted": int(states.get((cluster, "submitted"), 0)),
                "missing": int(states.get((cluster, "missing"), 0)),
                "score_mean": round(float(row["mean"]), 2) if ranked else None,
                "score_best": float(row["max"]) if ranked else None,
                "score_lowest": float(row["min"]) if ranked else None,
                "totals": totals,
                "averages": averages,
                "reporting": reporting,
                "rank": int(ranks[cluster]) if ranked else None,
            }
        )
    out.sort(key=lambda item: (item["rank"] is None, item["rank"] or 0, item["cluster"]))
    return out


def _rolled_up_note(criterion: Criterion, code: str, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "criterion": criterion.code,
        "reason": "rolled_up",
        "vi": f"{criterion.label_vi}: “{_label(catalogue, code, 'vi')}” {ROLLED_UP[0]}",
        "en": f"{criterion.label_en}: “{_label(catalogue, code, 'en')}” {ROLLED_UP[1]}",
    }


def indicator_leaderboard(
    *,
    values: pd.DataFrame,
    data_state: pd.Series,
    clusters: pd.Series,
    code: str,
    higher_is_better: bool = True,
) -> list[dict[str, Any]]:
    """Every school of the roster by one indicator: value, national and cluster rank.

    Ties share the better rank; a school without the figure is listed last with value
    None and no rank (never as zero).
    """
    schools = sorted({*map(str, data_state.index), *map(str, values.index)})
    column = (
        values[code].reindex(schools).astype("float64")
        if code in values.columns
        else pd.Series(np.nan, index=schools, dtype="float64")
    )
    cluster = clusters.reindex(schools)
    national = column.rank(method="min", ascending=not higher_is_better)
    within = column.groupby(cluster).rank(method="min", ascending=not higher_is_better)
    best = column.max() if higher_is_better else column.min()
    rows = []
    for school in schools:
        value = column[school]
        has = not math.isnan(value)
        rows.append(
            {
                "school": school,
                "cluster": None if pd.isna(cluster[school]) else str(cluster[school]),
                "value": _whole(float(value)) if has else None,
                "rank_national": int(national[school]) if has else None,
                "rank_cluster": int(within[school])
                if has and not pd.isna(within.get(school, np.nan))
                else None,
                "share_of_best": round(float(value) / float(best), 4)
                if has and best and not math.isnan(best)
                else None,
                "data_state": str(data_state.get(school, "missing")) if has else "missing",
            }
        )
    rows.sort(
        key=lambda row: (row["rank_national"] is None, row["rank_national"] or 0, row["school"])
    )
    return rows


def traffic_light(row: Mapping[str, Any], criterion_code: str) -> str:
    """ "green" | "amber" | "red" | "none" for one criterion of a ranking row."""
    if row.get("score") is None or not row.get("points"):
        return "none"
    if any(
        note.get("criterion") == criterion_code and note.get("reason") != "rolled_up"
        for note in row.get("notes", [])
    ):
        return "none"
    points = row["points"].get(criterion_code)
    if points is None:
        return "none"
    green, amber = LIGHT_THRESHOLDS
    return "green" if points >= green else ("amber" if points >= amber else "red")


# --------------------------------------------------------------------------- xlsx


@dataclass
class Table:
    """A table as pages show it and XLSX exports it. Cells: str, int, float or None."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    sheet: str = "Sheet1"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_xlsx(tables: Iterable[Table]) -> bytes:
    """One sheet per table: title, notes, header row, rows. Numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used_names: set[str] = set()
    for table in tables:
        name = _sheet_name(table.sheet, used_names)
        sheet = workbook.create_sheet(name)
        sheet.append([neutralise_cell(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        for note in table.notes:
            sheet.append([neutralise_cell(note)])
        sheet.append([])
        sheet.append([neutralise_cell(column) for column in table.columns])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for index, column in enumerate(table.columns, start=1):
            width = max([len(str(column))] + [len(str(row[index - 1] or "")) for row in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- helpers


def _cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    return neutralise_cell(str(value))


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if char in "[]:*?/\\" else char for char in name).strip("'") or "Sheet"
    clean = clean[:31]
    candidate, number = clean, 2
    while candidate in used:
        suffix = f" ({number})"
        candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate)
    return candidate


def _fact_frame(facts: pd.DataFrame) -> pd.DataFrame:
    if len(facts.columns) == 0 or facts.empty:
        return pd.DataFrame(
            {
                "school": pd.Series(dtype=object),
                "period": pd.Series(dtype=object),
                "indicator": pd.Series(dtype=object),
                "value": pd.Series(dtype="int64"),
                "status": pd.Series(dtype=object),
                "version": pd.Series(dtype="int64"),
            }
        )
    return facts[list(FACT_COLUMNS)]


def _member_frame(members: pd.DataFrame) -> pd.DataFrame:
    if len(members.columns) == 0:
        return pd.DataFrame(columns=["school", "cluster", "year", "role"])
    return members


def _label(catalogue: Catalogue, code: str, language: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return {"vi": spec.label_vi, "en": spec.label_en or spec.label_vi}[language]


def _whole(value: float | None) -> int | float | None:
    if value is None or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 4)


def _number_or_none(value: Any) -> int | float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else _whole(number)


def _plain(value: Any) -> Any:
    """numpy scalars and containers to plain JSON values."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
