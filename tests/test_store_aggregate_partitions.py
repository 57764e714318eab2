"""Aggregate datasets are stored partitioned by the year their periods start in (issue 14.3):
an import rewrites only the years it touches, an old single-file dataset is read as it is
and moved into partitions by the next import into it, and a failure leaves the store as it
was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from data_connectors.store import CRASH_ENV, CRASH_STEPS, JOURNAL, Store
from domain.canonical import AggregateSchema, SchemaViolation
from domain.periods import parse_period
from tests.test_canonical import row as base_row
from tests.test_store import snapshot

REPO = Path(__file__).resolve().parent.parent


def row(**kw: object) -> dict[str, object]:
    """``tests.test_canonical.row`` (Favrskov, y25i09, May 2021: 199) with the period's
    start and end following ``period``."""
    p = parse_period(str(kw.get("period", "2021M05")))
    return base_row(period_start=p.start, period_end=p.end, **kw)


def frame(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows))


def layout(store: Store) -> list[str]:
    folder = store.root / "aggregate"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.parquet"))


def stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def values(store: Store, dataset: str = "y25i09") -> dict[str, float | None]:
    got = store.scan(dataset).collect().sort("period")
    return dict(zip(got["period"], got["value"], strict=True))


def legacy_store(data_dir: Path) -> Store:
    """A store written before partitions: y25i09 as one file with December 2020 (150) and
    May 2021 (199), and one import-log row for it."""
    store = Store(data_dir)
    store.import_aggregate(frame(row(value=1.0)), origin="old.csv", sha256="old")
    for f in store.root.joinpath("aggregate").rglob("*.parquet"):
        f.unlink()
    old = AggregateSchema.validate(
        frame(row(period="2020M12", value=150.0), row(value=199.0)), cast=True
    )
    old.write_parquet(store.aggregate_path("y25i09"))
    return Store(data_dir)


def test_one_file_per_dataset_and_year(store: Store) -> None:
    store.import_aggregate(
        frame(
            row(period="2021M05"),
            row(period="2021M06", value=190.0),
            row(period="2022M01", value=170.0),
            row(dataset_id="y38a02", value=227.0),
        ),
        origin="a.csv",
        sha256="a",
    )
    assert layout(store) == [
        "y25i09/year=2021/y25i09.parquet",
        "y25i09/year=2022/y25i09.parquet",
        "y38a02/year=2021/y38a02.parquet",
    ]
    assert store.datasets() == ["y25i09", "y38a02"]
    assert values(store) == {"2021M05": 199.0, "2021M06": 190.0, "2022M01": 170.0}
    year_2021 = pl.read_parquet(store.aggregate_part_path("y25i09", 2021))
    assert year_2021["period"].sort().to_list() == ["2021M05", "2021M06"]


def test_import_rewrites_only_the_years_it_touches(store: Store) -> None:
    store.import_aggregate(
        frame(row(period="2020M12", value=150.0), row(value=199.0), row(period="2022M01")),
        origin="a.csv",
        sha256="a",
    )
    untouched = {y: stat(store.aggregate_part_path("y25i09", y)) for y in (2020, 2022)}
    touched = stat(store.aggregate_part_path("y25i09", 2021))
    # New May 2021 (201 replaces 199) and a new June 2021: only year 2021 is rewritten.
    r = store.import_aggregate(
        frame(row(value=201.0), row(period="2021M06", value=190.0)), origin="b.csv", sha256="b"
    )
    assert (r.rows_added, r.rows_replaced) == (1, 1)
    assert {y: stat(store.aggregate_part_path("y25i09", y)) for y in (2020, 2022)} == untouched
    assert stat(store.aggregate_part_path("y25i09", 2021)) != touched
    assert values(store) == {"2020M12": 150.0, "2021M05": 201.0, "2021M06": 190.0, "2022M01": 199.0}
    assert store.import_log()["target"].to_list() == ["y25i09", "y25i09"]


def test_lazy_frame_is_imported_like_a_data_frame(tmp_path: Path) -> None:
    rows = frame(row(period="2020M12", value=150.0), row(value=199.0), row(dataset_id="y38a02"))
    eager, lazy = Store(tmp_path / "e"), Store(tmp_path / "l")
    a = eager.import_aggregate(rows, origin="x", sha256="x")
    b = lazy.import_aggregate(rows.lazy(), origin="x", sha256="x")
    assert (
        (a.rows_in, a.rows_added, a.targets)
        == (b.rows_in, b.rows_added, b.targets)
        == (
            3,
            3,
            ("y25i09", "y38a02"),
        )
    )
    assert layout(eager) == layout(lazy)
    assert values(eager) == values(lazy)
    assert lazy.import_aggregate(rows.lazy(), origin="x", sha256="x").skipped


def test_bad_row_in_a_later_partition_of_a_lazy_import_stores_nothing(store: Store) -> None:
    store.import_aggregate(frame(row(period="2020M12"), row()), origin="a", sha256="a")
    before = snapshot(store)
    # 2020 is fine, 2021 holds a bad area code: 2020's temp file is written, then dropped.
    bad = frame(row(period="2020M11", value=1.0), row(period="2021M01", area_code="7")).lazy()
    with pytest.raises(SchemaViolation, match="area_code"):
        store.import_aggregate(bad, origin="bad.csv", sha256="b")
    assert snapshot(store) == before
    assert store.import_log().height == 1


def test_failure_while_writing_a_partition_leaves_the_store_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_aggregate(frame(row(period="2020M12"), row()), origin="a", sha256="a")
    before = snapshot(store)
    real = Store._write_tmp
    calls: list[Path] = []

    def failing(self: Store, path: Path, df: pl.DataFrame) -> Path:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, path, df)

    monkeypatch.setattr(Store, "_write_tmp", failing)
    with pytest.raises(OSError, match="No space"):
        store.import_aggregate(
            frame(row(period="2020M12", value=5.0), row(value=6.0)), origin="b", sha256="b"
        )
    assert len(calls) == 2
    assert snapshot(store) == before


def test_old_single_file_is_read_then_moved_into_partitions(tmp_path: Path) -> None:
    store = legacy_store(tmp_path / "data")
    assert layout(store) == ["y25i09.parquet"]
    assert store.datasets() == ["y25i09"]
    assert values(store) == {"2020M12": 150.0, "2021M05": 199.0}
    # A new figure for May 2021 (201) and one for 2022: the old file's rows move to their
    # years, May 2021 is replaced (1), 2022M01 is new (1).
    r = store.import_aggregate(
        frame(row(value=201.0), row(period="2022M01", value=170.0)), origin="new", sha256="new"
    )
    assert (r.rows_added, r.rows_replaced) == (1, 1)
    assert layout(store) == [
        "y25i09/year=2020/y25i09.parquet",
        "y25i09/year=2021/y25i09.parquet",
        "y25i09/year=2022/y25i09.parquet",
    ]
    assert values(store) == {"2020M12": 150.0, "2021M05": 201.0, "2022M01": 170.0}
    assert store.import_log()["origin"].to_list() == ["old.csv", "new"]


def test_old_file_missing_a_dimension_is_read_as_its_total(tmp_path: Path) -> None:
    store = legacy_store(tmp_path / "data")
    old = pl.read_parquet(store.aggregate_path("y25i09")).drop("akasse")
    old.write_parquet(store.aggregate_path("y25i09"))
    store.import_aggregate(frame(row(period="2022M01")), origin="new", sha256="new")
    got = store.scan("y25i09").collect()
    assert got.height == 3 and set(got["akasse"]) == {"I alt"}


def test_failed_migration_keeps_the_old_file(tmp_path: Path) -> None:
    store = legacy_store(tmp_path / "data")
    before = snapshot(store)
    with pytest.raises(SchemaViolation):
        store.import_aggregate(frame(row(area_code="7")), origin="bad", sha256="bad")
    assert snapshot(store) == before
    assert layout(store) == ["y25i09.parquet"]


CHILD = """
import sys
from pathlib import Path
import polars as pl
from data_connectors.store import Store
from tests.test_store_aggregate_partitions import row
Store(Path(sys.argv[1])).import_aggregate(
    pl.DataFrame([row(value=201.0), row(period="2022M01", value=170.0)]),
    origin="new.csv",
    sha256="new",
)
"""


@pytest.mark.parametrize("step", CRASH_STEPS)
def test_kill_9_during_a_migration_keeps_data_and_log_in_agreement(
    tmp_path: Path, step: str
) -> None:
    data_dir = tmp_path / "data"
    legacy_store(data_dir)
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV} | {CRASH_ENV: step}
    killed = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir)], cwd=REPO, env=env, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL
    store = Store(data_dir)
    origins = store.import_log()["origin"].to_list()
    if step == "after_tmp_write":  # nothing promised yet: the old layout, unchanged
        assert values(store) == {"2020M12": 150.0, "2021M05": 199.0}
        assert layout(store) == ["y25i09.parquet"]
        assert origins == ["old.csv"]
    else:  # rolled forward: partitions only, the old file gone, the log row there
        assert values(store) == {"2020M12": 150.0, "2021M05": 201.0, "2022M01": 170.0}
        assert "y25i09.parquet" not in layout(store)
        assert origins == ["old.csv", "new.csv"]
    assert not (store.root / JOURNAL).exists()
    assert not [p for p in store.root.rglob(".*") if p.suffix in (".tmp", ".bak")]
