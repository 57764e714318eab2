"""The review register's database: engine from the settings, migrations, sessions.

Default: an SQLite file under the data dir (``<data_dir>/review.db``) in WAL mode, so
readers never block the one writer. ``JOBMAAL_DATABASE_URL=postgresql://...`` puts the
register in PostgreSQL (driver psycopg 3). The URL is a secret: errors name the database
with the password masked and never chain the driver's exception text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from data_connectors.settings import Settings, review_database_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class ReviewDBError(RuntimeError):
    """The register cannot be reached or used; the message never holds a password."""


def _url(raw: str | SecretStr) -> URL:
    text = raw.get_secret_value() if isinstance(raw, SecretStr) else raw
    try:
        url = make_url(text)
    except ArgumentError:
        raise ReviewDBError(
            "JOBMAAL_DATABASE_URL is not a database URL (use sqlite:///path/to/file.db or "
            "postgresql://user:password@host/database)"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ReviewDBError(
            f"JOBMAAL_DATABASE_URL {url.get_backend_name()}:... is not supported for the "
            "review register; use sqlite:///... or postgresql://..."
        )
    return url


def safe_url(url: URL) -> str:
    """The URL with its password masked, for messages."""
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class ReviewDB:
    """One register: an engine and its sessions. ``upgrade()`` brings the schema to head."""

    def __init__(self, url: str | SecretStr):
        self.url = _url(url)
        self.label = safe_url(self.url)
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, ""):
            db_file = Path(str(self.url.database))
            if str(db_file) != ":memory:":
                db_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise ReviewDBError(
                f"cannot open the review register {self.label}: {type(exc).__name__}"
            ) from None
        if self.url.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ReviewDB:
        return cls(review_database_url(settings or Settings()))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return cfg

    def upgrade(self) -> None:
        """Run every migration not yet applied (``alembic upgrade head``), in transactions."""
        cfg = self._config()
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except DBAPIError as exc:
            raise ReviewDBError(
                f"cannot migrate the review register {self.label}: {self._reason(exc)}"
            ) from None
        log.info("review register at %s is at the newest schema", self.label)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._config()).get_current_head()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any exception."""
        try:
            with self._sessions.begin() as s:
                yield s
        except OperationalError as exc:
            raise ReviewDBError(
                f"the review register {self.label} cannot be used: {self._reason(exc)}"
            ) from None

    def _reason(self, exc: DBAPIError) -> str:
        """The driver's first line, with the password masked should it ever appear."""
        text = (str(exc.orig) if exc.orig is not None else type(exc).__name__).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        if self.url.password:
            first = first.replace(str(self.url.password), "***")
        return first

    def dispose(self) -> None:
        self.engine.dispose()
