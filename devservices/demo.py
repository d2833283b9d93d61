"""`make run`: migrate, load the demo, then run web, worker and beat until Ctrl-C.

Expects DATABASE_URL and REDIS_URL (set by `python -m devservices run`).
Its children run with DJANGO_SETTINGS_MODULE=hub.settings.dev unless one is set
(manage.py, WSGI and the worker default to the production settings, which refuse to
start without a secret key and hosts). If any of the three processes dies, the others are stopped
and the exit code is non-zero.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from devservices.procs import die_with_parent
from devservices.runner import FORWARDED, terminal_sent

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_STOP_TIMEOUT = 20.0  # a warm Celery shutdown waits for the running task
# Lets the worker print its start-up banner first, so the URLs end up last on screen.
_ANNOUNCE_AFTER = 5.0


class Demo:
    def __init__(self, port: int) -> None:
        self.port = port
        self.requested: int | None = None
        self.step: subprocess.Popen[bytes] | None = None
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.started_at = 0.0

    def install_signals(self) -> None:
        for signum in FORWARDED:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested is not None:  # a second Ctrl-C: do not wait for a warm shutdown
            self.kill_groups()
        self.requested = signum
        step = self.step
        if step is not None and step.poll() is None and not terminal_sent(signum, step):
            with contextlib.suppress(ProcessLookupError):
                step.send_signal(signum)

    def run_step(self, *args: str) -> int:
        print(f"==> {' '.join(args)}", flush=True)
        self.step = subprocess.Popen([sys.executable, *args], cwd=PROJECT_ROOT)
        code = self.step.wait()
        self.step = None
        return code

    def start(self, name: str, *args: str) -> None:
        print(f"==> starting {name}: {' '.join(args)}", flush=True)
        self.children[name] = subprocess.Popen(
            [sys.executable, *args],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            # Own process group: Ctrl-C reaches only us, and we stop each child once.
            start_new_session=True,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )

    def supervise(self) -> int:
        announced = False
        self.started_at = time.monotonic()
        while self.requested is None:
            for name, proc in self.children.items():
                if proc.poll() is not None:
                    print(f"==> {name} exited with code {proc.returncode}; stopping the rest")
                    self.stop_children()
                    return _exit_code(proc.returncode) or 1
            settled = time.monotonic() - self.started_at >= _ANNOUNCE_AFTER
            if not announced and settled and _listening(self.port):
                self.announce()
                announced = True
            time.sleep(0.2)
        print(f"==> {signal.Signals(self.requested).name}: stopping web, worker and beat")
        self.stop_children()
        return 0

    def announce(self) -> None:
        print(
            f"\n==> Cụm Hub is running. Ctrl-C stops everything.\n    http://localhost:{self.port}/"
        )
        listing = subprocess.run(
            [sys.executable, "manage.py", "load_demo", "--list-logins"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        print(listing.stdout.rstrip() or "    (load_demo --list-logins printed nothing)")
        if listing.returncode != 0:
            print(f"    load_demo --list-logins failed:\n{listing.stderr.rstrip()}")
        print(flush=True)

    def stop_children(self) -> None:
        running = [proc for proc in self.children.values() if proc.poll() is None]
        for proc in running:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + _STOP_TIMEOUT
        for proc in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.0, deadline - time.monotonic()))
        self.kill_children()

    def kill_children(self) -> None:
        self.kill_groups()
        for proc in self.children.values():
            proc.wait()

    def kill_groups(self) -> None:
        # No waiting here: this also runs in the signal handler, maybe inside a wait().
        for proc in self.children.values():
            if proc.poll() is None:
                # The whole group, so Celery's pool processes go too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)


def _exit_code(returncode: int) -> int:
    return returncode if returncode >= 0 else 128 - returncode


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> int:
    port = int(os.environ.setdefault("PORT", "8000"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    if _listening(port):
        print(f"==> port {port} is already in use; choose another with PORT=...", file=sys.stderr)
        return 1
    demo = Demo(port)
    demo.install_signals()
    for step in (("migrate_schemas", "--noinput"), ("load_demo",)):
        code = demo.run_step("manage.py", *step)
        if code != 0 or demo.requested is not None:
            return _exit_code(code) or 128 + (demo.requested or 0)
    schedule = PROJECT_ROOT / ".hub" / "celerybeat-schedule"
    schedule.parent.mkdir(exist_ok=True)
    queues = "celery,publish,aggregate,reports"
    # Loopback only: the demo's logins share one password and dev settings show debug
    # pages; HUB_BIND=0.0.0.0 opens it to the network on purpose.
    bind = os.environ.get("HUB_BIND", "127.0.0.1")
    demo.start("web", "manage.py", "runserver", f"{bind}:{port}", "--noreload")
    celery = ("-m", "celery", "-A", "worker")
    demo.start("worker", *celery, "worker", "-l", "info", "--concurrency", "2", "-Q", queues)
    demo.start("beat", *celery, "beat", "-l", "info", "--schedule", str(schedule))
    return demo.supervise()


if __name__ == "__main__":
    sys.exit(main())
