"""`make test`: lint, format, migrations, types, then the suite; the first failure stops.

Run under `python -m devservices run --profile test --`, so DATABASE_URL and
REDIS_URL point at throwaway services. Extra arguments go to pytest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devservices.procs import die_with_parent

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_SETTINGS = "hub.settings.test"


def steps(pytest_args: list[str]) -> list[list[str]]:
    python = sys.executable
    return [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        # The packages' layer contract ([tool.importlinter] in pyproject.toml).
        [str(Path(python).with_name("lint-imports"))],
        [python, "manage.py", "makemigrations", "--check", "--dry-run"],
        # The packages it checks are listed in [tool.mypy] files.
        [python, "-m", "mypy"],
        # pytest's exit code 5 (nothing collected) is non-zero, so it fails here too.
        # One test process per core (pytest-xdist): each has its own database, queues,
        # worker and cache prefix (hub.settings.test).
        [python, "-m", "pytest", "-n", "auto", "--durations=10", *pytest_args],
    ]


def main(argv: list[str]) -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": TEST_SETTINGS}
    started = time.monotonic()
    for command in steps(argv):
        program = "python" if command[0] == sys.executable else Path(command[0]).name
        shown = " ".join([program, *command[1:]])
        print(f"==> {shown}", flush=True)
        step_started = time.monotonic()
        # If CI kills this runner, the step (pytest with its workers) goes too.
        preexec = die_with_parent(signal.SIGTERM)
        code = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, check=False, preexec_fn=preexec
        ).returncode
        took = time.monotonic() - step_started
        if code != 0:
            print(f"==> FAILED ({code}) after {took:.1f} s: {shown}", flush=True)
            return code if code > 0 else 1
        print(f"==> ok in {took:.1f} s", flush=True)
    print(f"==> all checks passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
