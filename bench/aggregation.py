"""Aggregation: submit → snapshot with a real worker, one cluster, the whole academy.

* **Submit → snapshot visible.** Real schools (own schemas) in one cluster and a
  real worker process on this run's queues. Each round readies one school (reopen
  if needed, change one free-standing figure to a new marker value, save) and waits
  until the worker has published and aggregated that, so rounds do not overlap.
  Then the clock starts when `submission_submit` returns (its transaction has
  committed and its publish message is sent) and stops when the cluster's
  "submitted" snapshot shows the marker for that school, polled every 2 ms.
* **One cluster.** `cluster_aggregate(force=True)` — the aggregate task's body —
  over synthetic schools with every indicator published for the period and the same
  period a year earlier.
* **Academy-wide.** Synthetic schools with every indicator for several periods in
  the fact table (COPY), clusters of 16; the department's academy view computed
  without its cache (`facts_frame_for_period` + `members_frame` +
  `build_academy_view`), at growing numbers of schools.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from aggregation.models import AggregationState, Publication, Snapshot
from aggregation.selectors import (
    academy_view,
    facts_frame,
    facts_frame_for_period,
    members_frame,
    publications_frame,
)
from aggregation.services import cluster_aggregate
from aggregation.transforms import build_academy_view, build_cluster_snapshot
from bench.sizes import Sizes
from bench.table import Goal, Table, repeat
from bench.worker import RunningWorker, running_worker
from bench.world import (
    Area,
    analyze_facts,
    catalogue_of,
    clusters,
    fact_rows,
    full_values,
    insert_facts,
    insert_publications,
    leaf_code,
    period,
    place,
    provisioned_schools,
    purge,
    synthetic_schools,
)
from catalogue.models import Period
from submissions.models import Status, Submission
from submissions.services import (
    Actor,
    Changes,
    submission_reopen,
    submission_submit,
    submission_update,
)
from tenants.models import Cluster, School

E2E_PERIOD = "2031-Y"
CLUSTER_PERIODS = ("2032-Y", "2033-Y")  # the year before, the one aggregated
NATIONAL_PERIODS = ("2034-H1", "2034-Y", "2035-H1", "2035-Y")  # the last is read
E2E = Area("e2e", (E2E_PERIOD,))
ONE_CLUSTER = Area("agg", CLUSTER_PERIODS)
NATIONAL = Area("nat", NATIONAL_PERIODS)
SCHOOLS_PER_CLUSTER = 16
E2E_GOAL = Goal(1.5, "p95")
CLUSTER_GOAL = Goal(0.150)
NATIONAL_GOAL = Goal(3.0)
NATIONAL_GOAL_SCHOOLS = 1000
POLL_SECONDS = 0.002
WAIT_SECONDS = 60.0
ACTOR = Actor(user_id=None, username="bench", channel="api")


def run(sizes: Sizes) -> Table:
    table = Table("Aggregation: submit → snapshot, one cluster, academy-wide")
    submit_to_snapshot(sizes, table)
    one_cluster(sizes, table)
    academy_wide(sizes, table)
    return table


# --------------------------------------------------------------------------- end to end


def submit_to_snapshot(sizes: Sizes, table: Table) -> None:
    purge(E2E)
    try:
        period_row = period(E2E, E2E_PERIOD)
        catalogue = catalogue_of(period_row)
        schools = provisioned_schools(E2E, sizes.e2e_schools)
        (cluster,) = clusters(E2E, 1)
        place(schools, cluster, [period_row.year])
        marker_code = leaf_code(catalogue)
        rng = random.Random(2031)
        first_values = {s.schema_name: full_values(catalogue, rng) for s in schools}
        visible, published, submit_calls = [], [], []
        with running_worker() as worker:
            # Round 0 warms the worker up (its first task imports and connects).
            for round_number in range(sizes.e2e_submissions + 1):
                school = schools[round_number % len(schools)]
                marker = 100 + round_number
                version = _ready(
                    school, period_row, first_values[school.schema_name], marker_code, marker
                )
                _settle(school, cluster, period_row, version, worker)
                called = time.perf_counter()
                submission_submit(school=school, period=period_row, actor=ACTOR)
                committed = time.perf_counter()
                seen_published, seen_snapshot = _wait_visible(
                    school, cluster, period_row, marker_code, marker, worker
                )
                if round_number:
                    submit_calls.append(committed - called)
                    published.append(seen_published - committed)
                    visible.append(seen_snapshot - committed)
            publish_runs = worker.task_seconds("aggregation.publish_submission")
            aggregate_runs = worker.task_seconds(
                "aggregation.aggregate_cluster_period", "'computed': True"
            )
        label = f"{len(schools)} schools, {len(catalogue.indicators)} indicators"
        table.add(f"submit → snapshot visible, real worker ({label})", visible, E2E_GOAL)
        table.add("  of which submit → facts published", published)
        if publish_runs:
            table.add("  publish task in the worker (its log; every publish)", publish_runs)
        if aggregate_runs:
            table.add(
                "  aggregate task in the worker (its log; runs that computed)",
                aggregate_runs,
                CLUSTER_GOAL,
            )
        table.add("submission_submit call (checks + commit)", submit_calls)
    finally:
        purge(E2E)


def _current(school: School, period_row: Period) -> Submission | None:
    with schema_context(school.schema_name):
        return Submission.objects.filter(period=period_row).first()


def _ready(
    school: School, period_row: Period, first: dict[str, int], marker_code: str, marker: int
) -> int:
    """Bring the school back to a draft holding `marker`; returns the draft's version."""
    submission = _current(school, period_row)
    if submission is not None and submission.status == Status.SUBMITTED:
        submission_reopen(school=school, period=period_row, actor=ACTOR, reason="benchmark")
        changes: dict[str, object] = {marker_code: marker}
    else:
        changes = {**first, marker_code: marker}
    current = _current(school, period_row)
    saved, _entries = submission_update(
        school=school,
        period=period_row,
        expected_version=current.version if current else 0,
        changes=Changes(values=changes),
        actor=ACTOR,
    )
    return saved.version


