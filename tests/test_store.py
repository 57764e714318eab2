import hashlib
from pathlib import Path

import polars as pl
import pytest

from data_connectors.store import Store, StoreError
from domain.canonical import SchemaViolation
from tests.test_canonical import row


def frame(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows))


def snapshot(store: Store) -> dict[str, str]:
    """Every file under the data dir with its SHA-256, to prove nothing changed."""
    return {
        str(p.relative_to(store.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(store.data_dir.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_import_writes_every_dataset(store: Store) -> None:
    df = frame(row(), row(dataset_id="y38a02", value=227.0))
    r = store.import_aggregate(df, origin="a.csv", sha256="aa")
    assert r.rows_in == 2 and r.rows_added == 2 and r.rows_replaced == 0
    assert store.datasets() == ["y25i09", "y38a02"]
    got = store.scan("y38a02").collect()
    assert got["value"].to_list() == [227.0]


def test_same_file_twice_does_not_duplicate(store: Store) -> None:
    df = frame(row(), row(period="2021M06", value=190.0))
    store.import_aggregate(df, origin="a.csv", sha256="aa")
    second = store.import_aggregate(df, origin="a.csv", sha256="aa")
    assert second.skipped
    # Same rows from a different file (other hash): replaced, not appended.
    third = store.import_aggregate(df, origin="b.csv", sha256="bb")
    assert third.rows_replaced == 2 and third.rows_added == 0
    assert store.scan("y25i09").collect().height == 2


def test_newer_rows_replace_older_on_the_key(store: Store) -> None:
    store.import_aggregate(
        frame(row(value=199.0), row(period="2021M06", value=190.0)), origin="a", sha256="a"
    )
    store.import_aggregate(
        frame(row(value=201.0), row(period="2021M07", value=180.0)), origin="b", sha256="b"
    )
    got = store.scan("y25i09").collect().sort("period")
    assert got["period"].to_list() == ["2021M05", "2021M06", "2021M07"]
    assert got["value"].to_list() == [201.0, 190.0, 180.0]


def test_failed_import_leaves_store_exactly_as_it_was(store: Store) -> None:
    store.import_aggregate(frame(row(), row(dataset_id="y38a02")), origin="a", sha256="a")
    before = snapshot(store)
    bad = frame(row(dataset_id="y38a02", value=1.0), row(area_code="7"))  # 2nd row bad
    with pytest.raises(SchemaViolation, match="row 2, column area_code"):
        store.import_aggregate(bad, origin="bad.csv", sha256="b")
    assert snapshot(store) == before
    assert store.import_log().height == 1


def test_crash_while_writing_leaves_store_unchanged(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_aggregate(frame(row(), row(dataset_id="y38a02")), origin="a", sha256="a")
    before = snapshot(store)
    calls = {"n": 0}
    real = pl.DataFrame.write_parquet

    def flaky(self: pl.DataFrame, file: object, *a: object, **kw: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second dataset of the import fails mid-way
            raise OSError("disk full")
        real(self, file, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "write_parquet", flaky)
    with pytest.raises(OSError, match="disk full"):
        store.import_aggregate(
            frame(row(value=5.0), row(dataset_id="y38a02", value=6.0)), origin="c", sha256="c"
        )
    assert snapshot(store) == before
    assert not list(store.root.rglob("*.tmp"))


def test_import_log_records_what_when_who(store: Store) -> None:
    store.import_aggregate(frame(row()), origin="extract.csv", sha256="abc", kind="file")
    log = store.import_log()
    assert log.height == 1
    entry = log.row(0, named=True)
    assert entry["origin"] == "extract.csv"
    assert entry["sha256"] == "abc"
    assert entry["target"] == "y25i09"
    assert entry["rows_in"] == 1
    assert entry["who"]
    assert entry["imported_at"].startswith("20")


def test_status_summarises_periods_and_rows(store: Store) -> None:
    store.import_aggregate(
        frame(
            row(period="2020M01"),
            row(period="2021M12"),
            row(area_code="000", area_name="Hele landet", area_level="land"),
        ),
        origin="a",
        sha256="a",
    )
    st = store.status().row(0, named=True)
    assert st["dataset_id"] == "y25i09"
    assert (st["first_period"], st["last_period"]) == ("2020M01", "2021M12")
    assert st["rows"] == 3 and st["areas"] == 2
    assert st["last_import"] is not None


def test_person_table_merges_on_primary_key(store: Store) -> None:
    from datetime import date

    reviews = pl.DataFrame(
        {
            "case_id": ["S1", "S2"],
            "municipality_code": ["710", "710"],
            "review_date": [date(2022, 3, 1)] * 2,
            "reviewer": ["A", "A"],
            "match_group": ["Jobparat", "Aktivitetsparat"],
            "sanction_type": ["Skærpet rådighedssanktion"] * 2,
            **{f"p{i}": [True, True] for i in range(1, 9)},
            "outcome": ["Stadfæstet", "Stadfæstet"],
        }
    )
    store.import_person("sanction_reviews", reviews, origin="r1", sha256="r1")
    store.import_person("sanction_reviews", reviews.head(1), origin="r2", sha256="r2")
    assert store.scan_person("sanction_reviews").collect().height == 2
    with pytest.raises(StoreError, match="unknown person table"):
        store.import_person("nope", reviews, origin="x")


def test_unsupported_database_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not supported") as e:
        Store(tmp_path, "postgresql://u:secret@localhost/db")
    assert "secret" not in str(e.value)  # the password is never echoed


def test_empty_store_scans_with_canonical_schema(store: Store) -> None:
    assert store.is_empty()
    lf = store.scan("y25i09")
    assert lf.collect().height == 0
    assert "measure_id" in lf.collect_schema().names()


def test_same_file_into_another_dataset_is_not_skipped(store: Store) -> None:
    # The same bytes (same SHA-256) imported as y25i09 and then as y09a02 are two imports.
    store.import_aggregate(frame(row(value=55.0, dataset_id="y09a02")), origin="o", sha256="o")
    store.import_aggregate(frame(row(value=77.0)), origin="ok.csv", sha256="ok")
    again = store.import_aggregate(
        frame(row(value=77.0, dataset_id="y09a02")), origin="ok.csv", sha256="ok"
    )
    assert not again.skipped
    assert store.scan("y09a02").collect()["value"].to_list() == [77.0]


def test_failing_rename_puts_back_every_file(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    store.import_aggregate(frame(row(), row(dataset_id="y38a02")), origin="a", sha256="a")
    before = snapshot(store)
    real = os.replace
    calls = {"n": 0}

    def flaky(src: object, dst: object) -> None:
        if str(src).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == 2:  # the first dataset is already renamed into place
                raise OSError("rename failed")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError, match="rename failed"):
        store.import_aggregate(
            frame(row(value=5.0), row(dataset_id="y38a02", value=6.0)), origin="c", sha256="c"
        )
    assert snapshot(store) == before
    assert store.import_log().height == 1
    assert not [p for p in store.root.rglob("*") if p.suffix in (".tmp", ".bak")]


def test_corrupt_parquet_is_a_clear_error(store: Store) -> None:
    store.import_aggregate(frame(row()), origin="a", sha256="a")
    store.aggregate_path("y25i09").write_bytes(b"garbage")
    with pytest.raises(StoreError, match=r"y25i09\.parquet: not a readable Parquet file"):
        store.scan("y25i09")
    with pytest.raises(StoreError, match="not a readable Parquet file"):
        store.import_aggregate(frame(row(value=1.0)), origin="b", sha256="b")


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "passwd"
    f.write_text("x")
    with pytest.raises(StoreError, match="is not a folder"):
        Store(f)


def test_several_frames_are_stored_all_or_nothing(store: Store) -> None:
    store.import_aggregate(frame(row(), row(dataset_id="y38a02")), origin="a", sha256="a")
    before = snapshot(store)
    good = frame(row(value=5.0), row(dataset_id="y09a02", value=6.0))
    bad = frame(row(dataset_id="y38a02", value=1.0), row(area_code="7"))
    with pytest.raises(SchemaViolation, match=r"bad\.csv: .*row 2, column area_code"):
        store.import_aggregates([(good, "good.csv", "g"), (bad, "bad.csv", "b")])
    assert snapshot(store) == before
    assert store.import_log().height == 1


def test_several_frames_later_wins_one_log_row_each(store: Store) -> None:
    first = frame(row(value=1.0), row(period="2021M06", value=2.0))
    second = frame(row(value=3.0), row(dataset_id="y38a02", value=4.0))
    results = store.import_aggregates(
        [(first, "a.csv", "a"), (second, "b.csv", "b"), (first, "again.csv", "a")]
    )
    assert [(r.rows_added, r.rows_replaced, r.skipped) for r in results] == [
        (2, 0, False),
        (1, 1, False),
        (0, 0, True),
    ]
    got = store.scan("y25i09").collect().sort("period")
    assert got["value"].to_list() == [3.0, 2.0]
    log = store.import_log()
    assert log["origin"].to_list() == ["a.csv", "b.csv"]
    assert log["target"].to_list() == ["y25i09", "y25i09,y38a02"]
