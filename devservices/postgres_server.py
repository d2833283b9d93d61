"""A private PostgreSQL in a project folder, reachable only on a unix socket.

The binaries come from the `pgserver` wheel, or else from the system's
/usr/lib/postgresql/*/bin. pgserver's own `get_server()` is not used: running
`initdb`/`postgres` ourselves gives one code path for both sources, lets the
test profile turn durability off, and keeps the postmaster our child, so it is
stopped by us (or by the kernel if we are killed) instead of outliving the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import locale
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from devservices.procs import (
    DevServicesError,
    die_with_parent,
    log,
    log_tail,
    stop_leftover,
    stop_process,
    wait_until,
)

if TYPE_CHECKING:
    import psycopg

DATABASE = "cumhub"
SUPERUSER = "postgres"
SERVICE_USER = "cumhub"  # postgres refuses to run as root
_SOCKET_NAME = ".s.PGSQL.5432"
_MAX_SOCKET_PATH = 107  # sun_path is 108 bytes with its NUL
# Only for throwaway test data: an OS crash may lose it, which is fine there.
_FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


@dataclass(frozen=True)
class Binaries:
    bin_dir: Path
    source: str
    version: str

    @property
    def major(self) -> str:
        return self.version.split(".")[0]


@dataclass(frozen=True)
class RunAs:
    """Who runs the server: ourselves, or an unprivileged user when we are root."""

    uid: int
    gid: int
    name: str

    @property
    def switches(self) -> bool:
        return self.uid != os.geteuid()

    def popen_kwargs(self) -> dict[str, Any]:
        if not self.switches:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


@dataclass
class PostgresServer:
    proc: subprocess.Popen[bytes]
    binaries: Binaries
    pgdata: Path
    socket_dir: Path
    log_path: Path
    created: bool

    @property
    def url(self) -> str:
        return database_url(self.socket_dir)

    def stop(self) -> None:
        # SIGINT is postgres' "fast" shutdown: roll back open sessions, checkpoint, exit.
        if stop_process(self.proc, signal.SIGINT, timeout=20) not in (0, -signal.SIGINT):
            log(f"postgres exited with code {self.proc.returncode}; see {self.log_path}")
        if self.socket_dir != self.pgdata:
            with contextlib.suppress(OSError):
                self.socket_dir.rmdir()


def database_url(socket_dir: Path, database: str = DATABASE) -> str:
    """A URL `dj_database_url.parse()` turns into HOST=<socket dir>, the form psycopg wants."""
    return f"postgres://{SUPERUSER}@{quote(str(socket_dir), safe='')}/{database}"


def start_postgres(pgdata: Path, log_path: Path, *, fast: bool) -> PostgresServer:
    """Initialise `pgdata` if needed, start the server, and create the database."""
    run_as = service_user()
    errors: list[str] = []
    for binaries in usable_binaries(run_as, data_version(pgdata)):
        created = not data_version(pgdata)
        try:
            return _start_with(binaries, run_as, pgdata, log_path, fast=fast)
        except DevServicesError as error:
            errors.append(f"{binaries.source} {binaries.version}: {error}")
            if created:  # half-initialised data would block the next candidate
                shutil.rmtree(pgdata, ignore_errors=True)
    if not errors:
        raise DevServicesError(_no_binaries_message(pgdata))
    raise DevServicesError("could not start PostgreSQL:\n  " + "\n  ".join(errors))


def _start_with(
    binaries: Binaries, run_as: RunAs, pgdata: Path, log_path: Path, *, fast: bool
) -> PostgresServer:
    created = _prepare_data_dir(binaries, run_as, pgdata, log_path, fast=fast)
    _stop_leftover_postmaster(pgdata)
    socket_dir = _socket_dir(pgdata, run_as)
    options = ["-c", "listen_addresses=", "-k", str(socket_dir)]
    for setting in _FAST_SETTINGS if fast else ():
        options += ["-c", setting]
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            [str(binaries.bin_dir / "postgres"), "-D", str(pgdata), *options],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal must not reach it before the app
            preexec_fn=die_with_parent(signal.SIGINT),
            **run_as.popen_kwargs(),
        )
    server = PostgresServer(proc, binaries, pgdata, socket_dir, log_path, created)
    try:
        wait_until(lambda: _accepts(socket_dir), proc=proc, timeout=60, what="postgres")
        _ensure_database(socket_dir)
    except BaseException as error:
        server.stop()
        if isinstance(error, DevServicesError):
            raise DevServicesError(f"{error}\n{log_tail(log_path)}") from error
        raise
    return server


def service_user() -> RunAs:
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return RunAs(me.pw_uid, me.pw_gid, me.pw_name)
    for name in (SERVICE_USER, "nobody"):
        entry = _user(name) or (_create_system_user(name) if name == SERVICE_USER else None)
        if entry is not None:
            return RunAs(entry.pw_uid, entry.pw_gid, entry.pw_name)
    raise DevServicesError("running as root, and found no unprivileged user to run postgres as")


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _create_system_user(name: str) -> pwd.struct_passwd | None:
    if shutil.which("useradd") is None:
        return None
    no_login = ["--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"]
    result = subprocess.run(
        ["useradd", "--system", *no_login, name],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    log(f"created the system user {name!r} to run postgres (it refuses to run as root)")
    return _user(name)


def usable_binaries(run_as: RunAs, wanted_major: str | None) -> list[Binaries]:
    """Candidates in order of preference that run as `run_as`, matching existing data."""
    found = [b for candidate in _candidate_dirs() if (b := _probe(candidate, run_as))]
    if wanted_major is None:
        return found
    return [b for b in found if b.major == wanted_major]


def _candidate_dirs() -> list[tuple[Path, str]]:
    dirs: list[tuple[Path, str]] = []
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        dirs.append((package / "pginstall" / "bin", "pgserver"))
    system = Path("/usr/lib/postgresql").glob("*/bin")
    for bin_dir in sorted(system, key=lambda p: _as_number(p.parent.name), reverse=True):
        dirs.append((bin_dir, "system"))
    return dirs


def _probe(candidate: tuple[Path, str], run_as: RunAs) -> Binaries | None:
    bin_dir, source = candidate
    if not (bin_dir / "postgres").exists() or not (bin_dir / "initdb").exists():
        return None
    try:
        out = subprocess.run(
            [str(bin_dir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=15,
            **run_as.popen_kwargs(),
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return Binaries(bin_dir, source, match.group(1)) if match else None


def _as_number(text: str) -> int:
    return int(text) if text.isdigit() else -1


def data_version(pgdata: Path) -> str | None:
    try:
        return (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return None


def _no_binaries_message(pgdata: Path) -> str:
    version = data_version(pgdata)
    if version:
        return (
            f"{pgdata} holds PostgreSQL {version} data but no PostgreSQL {version} binaries "
            "were found; remove the folder (make clean) or set DATABASE_URL"
        )
    return (
        "no PostgreSQL binaries found: install the dev extras (pip install -e '.[dev]' "
        "brings pgserver) or the postgresql package, or set DATABASE_URL"
    )


def _prepare_data_dir(
    binaries: Binaries, run_as: RunAs, pgdata: Path, log_path: Path, *, fast: bool
) -> bool:
    """Create and own the folder, run initdb if it is empty. True if initialised now."""
    pgdata.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if run_as.switches:
        os.chown(pgdata, run_as.uid, run_as.gid)
        _open_path_for(pgdata, run_as)
    pgdata.chmod(0o700)
    if data_version(pgdata):
        return False
    args = [str(binaries.bin_dir / "initdb"), "-D", str(pgdata), "-U", SUPERUSER]
    args += ["--auth=trust", "--encoding=UTF8", _locale_option(), "--no-instructions"]
    if fast:
        args.append("--no-sync")
    with log_path.open("ab") as log_file:
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            check=False,
            **run_as.popen_kwargs(),
        )
    if result.returncode != 0:
        raise DevServicesError(f"initdb failed:\n{log_tail(log_path)}")
    return True


def _locale_option() -> str:
    # C.UTF-8 makes upper()/lower() (hence icontains) work on Vietnamese letters;
    # plain C would only fold ASCII.
    previous = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        return "--no-locale"
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    return "--locale=C.UTF-8"


def _open_path_for(path: Path, run_as: RunAs) -> None:
    """Let `run_as` traverse the folders above `path` (as pgserver does when root)."""
    opened: list[str] = []
    for parent in path.parents:
        info = parent.stat()
        if _can_traverse(info, run_as):
            continue
        parent.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
        opened.append(str(parent))
    if opened:
        log(f"added o+x to {', '.join(opened)} so {run_as.name!r} can reach {path}")


def _can_traverse(info: os.stat_result, run_as: RunAs) -> bool:
    if info.st_uid == run_as.uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == run_as.gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def _stop_leftover_postmaster(pgdata: Path) -> None:
    # We hold the profile lock, so a live postmaster on this folder is an orphan.
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        if pid != os.getpid():
            stop_leftover(pid, signal.SIGINT, "postgres")


def _socket_dir(pgdata: Path, run_as: RunAs) -> Path:
    if len(str(pgdata / _SOCKET_NAME)) <= _MAX_SOCKET_PATH:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"cumhub-pg-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    if run_as.switches:
        os.chown(short, run_as.uid, run_as.gid)
    return short


def _accepts(socket_dir: Path) -> bool:
    import psycopg

    if not (socket_dir / _SOCKET_NAME).exists():
        return False
    try:
        with psycopg.connect(host=str(socket_dir), user=SUPERUSER, dbname="postgres"):
            return True
    except psycopg.OperationalError:
        return False


def _ensure_database(socket_dir: Path) -> None:
    import psycopg

    with psycopg.connect(host=str(socket_dir), user=SUPERUSER, dbname="postgres") as conn:
        _create_database(conn, DATABASE)


def ensure_database_at(url: str) -> str:
    """Create the database a given DATABASE_URL names if its server lacks it.

    `make run` against the machine's PostgreSQL would otherwise fail on a
    missing "cumhub". Returns what happened, for the log line.
    """
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            return "database exists"
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            return f"not reachable yet: {str(error).strip().splitlines()[-1]}"
    try:
        with psycopg.connect(url, dbname="postgres", connect_timeout=5) as conn:
            name = psycopg.conninfo.conninfo_to_dict(url).get("dbname")
            _create_database(conn, str(name))
            return f"created database {name}"
    except psycopg.Error as error:
        return f"could not create the database: {str(error).strip().splitlines()[-1]}"


def _create_database(conn: psycopg.Connection[Any], name: str) -> None:
    from psycopg import sql

    conn.autocommit = True
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
