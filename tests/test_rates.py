"""Counts on one scale: per 100 in the labour force, and as an index (``metrics.rates``).

Hand-worked: a ledighedsydelse table (y09a02) gives full-time persons and the same in
percent of the labour force 16-66, so labour force = full-time * 100 / percent:

* Favrskov 100 full-time at 0,4 % -> 25.000; Aarhus 300 at 0,15 % -> 200.000;
  Randers 50 at 0,1 % -> 50.000 (every month of 2022).
* Long-term unemployed 2022 (the AppTest store of ``tests/test_dashboard_pages.py``):
  Favrskov 108, Aarhus 300, Randers 50 on average. Per 100 in the labour force:
  Favrskov 108 / 25.000 * 100 = 0,432, Aarhus 300 / 200.000 * 100 = 0,15,
  Randers 50 / 50.000 * 100 = 0,1. Lower is better: Randers 1, Aarhus 2, Favrskov 3
  (by count Favrskov was 2: it is smaller than Aarhus, not better).
* Index: Favrskov's long-term unemployed 100 in January and 116 in December 2022 give
  100 and 116; the country 1.000 all year gives 100 throughout.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from data_connectors.store import Store
from domain.canonical import AggregateSchema
from domain.periods import month_range
from metrics import api, rates
from tests.builders import agg_row
from tests.test_dashboard_pages import APP, TIMEOUT

LF = {"710": (100.0, 0.4), "751": (300.0, 0.15), "730": (50.0, 0.1)}


def _lf_rows() -> pl.DataFrame:
    rows = []
    for code, (ft, pct) in LF.items():
        for m in month_range("2022M01", "2022M12"):
            rows.append(agg_row("y09a02", m, code, "fuldtidspersoner", ft))
            rows.append(agg_row("y09a02", m, code, "pct_arbejdsstyrken", pct))
    return pl.DataFrame(rows).select(AggregateSchema.column_names())


def test_the_labour_force_is_derived_from_jobindsats_percentages() -> None:
    lf = rates.labour_force({"y09a02": _lf_rows().lazy()})
    by_area = dict(
        lf.filter(pl.col("period") == "2022M06").select("area_code", "labour_force").iter_rows()
    )
    assert by_area == pytest.approx({"710": 25_000.0, "751": 200_000.0, "730": 50_000.0})
    assert "y09a02" in rates.labour_force_sources()
    assert rates.labour_force({}).is_empty()


def test_ranking_per_100_in_the_labour_force_by_hand(app_env: Path) -> None:
    store = Store(app_env)
    inputs = {**store.inputs(), "y09a02": _lf_rows().lazy()}
    counts = api.ranking(inputs, "langtidsledige", year=2022)
    assert dict(counts.select("area_code", "rank").iter_rows()) == {"730": 1, "710": 2, "751": 3}
    rated = rates.ranking_per_labour_force(
        counts, rates.labour_force(inputs), year=2022, better="lower"
    )
    assert dict(rated.select("area_code", "rank").iter_rows()) == {"730": 1, "751": 2, "710": 3}
    values = dict(rated.select("area_code", "value").iter_rows())
    assert values == pytest.approx({"710": 0.432, "751": 0.15, "730": 0.1})
    assert dict(rated.select("area_code", "count").iter_rows())["710"] == pytest.approx(108)


def test_an_index_puts_areas_of_any_size_on_one_scale() -> None:
    df = pl.DataFrame(
        {
            "area_code": ["710", "710", "000", "000"],
            "period": ["2022M01", "2022M12", "2022M01", "2022M12"],
            "period_start": pl.Series(["2022-01-01", "2022-12-01"] * 2).str.to_date(),
            "value": [100.0, 116.0, 1000.0, 1000.0],
        }
    )
    out = rates.indexed(df)
    assert out["value"].to_list() == pytest.approx([100.0, 116.0, 100.0, 100.0])
    assert set(out["base_period"]) == {"2022M01"}
    # a suppressed first month: the base is the first month every area has
    gap = df.with_columns(
        pl.when((pl.col("area_code") == "710") & (pl.col("period") == "2022M01"))
        .then(None)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    out = rates.indexed(gap)
    assert out["base_period"][0] == "2022M12"
    assert out["value"].to_list()[1] == pytest.approx(100.0)


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_maal_compares_on_one_scale_and_any_group_can_be_chosen(app_env: Path) -> None:
    at = _app("views/maal.py", kommune="710", aar="2022", maal="2")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    comp = next(s for s in specs if "indeks" in s["layout"]["title"]["text"])
    lines = {t["name"]: t["y"] for t in comp["data"]}
    assert lines["Favrskov"][0] == pytest.approx(100) and lines["Favrskov"][-1] == pytest.approx(
        116
    )
    assert lines["Hele landet"] == pytest.approx([100] * 12)
    assert "RAR Østjylland" in lines and "RAR Østjylland" in comp["layout"]["title"]["text"]
    at.selectbox(key="maal:gruppe").select("ingen").run()
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    comp = next(s for s in specs if "indeks" in s["layout"]["title"]["text"])
    assert "RAR Østjylland" not in {t["name"] for t in comp["data"]}


def test_kommuner_ranks_counts_per_100_in_the_labour_force(app_env: Path) -> None:
    Store(app_env).import_aggregate(_lf_rows(), origin="test-lf")
    at = _app("views/kommuner.py", kommune="710", aar="2022", kpi="langtidsledige")
    text = "\n".join(m.value for m in at.markdown)
    assert "ligger nr. **3** af 3 kommuner" in text
    overview = next(d.value for d in at.dataframe if "Nøgletal" in d.value.columns)
    row = overview[overview["Nøgletal"].str.startswith("Langtidsledige")]
    assert row["Placering 2022"].tolist() == ["3 af 3"]
    at.radio(key="kommuner:ranking:how").set_value("antal").run()
    text = "\n".join(m.value for m in at.markdown)
    assert "ligger nr. **2** af 3 kommuner" in text