def _settle(
    school: School, cluster: Cluster, period_row: Period, version: int, worker: RunningWorker
) -> None:
    """Wait until the worker has published `version` and aggregated what it requested."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        published = (
            Publication.objects.filter(school=school, period=period_row)
            .values_list("version", flat=True)
            .first()
        )
        state = (
            AggregationState.objects.filter(cluster=cluster, period=period_row)
            .values_list("requested", "computed")
            .first()
        )
        if published == version and state is not None and state[1] >= state[0]:
            return
        time.sleep(0.01)
    raise RuntimeError(f"the worker did not publish {school.schema_name}:\n{worker.tail()}")


def _wait_visible(
    school: School,
    cluster: Cluster,
    period_row: Period,
    code: str,
    marker: int,
    worker: RunningWorker,
) -> tuple[float, float]:
    """(when the facts were published, when the snapshot showed them), perf_counter time."""
    slug = school.schema_name
    deadline = time.monotonic() + WAIT_SECONDS
    published_at: float | None = None
    last: tuple[Any, ...] | None = None
    snapshot = Snapshot.objects.filter(cluster=cluster, period=period_row, basis="submitted")
    while time.monotonic() < deadline:
        now = time.perf_counter()
        if (
            published_at is None
            and Publication.objects.filter(
                school=school, period=period_row, status=Status.SUBMITTED
            ).exists()
        ):
            published_at = now
        head = snapshot.values_list("fingerprint", "computed_at").first()
        if head is not None and head != last:
            last = head
            data = snapshot.values_list("data", flat=True).first()
            if data is not None and _shows(data, slug, code, marker):
                return published_at or now, now
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"no snapshot showed {slug}'s submission:\n{worker.tail()}")


def _shows(data: dict[str, Any], slug: str, code: str, marker: int) -> bool:
    rows = [row for row in data["schools"] if row["school"] == slug]
    return (
        bool(rows)
        and rows[0]["values"].get(code) == marker
        and slug in data["completeness"]["submitted"]
    )


# --------------------------------------------------------------------------- one cluster


def one_cluster(sizes: Sizes, table: Table) -> None:
    purge(ONE_CLUSTER)
    try:
        previous, current = (period(ONE_CLUSTER, code) for code in CLUSTER_PERIODS)
        catalogue = catalogue_of(current)
        schools = synthetic_schools(ONE_CLUSTER, sizes.cluster_schools)
        (cluster,) = clusters(ONE_CLUSTER, 1)
        place(schools, cluster, [previous.year, current.year])
        insert_facts(fact_rows(schools, [previous, current], random.Random(2033)))
        insert_publications(schools, previous)
        insert_publications(schools, current)
        analyze_facts()
        label = f"{len(schools)} schools × {len(catalogue.indicators)} indicators"

        samples = repeat(
            sizes.cluster_repeats,
            lambda: cluster_aggregate(cluster=cluster, period=current, force=True),
            warmup=1,
        )
        table.add(f"cluster_aggregate (task body), {label}, 2 bases", samples, CLUSTER_GOAL)

        ids = [school.pk for school in schools]
        frames = {
            "facts": facts_frame(schools=ids, periods=[current.pk, previous.pk]),
            "members": members_frame(year=current.year),
            "submissions": publications_frame(schools=ids, period=current),
        }

        def snapshot_only() -> None:
            build_cluster_snapshot(
                facts=frames["facts"],
                members=frames["members"],
                submissions=frames["submissions"],
                catalogue=catalogue,
                cluster=cluster.slug,
                period=current.code,
                basis="submitted",
                deadline=current.deadline,
                declared={},
                now=timezone.now(),
            )

        table.add(
            "  of which build_cluster_snapshot, one basis (pandas only)",
            repeat(sizes.cluster_repeats, snapshot_only, warmup=1),
        )
    finally:
        purge(ONE_CLUSTER)


# --------------------------------------------------------------------------- academy


def academy_wide(sizes: Sizes, table: Table) -> None:
    purge(NATIONAL)
    try:
        _academy_steps(sizes, table)
    finally:
        purge(NATIONAL)


def _academy_steps(sizes: Sizes, table: Table) -> None:
    periods = [period(NATIONAL, code) for code in NATIONAL_PERIODS[-sizes.national_periods :]]
    read = periods[-1]
    catalogue = catalogue_of(read)
    years = sorted({p.year for p in periods})
    cluster_rows = clusters(NATIONAL, math.ceil(max(sizes.national_steps) / SCHOOLS_PER_CLUSTER))
    rng = random.Random(2035)
    loaded, load_seconds, fact_count = 0, 0.0, 0
    medians: dict[int, float] = {}

    def uncached() -> dict[str, Any]:
        return build_academy_view(
            facts=facts_frame_for_period(period=read),
            members=members_frame(year=read.year),
            catalogue=catalogue,
            period=read.code,
            basis="submitted",
        )

    for step in sizes.national_steps:
        started = time.perf_counter()
        fresh = synthetic_schools(NATIONAL, step - loaded, start=loaded)
        for position, cluster in enumerate(cluster_rows):
            members = [
                school
                for index, school in enumerate(fresh, start=loaded)
                if index % len(cluster_rows) == position
            ]
            first = -(-max(loaded - position, 0) // len(cluster_rows))
            place(members, cluster, years, first_position=first)
        fact_count += insert_facts(fact_rows(fresh, periods, rng))
        analyze_facts()
        load_seconds += time.perf_counter() - started
        loaded = step
        view = uncached()
        if sum(c["schools"] for c in view["clusters"]) != step:
            raise RuntimeError(f"the academy view counts the wrong schools: {view['clusters']}")
        row = table.add(
            f"academy view, {step} schools × {len(catalogue.indicators)} indicators "
            f"({len(periods)} periods in the table)",
            repeat(sizes.national_repeats, uncached),
            NATIONAL_GOAL if step >= NATIONAL_GOAL_SCHOOLS else None,
        )
        medians[step] = row.median

    table.add(
        "  of which facts_frame_for_period (query → DataFrame)",
        repeat(sizes.national_repeats, lambda: facts_frame_for_period(period=read)),
    )
    table.add(
        "  of which members_frame",
        repeat(sizes.national_repeats, lambda: members_frame(year=read.year)),
    )
    facts = facts_frame_for_period(period=read)
    members = members_frame(year=read.year)
    table.add(
        "  of which build_academy_view (pandas only)",
        repeat(
            sizes.national_repeats,
            lambda: build_academy_view(
                facts=facts,
                members=members,
                catalogue=catalogue,
                period=read.code,
                basis="submitted",
            ),
        ),
    )
    academy_view(period=read, basis="submitted")  # fills the cache
    table.add(
        f"academy_view selector, cache hit, {loaded} schools",
        repeat(sizes.national_repeats, lambda: academy_view(period=read, basis="submitted")),
    )
    steps = list(medians)
    growth = ", ".join(
        f"{a}→{b} schools ×{medians[b] / medians[a]:.2f} (schools ×{b / a:.2f})"
        for a, b in itertools.pairwise(steps)
    )
    if growth:
        table.notes.append(f"academy view growth (median): {growth}")
    table.notes.append(
        f"academy data: {fact_count:,} facts for {loaded} schools in {len(cluster_rows)} "
        f"clusters loaded (COPY + ANALYZE) in {load_seconds:.1f} s"
    )
