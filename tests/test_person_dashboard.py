"""The Data page reconciles person-level KPIs with the published figures they imitate."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from data_connectors.store import Store
from metrics import kpis
from metrics.kpis import VersionedInputs, compute_raw
from tests.builders import monthly
from tests.test_dashboard_pages import _app

WEEK0 = date(2021, 1, 4)


def _weeks(n_persons: int, n_weeks: int) -> pl.DataFrame:
    rows = [
        {
            "person_id": f"P{i}",
            "municipality_code": "710",
            "week_start": WEEK0 + timedelta(weeks=w),
            "benefit_group": "A-dagpenge",
            "match_group": "Jobparat",
            "status": "ledig",
            "sex": "Kvinder",
            "birth_year": 1980,
            "country_of_origin": "Danmark",
            "flexjob_hours": None,
        }
        for i in range(n_persons)
        for w in range(n_weeks)
    ]
    return pl.DataFrame(rows)


def test_data_page_shows_the_reconciliation_per_month(app_env: Path) -> None:
    """Six persons unemployed weeks 0-59 (2021-01-04 to 2022-02-21): long-term in all of
    January and February 2022, 6.0 full-time persons each month (tests/test_person_kpis.py
    works the weeks). Published y25i09: 7 in January, 6 in February: differences -1 and 0."""
    store = Store(app_env)
    store.import_person("person_benefit_weeks", _weeks(6, 60), origin="test weeks")
    store.import_aggregate(
        monthly("y25i09", "fuldtidspersoner", {"2022M01": 7, "2022M02": 6}), origin="test y25i09"
    )
    at = _app("views/data.py")
    assert "Afstemning: persondata mod offentliggjorte tal" in [h.value for h in at.subheader]
    tables = [d.value for d in at.dataframe if "Persondata" in d.value.columns]
    assert tables, "no reconciliation table"
    rec = tables[0]
    rows = {
        (float(o), float(p), float(f))
        for o, p, f in zip(rec["Offentliggjort"], rec["Persondata"], rec["Forskel"], strict=True)
    }
    assert rows == {(7.0, 6.0, -1.0), (6.0, 6.0, 0.0)}


def test_a_metric_is_computed_once_per_data_version() -> None:
    """The same metric of the same data version is one computation shared by every caller;
    a new version (a new import) computes it again; plain dicts are never cached."""
    kpis.clear_cache()
    calls: list[str] = []
    real = kpis.FUNCTIONS["langtidsledige"]

    def counting(inputs: kpis.Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
        calls.append("x")
        return real(inputs, breakdown=breakdown)

    df = monthly("y25i09", "fuldtidspersoner", {"2022M01": 7}).lazy()
    old = kpis.FUNCTIONS["langtidsledige"]
    kpis.FUNCTIONS["langtidsledige"] = counting
    try:
        v1 = VersionedInputs({"y25i09": df}, version="v1")
        a = compute_raw(v1, "langtidsledige")
        b = compute_raw(VersionedInputs({"y25i09": df}, version="v1"), "langtidsledige")
        assert a is b and len(calls) == 1
        compute_raw(VersionedInputs({"y25i09": df}, version="v2"), "langtidsledige")
        assert len(calls) == 2
        compute_raw({"y25i09": df}, "langtidsledige")
        compute_raw({"y25i09": df}, "langtidsledige")
        assert len(calls) == 4
        assert a["numerator"].to_list() == [7.0]
    finally:
        kpis.FUNCTIONS["langtidsledige"] = old
        kpis.clear_cache()
