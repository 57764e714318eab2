"""Store and import log stay one unit when an import is killed (issue 11, part 5).

A real subprocess imports into a real store and SIGKILLs itself at each named step
(``JOBMAAL_TEST_CRASH_AT``); a fresh Store must then show data and log in agreement and
no temp, backup or journal file left behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from data_connectors.store import CRASH_ENV, CRASH_STEPS, JOURNAL, Store
from tests.test_canonical import row

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from pathlib import Path
import polars as pl
from data_connectors.store import Store
from tests.test_canonical import row
Store(Path(sys.argv[1])).import_aggregate(
    pl.DataFrame([row(value=5.0), row(dataset_id="y38a02", value=6.0)]),
    origin="new.csv",
    sha256="new",
)
print("imported")
"""


def _child(data_dir: Path, crash_at: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _stray(data_dir: Path) -> list[str]:
    return sorted(
        str(p.relative_to(data_dir))
        for p in data_dir.rglob("*")
        if p.name.endswith((".tmp", ".bak", "-journal")) or p.name == JOURNAL
    )


def _values(store: Store, dataset: str) -> list[float]:
    return store.scan(dataset).collect()["value"].to_list()


def _old_store(data_dir: Path) -> None:
    """y25i09 exists (it gets a backup), y38a02 does not (it is new)."""
    Store(data_dir).import_aggregate(pl.DataFrame([row(value=1.0)]), origin="old.csv", sha256="old")


def test_the_child_imports_when_not_killed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    done = _child(data_dir, None)
    assert done.returncode == 0, done.stderr
    store = Store(data_dir)
    assert _values(store, "y25i09") == [5.0] and _values(store, "y38a02") == [6.0]
    assert store.import_log()["origin"].to_list() == ["old.csv", "new.csv"]
    assert _stray(data_dir) == []


@pytest.mark.parametrize("step", CRASH_STEPS)
def test_kill_9_at_every_step_leaves_data_and_log_in_agreement(tmp_path: Path, step: str) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    killed = _child(data_dir, step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "imported" not in killed.stdout
    if step != "after_tmp_write":  # the kill did leave work behind to recover
        assert (data_dir / "store" / JOURNAL).is_file()

    store = Store(data_dir)  # a fresh process would do exactly this
    log = store.import_log()
    if step == "after_tmp_write":  # nothing was promised yet: rolled back
        assert _values(store, "y25i09") == [1.0]
        assert store.datasets() == ["y25i09"]
        assert log["origin"].to_list() == ["old.csv"]
    else:  # every new file was complete: rolled forward, with its log row
        assert _values(store, "y25i09") == [5.0]
        assert _values(store, "y38a02") == [6.0]
        assert log["origin"].to_list() == ["old.csv", "new.csv"]
        assert log["target"].to_list() == ["y25i09", "y25i09,y38a02"]
    assert _stray(data_dir) == []
    # and the log is usable: the same import again is recognised (or done) without doubles
    again = _child(data_dir, None)
    assert again.returncode == 0, again.stderr
    log = Store(data_dir).import_log()
    assert log["origin"].to_list() == ["old.csv", "new.csv"]


def test_kill_9_in_a_first_import_of_an_empty_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert _child(data_dir, "after_first_rename").returncode == -signal.SIGKILL
    store = Store(data_dir)
    assert store.datasets() == ["y25i09", "y38a02"]
    assert store.import_log()["origin"].to_list() == ["new.csv"]
    assert _stray(data_dir) == []


def test_an_import_that_cannot_be_completed_is_undone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    assert _child(data_dir, "after_first_rename").returncode == -signal.SIGKILL
    # The second new file is lost (e.g. a disk error): roll back from the backups.
    plan = json.loads((data_dir / "store" / JOURNAL).read_text(encoding="utf-8"))
    (data_dir / "store" / plan["entries"][1]["tmp"]).unlink()
    store = Store(data_dir)
    assert _values(store, "y25i09") == [1.0]
    assert store.datasets() == ["y25i09"]
    assert store.import_log()["origin"].to_list() == ["old.csv"]
    assert _stray(data_dir) == []


def test_an_import_after_a_kill_recovers_first(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    assert _child(data_dir, "before_log_done").returncode == -signal.SIGKILL
    r = Store(data_dir).import_aggregate(
        pl.DataFrame([row(period="2021M06", value=7.0)]), origin="next.csv", sha256="next"
    )
    assert (r.rows_added, r.rows_replaced) == (1, 0)
    store = Store(data_dir)
    assert sorted(_values(store, "y25i09")) == [5.0, 7.0]
    assert store.import_log()["origin"].to_list() == ["old.csv", "new.csv", "next.csv"]
    assert _stray(data_dir) == []


def _leftover(folder: Path, pid: int, suffix: str = "tmp") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f".y25i09.parquet.{pid}.{suffix}"
    p.write_bytes(b"half written")
    return p


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    agg = data_dir / "store" / "aggregate"
    dead_tmp = _leftover(agg, _dead_pid())
    dead_bak = _leftover(agg, _dead_pid(), "bak")
    meta_tmp = _leftover(data_dir / "store" / "meta", _dead_pid())
    Store(data_dir).datasets()
    assert not dead_tmp.exists() and not dead_bak.exists() and not meta_tmp.exists()
    assert _values(Store(data_dir), "y25i09") == [1.0]


def test_temp_files_of_a_live_process_are_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.05)
        mine = _leftover(data_dir / "store" / "aggregate", live.pid)
        Store(data_dir).datasets()
        assert mine.exists()
        # the same pid, but the file is older than the process: the pid was reused
        os.utime(mine, (time.time() - 3600, time.time() - 3600))
        Store(data_dir).datasets()
        assert not mine.exists()
    finally:
        live.kill()
        live.wait()


def test_no_recovery_while_an_import_holds_the_lock(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    stale = _leftover(data_dir / "store" / "aggregate", _dead_pid())
    with (data_dir / "store" / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # as a running import does
        Store(data_dir).datasets()
        assert stale.exists()
        fcntl.flock(fh, fcntl.LOCK_UN)
    Store(data_dir).datasets()
    assert not stale.exists()


def test_an_old_import_log_gains_the_batch_column(tmp_path: Path) -> None:
    import sqlite3

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = sqlite3.connect(data_dir / "jobmaal.db")
    db.execute(
        "CREATE TABLE import_log (imported_at TEXT, who TEXT, kind TEXT, origin TEXT,"
        " sha256 TEXT, target TEXT, rows_in INTEGER, rows_added INTEGER, rows_replaced INTEGER)"
    )
    db.execute("INSERT INTO import_log VALUES ('2024-01-01', 'x', 'file', 'a', 'a', 'y', 1, 1, 0)")
    db.commit()
    db.close()
    store = Store(data_dir)
    store.import_aggregate(pl.DataFrame([row()]), origin="b.csv", sha256="b")
    assert store.import_log()["origin"].to_list() == ["a", "b.csv"]
