"""A demo store with more person-level records: the "10x store" of the scale benchmarks.

    from data_connectors.demo.scaled import build_scaled_demo
    build_scaled_demo(Store(data_dir), factor=10)

Aggregates as in ``build_demo`` (they already cover every municipality, region and month
of 2019-2023). The person tables a KPI reads at scale (weekly benefit records, refugees'
months) hold ``factor`` times the demo's persons: copy ``k`` is a new set of persons with
their own seed and ids ending in ``-k``, so no person is counted twice. Each copy of the
weekly records is a full register of the same targets, so the 10x store's person-level
figures are 10 times the aggregates' (a benchmark store; it does not reconcile). Sanction
cases and reviews stay as in the demo. Each copy is one import (the partitions it touches).
"""

from __future__ import annotations

import polars as pl

from data_connectors.demo.aggregates import person_targets
from data_connectors.demo.build import PERSON_MUNICIPALITIES, build_demo
from data_connectors.demo.common import DEFAULT_SEED
from data_connectors.demo.persons import all_benefit_weeks
from data_connectors.demo.refugees import person_months, refugee_plan
from data_connectors.store import Store


def build_scaled_demo(store: Store, factor: int = 10, seed: int = DEFAULT_SEED) -> None:
    """The demo (``build_demo``) plus ``factor - 1`` more copies of its person records."""
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    build_demo(store, seed)
    targets = person_targets(seed, PERSON_MUNICIPALITIES)
    for k in range(1, factor):
        suffix = pl.col("person_id") + f"-{k}"
        weeks = all_benefit_weeks(seed + k, PERSON_MUNICIPALITIES, targets).with_columns(suffix)
        store.import_person(
            "person_benefit_weeks",
            weeks,
            origin=f"demo x{factor} person_benefit_weeks copy {k} (seed {seed})",
            kind="demo",
        )
        months = person_months(seed + k, PERSON_MUNICIPALITIES, refugee_plan(seed + k))
        store.import_person(
            "person_refugee_months",
            months.with_columns(suffix),
            origin=f"demo x{factor} person_refugee_months copy {k} (seed {seed})",
            kind="demo",
        )
