"""python -m devservices run [--profile NAME] -- COMMAND...  |  python -m devservices clean"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from devservices.procs import DevServicesError, FileLock, log
from devservices.runner import Interrupted, SignalRelay, run_command
from devservices.services import (
    DEFAULT_PROFILE,
    PROJECT_ROOT,
    Layout,
    Services,
    start_services,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.action == "clean":
        return clean(PROJECT_ROOT)
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        _parser().error("run needs a command after --")
    return run(command, profile=args.profile)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devservices", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True)
    run_parser = actions.add_parser(
        "run", help="run a command with DATABASE_URL and REDIS_URL set, starting what is missing"
    )
    run_parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        help="data folder: 'dev' uses .hub/, any other name .hub/<name>/ (default: dev)",
    )
    run_parser.add_argument("command", nargs=argparse.REMAINDER)
    actions.add_parser("clean", help="remove .hub/ and .venv/ (refuses while a run is active)")
    return parser


def run(command: list[str], *, profile: str) -> int:
    relay = SignalRelay()
    relay.install()
    services: Services | None = None
    try:
        # Durability off only where the data is disposable.
        fast = profile == "test"
        services = start_services(os.environ, Layout.for_profile(profile), fast=fast)
        atexit.register(services.stop)
        return run_command(command, {**os.environ, **services.env}, relay)
    except Interrupted as interrupt:
        log(f"interrupted by {interrupt} while starting")
        return 128 + interrupt.signum
    except DevServicesError as error:
        log(str(error))
        return 1
    finally:
        relay.stopping = True
        if services is not None:
            services.stop()


def clean(project: Path) -> int:
    hub = project / ".hub"
    locks = [FileLock(path) for path in hub.rglob("devservices.lock")] if hub.exists() else []
    busy = [lock for lock in locks if not lock.try_acquire()]
    if busy:
        for lock in busy:
            log(f"{lock.path.parent} is in use by pid {lock.holder()}: stop that run first")
        return 1
    removed = []
    for folder in (hub, project / ".venv"):
        if folder.exists():
            shutil.rmtree(folder)
            removed.append(f"{folder.relative_to(project)}/")
    for lock in locks:
        lock.release()
    print("removed " + ", ".join(removed) if removed else "nothing to remove")
    return 0


if __name__ == "__main__":
    sys.exit(main())
