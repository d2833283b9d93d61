"""Process helpers shared by the service starters and the supervisors (stdlib only)."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1


class DevServicesError(RuntimeError):
    """A service could not be prepared or started; the message says what to do."""


def log(message: str) -> None:
    # stderr, so that a command's own stdout stays clean for pipes. A closed
    # terminal must not stop us from stopping the servers.
    with contextlib.suppress(OSError):
        print(f"devservices: {message}", file=sys.stderr, flush=True)


def die_with_parent(sig: int) -> Callable[[], None] | None:
    """A `preexec_fn` that delivers `sig` to the child when this process dies.

    This is what keeps a SIGKILLed run (CI timeout, OOM) from leaving servers
    behind. Linux only; elsewhere the normal stop path is all there is.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, sig)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), sig)

    return preexec


def stop_process(proc: subprocess.Popen[bytes], sig: int, timeout: float) -> int:
    """Send `sig`, wait up to `timeout`, then SIGKILL. Returns the exit code."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def pid_alive(pid: int) -> bool:
    """True if `pid` runs and is not a zombie (some containers' pid 1 never reaps)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pid_cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def stop_leftover(pid: int, sig: int, what: str) -> None:
    """Stop a server from an earlier run that was killed before it could stop it."""
    if not pid_alive(pid):
        return
    log(f"stopping a leftover {what} from an earlier run (pid {pid})")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + 15
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def free_tcp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(
    ready: Callable[[], bool], *, proc: subprocess.Popen[bytes], timeout: float, what: str
) -> None:
    """Poll `ready` until it holds; fail early if `proc` exits meanwhile."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise DevServicesError(f"{what} exited with code {proc.returncode} while starting")
        if time.monotonic() > deadline:
            raise DevServicesError(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.03)


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class FileLock:
    """An exclusive `flock` held for the life of a run; the kernel drops it if we die."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
