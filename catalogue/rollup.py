"""The one roll-up rule: what a school's figure for an indicator is, and what a
cluster's figure is, with an honest state.

Every place that shows or uses a total (validation, snapshots, the academy view,
rankings, the board, reports) asks this module instead of re-deriving totals from
parts its own way. Pure: plain data in, frozen dataclasses out; no Django, no pandas.

States
------
``complete``        the figure is known: typed, or the sum of a complete split.
``partial``         a lower bound: some parts are known, some are blank. The value
                    is what the known parts add up to ("≥ 8") and ``missing`` names
                    the blank parts.
``missing``         nothing known: not entered yet (blank is not zero).
``not_reported``    the input says the source did not state it (a historical or
                    partial report). Never counted as 0. Where this mark is stored
                    is the school side's business; here it is an input.
``not_applicable``  the input says it does not apply to the school.

A school's figure (`school_figures`), choices in order
----------------------------------------------------------
1. **Typed total.** A value typed for the indicator is its figure, ``complete``,
   whatever its parts say (parts that disagree are a validation finding, never
   silently "corrected"). A typed value wins over a mark on the same indicator.
2. **Not applicable.** A blank indicator marked not applicable is ``not_applicable``
   (value None), even if some parts carry values: the mark is explicit.
3. **Complete split.** Otherwise, the first split (catalogue order) whose every part
   is ``complete`` or ``not_applicable`` gives the sum of its parts (a not-applicable
   part counts 0), ``complete``. Parts are themselves rolled up first, so subtotals of
   subtotals roll up. When two complete splits disagree the first one is used (the
   catalogue lists the main split first) and validation flags the disagreement.
4. **Partial.** Otherwise, if some split has at least one part with a value
   (``complete`` or ``partial``), the figure is ``partial``: of the splits, the one
   with the largest lower bound (a blank or not-reported part counts 0, a partial part
   its own bound; ties: fewer blank parts, then catalogue order). Every split adds
   up to the same total, so the largest bound is the best one. ``missing`` lists the
   blank parts of that split, nested blanks included (leaf codes, catalogue order).
5. **Not reported / missing.** Otherwise ``not_reported`` if marked so, else ``missing``.

Indicators without a catalogue entry (an older catalogue's codes) are taken as typed.

A cluster's figure (`cluster_figure`), choices
----------------------------------------------
The cluster's value is the sum of exactly the per-school values shown (complete
values and partial lower bounds), never recomputed from cluster-level parts, so
every "Cả cụm" equals the sum of its column. Its state:

* ``complete``: every school's figure is complete or not applicable (at least one
  has a value);
* ``partial``: some school has a value and some other school's figure is partial,
  missing or not reported; the value is then a lower bound, and the lists
  ``partial``, ``missing``, ``not_reported`` name the schools concerned;
* with no value anywhere: ``not_applicable`` when every school marks it so,
  ``not_reported`` when every school is not reported or not applicable, else
  ``missing``.

`sum_figures` applies the same rule to a group of one school's figures (the board's
"publications" column sums several indicators). For pages reading a stored snapshot,
`group_figure` (one school row, one column of one or more codes) and
`column_figures` (every row of a column and the cluster's figure, the sum of exactly
those) read the snapshot's JSON, so a "Cả cụm" row can never disagree with its column.
Cluster-only declared figures are not figures of this kind: they are kept apart
(`aggregation`), never summed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from catalogue.spec import Catalogue, IndicatorSpec

__all__ = [
    "STATES",
    "ClusterFigure",
    "Figure",
    "Mark",
    "State",
    "cluster_figure",
    "cluster_figures",
    "column_figures",
    "descendants",
    "figure_from_dict",
    "group_figure",
    "school_figure",
    "school_figures",
    "sum_figures",
]

State = Literal["complete", "partial", "missing", "not_reported", "not_applicable"]
Mark = Literal["not_reported", "not_applicable"]
STATES: tuple[State, ...] = ("complete", "partial", "missing", "not_reported", "not_applicable")


@dataclass(frozen=True)
class Figure:
    """One school's figure for one indicator.

    ``source`` says where the value comes from: "typed", "split" (the sum of the
    split named in ``split``, complete or partial) or "" (no value). ``missing`` lists
    the blank parts of a partial figure.
    """

    value: int | None
    state: State
    source: Literal["typed", "split", ""] = ""
    split: str | None = None
    missing: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        """The value was not typed but summed from parts."""
        return self.source == "split" and self.value is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON shape used in snapshots: value, state and, when partial, the blank parts."""
        data: dict[str, Any] = {"value": self.value, "state": self.state}
        if self.derived:
            data["derived"] = True
        if self.missing:
            data["missing"] = list(self.missing)
        return data


