"""Fixtures for the review register: the same tests on SQLite and on PostgreSQL.

``review_db`` is parametrized: ``sqlite`` (a WAL file in the test's temp dir) and
``postgres`` (a fresh database in a throwaway cluster). The cluster is started once per
test session with Debian's ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin``) in a temp
dir on a free local port, with password authentication, and stopped at the end. As root it
runs as the ``postgres`` (or ``nobody``) user, since PostgreSQL refuses to run as root.
Without the binaries (``make system-deps`` installs them) the PostgreSQL cases are skipped
with a visible warning, never silently.

Import the fixtures explicitly (their functions end in ``_fixture``; pytest knows them by
the name without)::

    from tests.review_db import review_db_fixture  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from data_connectors.review import ReviewDB

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
PG_USER = "jobmaal"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str

    def url(self, database: str = "postgres") -> SecretStr:
        return SecretStr(
            f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> list[str]:
    """Prefix running a command as a non-root user when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


def _owner() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pw = pwd.getpwnam(name)
            return pw.pw_uid, pw.pw_gid
    return None


def _skip(reason: str) -> None:
    warnings.warn(f"PostgreSQL review-register tests skipped: {reason}", stacklevel=2)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for this test session."""
    if not PG_BINS or not (PG_BINS[0] / "initdb").is_file():
        _skip("no /usr/lib/postgresql/*/bin/initdb (run `make system-deps` as root)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _skip("running as root without runuser")
    bin_dir = PG_BINS[0]
    prefix = _run_as()
    owner = _owner()
    root = Path(tempfile.mkdtemp(prefix="jobmaal-pg-"))
    root.chmod(0o755)
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if owner is not None:
        for p in (root, sock, pwfile):
            os.chown(p, *owner)
    port = _free_port()
    log = root / "server.log"
    started = False
    try:
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                PG_USER,
                "--pwfile",
                str(pwfile),
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )
        started = True
        yield PostgresServer("127.0.0.1", port, PG_USER, password)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
        _skip(f"could not start a cluster: {' '.join(detail)}")
    finally:
        if started:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)


def fresh_postgres_db(server: PostgresServer) -> ReviewDB:
    """A new, empty database in the session's cluster."""
    name = f"t_{secrets.token_hex(6)}"
    admin = ReviewDB(server.url("postgres"))
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return ReviewDB(server.url(name))


@pytest.fixture(
    name="empty_review_db",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def empty_review_db_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReviewDB]:
    """An empty database (no tables yet) on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        db = ReviewDB(f"sqlite:///{tmp_path / 'review' / 'jobmaal.db'}")
    else:
        db = fresh_postgres_db(request.getfixturevalue("postgres_server"))
    yield db
    db.dispose()


@pytest.fixture(name="review_db")
def review_db_fixture(empty_review_db: ReviewDB) -> ReviewDB:
    """A migrated, empty register on SQLite or PostgreSQL."""
    empty_review_db.upgrade()
    return empty_review_db
