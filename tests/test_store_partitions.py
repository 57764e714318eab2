"""Person-level benefit weeks are stored partitioned by year and municipality (issue 10.6):
an import rewrites only the partitions it touches, and a scan sees them all."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from data_connectors.store import Store


def weeks(person: str, municipality: str, first: date, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": [person] * n,
            "municipality_code": [municipality] * n,
            "week_start": [first + timedelta(weeks=i) for i in range(n)],
            "benefit_group": ["A-dagpenge"] * n,
            "match_group": ["Jobparat"] * n,
            "status": ["ledig"] * n,
            "sex": ["Kvinder"] * n,
            "birth_year": [1980] * n,
            "country_of_origin": ["Danmark"] * n,
            "flexjob_hours": [None] * n,
        },
        schema_overrides={"birth_year": pl.Int16, "flexjob_hours": pl.Float64},
    )


def files(store: Store) -> dict[str, bytes]:
    root = store.person_dir("person_benefit_weeks")
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def test_partitions_by_year_and_municipality(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    # P1 in Favrskov from 26 Dec 2022 for 3 weeks: one week in 2022, two in 2023.
    first = pl.concat(
        [weeks("P1", "710", date(2022, 12, 26), 3), weeks("P2", "730", date(2022, 3, 7), 2)]
    )
    r = store.import_person("person_benefit_weeks", first, origin="a.csv", sha256="a")
    assert (r.rows_in, r.rows_added, r.targets) == (5, 5, ("person_benefit_weeks",))
    assert sorted(files(store)) == [
        "year=2022/municipality=710/person_benefit_weeks.parquet",
        "year=2022/municipality=730/person_benefit_weeks.parquet",
        "year=2023/municipality=710/person_benefit_weeks.parquet",
    ]
    before = files(store)
    # A correction for Favrskov in 2023 only: the other two files are not rewritten.
    fix = weeks("P1", "710", date(2023, 1, 2), 2).with_columns(pl.lit("aktiveret").alias("status"))
    r = store.import_person("person_benefit_weeks", fix, origin="b.csv", sha256="b")
    assert (r.rows_added, r.rows_replaced) == (0, 2)
    after = files(store)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"year=2023/municipality=710/person_benefit_weeks.parquet"}
    all_rows = store.scan_person("person_benefit_weeks").collect()
    assert all_rows.height == 5
    assert store.person_tables() == ["person_benefit_weeks"]
    jan = store.scan_person("person_benefit_weeks").filter(pl.col("week_start") >= date(2023, 1, 1))
    assert jan.select("status").collect()["status"].to_list() == ["aktiveret", "aktiveret"]
    # the same bytes again change nothing
    again = store.import_person("person_benefit_weeks", fix, origin="b.csv", sha256="b")
    assert again.skipped
    assert store.status().filter(pl.col("dataset_id") == "person_benefit_weeks")["rows"][0] == 5