MISSING = Figure(value=None, state="missing")


def figure_from_dict(data: Mapping[str, Any] | int | None) -> Figure:
    """Read back a `Figure.as_dict` (or a bare int from an older snapshot: complete)."""
    if data is None:
        return MISSING
    if isinstance(data, int):
        return Figure(value=data, state="complete", source="typed")
    state = data.get("state", "complete" if data.get("value") is not None else "missing")
    return Figure(
        value=data.get("value"),
        state=state,
        source="split"
        if data.get("derived")
        else ("typed" if data.get("value") is not None else ""),
        missing=tuple(data.get("missing", ())),
    )


@dataclass(frozen=True)
class ClusterFigure:
    """A cluster's figure: the sum of the schools' shown values, with who is short."""

    value: int | None
    state: State
    partial: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    not_reported: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()
    contributors: int = 0

    def as_dict(self, *, with_schools: bool = True) -> dict[str, Any]:
        """JSON shape used in snapshots; ``with_schools`` False keeps only the counts."""
        data: dict[str, Any] = {
            "value": self.value,
            "state": self.state,
            "counts": {
                "contributors": self.contributors,
                "partial": len(self.partial),
                "missing": len(self.missing),
                "not_reported": len(self.not_reported),
                "not_applicable": len(self.not_applicable),
            },
        }
        if with_schools:
            data["schools"] = {
                "partial": list(self.partial),
                "missing": list(self.missing),
                "not_reported": list(self.not_reported),
                "not_applicable": list(self.not_applicable),
            }
        return data


# --------------------------------------------------------------------------- school


def school_figures(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    marks: Mapping[str, Mark] | None = None,
    codes: Iterable[str] | None = None,
) -> dict[str, Figure]:
    """Every indicator's figure for one school (module docstring, "A school's figure").

    ``values`` are the typed values (None or absent = blank), ``marks`` the
    indicators marked not reported / not applicable. Returns one `Figure` per
    catalogue indicator and per code of ``values`` the catalogue does not know, or
    only for ``codes`` when given.
    """
    memo: dict[str, Figure] = {}
    marked: Mapping[str, Mark] = marks or {}
    wanted = (
        list(codes)
        if codes is not None
        else [spec.code for spec in catalogue.indicators]
        + [code for code in values if code not in catalogue]
    )
    return {code: _figure(code, catalogue, values, marked, memo) for code in wanted}


def school_figure(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    code: str,
    marks: Mapping[str, Mark] | None = None,
) -> Figure:
    """One indicator's figure for one school (same rule as `school_figures`)."""
    return _figure(code, catalogue, values, marks or {}, {})


def _figure(
    code: str,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    marks: Mapping[str, Mark],
    memo: dict[str, Figure],
) -> Figure:
    known = memo.get(code)
    if known is not None:
        return known
    typed = values.get(code)
    mark = marks.get(code)
    splits = catalogue.splits.get(code, {}) if code in catalogue else {}
    if typed is not None:
        figure = Figure(value=int(typed), state="complete", source="typed")
    elif mark == "not_applicable":
        figure = Figure(value=None, state="not_applicable")
    else:
        from_parts = _from_splits(splits, catalogue, values, marks, memo)
        if from_parts is not None:
            figure = from_parts
        elif mark == "not_reported":
            figure = Figure(value=None, state="not_reported")
        else:
            figure = MISSING
    memo[code] = figure
    return figure


def _from_splits(
    splits: Mapping[str, list[IndicatorSpec]],
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    marks: Mapping[str, Mark],
    memo: dict[str, Figure],
) -> Figure | None:
    best: tuple[int, int, int] | None = None  # (bound, -blank parts, -position)
    best_figure: Figure | None = None
    for position, (split, children) in enumerate(splits.items()):
        parts = [_figure(child.code, catalogue, values, marks, memo) for child in children]
        if parts and all(part.state in ("complete", "not_applicable") for part in parts):
            total = sum(part.value or 0 for part in parts)
            return Figure(value=total, state="complete", source="split", split=split)
        if not any(part.value is not None for part in parts):
            continue
        bound = sum(part.value or 0 for part in parts)
        blanks: list[str] = []
        for child, part in zip(children, parts, strict=True):
            if part.state == "partial":
                blanks.extend(part.missing)
            elif part.state in ("missing", "not_reported"):
                blanks.append(child.code)
        key = (bound, -len(blanks), -position)
        if best is None or key > best:
            best = key
            best_figure = Figure(
                value=bound, state="partial", source="split", split=split, missing=tuple(blanks)
            )
    return best_figure


