"""Run one command as a child, forwarding the signals meant for it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

from devservices.procs import die_with_parent

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class SignalRelay:
    """Before the child exists a signal aborts startup; afterwards it goes to the child."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.stopping = False

    def install(self) -> None:
        for signum in FORWARDED:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.child is not None:
            if self.child.poll() is None and not terminal_sent(signum, self.child):
                with contextlib.suppress(ProcessLookupError):
                    self.child.send_signal(signum)
            return
        if not self.stopping:
            raise Interrupted(signum)


def terminal_sent(signum: int, child: subprocess.Popen[bytes]) -> bool:
    """True if a Ctrl-C already reached the child, being in the terminal's foreground group.

    Forwarding it again would make a second SIGINT, which Celery takes as "cold shutdown".
    """
    if signum != signal.SIGINT:
        return False
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if stream.isatty():
                return os.tcgetpgrp(stream.fileno()) == os.getpgid(child.pid)
    return False


def run_command(command: Sequence[str], env: Mapping[str, str], relay: SignalRelay) -> int:
    """Run `command` in the foreground (so it can read the terminal); return its exit code."""
    try:
        # Without its database the command is useless, so it goes if we are killed.
        relay.child = subprocess.Popen(
            list(command), env=dict(env), preexec_fn=die_with_parent(signal.SIGTERM)
        )
    except FileNotFoundError:
        print(f"devservices: command not found: {command[0]}", file=sys.stderr)
        return 127
    except PermissionError:
        print(f"devservices: not executable: {command[0]}", file=sys.stderr)
        return 126
    code = relay.child.wait()
    return code if code >= 0 else 128 - code
