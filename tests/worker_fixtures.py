"""A real Celery worker process against the real Redis and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RunningWorker:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_worker(queue: str, log_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.test",
        # The worker must read the test database this session created, not the dev one.
        "DATABASE_URL": test_database_url(),
    }
    queues = ",".join([queue, *settings.HUB_QUEUES])
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            queues,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    if host.startswith("/"):
        from urllib.parse import quote

        host = quote(host, safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def wait_until_ready(worker: RunningWorker, timeout: float = 60) -> None:
    from worker.celery_app import app

    def answers() -> bool:
        if worker.process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{worker.log()}")
        destination = [f"{worker.queue}@{os.uname().nodename}"]
        return bool(app.control.ping(destination=destination, timeout=0.5))

    wait_for(answers, timeout=timeout, what="the worker to answer a ping", every=0.3)


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningWorker]:
    with worker_running(tmp_path_factory.mktemp("worker")) as worker:
        yield worker


@contextmanager
def worker_running(log_dir: Path) -> Iterator[RunningWorker]:
    """A real worker on a queue of its own (and this session's queues), logging into
    `log_dir`, stopped on exit."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log_path = log_dir / "worker.log"
    worker = RunningWorker(start_worker(queue, log_path), queue, log_path)
    try:
        wait_until_ready(worker)
        yield worker
    finally:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
