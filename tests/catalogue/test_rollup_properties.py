"""Property test of the one roll-up rule across its users (issue 11, point 1).

Random catalogues of nested splits, random clusters of schools, random partial
submissions (a consistent truth, then random parts and totals left blank, sometimes
a typed figure that disagrees): for every parent and every cluster, the snapshot's
per-school values and totals, the validation's rolled-up values, the rankings' input
and the academy view agree, and every total is the sum of its shown column, complete
only when every school's figure is complete.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregation.transforms import build_academy_view, build_cluster_snapshot, facts_on_basis
from catalogue.rollup import column_figures
from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from hub.views.cluster.figures import cluster_cell
from rankings.build import roll_up_totals
from reviews.reports import ReportContext, SchoolFigures
from reviews.reports.document import figures_tables
from submissions.validation import figures_for

PERIOD = "2024-H1"
NOW = datetime(2024, 7, 1, tzinfo=UTC)


@st.composite
def catalogues(draw: Any) -> Catalogue:
    size = draw(st.integers(min_value=1, max_value=9))
    rows: list[tuple[str, str | None, str]] = []
    for position in range(size):
        parent = None
        if position:
            parent = draw(st.sampled_from([None, *[code for code, *_ in rows]]))
        split = draw(st.sampled_from(["a", "b"]))
        rows.append((f"i{position}", parent, split if parent else "main"))
    # Catalogue order is not always parents first: shuffle the listing.
    order = draw(st.permutations(range(size)))
    return Catalogue(
        version=1,
        sections=(SectionSpec(code="s", label_vi="s", label_en="s", order=0),),
        indicators=tuple(
            IndicatorSpec(
                code=rows[index][0],
                label_vi=rows[index][0],
                label_en=rows[index][0],
                unit="class",
                section="s",
                order=position,
                parent=rows[index][1],
                split=rows[index][2],
            )
            for position, index in enumerate(order)
        ),
    )


def truth_of(draw: Any, catalogue: Catalogue) -> dict[str, int]:
    """A consistent set of figures: each split of a total shares out the total."""
    truth: dict[str, int] = {}
    roots = [spec.code for spec in catalogue.indicators if not spec.parent]

    def share(code: str) -> None:
        for children in catalogue.splits.get(code, {}).values():
            left = truth[code]
            for position, child in enumerate(children):
                last = position == len(children) - 1
                part = left if last else draw(st.integers(min_value=0, max_value=left))
                truth[child.code] = part
                left -= part
                share(child.code)

    for root in roots:
        truth[root] = draw(st.integers(min_value=0, max_value=30))
        share(root)
    return truth


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    catalogue = draw(catalogues())
    clusters = {"north": [], "south": []}
    truths: dict[str, dict[str, int]] = {}
    typed: dict[str, dict[str, int | None]] = {}
    for number in range(draw(st.integers(min_value=1, max_value=5))):
        school = f"s{number}"
        clusters[draw(st.sampled_from(["north", "south"]))].append(school)
        truth = truth_of(draw, catalogue)
        values: dict[str, int | None] = {}
        for code, value in truth.items():
            kept = draw(st.sampled_from(["typed", "blank", "blank", "slip"]))
            if kept == "typed":
                values[code] = value
            elif kept == "slip":
                values[code] = value + draw(st.integers(min_value=1, max_value=5))
        truths[school] = truth
        typed[school] = values
    return {"catalogue": catalogue, "clusters": clusters, "truths": truths, "typed": typed}


def frames(world: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    facts = pd.DataFrame(
        [
            (school, PERIOD, code, value, "accepted", 1)
            for school, values in world["typed"].items()
            for code, value in values.items()
            if value is not None
        ],
        columns=["school", "period", "indicator", "value", "status", "version"],
    ).astype({"value": "int64", "version": "int64"})
    members = pd.DataFrame(
        [
            (school, cluster, 2024, "member")
            for cluster, schools in world["clusters"].items()
            for school in schools
        ],
        columns=["school", "cluster", "year", "role"],
    )
    submissions = pd.DataFrame(
        [(school, PERIOD, "accepted", NOW, NOW) for school in world["typed"]],
        columns=["school", "period", "status", "submitted_at", "updated_at"],
    )
    return facts, members, submissions


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(worlds())
def test_every_user_of_the_roll_up_shows_the_same_figures(world: dict[str, Any]) -> None:
    catalogue: Catalogue = world["catalogue"]
    facts, members, submissions = frames(world)
    validation = {
        school: figures_for(catalogue=catalogue, values=values)
        for school, values in world["typed"].items()
    }
    rolled, _derived = roll_up_totals(facts_on_basis(facts, "accepted"), catalogue)
    ranking_input = {
        (str(school), str(code)): int(value)
        for school, code, value in rolled[["school", "indicator", "value"]].itertuples(index=False)
    }
    academy = build_academy_view(
        facts=facts, members=members, catalogue=catalogue, period=PERIOD, basis="accepted"
    )
    academy_totals = {item["cluster"]: item["totals"] for item in academy["clusters"]}

    for cluster, schools in world["clusters"].items():
        snapshot = build_cluster_snapshot(
            facts=facts,
            members=members,
            submissions=submissions,
            catalogue=catalogue,
            cluster=cluster,
            period=PERIOD,
            basis="accepted",
            deadline=None,
            now=NOW,
        )
        rows = {row["school"]: row for row in snapshot["schools"]}
        assert sorted(rows) == sorted(schools)
        for spec in catalogue.indicators:
            code = spec.code
            shown: list[int] = []
            states: list[str] = []
            for school in schools:
                expected = validation[school][code]
                row = rows[school]
                # Snapshot row = validation's roll-up = rankings' input.
                assert row["values"].get(code) == expected.value
                assert ranking_input.get((school, code)) == expected.value
                if code in row["figures"]:
                    assert row["figures"][code]["state"] == expected.state
                else:
                    assert expected.value is None
                # The rule never overstates: complete from consistent parts is the
                # truth unless a typed figure disagrees; partial is a lower bound.
                truth = world["truths"][school][code]
                if expected.state == "partial":
                    assert expected.value is not None
                    assert expected.value <= truth or _has_slip(world, school, catalogue, code)
                if expected.value is not None:
                    shown.append(expected.value)
                states.append(expected.state)
            total = snapshot["totals"].get(code)
            if not shown:
                assert total is None and code not in snapshot["figures"]
                continue
            figure = snapshot["figures"][code]
            # Every total is the sum of its column, complete only when nothing is short.
            assert total == figure["value"] == sum(shown)
            complete = all(state in ("complete", "not_applicable") for state in states)
            assert figure["state"] == ("complete" if complete else "partial")
            assert figure["counts"]["missing"] == states.count("missing")
            assert figure["counts"]["partial"] == states.count("partial")
            assert academy_totals[cluster].get(code) == total
        assert academy_totals.get(cluster, {}) == snapshot["totals"] or not schools
        if schools:
            _report_and_board_agree(catalogue, snapshot, schools)


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def _report_and_board_agree(
    catalogue: Catalogue, snapshot: dict[str, Any], schools: list[str]
) -> None:
    """The report's annex tables and the board's cells show the snapshot's figures;
    each "Tổng cộng"/"Cả cụm" is the sum of its shown column, "≥" exactly when partial."""
    rows = {row["school"]: row for row in snapshot["schools"]}
    ctx = ReportContext(
        language="vi",
        cluster_name_vi="Cụm",
        cluster_name_en="Cluster",
        period_code=PERIOD,
        lead_school_name=schools[0],
        lead_school_province="Tỉnh",
        issue_date=date(2024, 7, 1),
        catalogue=catalogue,
        schools=tuple(
            SchoolFigures(name=s, values=rows[s]["values"], figures=rows[s]["figures"])
            for s in schools
        ),
    )
    for table in figures_tables(ctx):
        for offset, code in enumerate(table.codes, start=2):
            figure = snapshot["figures"][code]
            column = [row[offset] for row in table.rows[:-1]]
            total = table.rows[-1][offset]
            assert (
                _number(total)
                == figure["value"]
                == sum(_number(cell) for cell in column if cell != "–")
            )
            assert total.startswith("≥ ") == (figure["state"] == "partial")
            _per_school, cluster = column_figures(snapshot["schools"], [code])
            assert cluster.value == figure["value"] and cluster.state == figure["state"]
            assert cluster_cell(cluster, {}).value == figure["value"]


def _has_slip(world: dict[str, Any], school: str, catalogue: Catalogue, code: str) -> bool:
    """Whether a typed figure under ``code`` disagrees with the truth (a typing slip)."""
    typed, truth = world["typed"][school], world["truths"][school]
    stack = [code]
    while stack:
        current = stack.pop()
        value = typed.get(current)
        if value is not None and value != truth[current]:
            return True
        stack.extend(
            child.code
            for children in catalogue.splits.get(current, {}).values()
            for child in children
        )
    return False


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(worlds(), st.data())
def test_marked_figures_agree_between_validation_and_snapshot(
    world: dict[str, Any], data: st.DataObject
) -> None:
    catalogue: Catalogue = world["catalogue"]
    facts, members, submissions = frames(world)
    marks: dict[str, dict[str, str]] = {}
    for school, values in world["typed"].items():
        blanks = [spec.code for spec in catalogue.indicators if values.get(spec.code) is None]
        chosen = data.draw(
            st.lists(st.sampled_from(blanks), unique=True) if blanks else st.just([])
        )
        marks[school] = {
            code: data.draw(st.sampled_from(["not_applicable", "not_reported"])) for code in chosen
        }
    for cluster, schools in world["clusters"].items():
        snapshot = build_cluster_snapshot(
            facts=facts,
            members=members,
            submissions=submissions,
            catalogue=catalogue,
            cluster=cluster,
            period=PERIOD,
            basis="accepted",
            deadline=None,
            marks=marks,  # type: ignore[arg-type]
            now=NOW,
        )
        rows = {row["school"]: row for row in snapshot["schools"]}
        for spec in catalogue.indicators:
            code = spec.code
            states = []
            shown = []
            for school in schools:
                expected = figures_for(
                    catalogue=catalogue,
                    values=world["typed"][school],
                    not_applicable=[c for c, m in marks[school].items() if m == "not_applicable"],
                    not_reported=[c for c, m in marks[school].items() if m == "not_reported"],
                )[code]
                assert rows[school]["values"].get(code) == expected.value
                if code in rows[school]["figures"]:
                    assert rows[school]["figures"][code]["state"] == expected.state
                # Not reported and not applicable are never counted as a value (0).
                if expected.state in ("not_reported", "not_applicable", "missing"):
                    assert expected.value is None
                states.append(expected.state)
                if expected.value is not None:
                    shown.append(expected.value)
            if code not in snapshot["figures"]:
                assert not shown
                continue
            figure = snapshot["figures"][code]
            assert figure["value"] == (sum(shown) if shown else None)
            assert snapshot["totals"].get(code) == figure["value"]
            if shown:
                complete = all(state in ("complete", "not_applicable") for state in states)
                assert figure["state"] == ("complete" if complete else "partial")
            assert figure["counts"]["not_reported"] == states.count("not_reported")
            assert figure["counts"]["not_applicable"] == states.count("not_applicable")
