"""The scaled demo store (the benchmarks' "10x store") holds factor x the demo's persons."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data_connectors.demo import person_tables
from data_connectors.demo.scaled import build_scaled_demo
from data_connectors.store import Store


def test_scaled_demo_has_factor_times_the_persons(tmp_path: Path) -> None:
    """Factor 2: the demo's persons plus one new set with ids ending in "-1"; the weeks of
    the demo's own persons are exactly the demo's (copy 0 is the demo)."""
    store = Store(tmp_path)
    build_scaled_demo(store, factor=2, seed=3)
    demo = person_tables(3)
    weeks = store.scan_person("person_benefit_weeks").collect()
    own = weeks.filter(~pl.col("person_id").str.ends_with("-1"))
    assert own.height == demo["person_benefit_weeks"].height
    copy = weeks.filter(pl.col("person_id").str.ends_with("-1"))
    assert copy.height > 0
    assert weeks["person_id"].n_unique() == (
        own["person_id"].n_unique() + copy["person_id"].n_unique()
    )
    months = store.scan_person("person_refugee_months").collect()
    assert months.filter(pl.col("person_id").str.ends_with("-1")).height > 0
    assert (
        months.filter(~pl.col("person_id").str.ends_with("-1")).height
        == demo["person_refugee_months"].height
    )
