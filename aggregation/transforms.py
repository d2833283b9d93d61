"""Pure DataFrame transforms behind cluster snapshots and the department's views.

The Celery tasks run one query over the public fact table, hand the frames to the
functions here and save what they return (query → pure transform → save), so all
of this is tested without a database. Nothing here imports Django.

Input frames
------------
``facts``        school, period, indicator, value (int), status, version (int)
``members``      school, cluster, year, role ("lead", "standing_deputy", "deputy", "member")
``submissions``  school, period, status (incl. "not_started"), submitted_at, updated_at
``marks``        (a mapping, not a frame) school → indicator → "not_reported" |
                 "not_applicable", from each school's published marks
                 (`Publication.marks`) kept on the snapshot's basis by `marks_on_basis`:
                 a marked figure shows that state, never a 0.

Choices, in one place
---------------------
* **Basis.** ``"accepted"`` uses accepted figures only; ``"submitted"`` uses submitted
  and accepted ones. Returned and draft figures never count. If the frame holds
  several versions of one (school, period, indicator), the highest version *within
  the basis* wins.
* **Stocks and flows.** Within one period both are summed across schools (the
  cluster's lecturers are the sum of its schools' lecturers). Across periods
  (`combine_periods`) flows are summed and stocks take the latest value, never a
  sum. An indicator not in the catalogue is treated as a stock there: taking the
  latest value can understate a flow, summing a stock would invent numbers.
* **Roll-up.** Each school's figure for every indicator is the one rule of
  `catalogue.rollup`: the typed value, else the sum of a complete split, else a
  partial lower bound; each carries a ``state`` (complete, partial, missing,
  not_reported, not_applicable). A snapshot row's ``values`` are these shown values
  (``figures`` adds the states); the cluster's ``totals`` are the sums of exactly
  those values, and ``figures`` at the top level says, per total, whether it is
  complete or a lower bound and which schools are short of it. Shares, ranks and the
  year-on-year change use the shown values too. Consistency findings compare only
  what schools typed (a derived total cannot disagree with its own parts). The
  academy view sums the same per-school values per cluster and nationally.
* **Declared figures.** Cluster totals a report declared (``declared``, with their
  ``source``) never enter ``totals``: they are listed under ``declared`` and their gap
  to the computed totals is a ``declared_mismatch`` finding.
* **Membership.** A cluster's schools are its members in the period's year. The
  year-on-year comparison is like for like: the *same* (current) member schools'
  figures a year earlier, so a school changing cluster does not show as growth.
* **Fingerprint.** `input_fingerprint` is a SHA-256 over the canonically sorted fact
  rows (all six columns, row order irrelevant). A snapshot's fingerprint covers the
  fact rows in its scope (its member schools, its period and the period a year
  earlier) whatever their status, so any change that could alter it — including a
  status change — gives a new fingerprint. The academy view fingerprints the
  period's fact rows.
* **Findings.** ``expected`` is the figure as stated (the parent total, the declared
  cluster total, the whole a part must not exceed, the classes learners must not
  fall below) and ``actual`` is what the parts add up to or the offending value.
  A split is checked when the parent and all its children are present; when only
  some children are present it is flagged only if their sum already exceeds the
  parent. A child larger than its parent gives a ``part_exceeds_whole`` finding as
  well as the split's ``sum_mismatch``: they are separate facts for whoever fixes
  the figures. Declared cluster figures are compared with the recomputed totals
  and also checked for consistency among themselves (scope "cluster").
* **Lateness.** A school is late when the figures that count (status submitted or
  accepted) arrived after the deadline, or when they have not arrived and the
  deadline has passed at ``now``. A deadline given as a date means the end of that
  day in Vietnam (UTC+7); naive datetimes are read as UTC, as Django stores them.
* **JSON.** Snapshots and views contain only dicts, lists, str, int, float and None.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from catalogue.rollup import ClusterFigure, Figure, Mark, cluster_figures, school_figures
from catalogue.spec import HEADLINE_TOTALS, Catalogue
from core.formatting import format_count, format_signed
from core.timezone import end_of_day

__all__ = [
    "BASIS_STATUSES",
    "FACT_COLUMNS",
    "Basis",
    "build_academy_view",
    "build_cluster_snapshot",
    "cluster_members",
    "combine_periods",
    "completeness",
    "consistency_findings",
    "declared_findings",
    "facts_on_basis",
    "input_fingerprint",
    "marks_on_basis",
    "ordered_codes",
    "period_sort_key",
    "period_year",
    "previous_year_period",
    "rolled_table",
    "school_rollups",
    "school_table",
    "table_ranks",
    "table_shares",
    "table_totals",
    "year_on_year",
    "year_roster",
]

Basis = Literal["accepted", "submitted"]
Language = Literal["vi", "en"]

FACT_COLUMNS: tuple[str, ...] = ("school", "period", "indicator", "value", "status", "version")
FACT_KEY: list[str] = ["school", "period", "indicator"]
BASIS_STATUSES: dict[str, tuple[str, ...]] = {
    "accepted": ("accepted",),
    "submitted": ("submitted", "accepted"),
}
ROLE_ORDER: dict[str, int] = {"lead": 0, "standing_deputy": 1, "deputy": 2, "member": 3}
SUBMITTED_STATUSES: tuple[str, ...] = ("submitted", "accepted")
COMPLETENESS_STATES: tuple[str, ...] = ("submitted", "accepted", "returned", "draft", "missing")

_PERIOD_RE = re.compile(r"^(?P<year>\d{4})-(?P<part>.+)$")
# Month in which each kind of period ends, and its length in months.
_PERIOD_PARTS: dict[str, tuple[int, int]] = {
    "Q1": (3, 3),
    "Q2": (6, 3),
    "H1": (6, 6),
    "Q3": (9, 3),
    "Q4": (12, 3),
    "H2": (12, 6),
    "Y": (12, 12),
}


# --------------------------------------------------------------------------- periods


def period_year(period: str) -> int:
    """The calendar year of a period code ("2024-H1" -> 2024)."""
    match = _PERIOD_RE.match(period)
    if not match:
        raise ValueError(f"Not a period code: {period!r}")
    return int(match["year"])


def previous_year_period(period: str) -> str:
    """The same kind of period one year earlier ("2024-H1" -> "2023-H1")."""
    match = _PERIOD_RE.match(period)
    if not match:
        raise ValueError(f"Not a period code: {period!r}")
    return f"{int(match['year']) - 1}-{match['part']}"


def period_sort_key(period: str) -> tuple[int, int, int, str]:
    """Chronological order: by year, then the month the period ends, shorter first."""
    match = _PERIOD_RE.match(period)
    if not match:
        raise ValueError(f"Not a period code: {period!r}")
    end_month, length = _PERIOD_PARTS.get(match["part"], (12, 12))
    return int(match["year"]), end_month, length, match["part"]


# --------------------------------------------------------------------------- facts


def input_fingerprint(facts: pd.DataFrame) -> str:
    """SHA-256 over the fact rows, independent of row order, column order and dtypes.

    Rows are put in a canonical order (sorted on all six fact columns) and each
    column is hashed as text, so the same figures always give the same digest and
    any change of a value, status, version or key gives another.
    """
    frame = _canonical_facts(facts)
    digest = hashlib.sha256(f"cum-hub-facts:v1:{len(frame)}\n".encode())
    for column in FACT_COLUMNS:
        digest.update(column.encode() + b"\x1e")
        values = frame[column]
        if values.isna().any():
            values = values.astype(object).where(values.notna(), "\x00")
        digest.update("\x1f".join(values.astype(str).tolist()).encode())
        digest.update(b"\x1d")
    return digest.hexdigest()


def facts_on_basis(facts: pd.DataFrame, basis: Basis) -> pd.DataFrame:
    """The fact rows that count on a basis, one row per (school, period, indicator).

    "accepted" keeps accepted rows only; "submitted" keeps submitted and accepted
    rows. Rows without a value are dropped; of several versions the highest wins.
    """
    try:
        statuses = BASIS_STATUSES[basis]
    except KeyError:
        raise ValueError(f"basis must be 'accepted' or 'submitted', not {basis!r}") from None
    kept = facts[facts["status"].isin(statuses) & facts["value"].notna()]
    return _latest_versions(kept)


def combine_periods(
    *, facts: pd.DataFrame, catalogue: Catalogue, periods: Sequence[str]
) -> pd.DataFrame:
    """Combine several periods per (school, indicator): flows summed, stocks latest.

    Use it to build a half-year from quarters or to compare periods. ``facts`` should
    already be on a basis (see `facts_on_basis`); only rows of ``periods`` are used.
    "Latest" is chronological (`period_sort_key`) among the periods with a value.

    Returns columns school, indicator, value (int), kind ("flow" | "stock"),
    n_periods (how many of the periods had a value) and latest_period.
    """
    scoped = _latest_versions(facts[facts["period"].isin(list(periods))])
    columns = ["school", "indicator", "value", "kind", "n_periods", "latest_period"]
    if scoped.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    chronological = sorted(scoped["period"].unique().tolist(), key=period_sort_key)
    rank = {period: position for position, period in enumerate(chronological)}
    ordered = scoped.assign(_order=scoped["period"].map(rank)).sort_values(
        ["school", "indicator", "_order"], kind="stable"
    )
    grouped = ordered.groupby(["school", "indicator"], sort=True)
    combined = grouped.agg(
        total=("value", "sum"),
        latest=("value", "last"),
        n_periods=("period", "size"),
        latest_period=("period", "last"),
    ).reset_index()
    kinds = combined["indicator"].map(
        lambda code: catalogue[code].kind if code in catalogue else "stock"
    )
    combined["kind"] = kinds
    combined["value"] = np.where(kinds == "flow", combined["total"], combined["latest"]).astype(
        "int64"
    )
    return combined[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- cluster


def cluster_members(*, members: pd.DataFrame, cluster: str, year: int) -> pd.DataFrame:
    """A cluster's schools in a year, lead first, then deputies, then members by slug."""
    scoped = members[(members["cluster"] == cluster) & (members["year"] == year)]
    ordered = (
        scoped.assign(_role=scoped["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER)))
        .sort_values(["_role", "school"], kind="stable")
        .drop_duplicates("school", keep="first")
    )
    return ordered[["school", "role"]].reset_index(drop=True)


def school_table(
    *, facts: pd.DataFrame, schools: Sequence[str], catalogue: Catalogue
) -> pd.DataFrame:
    """Wide table of one period's figures: index school (in the given order), one
    float column per indicator any of the schools has (catalogue order), NaN = none.

    ``facts`` must be on a basis and hold a single period.
    """
    scoped = facts[facts["school"].isin(list(schools))]
    if scoped.empty:
        wide = pd.DataFrame(index=pd.Index(list(schools), dtype=object, name="school"))
        return wide.astype("float64")
    wide = scoped.pivot(index="school", columns="indicator", values="value")
    codes = ordered_codes(wide.columns, catalogue)
    wide = wide.reindex(index=list(schools), columns=codes).astype("float64")
    wide.index = pd.Index(list(schools), dtype=object, name="school")
    wide.columns = pd.Index(codes, dtype=object)
    return wide


def ordered_codes(codes: Iterable[str], catalogue: Catalogue) -> list[str]:
    """Codes in catalogue order; codes the catalogue does not know come last, sorted."""

    def key(code: str) -> tuple[int, int, str]:
        spec = catalogue.by_code.get(code)
        return (0, spec.order, code) if spec else (1, 0, code)

    return sorted(set(codes), key=key)


def school_rollups(
    *,
    wide: pd.DataFrame,
    catalogue: Catalogue,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> dict[str, dict[str, Figure]]:
    """Each school's figure for every indicator under the catalogue's one roll-up rule.

    ``wide`` is a `school_table` of typed values; ``marks`` maps a school to the
    indicators it marks not reported / not applicable. Rows keep the table's order.
    """
    figures: dict[str, dict[str, Figure]] = {}
    columns = [str(code) for code in wide.columns]
    data = wide.to_numpy(dtype="float64")
    for position, school in enumerate(wide.index):
        typed = {
            code: _to_int(cell)
            for code, cell in zip(columns, data[position].tolist(), strict=True)
            if not math.isnan(cell)
        }
        figures[str(school)] = school_figures(
            catalogue=catalogue, values=typed, marks=(marks or {}).get(str(school))
        )
    return figures


def rolled_table(figures: Mapping[str, Mapping[str, Figure]], catalogue: Catalogue) -> pd.DataFrame:
    """The wide table of the values shown: the typed value, else the sum of a complete
    split, else the partial lower bound (`catalogue.rollup`); NaN where none.

    Columns: every code some school has a value for or marks not reported / not
    applicable, in catalogue order. Rows: the schools of ``figures``, in order.
    """
    schools = list(figures)
    shown = {
        code
        for per_code in figures.values()
        for code, figure in per_code.items()
        if figure.value is not None or figure.state in ("not_reported", "not_applicable")
    }
    codes = ordered_codes(shown, catalogue)
    rows = [
        [
            np.nan
            if (figure := figures[school].get(code)) is None or figure.value is None
            else float(figure.value)
            for code in codes
        ]
        for school in schools
    ]
    table = pd.DataFrame(
        np.array(rows, dtype="float64").reshape(len(schools), len(codes)),
        index=pd.Index(schools, dtype=object, name="school"),
        columns=pd.Index(codes, dtype=object),
    )
    return table


def table_totals(wide: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per-indicator totals over the table's schools and the number of contributors.

    Only indicators with at least one value are returned.
    """
    totals = wide.sum(axis=0, min_count=1).dropna()
    contributors = wide[totals.index].notna().sum(axis=0)
    return totals.round().astype("int64"), contributors.astype("int64")


def table_shares(wide: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Each school's share of the total, rounded to 4; NaN when no value or total 0."""
    denominators = totals.reindex(wide.columns).astype("float64").replace(0.0, np.nan)
    return wide.div(denominators, axis=1).round(4)


def table_ranks(wide: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Rank within the table per indicator: 1 = best, ties share the lowest rank."""
    ranks = wide.rank(axis=0, method="min", ascending=False, na_option="keep")
    lower = [
        code for code in wide.columns if code in catalogue and not catalogue[code].higher_is_better
    ]
    if lower:
        ranks[lower] = wide[lower].rank(axis=0, method="min", ascending=True, na_option="keep")
    return ranks


def year_on_year(
    *, current: Mapping[str, int], previous: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """Change of each total against a year earlier, only where both exist.

    change_pct is rounded to 2 and None when the previous total is 0.
    """
    result: dict[str, dict[str, Any]] = {}
    for code, now_value in current.items():
        if code not in previous:
            continue
        before = int(previous[code])
        change = int(now_value) - before
        result[code] = {
            "previous": before,
            "current": int(now_value),
            "change": change,
            "change_pct": round(change / before * 100, 2) if before else None,
        }
    return result


def completeness(
    *,
    submissions: pd.DataFrame,
    schools: Sequence[str],
    period: str,
    deadline: datetime | date | None,
    now: datetime,
) -> dict[str, Any]:
    """Who has reported for the period, by submission status, and who is late.

    The status lists are disjoint, one per submission status: "submitted" means
    awaiting the lead's acceptance; a school without a submission row, or whose
    submission is "not_started", is "missing". "late" cuts across them (see the
    module docstring). Lists keep the order of ``schools``; ``counts`` gives their
    lengths.
    """
    expected = list(schools)
    scoped = submissions[(submissions["period"] == period) & submissions["school"].isin(expected)]
    if "updated_at" in scoped.columns:
        scoped = scoped.sort_values("updated_at", kind="stable", na_position="first")
    latest = scoped.drop_duplicates("school", keep="last").set_index("school")
    status = latest["status"].reindex(expected).astype(object)
    status = status.where(status.isin(COMPLETENESS_STATES[:-1]), "missing")

    arrived = status.isin(SUBMITTED_STATUSES)
    late = pd.Series(False, index=expected)
    deadline_at = _deadline_timestamp(deadline)
    if deadline_at is not None:
        submitted_at = _utc(latest["submitted_at"].reindex(expected))
        if "updated_at" in latest.columns:
            # A submitted row without submitted_at: its last change is the best evidence.
            submitted_at = submitted_at.fillna(_utc(latest["updated_at"].reindex(expected)))
        arrived_late = arrived & submitted_at.notna() & (submitted_at > deadline_at)
        overdue = ~arrived & (_utc_scalar(now) > deadline_at)
        late = arrived_late | overdue

    result: dict[str, Any] = {"expected": expected}
    for state in COMPLETENESS_STATES:
        result[state] = [school for school in expected if status[school] == state]
    result["late"] = [school for school in expected if bool(late[school])]
    result["counts"] = {key: len(result[key]) for key in ("expected", *COMPLETENESS_STATES, "late")}
    return result


def consistency_findings(
    *, table: pd.DataFrame, catalogue: Catalogue, scope: Literal["school", "cluster"]
) -> list[dict[str, Any]]:
    """Splits that do not add up, parts above their whole, learners below classes.

    ``table`` is a wide table (rows = schools, or one row of cluster figures).
    Vectorised over rows; the loop is over the catalogue's split groups only.
    """
    columns = {code: position for position, code in enumerate(table.columns)}
    data = table.to_numpy(dtype="float64")
    row_labels = list(table.index)
    found: list[tuple[int, int, int, str, dict[str, Any]]] = []

    def add(row: Any, code: str, kind_order: int, finding: dict[str, Any]) -> None:
        spec = catalogue.by_code.get(code)
        found.append((int(row), spec.order if spec else 1 << 30, kind_order, code, finding))

    for parent, splits in catalogue.splits.items():
        if parent not in columns:
            continue
        whole = data[:, columns[parent]]
        has_whole = ~np.isnan(whole)
        for split, children in splits.items():
            codes = [child.code for child in children if child.code in columns]
            if not codes:
                continue
            block = data[:, [columns[code] for code in codes]]
            present = ~np.isnan(block)
            sums = np.where(present, block, 0.0).sum(axis=1)
            complete = present.all(axis=1) & (len(codes) == len(children))
            mismatch = has_whole & complete & (sums != whole)
            partial_over = has_whole & ~complete & present.any(axis=1) & (sums > whole)
            for row in np.flatnonzero(mismatch | partial_over):
                parts = [code for code, here in zip(codes, present[row], strict=True) if here]
                add(
                    row,
                    parent,
                    0,
                    _finding(
                        scope=scope,
                        school=row_labels[row] if scope == "school" else None,
                        code=parent,
                        kind="sum_mismatch",
                        split=split,
                        expected=whole[row],
                        actual=sums[row],
                        children=parts,
                        catalogue=catalogue,
                        partial=bool(partial_over[row]),
                    ),
                )
            for code in codes:
                part = data[:, columns[code]]
                for row in np.flatnonzero(has_whole & ~np.isnan(part) & (part > whole)):
                    add(
                        row,
                        parent,
                        1,
                        _finding(
                            scope=scope,
                            school=row_labels[row] if scope == "school" else None,
                            code=parent,
                            kind="part_exceeds_whole",
                            split=split,
                            expected=whole[row],
                            actual=part[row],
                            children=[code],
                            catalogue=catalogue,
                        ),
                    )

    for spec in catalogue.indicators:
        learners_code = spec.learners_code
        if not learners_code or spec.code not in columns or learners_code not in columns:
            continue
        classes = data[:, columns[spec.code]]
        learners = data[:, columns[learners_code]]
        for row in np.flatnonzero(~np.isnan(classes) & ~np.isnan(learners) & (learners < classes)):
            add(
                row,
                spec.code,
                2,
                _finding(
                    scope=scope,
                    school=row_labels[row] if scope == "school" else None,
                    code=spec.code,
                    kind="learners_below_classes",
                    split=None,
                    expected=classes[row],
                    actual=learners[row],
                    children=[learners_code],
                    catalogue=catalogue,
                ),
            )
    found.sort(key=lambda item: item[:4])
    return [finding for *_, finding in found]


def declared_findings(
    *,
    totals: Mapping[str, int],
    declared: Mapping[str, int],
    catalogue: Catalogue,
    states: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Cluster totals a report declares against the totals recomputed from the schools.

    A declared figure no school has reported is flagged with ``actual`` None. With
    ``states`` (the computed totals' roll-up states), each finding also carries
    ``actual_state``: "partial" says the computed side is only a lower bound.
    """
    findings = []
    for code in ordered_codes(declared, catalogue):
        stated = int(declared[code])
        recomputed = totals.get(code)
        if recomputed is not None and int(recomputed) == stated:
            continue
        finding = _finding(
            scope="cluster",
            school=None,
            code=code,
            kind="declared_mismatch",
            split=None,
            expected=stated,
            actual=None if recomputed is None else int(recomputed),
            children=[],
            catalogue=catalogue,
        )
        if states is not None:
            finding["actual_state"] = states.get(code, "missing")
        findings.append(finding)
    return findings


def marks_on_basis(
    published: Mapping[str, tuple[str, Mapping[str, str]]], basis: Basis
) -> dict[str, dict[str, Mark]]:
    """The marks that count on a basis: school → (publication status, its marks) →
    school → indicator → "not_reported" | "not_applicable", for the schools whose
    status counts (as `facts_on_basis` keeps their facts). Other values are ignored."""
    try:
        statuses = BASIS_STATUSES[basis]
    except KeyError:
        raise ValueError(f"basis must be 'accepted' or 'submitted', not {basis!r}") from None
    kept: dict[str, dict[str, Mark]] = {}
    for school, (status, marks) in published.items():
        if status not in statuses:
            continue
        chosen: dict[str, Mark] = {}
        for code, mark in (marks or {}).items():
            if mark == "not_reported":
                chosen[code] = "not_reported"
            elif mark == "not_applicable":
                chosen[code] = "not_applicable"
        if chosen:
            kept[school] = chosen
    return kept


def build_cluster_snapshot(
    *,
    facts: pd.DataFrame,
    members: pd.DataFrame,
    submissions: pd.DataFrame,
    catalogue: Catalogue,
    cluster: str,
    period: str,
    basis: Basis,
    deadline: datetime | date | None,
    previous_facts: pd.DataFrame | None = None,
    declared: Mapping[str, int] | None = None,
    declared_sources: Mapping[str, str] | None = None,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the lead school's pages and reports show for (cluster, period).

    Per school, ``values`` are the values shown (`catalogue.rollup`: typed, else the
    sum of a complete split, else a partial lower bound) and ``figures`` the same with
    their ``state``; ``totals`` are the sums of exactly those values and ``figures`` at
    the top level gives each total's ``state`` and the schools short of it.
    ``declared`` (cluster-only figures from a report, with their ``source``) is kept
    apart and never enters ``totals``; its gap to the totals is a finding. ``marks``
    (school → indicator → "not_reported" | "not_applicable") are optional inputs.

    ``facts`` may hold other schools and periods; only the cluster's members in the
    period's year and the period itself are used. The year-earlier figures come from
    ``previous_facts`` or, when None, from the same period a year earlier in
    ``facts``. Returns a JSON-serialisable dict (see the module docstring).
    """
    now_utc = _utc_scalar(now if now is not None else datetime.now(UTC))
    year = period_year(period)
    previous_period = previous_year_period(period)
    roster = cluster_members(members=members, cluster=cluster, year=year)
    schools = roster["school"].tolist()

    in_cluster = facts[facts["school"].isin(schools)]
    current_rows = in_cluster[in_cluster["period"] == period]
    previous_source = in_cluster if previous_facts is None else previous_facts
    previous_source = previous_source[previous_source["period"] == previous_period]
    previous_rows = previous_source[previous_source["school"].isin(schools)]
    fingerprint = input_fingerprint(pd.concat([current_rows, previous_rows], ignore_index=True))
    marks = {school: dict(marks[school]) for school in schools if marks and marks.get(school)}
    if marks:
        # A mark changes what the snapshot shows, so it changes the fingerprint too.
        marked = "|".join(
            f"{school}:{code}:{mark}"
            for school in sorted(marks)
            for code, mark in sorted(marks[school].items())
        )
        fingerprint = hashlib.sha256(f"{fingerprint}|{marked}".encode()).hexdigest()

    typed = school_table(
        facts=facts_on_basis(current_rows, basis), schools=schools, catalogue=catalogue
    )
    figures = school_rollups(wide=typed, catalogue=catalogue, marks=marks)
    wide = rolled_table(figures, catalogue)
    totals, contributors = table_totals(wide)
    shares = table_shares(wide, totals)
    ranks = table_ranks(wide, catalogue)
    previous_typed = school_table(
        facts=facts_on_basis(previous_rows, basis), schools=schools, catalogue=catalogue
    )
    previous_wide = rolled_table(
        school_rollups(wide=previous_typed, catalogue=catalogue), catalogue
    )
    previous_totals, _ = table_totals(previous_wide)
    totals_dict = _int_dict(totals)

    codes = list(wide.columns)
    cluster_wide = cluster_figures(figures, codes)
    value_rows = _rows(wide, _as_int)
    share_rows = _rows(shares, _as_float)
    rank_rows = _rows(ranks, _as_int)
    school_entries = [
        {
            "school": school,
            "role": role,
            "values": dict(zip(codes, value_rows[position], strict=True)),
            "figures": {code: figures[school][code].as_dict() for code in codes},
            "shares": dict(zip(codes, share_rows[position], strict=True)),
            "ranks": dict(zip(codes, rank_rows[position], strict=True)),
        }
        for position, (school, role) in enumerate(
            zip(schools, roster["role"].tolist(), strict=True)
        )
    ]

    # Consistency is about what schools typed: a derived total never "disagrees".
    findings = consistency_findings(table=typed, catalogue=catalogue, scope="school")
    declared_entries: dict[str, dict[str, Any]] = {}
    if declared:
        declared_table = pd.DataFrame([dict(declared)], index=pd.Index(["cluster"], dtype=object))
        declared_table = declared_table[ordered_codes(declared_table.columns, catalogue)]
        findings += declared_findings(
            totals=totals_dict,
            declared=declared,
            catalogue=catalogue,
            states={code: figure.state for code, figure in cluster_wide.items()},
        )
        findings += consistency_findings(table=declared_table, catalogue=catalogue, scope="cluster")
        declared_entries = {
            code: {"value": int(declared[code]), "source": (declared_sources or {}).get(code, "")}
            for code in ordered_codes(declared, catalogue)
        }

    return {
        "cluster": cluster,
        "period": period,
        "year": year,
        "basis": basis,
        "catalogue_version": int(catalogue.version),
        "fingerprint": fingerprint,
        "computed_at": now_utc.isoformat(),
        "totals": totals_dict,
        "figures": {code: _cluster_dict(cluster_wide[code]) for code in codes},
        "declared": declared_entries,
        "contributors": _int_dict(contributors),
        "schools": school_entries,
        "yoy": year_on_year(current=totals_dict, previous=_int_dict(previous_totals)),
        "previous_period": previous_period,
        "completeness": completeness(
            submissions=submissions, schools=schools, period=period, deadline=deadline, now=now_utc
        ),
        "findings": findings,
    }


# --------------------------------------------------------------------------- academy


def year_roster(*, members: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row (school, cluster) per school for a year.

    A school listed in two clusters in one year is a data error; it is counted once,
    in the cluster where it has the highest role (then the first cluster by slug).
    """
    scoped = members[members["year"] == year]
    return (
        scoped.assign(_role=scoped["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER)))
        .sort_values(["school", "_role", "cluster"], kind="stable")
        .drop_duplicates("school", keep="first")[["school", "cluster"]]
        .reset_index(drop=True)
    )


def build_academy_view(
    *,
    facts: pd.DataFrame,
    members: pd.DataFrame,
    catalogue: Catalogue,
    period: str,
    basis: Basis,
    marks: Mapping[str, Mapping[str, Mark]] | None = None,
) -> dict[str, Any]:
    """Per-cluster totals for one period and the national total, for the department.

    ``marks`` are the schools' marks on this basis (`marks_on_basis`), rolled up as
    the snapshots roll them up.

    Each school counts once, in its cluster of the period's year. The national total
    is the sum over clusters, so schools with figures but no cluster that year are
    left out of both and listed under ``unassigned``.
    """
    roster = year_roster(members=members, year=period_year(period))
    scoped = facts[facts["period"] == period]
    used = facts_on_basis(scoped, basis).merge(roster, on="school", how="left")
    unassigned = sorted(used.loc[used["cluster"].isna(), "school"].unique().tolist())
    used = used[used["cluster"].notna()]

    # Each school of the roster rolled up under the one rule, then clusters summed from
    # exactly those values (a school without figures is "missing" in its cluster).
    rostered = roster.sort_values(["cluster", "school"], kind="stable")
    typed = school_table(
        facts=used[list(FACT_COLUMNS)],
        schools=rostered["school"].tolist(),
        catalogue=catalogue,
    )
    figures = school_rollups(wide=typed, catalogue=catalogue, marks=marks)
    wide = rolled_table(figures, catalogue)
    codes = [code for code in wide.columns if wide[code].notna().any()]
    reporting = used.groupby("cluster")["school"].nunique()
    school_counts = roster.groupby("cluster")["school"].nunique()

    clusters = []
    for cluster in sorted(school_counts.index.tolist()):
        members_of = rostered.loc[rostered["cluster"] == cluster, "school"].tolist()
        per_cluster = cluster_figures({school: figures[school] for school in members_of}, codes)
        clusters.append(
            {
                "cluster": cluster,
                "schools": int(school_counts[cluster]),
                "reporting": int(reporting.get(cluster, 0)),
                "totals": {
                    code: int(figure.value)
                    for code, figure in per_cluster.items()
                    if figure.value is not None
                },
                "figures": {
                    code: figure.as_dict(with_schools=True)
                    for code, figure in per_cluster.items()
                    if figure.value is not None
                },
            }
        )
    national = cluster_figures(figures, codes)
    for entry in clusters:
        entry["headline"] = _headline(entry["figures"], catalogue)
    return {
        "period": period,
        "basis": basis,
        "fingerprint": input_fingerprint(scoped),
        "clusters": clusters,
        "national": {
            code: int(figure.value) for code, figure in national.items() if figure.value is not None
        },
        "national_figures": {
            code: figure.as_dict(with_schools=False)
            for code, figure in national.items()
            if figure.value is not None
        },
        "headline": _headline(
            {code: figure.as_dict(with_schools=False) for code, figure in national.items()},
            catalogue,
        ),
        "unassigned": unassigned,
    }


def _headline(
    figures: Mapping[str, Mapping[str, Any]], catalogue: Catalogue
) -> list[dict[str, Any]]:
    """The headline totals in their order, each with its value and state; a code the
    year's catalogue lacks is listed as such rather than left out or shown as 0."""
    rows: list[dict[str, Any]] = []
    for code in HEADLINE_TOTALS:
        if code not in catalogue:
            rows.append({"code": code, "value": None, "state": "not_in_catalogue"})
            continue
        figure = figures.get(code)
        rows.append(
            {
                "code": code,
                "value": figure.get("value") if figure else None,
                "state": figure.get("state", "missing") if figure else "missing",
            }
        )
    return rows


# --------------------------------------------------------------------------- text


def _labels(codes: Sequence[str], catalogue: Catalogue, language: Language) -> str:
    names = []
    for code in codes:
        spec = catalogue.by_code.get(code)
        names.append({"vi": spec.label_vi, "en": spec.label_en}[language] if spec else code)
    return ", ".join(names)


# A finding's message is stored in the snapshot in both languages (like a catalogue
# label's `_vi`/`_en` fields; the reader picks one with core.language.pick). This
# module stays free of Django, so the wording is here, one template per kind and
# language, and the numbers go through core.formatting.
_FINDING_TEXT: dict[str, dict[Language, str]] = {
    "sum_mismatch_partial": {
        "vi": "{whole}: các thành phần đã nhập{split} ({parts}) đã cộng lại được {actual}, "
        "vượt số tổng {expected}.",
        "en": "{whole}: the parts entered so far{split} ({parts}) already add up to {actual}, "
        "more than the stated total of {expected}.",
    },
    "sum_mismatch": {
        "vi": "{whole}: tổng các thành phần{split} ({parts}) là {actual}, khác số tổng {expected}.",
        "en": "{whole}: the parts{split} ({parts}) add up to {actual}, "
        "not the stated total of {expected}.",
    },
    "part_exceeds_whole": {
        "vi": "{parts} ({actual}) lớn hơn {whole} ({expected}).",
        "en": "{parts} ({actual}) is larger than {whole} ({expected}).",
    },
    "learners_below_classes": {
        "vi": "{parts} ({actual}) ít hơn {whole} ({expected}).",
        "en": "{parts} ({actual}) is fewer than {whole} ({expected}).",
    },
    "declared_unreported": {
        "vi": "{whole}: báo cáo ghi tổng {expected}, nhưng chưa trường nào có số liệu này.",
        "en": "{whole}: the report declares {expected}, but no school has reported this figure.",
    },
    "declared_mismatch": {
        "vi": "{whole}: báo cáo ghi tổng {expected}, nhưng cộng số liệu các trường được "
        "{actual} (chênh {difference}).",
        "en": "{whole}: the report declares {expected}, but the schools' figures add up to "
        "{actual} (difference {difference}).",
    },
}
_SPLIT_TEXT: dict[Language, str] = {
    "vi": " theo cách chia “{split}”",
    "en": " of the “{split}” split",
}


def _shown(value: int | None, language: Language) -> str:
    return "—" if value is None else format_count(value, language, leading_zero=False)


def _finding(
    *,
    scope: str,
    school: str | None,
    code: str,
    kind: str,
    split: str | None,
    expected: float | None,
    actual: float | None,
    children: list[str],
    catalogue: Catalogue,
    partial: bool = False,
) -> dict[str, Any]:
    expected_int = None if expected is None else _to_int(expected)
    actual_int = None if actual is None else _to_int(actual)
    if kind == "sum_mismatch" and partial:
        template = "sum_mismatch_partial"
    elif kind == "declared_mismatch" and actual_int is None:
        template = "declared_unreported"
    elif kind in _FINDING_TEXT:
        template = kind
    else:  # pragma: no cover - guarded by the callers above
        raise ValueError(kind)
    difference = (actual_int or 0) - (expected_int or 0)
    messages: dict[Language, str] = {}
    for language in ("vi", "en"):
        in_split = split and split != "main"
        messages[language] = _FINDING_TEXT[template][language].format(
            whole=_labels([code], catalogue, language),
            parts=_labels(children, catalogue, language),
            expected=_shown(expected_int, language),
            actual=_shown(actual_int, language),
            split=_SPLIT_TEXT[language].format(split=split) if in_split else "",
            difference=format_signed(difference, language),
        )
    return {
        "scope": scope,
        "school": school,
        "code": code,
        "kind": kind,
        "split": split,
        "expected": expected_int,
        "actual": actual_int,
        "children": list(children),
        "message_vi": messages["vi"],
        "message_en": messages["en"],
    }


# --------------------------------------------------------------------------- helpers


def _canonical_facts(facts: pd.DataFrame) -> pd.DataFrame:
    missing = [column for column in FACT_COLUMNS if column not in facts.columns]
    if missing:
        raise ValueError(f"facts lack columns: {', '.join(missing)}")
    frame = pd.DataFrame(
        {
            "school": facts["school"].astype(str),
            "period": facts["period"].astype(str),
            "indicator": facts["indicator"].astype(str),
            "value": pd.array(facts["value"], dtype="Int64"),
            "status": facts["status"].astype(str),
            "version": pd.array(facts["version"], dtype="Int64"),
        }
    )
    return frame.sort_values(list(FACT_COLUMNS), kind="stable", na_position="first")


def _latest_versions(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per (school, period, indicator): the highest version."""
    if facts.duplicated(FACT_KEY).any():
        facts = facts.sort_values("version", kind="stable").drop_duplicates(FACT_KEY, keep="last")
    return facts.reset_index(drop=True)


def _deadline_timestamp(deadline: datetime | date | None) -> pd.Timestamp | None:
    if deadline is None:
        return None
    if not isinstance(deadline, datetime):
        # A date: the whole day counts, in Vietnam's time.
        return pd.Timestamp(end_of_day(deadline)).tz_convert("UTC")
    return _utc_scalar(deadline)


def _utc_scalar(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True)


def _to_int(value: float) -> int:
    return round(float(value))


def _as_int(value: float) -> int | None:
    return None if value is None or math.isnan(value) else _to_int(value)


def _as_float(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _rows(frame: pd.DataFrame, convert: Any) -> list[list[Any]]:
    return [[convert(cell) for cell in row] for row in frame.to_numpy(dtype="float64").tolist()]


def _cluster_dict(figure: ClusterFigure) -> dict[str, Any]:
    return figure.as_dict(with_schools=True)


def _int_dict(series: pd.Series) -> dict[str, int]:
    return {str(code): _to_int(value) for code, value in series.dropna().items()}
