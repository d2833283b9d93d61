"""Production settings refuse to start without a secret and explicit hosts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 50


def run_check(**env_overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DJANGO_SETTINGS_MODULE": "hub.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_is_one_clear_sentence():
    result = run_check(ALLOWED_HOSTS="hub.example.vn")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: The environment variable SECRET_KEY must be set."
    )


def test_wildcard_hosts_are_refused():
    result = run_check(SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "ALLOWED_HOSTS must list the hub's hosts explicitly" in result.stderr


def test_missing_hosts_are_refused():
    result = run_check(SECRET_KEY=GOOD_SECRET)
    assert "ALLOWED_HOSTS must be set" in result.stderr or "ALLOWED_HOSTS" in result.stderr
    assert result.returncode != 0


def test_bad_boolean_is_refused():
    result = run_check(SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="hub.example.vn", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_complete_configuration_passes_the_check():
    result = run_check(SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="hub.example.vn,.hub.example.vn")
    assert result.returncode == 0, result.stderr


def test_unreachable_database_is_one_sentence_and_no_traceback():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.dev",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "provision_school",
            "yenbai",
            "--name",
            "Trường Chính trị tỉnh Yên Bái",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "The database cannot be reached" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
