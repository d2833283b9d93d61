"""Password guessing is stopped, tokens are hashed, expire and can be revoked, and a
process that names no settings does not start in debug (issue 14, abuse)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from knox.models import AuthToken

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/api/v1/auth/token/"


def test_guessing_a_password_over_the_api_locks_the_username(world, api_client):
    client = api_client(None, "quangninh")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(TOKEN, {"username": "quangninh-editor", "password": "guess"})
        assert wrong.status_code == 400
    last_guess = client.post(TOKEN, {"username": "quangninh-editor", "password": "guess"})
    assert last_guess.status_code == 429
    locked = client.post(TOKEN, {"username": "quangninh-editor", "password": PASSWORD})
    assert locked.status_code == 429
    assert "tạm khóa" in locked.json()["detail"]
    # Another account is not affected.
    other = client.post(TOKEN, {"username": "quangninh-approver", "password": PASSWORD})
    assert other.status_code == 200


def test_guessing_on_the_sign_in_page_locks_the_username(world):
    browser = Client(HTTP_HOST="quangninh.localhost")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = browser.post(
            "/accounts/login/", {"username": "quangninh-editor", "password": "guess"}
        )
        assert wrong.status_code == 200
    browser.post("/accounts/login/", {"username": "quangninh-editor", "password": "guess"})
    locked = browser.post(
        "/accounts/login/", {"username": "quangninh-editor", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in browser.session


def test_a_right_password_after_a_few_typos_still_works(world, api_client):
    client = api_client(None, "quangninh")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(TOKEN, {"username": "quangninh-editor", "password": "typo"})
    assert (
        client.post(TOKEN, {"username": "quangninh-editor", "password": PASSWORD}).status_code
        == 200
    )


def test_tokens_are_stored_hashed_and_expire(world, api_client):
    issued = api_client(None).post(TOKEN, {"username": "hagiang-editor", "password": PASSWORD})
    token = issued.json()["token"]
    stored = AuthToken.objects.get(user__username="hagiang-editor")
    assert token not in (stored.digest, stored.token_key) and stored.digest != token
    assert stored.expiry is not None and issued.json()["expiry"]


def test_a_token_can_be_revoked_and_all_tokens_at_once(world, api_client):
    def issue() -> str:
        response = api_client(None).post(
            TOKEN, {"username": "hagiang-editor", "password": PASSWORD}
        )
        return response.json()["token"]

    def client_with(token: str):
        client = api_client(None, "hagiang")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    first, second, third = issue(), issue(), issue()
    assert client_with(first).post("/api/v1/auth/token/revoke/").status_code == 204
    assert client_with(first).get("/api/v1/me/").status_code == 401
    assert client_with(second).get("/api/v1/me/").status_code == 200
    assert client_with(second).post("/api/v1/auth/token/revoke-all/").status_code == 204
    assert client_with(second).get("/api/v1/me/").status_code == 401
    assert client_with(third).get("/api/v1/me/").status_code == 401


def test_a_weak_password_is_refused_when_set(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678", "password", "demo"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("hoa-sen-no-tren-dinh-2025")


@pytest.mark.parametrize("module", ["hub.wsgi", "worker.celery_app"])
def test_naming_no_settings_starts_nothing_in_debug(module):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}; import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_have_no_demo_password():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.production",
        "SECRET_KEY": "x" * 40,
        "ALLOWED_HOSTS": "hub.example.vn",
    }
    env.pop("DEMO_PASSWORD", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo", "--list-logins"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEMO_PASSWORD" in result.stderr
