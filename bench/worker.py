"""A real Celery worker process on this run's queues and database.

Started the way tests/worker_fixtures.py starts one: `--pool solo`, no gossip,
mingle or heartbeat. Its queues are `settings.HUB_QUEUES`, which carry the
`HUB_QUEUE_SUFFIX` this process set before the settings loaded; the worker
inherits the suffix, the settings module and the database from our environment, so
it never takes another run's (or `make run`'s) messages.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from devservices.procs import die_with_parent, stop_process

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The database this process uses (under pytest: the test database)."""
    db = settings.DATABASES["default"]
    host = str(db.get("HOST") or "")
    if host.startswith("/"):
        host = quote(host, safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    user = quote(str(db["USER"]), safe="")
    return f"postgres://{user}{password}@{host}{port}/{quote(str(db['NAME']), safe='')}"


@dataclass
class RunningWorker:
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)

    def task_seconds(self, task: str, result_contains: str = "") -> list[float]:
        """How long each run of `task` took, as the worker logged it ("Task
        <name>[<id>] succeeded in 0.0523s: <result>"), for results containing
        `result_contains`."""
        pattern = re.compile(rf"Task {re.escape(task)}\[[^\]]+\] succeeded in ([0-9.]+)s: (.*)$")
        seconds = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match and result_contains in match[2]:
                seconds.append(float(match[1]))
        return seconds


@contextlib.contextmanager
def running_worker(timeout: float = 60) -> Iterator[RunningWorker]:
    node = f"bench{os.getpid()}"
    with tempfile.NamedTemporaryFile(prefix="cumhub-bench-worker-", suffix=".log") as log:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "hub.settings.dev"),
            "DATABASE_URL": database_url(),
        }
        command = [
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
            ",".join(settings.HUB_QUEUES),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{node}@%h",
            "-l",
            "info",
        ]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
        try:
            _wait_until_ready(process, f"{node}@{os.uname().nodename}", Path(log.name), timeout)
            yield RunningWorker(process, Path(log.name))
        finally:
            stop_process(process, signal.SIGTERM, timeout=15)


def _wait_until_ready(
    process: subprocess.Popen[bytes], node: str, log: Path, timeout: float
) -> None:
    from worker.celery_app import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited early:\n{_tail(log)}")
        if app.control.ping(destination=[node], timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker was not ready after {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
