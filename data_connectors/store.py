"""The local store: Parquet files per dataset plus an import log in SQLite.

Layout under ``<data_dir>/store``::

    aggregate/<dataset_id>/year=<Y>/<dataset_id>.parquet
                                     canonical AggregateSchema rows of the periods starting
                                     in year Y: an import reads and rewrites only the years
                                     it touches
    aggregate/<dataset_id>.parquet   the old layout (one file per dataset): still read; the
                                     next import into the dataset moves its rows into year
                                     partitions and removes it, in the same journaled unit
    person/<table>.parquet           canonical person-level tables
    person/<table>/year=<Y>/municipality=<code>/<table>.parquet
                                     a partitioned person table (benefit weeks): an
                                     import reads and rewrites only the partitions it touches
    meta/<name>.parquet              side tables (e.g. the jobindsats catalogue)

Every write goes to a temporary file in the same folder and is renamed into place only
after all files of the import are written and validated, so a failed import leaves the
store exactly as it was. Partitions are merged and written one at a time, so an import
holds at most one partition (old and new rows) in memory, whatever the store's size.
Rows are merged on the table's key: importing the same rows twice replaces them and never
duplicates them.

Store files and import log are one unit, also when the process is killed (``kill -9``,
power loss): before the first rename, an import writes ``store/.import-journal.json``
(the pending log rows, each temp file, its target, the SHA-256 of the new content and a
hard-linked backup of the old file). The log rows are committed after the last rename and
only then is the journal removed. The next Store operation finds a journal left behind
and rolls the import forward (every new file is in place or still complete in its temp
file) or back (from the backups), then removes temp and backup files whose process is
gone. See docs/trust.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import logging
import os
import re
import signal
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dataframely as dy
import polars as pl

from data_connectors.settings import Settings
from domain.canonical import (
    AGGREGATE_KEY,
    PERSON_TABLES,
    AggregateSchema,
    validate,
    with_all_dimensions,
)

_LOG_COLUMNS = (
    "imported_at",
    "who",
    "kind",
    "origin",
    "sha256",
    "target",
    "rows_in",
    "rows_added",
    "rows_replaced",
)


log = logging.getLogger(__name__)

JOURNAL = ".import-journal.json"
"""The pending import (in ``store/``): present only between the first rename and the log."""
CRASH_ENV = "JOBMAAL_TEST_CRASH_AT"
"""Test hook: the named step of an import kills its own process with SIGKILL."""
CRASH_STEPS = (
    "after_tmp_write",
    "after_log_pending",
    "after_first_rename",
    "after_all_renames",
    "before_log_done",
    "after_log_done",
)
_YEAR = "__year"
_LEFTOVER = re.compile(r"^\..+\.(\d+)\.(tmp|bak)$")  # .<name>.<pid>.tmp / .bak


def _crash_point(step: str) -> None:
    """``JOBMAAL_TEST_CRASH_AT=<step>`` kills the process here, as ``kill -9`` would."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class _Item:
    """One file (or API response) of an import: its rows per target file."""

    origin: str
    sha256: str | None
    rows_in: int
    parts: dict[Path, pl.DataFrame | pl.LazyFrame]

    @property
    def targets(self) -> tuple[str, ...]:
        """The datasets or tables it goes into (a partitioned one named once)."""
        return tuple(dict.fromkeys(p.stem for p in self.parts))


@dataclass(frozen=True)
class ImportResult:
    origin: str
    sha256: str | None
    targets: tuple[str, ...]
    rows_in: int
    rows_added: int
    rows_replaced: int
    skipped: bool = False

    def summary(self) -> str:
        if self.skipped:
            return f"{self.origin}: already imported (same SHA-256), nothing changed"
        return (
            f"{self.origin}: {self.rows_in} rows into {', '.join(self.targets)} "
            f"({self.rows_added} new, {self.rows_replaced} replaced)"
        )


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sqlite_path(db_url: str) -> Path:
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        raise StoreError(
            f"JOBMAAL_DATABASE_URL {db_url.split(':', 1)[0]}:... is not supported; "
            "use sqlite:///path/to/file.db"
        )
    return Path(db_url[len(prefix) :])


