"""Each benchmark runs end to end on tiny sizes and returns rows of the right shape,
so `make bench` cannot rot. Timing is never asserted here.

The benchmarks commit their data (a real worker and real schemas need it), so these
tests run outside pytest-django's per-test transaction, like the worker tests, and
check that each benchmark removed everything it created."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from aggregation.models import Fact
from bench.__main__ import NAMES
from bench.runner import BENCHMARKS
from bench.sizes import TINY
from bench.table import HEADERS, Goal, Row, Table
from bench.world import full_values, leaf_code
from catalogue.models import Period
from catalogue.spec import available_versions, load_catalogue
from submissions.validation import blocking_findings, findings_for_submit
from tenants.models import Cluster, School


@pytest.fixture
def committed(django_db_setup: object, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield
        assert not School.objects.filter(schema_name__startswith="bench").exists()
        assert not Cluster.objects.filter(slug__startswith="bench-").exists()
        assert not Period.objects.filter(year__gte=2030).exists()


def check_shape(table: Table) -> None:
    assert isinstance(table, Table)
    assert table.title
    assert table.rows
    for row in table.rows:
        assert isinstance(row, Row)
        assert row.name
        assert row.n >= 1
        assert 0 <= row.min <= row.median <= row.max
        assert row.min <= row.p95 <= row.max
        assert row.verdict in ("", "ok", "over goal")
        assert len(row.cells()) == len(HEADERS)
    rendered = table.render()
    assert rendered.splitlines()[0] == table.title
    for row in table.rows:
        assert row.name in rendered


@pytest.mark.parametrize("name", [name for name in NAMES if name != "aggregation"])
def test_benchmark_runs_on_tiny_sizes(name: str, committed: None) -> None:
    check_shape(BENCHMARKS[name](TINY))


@pytest.mark.worker
def test_aggregation_benchmark_runs_on_tiny_sizes(committed: None) -> None:
    table = BENCHMARKS["aggregation"](TINY)
    check_shape(table)
    assert not Fact.objects.filter(school__schema_name__startswith="bench").exists()


def test_no_benchmark_data_is_left_behind(db: None) -> None:
    # Using `db` also makes pytest-django create the test database when this file
    # runs alone: it sets up databases only for tests that ask for them this way.
    assert not School.objects.filter(schema_name__startswith="bench").exists()
    assert not Fact.objects.filter(school__schema_name__startswith="bench").exists()


def test_every_benchmark_can_be_named_on_the_command_line() -> None:
    assert tuple(BENCHMARKS) == NAMES


def test_rows_and_verdicts() -> None:
    table = Table("Example")
    fast = table.add("fast", [0.1, 0.2, 0.3], Goal(0.25))
    slow = table.add("slow", [2.0] * 19 + [9.0], Goal(5.0, "p95"))
    plain = table.add("no goal", [0.0005])
    assert (fast.median, fast.p95, fast.min, fast.max, fast.verdict) == (0.2, 0.3, 0.1, 0.3, "ok")
    assert (slow.p95, slow.verdict) == (2.0, "ok")
    assert table.add("slower", [2.0] * 18 + [9.0] * 2, Goal(5.0, "p95")).verdict == "over goal"
    assert plain.verdict == ""
    lines = table.render().splitlines()
    assert lines[2].split() == list(HEADERS)
    # Columns line up: every number column ends where its header does.
    assert lines[4].index("200 ms") + len("200 ms") == lines[2].index("median") + len("median")


@pytest.mark.parametrize("version", available_versions())
def test_full_values_pass_every_check_on_submit(version: int) -> None:
    catalogue = load_catalogue(version)
    rng = random.Random(version)
    for _ in range(20):
        values = full_values(catalogue, rng)
        assert set(values) == set(catalogue.by_code)
        assert all(0 <= values[code] <= catalogue[code].max_value for code in values)
        findings = findings_for_submit(
            catalogue=catalogue, values=values, not_applicable=(), explanations={}, history={}
        )
        assert blocking_findings(findings) == []
    assert leaf_code(catalogue) in catalogue
