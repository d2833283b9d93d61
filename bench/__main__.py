"""python -m bench [NAME ...] [--quick]: run the benchmarks and print their tables.

Expects DATABASE_URL and REDIS_URL (`make bench` runs this under
`python -m devservices run --profile bench`). Settings are `hub.settings.dev` unless
DJANGO_SETTINGS_MODULE says otherwise, with DEBUG off (Django would keep every
query), logging at WARNING, uploaded files in a temporary folder, and this run's own
Celery queues (HUB_QUEUE_SUFFIX, set before the settings load so the worker it
starts inherits it).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence

NAMES = ("upload", "aggregation", "provisioning", "reports", "rankings")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    unknown = [name for name in args.names if name not in NAMES]
    if unknown:
        _parser().error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    media = configure_environment()
    try:
        return run(args.names or list(NAMES), quick=args.quick)
    finally:
        if media:
            shutil.rmtree(media, ignore_errors=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(NAMES)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (well under a minute)")
    return parser


def configure_environment() -> str | None:
    """Set what the settings read; returns the temporary media folder it made, if any."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("HUB_QUEUE_SUFFIX"):
        # Never the default queues: a `make run` worker on the same Redis would take
        # the benchmark's tasks.
        os.environ["HUB_QUEUE_SUFFIX"] = f"-bench{os.getpid()}"
    if "MEDIA_ROOT" in os.environ:
        return None
    media = tempfile.mkdtemp(prefix="cumhub-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    return media


def run(names: list[str], *, quick: bool) -> int:
    import django

    django.setup()

    from django.db import connection

    from bench.runner import BENCHMARKS, prepare_database
    from bench.sizes import FULL, QUICK

    sizes = QUICK if quick else FULL
    began = time.perf_counter()
    prepare_database()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server,) = cursor.fetchone()
    print(
        f"Cụm Hub benchmarks ({'quick' if quick else 'full'}): {', '.join(names)}\n"
        f"Python {platform.python_version()}, PostgreSQL {server}, "
        f"{os.cpu_count()} CPUs ({_load()}), settings {os.environ['DJANGO_SETTINGS_MODULE']}\n",
        flush=True,
    )
    failed = []
    for name in names:
        started = time.perf_counter()
        try:
            table = BENCHMARKS[name](sizes)
        except Exception:
            failed.append(name)
            print(f"{name}: FAILED\n{traceback.format_exc()}", flush=True)
            continue
        print(table.render(), flush=True)
        took = time.perf_counter() - started
        print(f"  ({name} took {took:.1f} s; {_load()})\n", flush=True)
    took = time.perf_counter() - began
    print(f"all done in {took:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _load() -> str:
    """The machine's load: timings mean little on a busy machine."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f}"


if __name__ == "__main__":
    sys.exit(main())