def descendants(catalogue: Catalogue, code: str) -> list[str]:
    """Every part of ``code`` at any depth, in catalogue order (each once)."""
    found: list[str] = []
    stack = [code]
    while stack:
        current = stack.pop()
        for children in catalogue.splits.get(current, {}).values():
            for child in children:
                if child.code not in found:
                    found.append(child.code)
                    stack.append(child.code)
    order = {spec.code: spec.order for spec in catalogue.indicators}
    return sorted(found, key=lambda item: order.get(item, 1 << 30))


# --------------------------------------------------------------------------- sums


def sum_figures(figures: Iterable[Figure]) -> Figure:
    """Several figures of one school added up (a board column over several codes).

    Same states as `cluster_figure`; ``missing`` gathers the parts of partial figures.
    """
    items = list(figures)
    values = [item.value for item in items if item.value is not None]
    state = _combined_state([item.state for item in items], bool(values))
    missing: list[str] = []
    for item in items:
        missing.extend(code for code in item.missing if code not in missing)
    return Figure(
        value=sum(values) if values else None,
        state=state,
        source="split"
        if values and any(item.source == "split" for item in items)
        else ("typed" if values else ""),
        missing=tuple(missing) if state == "partial" else (),
    )


def cluster_figure(per_school: Mapping[str, Figure]) -> ClusterFigure:
    """A cluster's figure from its schools' figures (module docstring).

    ``per_school`` maps every member school shown (in display order) to its figure;
    a school absent from it is not counted and not listed.
    """
    values = [figure.value for figure in per_school.values() if figure.value is not None]
    state = _combined_state([figure.state for figure in per_school.values()], bool(values))

    def having(wanted: str) -> tuple[str, ...]:
        return tuple(school for school, figure in per_school.items() if figure.state == wanted)

    return ClusterFigure(
        value=sum(values) if values else None,
        state=state,
        partial=having("partial"),
        missing=having("missing"),
        not_reported=having("not_reported"),
        not_applicable=having("not_applicable"),
        contributors=len(values),
    )


def cluster_figures(
    per_school: Mapping[str, Mapping[str, Figure]], codes: Iterable[str]
) -> dict[str, ClusterFigure]:
    """`cluster_figure` for each code; a school without a figure for a code is missing."""
    return {
        code: cluster_figure(
            {school: figures.get(code, MISSING) for school, figures in per_school.items()}
        )
        for code in codes
    }


def _combined_state(states: list[State], has_value: bool) -> State:
    if has_value:
        if all(state in ("complete", "not_applicable") for state in states):
            return "complete"
        return "partial"
    if states and all(state == "not_applicable" for state in states):
        return "not_applicable"
    if states and all(state in ("not_reported", "not_applicable") for state in states):
        return "not_reported"
    return "missing"


# --------------------------------------------------------------------------- snapshots


def group_figure(figures: Mapping[str, Any], codes: Iterable[str]) -> Figure:
    """One school's figure for a column over ``codes``, read from a snapshot row.

    ``figures`` is a snapshot row's ``figures`` (code → {"value", "state", ...}) or,
    from an older snapshot, its ``values`` (code → int | None, read as typed). A code
    absent from the row counts as missing: blank is not zero.
    """
    return sum_figures(figure_from_dict(figures.get(code)) for code in codes)


def column_figures(
    rows: Iterable[Mapping[str, Any]], codes: Iterable[str]
) -> tuple[dict[str, Figure], ClusterFigure]:
    """A board column: each school's figure (by slug, in row order) and the cluster's.

    ``rows`` are a snapshot's ``schools`` entries; each row's ``figures`` is used, or
    its ``values`` for a snapshot stored before figures existed. The cluster's figure
    is `cluster_figure` of exactly these, so its value is the sum of the column.
    """
    wanted = list(codes)
    per_school = {
        str(row["school"]): group_figure(row.get("figures") or row.get("values") or {}, wanted)
        for row in rows
    }
    return per_school, cluster_figure(per_school)
