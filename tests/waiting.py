"""The one poll loop of the test suite: wait for something another process does
(a worker, a server, a browser) instead of sleeping and hoping."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], *, timeout: float, what: str, every: float = 0.05) -> T:
    """Poll `probe` until it returns something truthy and return that; fail with
    `what` after `timeout` seconds. `probe` may raise to stop early (a process died)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)
