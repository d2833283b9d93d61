"""Start the services a run needs, unless the environment already points at them."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from devservices.postgres_server import PostgresServer, ensure_database_at, start_postgres
from devservices.procs import DevServicesError, FileLock, log
from devservices.redis_server import RedisServer, start_redis

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = "dev"
_PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Layout:
    """Where one profile keeps its data: `.hub/` for dev, `.hub/<profile>/` otherwise."""

    root: Path

    @classmethod
    def for_profile(cls, profile: str, project: Path = PROJECT_ROOT) -> Layout:
        if not _PROFILE_NAME.fullmatch(profile):
            raise DevServicesError(f"bad profile name {profile!r}: use [a-z0-9_-]")
        hub = project / ".hub"
        return cls(hub if profile == DEFAULT_PROFILE else hub / profile)

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock(self) -> Path:
        return self.root / "devservices.lock"


@dataclass
class Services:
    """What a run started; `stop()` is idempotent and safe from atexit."""

    env: dict[str, str] = field(default_factory=dict)
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    lock: FileLock | None = None
    throwaway: Path | None = None

    def stop(self) -> None:
        redis, self.redis = self.redis, None
        postgres, self.postgres = self.postgres, None
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        if redis or postgres:
            stopped = [name for name, s in (("postgres", postgres), ("redis", redis)) if s]
            log(f"stopped {' and '.join(stopped)}")
        if self.throwaway is not None:
            shutil.rmtree(self.throwaway, ignore_errors=True)
            self.throwaway = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def start_services(environ: Mapping[str, str], layout: Layout, *, fast: bool) -> Services:
    """Start postgres and/or redis where DATABASE_URL/REDIS_URL are unset or empty.

    `fast` turns off durability (fsync); meant for test data only.
    """
    services = Services()
    need_pg = not environ.get("DATABASE_URL")
    need_redis = not environ.get("REDIS_URL")
    if not need_pg:
        url = environ["DATABASE_URL"]
        log(f"DATABASE_URL is set ({_redacted(url)}): starting nothing, {ensure_database_at(url)}")
    if not need_redis:
        log(f"REDIS_URL is set ({_redacted(environ['REDIS_URL'])}): using it, starting nothing")
    if not (need_pg or need_redis):
        return services
    try:
        layout = _claim(layout, services)
        if need_pg:
            services.postgres = _start_pg(layout, fast=fast)
            services.env["DATABASE_URL"] = services.postgres.url
        if need_redis:
            services.redis = _start_redis(layout)
            services.env["REDIS_URL"] = services.redis.url
    except BaseException:
        services.stop()
        raise
    return services


def _claim(layout: Layout, services: Services) -> Layout:
    """Lock the profile's folder; if another run holds it, use a throwaway one."""
    lock = FileLock(layout.lock)
    if lock.try_acquire():
        services.lock = lock
        return layout
    throwaway = layout.root / f"concurrent-{os.getpid()}"
    log(
        f"{_shown(layout.root)} is in use by pid {lock.holder()}: "
        f"using {_shown(throwaway)} for this run, deleted on exit"
    )
    services.throwaway = throwaway
    return Layout(throwaway)


def _start_pg(layout: Layout, *, fast: bool) -> PostgresServer:
    started = time.monotonic()
    server = start_postgres(layout.pgdata, layout.logs / "postgres.log", fast=fast)
    state = "new data" if server.created else "existing data"
    log(
        f"postgres {server.binaries.version} ({server.binaries.source}) started in "
        f"{time.monotonic() - started:.1f} s: {_shown(layout.pgdata)} ({state}), "
        f"socket in {server.socket_dir}, database cumhub"
    )
    return server


def _start_redis(layout: Layout) -> RedisServer:
    started = time.monotonic()
    server = start_redis(layout.redis_dir, layout.logs / "redis.log")
    log(
        f"redis ({server.source}) started in {time.monotonic() - started:.1f} s: "
        f"{server.url}, no persistence"
    )
    return server


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