class Store:
    def __init__(self, data_dir: Path, db_url: str | None = None):
        self.data_dir = Path(data_dir)
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StoreError(f"data dir {self.data_dir} is not a folder (JOBMAAL_DATA_DIR)")
        self.root = self.data_dir / "store"
        self.db_path = _sqlite_path(db_url or f"sqlite:///{self.data_dir / 'jobmaal.db'}")
        self._recovered = False

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Store:
        s = settings if settings is not None else Settings()
        return cls(s.data_dir, s.db_url)

    # -- paths -----------------------------------------------------------------------
    def aggregate_path(self, dataset_id: str) -> Path:
        """The single file of a dataset in the old layout (read; removed by the next import)."""
        return self.root / "aggregate" / f"{dataset_id}.parquet"

    def aggregate_dir(self, dataset_id: str) -> Path:
        """The folder of a dataset's year partitions."""
        return self.root / "aggregate" / dataset_id

    def aggregate_part_path(self, dataset_id: str, year: int) -> Path:
        """The file of the rows of ``dataset_id`` whose period starts in ``year``."""
        return self.aggregate_dir(dataset_id) / f"year={year}" / f"{dataset_id}.parquet"

    def _aggregate_files(self, dataset_id: str) -> list[Path]:
        """Every file of a dataset: its partitions and, if still there, its old single file."""
        files = sorted(self.aggregate_dir(dataset_id).glob(f"year=*/{dataset_id}.parquet"))
        legacy = self.aggregate_path(dataset_id)
        return [legacy, *files] if legacy.is_file() else files

    def _aggregate_parts(self, df: pl.DataFrame) -> dict[Path, pl.DataFrame]:
        """Canonical aggregate rows split into the files of their (dataset, year) partitions."""
        keyed = df.with_columns(pl.col("period_start").dt.year().alias(_YEAR))
        return {
            self.aggregate_part_path(str(ds), int(year)): part.drop(_YEAR)
            for (ds, year), part in sorted(
                keyed.partition_by("dataset_id", _YEAR, as_dict=True).items()
            )
        }

    def person_path(self, table: str) -> Path:
        return self.root / "person" / f"{table}.parquet"

    def person_dir(self, table: str) -> Path:
        """The folder of a partitioned person table (``PersonTable.partition_date``)."""
        return self.root / "person" / table

    def _partition_files(self, table: str) -> list[Path]:
        folder = self.person_dir(table)
        return sorted(folder.glob(f"year=*/municipality=*/{table}.parquet"))

    def _partitions(self, table: str, df: pl.DataFrame) -> dict[Path, pl.DataFrame]:
        """``df`` split into the files of its (year, municipality) partitions."""
        date_col = PERSON_TABLES[table].partition_date
        assert date_col is not None
        keyed = df.with_columns(pl.col(date_col).dt.year().alias("__year"))
        out: dict[Path, pl.DataFrame] = {}
        for (year, muni), part in sorted(
            keyed.partition_by("__year", "municipality_code", as_dict=True).items()
        ):
            folder = self.person_dir(table) / f"year={year}" / f"municipality={muni}"
            out[folder / f"{table}.parquet"] = part.drop("__year")
        return out

    def meta_path(self, name: str) -> Path:
        return self.root / "meta" / f"{name}.parquet"

    # -- reading ---------------------------------------------------------------------
    def datasets(self) -> list[str]:
        self._ensure_recovered()
        folder = self.root / "aggregate"
        if not folder.is_dir():
            return []
        legacy = {p.stem for p in folder.glob("*.parquet")}
        parted = {
            d.name
            for d in folder.iterdir()
            if d.is_dir() and not d.name.startswith(".") and self._aggregate_files(d.name)
        }
        return sorted(legacy | parted)

    def person_tables(self) -> list[str]:
        self._ensure_recovered()
        folder = self.root / "person"
        if not folder.is_dir():
            return []
        files = {p.stem for p in folder.glob("*.parquet")}
        parted = {t for t in PERSON_TABLES if self._partition_files(t)}
        return sorted(files | parted)

    def is_empty(self) -> bool:
        return not self.datasets() and not self.person_tables()

    def scan(self, dataset_id: str) -> pl.LazyFrame:
        """One dataset as a LazyFrame (empty, with the canonical schema, if not loaded)."""
        self._ensure_recovered()
        files = self._aggregate_files(dataset_id)
        if not files:
            return AggregateSchema.create_empty().lazy()
        return pl.concat([_scan_aggregate(f) for f in files], how="vertical")

    def scan_person(self, table: str) -> pl.LazyFrame:
        """A person table as a LazyFrame; a partitioned one over all its files, so that
        filters on year and municipality read only what they need."""
        self._ensure_recovered()
        schema = PERSON_TABLES[table].schema
        if PERSON_TABLES[table].partition_date is not None:
            files = self._partition_files(table)
            if not files:
                return schema.create_empty().lazy()
            for f in files:
                _scan_checked(f)  # an unreadable file is named, not a Polars traceback
            # Files written before a column was added (e.g. ``team``) read it as null.
            return pl.scan_parquet(
                files,
                hive_partitioning=False,
                schema=schema.create_empty().schema,
                missing_columns="insert",
            )
        path = self.person_path(table)
        return _scan_checked(path) if path.is_file() else schema.create_empty().lazy()

    def inputs(self) -> dict[str, pl.LazyFrame]:
        """Everything loaded, keyed by dataset id or person table name: what metrics take."""
        out = {ds: self.scan(ds) for ds in self.datasets()}
        out.update({t: self.scan_person(t) for t in self.person_tables()})
        return out

    def read_meta(self, name: str) -> pl.DataFrame | None:
        self._ensure_recovered()
        path = self.meta_path(name)
        return _scan_checked(path).collect() if path.is_file() else None

    # -- writing ---------------------------------------------------------------------
    def import_aggregate(
        self,
        df: pl.DataFrame | pl.LazyFrame,
        *,
        origin: str,
        sha256: str | None = None,
        kind: str = "file",
    ) -> ImportResult:
        """Validate and merge canonical aggregate rows into their (dataset, year) partitions."""
        return self.import_aggregates([(df, origin, sha256)], kind=kind)[0]

    def import_aggregates(
        self,
        items: Sequence[tuple[pl.DataFrame | pl.LazyFrame, str, str | None]],
        *,
        kind: str = "file",
    ) -> list[ImportResult]:
        """Import several (frame, origin, SHA-256) at once: all of them or none.

        Every frame is validated; rows are merged per (dataset, year) partition in the given
        order (a later frame wins on the same key), every file is written and renamed into
        place with one rollback, and the import log gets one row per frame in one
        transaction. A frame whose SHA-256 was already imported into the same datasets is
        skipped.

        A ``LazyFrame`` (e.g. over the files a streaming reader spilled) is collected and
        validated one partition at a time, so its rows never need to fit in memory at once;
        a ``DataFrame`` is validated whole before anything is written.
        """
        batch: list[_Item] = []
        for frame, origin, sha in items:
            if isinstance(frame, pl.LazyFrame):
                batch.append(self._lazy_aggregate_item(frame, origin, sha))
                continue
            df = validate(frame, AggregateSchema, origin)
            batch.append(_Item(origin, sha, df.height, dict(self._aggregate_parts(df))))
        specs = {path: (AGGREGATE_KEY, AggregateSchema) for item in batch for path in item.parts}
        return self._import(batch, specs, kind=kind)

    def _lazy_aggregate_item(self, lf: pl.LazyFrame, origin: str, sha: str | None) -> _Item:
        keys = (
            lf.select("dataset_id", pl.col("period_start").dt.year().alias(_YEAR))
            .group_by("dataset_id", _YEAR)
            .agg(pl.len().alias("n"))
            .sort("dataset_id", _YEAR)
            .collect()
        )
        parts: dict[Path, pl.DataFrame | pl.LazyFrame] = {}
        for ds, year, _n in keys.iter_rows():
            # A range on the column itself: Parquet statistics skip the other years' files.
            start = pl.col("period_start")
            part = lf.filter(
                (pl.col("dataset_id") == ds)
                & (start >= date(int(year), 1, 1))
                & (start < date(int(year) + 1, 1, 1))
            )
            parts[self.aggregate_part_path(str(ds), int(year))] = part
        return _Item(origin, sha, int(keys["n"].sum()), parts)

    def import_person(
        self,
        table: str,
        df: pl.DataFrame,
        *,
        origin: str,
        sha256: str | None = None,
        kind: str = "file",
    ) -> ImportResult:
        """Validate and merge a person-level table on its primary key."""
        if table not in PERSON_TABLES:
            raise StoreError(f"unknown person table {table!r}; known: {', '.join(PERSON_TABLES)}")
        schema = PERSON_TABLES[table].schema
        # An optional column added to the schema later (e.g. ``team``) may be absent: null.
        df = df.with_columns(
            pl.lit(None, dtype).alias(name)
            for name, dtype in schema.create_empty().schema.items()
            if name not in df.columns and schema.columns()[name].nullable
        )
        df = validate(df, schema, origin)
        key = tuple(schema.primary_key())
        parts = (
            self._partitions(table, df)
            if PERSON_TABLES[table].partition_date is not None
            else {self.person_path(table): df}
        )
        item = _Item(origin, sha256, df.height, dict(parts))
        return self._import([item], dict.fromkeys(parts, (key, schema)), kind=kind)[0]

    def write_meta(self, name: str, df: pl.DataFrame) -> None:
        """Replace a side table atomically (no merge, no import-log entry)."""
        with self._lock():
            self._recover()
            path = self.meta_path(name)
            tmp = self._write_tmp(path, df)
            try:
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)

    def _import(
        self,
        items: Sequence[_Item],
        specs: Mapping[Path, tuple[tuple[str, ...], type[dy.Schema]]],
        *,
        kind: str,
    ) -> list[ImportResult]:
        with self._lock():
            self._recover()  # an import killed earlier is finished or undone first
            fresh: list[_Item] = []
            skipped: set[int] = set()
            seen: set[tuple[str, tuple[str, ...]]] = set()
            for n, item in enumerate(items):
                targets = item.targets
                if item.sha256 and (
                    (item.sha256, targets) in seen or self._already_imported(item.sha256, targets)
                ):
                    skipped.add(n)
                    continue
                if item.sha256:
                    seen.add((item.sha256, targets))
                fresh.append(item)
            counts: dict[int, list[int]] = {id(item): [0, 0] for item in fresh}
            if not fresh:
                return [_result(item, (0, 0), skipped=True) for item in items]
            written: list[_Rename] = []
            try:
                written = self._write_partitions(fresh, specs, counts)
                done = [_result(item, tuple(counts[id(item)]), skipped=False) for item in fresh]
                self._commit(written, done, kind)
            finally:
                for w in written:
                    if w.tmp is not None:
                        w.tmp.unlink(missing_ok=True)
        it = iter(done)
        return [
            _result(item, (0, 0), skipped=True) if n in skipped else next(it)
            for n, item in enumerate(items)
        ]

    def _write_partitions(
        self,
        items: Sequence[_Item],
        specs: Mapping[Path, tuple[tuple[str, ...], type[dy.Schema]]],
        counts: dict[int, list[int]],
    ) -> list[_Rename]:
        """Merge and write every touched file to its temp file, one file at a time.

        A dataset still in the old single-file layout is moved into partitions: all its
        rows are read once, every one of its years is written, and the old file is
        scheduled for removal (a ``_Rename`` without a temp file).
        """
        paths = list(dict.fromkeys(p for item in items for p in item.parts))
        legacy: dict[Path, pl.DataFrame] = {}
        removals: list[Path] = []
        for ds in dict.fromkeys(
            p.parent.parent.name for p in paths if specs[p][1] is AggregateSchema
        ):
            old_file = self.aggregate_path(ds)
            if old_file.is_file():
                legacy.update(self._aggregate_parts(_scan_aggregate(old_file).collect()))
                removals.append(old_file)
        paths += [p for p in legacy if p not in paths]
        written: list[_Rename] = []
        try:
            for path in paths:
                key, schema = specs.get(path, (AGGREGATE_KEY, AggregateSchema))
                merged: pl.DataFrame | None = None
                if path in legacy:
                    merged = legacy.pop(path)
                if path.is_file():
                    stored = (
                        _scan_aggregate(path) if schema is AggregateSchema else _scan_checked(path)
                    ).collect()
                    merged = stored if merged is None else _merge(merged, stored, key)[0]
                for item in items:
                    part = item.parts.get(path)
                    if part is None:
                        continue
                    new = (
                        validate(part.collect(), schema, item.origin)
                        if isinstance(part, pl.LazyFrame)
                        else part
                    )
                    merged, n_replaced = _merge(merged, new, key)
                    counts[id(item)][0] += new.height - n_replaced
                    counts[id(item)][1] += n_replaced
                assert merged is not None
                # New rows were validated on the way in and stored rows when they were
                # stored; the merge keeps the key unique. Validate each row once: here
                # only the column types are enforced.
                tmp = self._write_tmp(path, schema.cast(merged))
                written.append(_Rename(tmp, path, None))
                del merged
        except BaseException:
            for w in written:
                if w.tmp is not None:
                    w.tmp.unlink(missing_ok=True)
            raise
        return written + [_Rename(None, p, None) for p in removals]

    def _commit(self, written: list[_Rename], fresh: Sequence[ImportResult], kind: str) -> None:
        """Journal, rename, log: one unit, also across a kill (see the module doc).

        ``written`` holds a temp file per target, or no temp file for a target to remove.
        """
        journal = self.root / JOURNAL
        renamed: list[_Rename] = []
        try:
            _crash_point("after_tmp_write")
            batch = uuid.uuid4().hex
            now = datetime.now(UTC).isoformat(timespec="seconds")
            rows = [_log_row(r, kind, now, batch) for r in fresh]
            for i, w in enumerate(written):
                if w.path.exists():
                    backup = w.path.with_name(f".{w.path.name}.{os.getpid()}.bak")
                    backup.unlink(missing_ok=True)
                    os.link(w.path, backup)  # a second name for the old bytes
                    written[i] = _Rename(w.tmp, w.path, backup)
            self._write_journal(
                journal,
                {
                    "batch": batch,
                    "pid": os.getpid(),
                    "entries": [
                        {
                            "tmp": self._rel(w.tmp) if w.tmp is not None else None,
                            "target": self._rel(w.path),
                            "backup": self._rel(w.backup) if w.backup else None,
                            "sha256": sha256_file(w.tmp) if w.tmp is not None else "",
                        }
                        for w in written
                    ],
                    "log": rows,
                },
            )
            _crash_point("after_log_pending")
            for w in written:
                if w.tmp is not None:
                    os.replace(w.tmp, w.path)
                else:
                    w.path.unlink(missing_ok=True)
                renamed.append(w)
                if len(renamed) == 1:
                    _crash_point("after_first_rename")
            _fsync_dirs({w.path.parent for w in written})
            _crash_point("after_all_renames")
            _crash_point("before_log_done")
            with self._log() as db:
                _insert_rows(db, rows)
            _crash_point("after_log_done")
        except BaseException:
            _put_back(renamed)  # the log did not get the rows: the old files go back
            journal.unlink(missing_ok=True)
            raise
        finally:
            for w in written:
                if w.tmp is not None:
                    w.tmp.unlink(missing_ok=True)
                if w.backup is not None:
                    w.backup.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _write_journal(self, journal: Path, plan: dict[str, Any]) -> None:
        tmp = journal.with_name(f"{journal.name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(plan, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, journal)
        _fsync_dirs({journal.parent})

    # -- recovery after a crash --------------------------------------------------------
    def _leftovers(self) -> list[Path]:
        out: list[Path] = []
        for folder in (self.root, *(self.root / f for f in ("aggregate", "person", "meta"))):
            with contextlib.suppress(OSError):
                out.extend(p for p in folder.iterdir() if _LEFTOVER.match(p.name))
        with contextlib.suppress(OSError):  # aggregate datasets keep theirs in sub-folders
            for folder in (self.root / "aggregate").iterdir():
                if folder.is_dir():
                    out.extend(p for p in folder.rglob(".*") if _LEFTOVER.match(p.name))
        for table in PERSON_TABLES:  # partitioned tables keep their files in sub-folders
            if PERSON_TABLES[table].partition_date is not None:
                with contextlib.suppress(OSError):
                    out.extend(
                        p for p in self.person_dir(table).rglob(".*") if _LEFTOVER.match(p.name)
                    )
        return out

    def _ensure_recovered(self) -> None:
        """Once per Store: finish or undo an import killed earlier, if no import is running."""
        if self._recovered:
            return
        if not (self.root / JOURNAL).exists() and not self._leftovers():
            self._recovered = True
            return
        try:
            with self._lock(blocking=False) as got:
                if got:  # else an import is running now: its files are not leftovers
                    self._recover()
        except OSError as exc:  # e.g. a read-only store: a writer will recover it
            self._recovered = True  # say so once per Store, not on every read
            log.warning("store %s: could not recover an interrupted import: %s", self.root, exc)

    def _recover(self) -> None:
        """With the lock held: settle a pending journal, then remove stale temp files."""
        journal = self.root / JOURNAL
        if journal.is_file():
            self._settle(journal)
        for p in self._leftovers():
            if _stale(p):
                p.unlink(missing_ok=True)
        self._recovered = True

    def _settle(self, journal: Path) -> None:
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            batch = str(plan["batch"])
            entries = [
                _Rename(
                    self.root / e["tmp"] if e["tmp"] else None,
                    self.root / e["target"],
                    self.root / e["backup"] if e["backup"] else None,
                    str(e["sha256"]),
                )
                for e in plan["entries"]
            ]
            rows = [list(r) for r in plan["log"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{journal}: an interrupted import left a journal that cannot be read "
                f"({type(exc).__name__}); check the store files and delete the journal"
            ) from None
        with self._log() as db:
            logged = db.execute(
                "SELECT 1 FROM import_log WHERE batch = ? LIMIT 1", (batch,)
            ).fetchone()
        if logged is None:
            removals = [e for e in entries if e.tmp is None]  # always possible
            ready = [
                e
                for e in entries
                if e.tmp is not None and e.tmp.is_file() and sha256_file(e.tmp) == e.sha256
            ]
            placed = [
                e
                for e in entries
                if e.tmp is not None
                and e not in ready
                and e.path.is_file()
                and sha256_file(e.path) == e.sha256
            ]
            if len(ready) + len(placed) + len(removals) == len(entries):  # all new at hand
                for e in ready:
                    assert e.tmp is not None
                    os.replace(e.tmp, e.path)
                for e in removals:
                    e.path.unlink(missing_ok=True)
                _fsync_dirs({e.path.parent for e in entries})
                with self._log() as db:
                    _insert_rows(db, rows)
                log.warning("store %s: completed an interrupted import (%s)", self.root, batch)
            else:
                _put_back(placed + [e for e in entries if e not in placed and e.backup])
                log.warning("store %s: undid an interrupted import (%s)", self.root, batch)
        for e in entries:
            if e.tmp is not None:
                e.tmp.unlink(missing_ok=True)
            if e.backup is not None:
                e.backup.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        _fsync_dirs({journal.parent})

    def _write_tmp(self, path: Path, df: pl.DataFrame) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        df.write_parquet(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        return tmp

    @contextlib.contextmanager
    def _lock(self, *, blocking: bool = True) -> Iterator[bool]:
        """The store's lock (held by every write); ``False`` when not blocking and busy."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- import log ------------------------------------------------------------------
    @contextlib.contextmanager
    def _log(self) -> Iterator[sqlite3.Connection]:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.db_path)
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS import_log (imported_at TEXT, who TEXT, kind TEXT,"
                " origin TEXT, sha256 TEXT, target TEXT, rows_in INTEGER, rows_added INTEGER,"
                " rows_replaced INTEGER, batch TEXT)"
            )
            columns = {r[1] for r in db.execute("PRAGMA table_info(import_log)")}
            if "batch" not in columns:  # a log written before batches existed
                db.execute("ALTER TABLE import_log ADD COLUMN batch TEXT")
                db.commit()
            with db:  # one transaction: committed only if the block succeeds
                yield db
        finally:
            db.close()

    def _already_imported(self, sha256: str, targets: tuple[str, ...]) -> bool:
        if not self.db_path.is_file():
            return False
        with self._log() as db:
            rows = db.execute(
                "SELECT target FROM import_log WHERE sha256 = ?", (sha256,)
            ).fetchall()
        # The same bytes into the same tables, while those files are still there.
        same = any(r[0] == ",".join(targets) for r in rows)
        return same and all(self._target_exists(t) for t in targets)

    def _target_exists(self, target: str) -> bool:
        return (
            bool(self._aggregate_files(target))
            or self.person_path(target).is_file()
            or (target in PERSON_TABLES and bool(self._partition_files(target)))
        )

    def import_log(self) -> pl.DataFrame:
        self._ensure_recovered()
        schema = {c: pl.String for c in _LOG_COLUMNS[:6]} | {c: pl.Int64 for c in _LOG_COLUMNS[6:]}
        if not self.db_path.is_file():
            return pl.DataFrame(schema=schema)
        with self._log() as db:
            rows = db.execute(
                f"SELECT {', '.join(_LOG_COLUMNS)} FROM import_log ORDER BY imported_at"
            ).fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")

    # -- status ----------------------------------------------------------------------
    def status(self) -> pl.DataFrame:
        """Per dataset: periods covered, rows, areas, source and last import."""
        log = self.import_log()
        rows = []
        for ds in self.datasets():
            summary = (
                self.scan(ds)
                .select(
                    pl.col("period").min().alias("first_period"),
                    pl.col("period").max().alias("last_period"),
                    pl.len().alias("rows"),
                    pl.col("area_code").n_unique().alias("areas"),
                    pl.col("source").unique().sort().str.join(", ").alias("source"),
                    pl.col("retrieved_at").max().alias("retrieved_at"),
                )
                .collect()
                .row(0, named=True)
            )
            last = log.filter(pl.col("target").str.split(",").list.contains(ds))
            summary["last_import"] = last["imported_at"][-1] if last.height else None
            rows.append({"dataset_id": ds, **summary})
        for table in self.person_tables():
            n = self.scan_person(table).select(pl.len()).collect().item()
            last = log.filter(pl.col("target").str.split(",").list.contains(table))
            rows.append(
                {
                    "dataset_id": table,
                    "first_period": None,
                    "last_period": None,
                    "rows": n,
                    "areas": None,
                    "source": "persondata",
                    "retrieved_at": None,
                    "last_import": last["imported_at"][-1] if last.height else None,
                }
            )
        schema: dict[str, pl.DataType] = {
            "dataset_id": pl.String(),
            "first_period": pl.String(),
            "last_period": pl.String(),
            "rows": pl.Int64(),
            "areas": pl.Int64(),
            "source": pl.String(),
            "retrieved_at": pl.Datetime("us", "UTC"),
            "last_import": pl.String(),
        }
        return pl.DataFrame(rows, schema=schema)


def _scan_checked(path: Path) -> pl.LazyFrame:
    """Scan a store file, turning an unreadable one into a StoreError naming it."""
    try:
        pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise StoreError(
            f"{path}: not a readable Parquet file ({type(exc).__name__}); restore it from a "
            "backup or delete it and import the data again"
        ) from None
    return pl.scan_parquet(path)


def _scan_aggregate(path: Path) -> pl.LazyFrame:
    """A stored aggregate dataset, with dimensions added since it was written as totals."""
    lf = with_all_dimensions(_scan_checked(path), list(pl.read_parquet_schema(path)))
    return lf.select(AggregateSchema.column_names())


@dataclass(frozen=True)
class _Rename:
    tmp: Path | None  # None: the target is removed (an old-layout file moved into partitions)
    path: Path
    backup: Path | None  # a hard link to the old file; None: there was none
    sha256: str = ""  # of the new content (recovery only)


def _put_back(done: Sequence[_Rename]) -> None:
    """Undo renames: the old file from its backup, or no file where there was none."""
    for r in reversed(done):
        if r.backup is not None and r.backup.exists():
            os.replace(r.backup, r.path)
        elif r.backup is None:
            r.path.unlink(missing_ok=True)


def _result(item: _Item, counts: Sequence[int], *, skipped: bool) -> ImportResult:
    added, replaced = counts
    return ImportResult(
        item.origin, item.sha256, item.targets, item.rows_in, added, replaced, skipped=skipped
    )


def _log_row(r: ImportResult, kind: str, imported_at: str, batch: str) -> list[Any]:
    return [
        imported_at,
        _who(),
        kind,
        r.origin,
        r.sha256,
        ",".join(r.targets),
        r.rows_in,
        r.rows_added,
        r.rows_replaced,
        batch,
    ]


def _insert_rows(db: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    db.executemany(
        f"INSERT INTO import_log ({', '.join(_LOG_COLUMNS)}, batch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _fsync_dirs(folders: set[Path]) -> None:
    """Make renames in these folders durable."""
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds; Linux ``/proc``), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of stat: start time in clock ticks after boot
        btime = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _stale(path: Path) -> bool:
    """A temp or backup file no running import owns (call with the store's lock held).

    Its name carries the pid of the process that wrote it: stale when that process is gone,
    is this one (which is not writing now), or started after the file was written (the pid
    was reused). A file of another live process is left alone.
    """
    m = _LEFTOVER.match(path.name)
    if m is None:
        return False
    pid = int(m.group(1))
    if pid == os.getpid() or not _pid_alive(pid):
        return True
    started = _process_started(pid)
    try:
        return started is not None and path.stat().st_mtime < started - 1
    except FileNotFoundError:
        return False


def _merge(
    old: pl.DataFrame | None, new: pl.DataFrame, key: tuple[str, ...]
) -> tuple[pl.DataFrame, int]:
    """Rows of ``old`` whose key is not in ``new``, plus ``new``; and how many were replaced."""
    if old is None:
        return new, 0
    keys = new.select(key).unique()
    kept = old.join(keys, on=list(key), how="anti", nulls_equal=True)
    # A column added to the schema since ``old`` was stored (e.g. ``team``) is null there.
    kept = kept.with_columns(
        pl.lit(None, new.schema[c]).alias(c) for c in new.columns if c not in old.columns
    )
    merged = pl.concat([kept, new.select(kept.columns)], how="vertical")
    return merged, old.height - kept.height


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - no user database in some containers
        return os.environ.get("USER", "ukendt")
