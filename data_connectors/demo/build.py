"""Build the whole demo store: every aggregate dataset and the person-level extracts."""

from __future__ import annotations

import polars as pl

from data_connectors.demo.aggregates import (
    PersonFigures,
    all_aggregates,
    flexjob_persons,
    hours_change_cells,
    person_figures,
    person_targets,
)
from data_connectors.demo.common import DEFAULT_SEED, FAVRSKOV
from data_connectors.demo.flexjob import Cells, all_flexjob_months
from data_connectors.demo.persons import (
    all_benefit_weeks,
    check_targets,
    insured_cells,
    ltu_cells,
)
from data_connectors.demo.refugees import RefugeePlan, person_months, refugee_plan
from data_connectors.demo.sanctions import sanction_cases, sanction_reviews
from data_connectors.store import Store

PERSON_MUNICIPALITIES: tuple[str, ...] = (FAVRSKOV, "706", "730", "746")
"""Favrskov and three RAR Østjylland neighbours: Syddjurs, Randers, Skanderborg."""


def build_demo(store: Store, seed: int = DEFAULT_SEED) -> None:
    """Write the deterministic demo data set into ``store`` (kind "demo" in the import log).

    Same seed, same data: every value, and ``retrieved_at``, is reproducible. For the
    person municipalities, the long-term unemployed (y25i09) and the insured unemployed
    by origin (fasit_forsikrede_oprindelse) of the months the weekly records give are
    derived from those records, and the refugee tables come from one plan, so the
    person-level KPIs reconcile with the aggregates (docs/scale.md).
    """
    plan = refugee_plan(seed)
    persons, derived = _person_data(seed, plan)
    for dataset_id, builder in all_aggregates(seed, plan, derived):
        store.import_aggregate(builder(), origin=f"demo {dataset_id} (seed {seed})", kind="demo")
    for table, df in persons.items():
        store.import_person(table, df, origin=f"demo {table} (seed {seed})", kind="demo")


def person_tables(seed: int, plan: RefugeePlan | None = None) -> dict[str, pl.DataFrame]:
    """The person-level demo extracts by canonical table name."""
    return _person_data(seed, plan if plan is not None else refugee_plan(seed))[0]


def _person_data(seed: int, refugees: RefugeePlan) -> tuple[dict[str, pl.DataFrame], PersonFigures]:
    """The person-level extracts and the aggregate figures derived from the weekly ones."""
    targets = person_targets(seed, PERSON_MUNICIPALITIES)
    weeks = all_benefit_weeks(seed, PERSON_MUNICIPALITIES, targets)
    ltu, insured = ltu_cells(weeks), insured_cells(weeks)
    check_targets(ltu, insured, targets)
    cases = [
        sanction_cases(seed, c, weeks.filter(pl.col("municipality_code") == c))
        for c in PERSON_MUNICIPALITIES
    ]
    reviews = [
        sanction_reviews(seed, c, df) for c, df in zip(PERSON_MUNICIPALITIES, cases, strict=True)
    ]
    flex = flexjob_persons(seed)
    hours: dict[str, Cells] = {c: {} for c in PERSON_MUNICIPALITIES}
    own = {c: flex[c] for c in PERSON_MUNICIPALITIES}
    for code, month, band, measure, n in hours_change_cells(seed, own):
        hours[code][(month, band, measure)] = n
    tables = {
        "person_benefit_weeks": weeks,
        "person_flexjob_months": all_flexjob_months(seed, hours),
        "person_refugee_months": person_months(seed, PERSON_MUNICIPALITIES, refugees),
        "sanction_cases": pl.concat(cases),
        "sanction_reviews": pl.concat(reviews),
    }
    return tables, person_figures(ltu, insured, PERSON_MUNICIPALITIES)
