"""STAR's benchmark (y30r21): actual against expected, and the published rank."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics import api
from tests.builders import inputs_of, make_agg

# (area, period): (expected, actual, rank); full-time persons rounded to tens.
BENCH = {
    ("710", "2022QMAT02"): (3700, 3500, 12),
    ("710", "2022QMAT04"): (3600, 3420, 9),
    ("751", "2022QMAT02"): (30000, 31500, 80),
    ("751", "2022QMAT04"): (30400, 31920, 77),
}


def _inputs() -> dict[str, pl.LazyFrame]:
    rows = []
    for (area, period), (exp, act, rank) in BENCH.items():
        for measure, v in (
            ("forventet_fuldtidspersoner", exp),
            ("faktisk_fuldtidspersoner", act),
            ("placering", rank),
        ):
            rows.append({"period": period, "area_code": area, "measure_id": measure, "value": v})
    return inputs_of(y30r21=make_agg("y30r21", rows))


def test_difference_in_percent_per_rolling_year() -> None:
    s = api.kpi_series(_inputs(), "benchmark_forskel_pct", area_codes=["710"])
    assert s["period"].to_list() == ["2022QMAT02", "2022QMAT04"]
    # Period start from the canonical row: 2022QMAT02 is July 2021 - June 2022.
    assert s["period_start"].to_list() == [date(2021, 7, 1), date(2022, 1, 1)]
    # (3500 - 3700) / 3700 * 100 = -5.405 %; (3420 - 3600) / 3600 * 100 = -5.0 %.
    assert s["value"].to_list() == pytest.approx([-200 / 3700 * 100, -5.0])
    assert s["numerator"].to_list() == [-200.0, -180.0]
    assert s["denominator"].to_list() == [3700.0, 3600.0]
    assert not s["suppressed"].any()


def test_difference_for_region_and_group_is_a_ratio_of_sums() -> None:
    group = api.ComparisonGroup(
        id="g", name="Favrskov og Aarhus", members=["710", "751"], valid_from=date(2015, 1, 1)
    )
    c = api.comparison(
        _inputs(), "benchmark_forskel_pct", municipality="710", start="2022QMAT04", group=group
    )
    by_area = dict(zip(c["area_code"], c["value"], strict=True))
    # Sums for 2022QMAT04: actual 3420 + 31920 = 35340, expected 3600 + 30400 = 34000;
    # (35340 - 34000) / 34000 * 100 = 3.941 %, not the mean of -5.0 and +5.0.
    expected = (35340 - 34000) / 34000 * 100
    assert by_area["GRP"] == pytest.approx(expected)
    assert by_area["710"] == pytest.approx(-5.0)
    # Region Midtjylland has 19 municipalities; with only 710 and 751 in the data it is
    # not summed (17 missing), rather than shown as the partial 3.94 %.
    region = c.filter(pl.col("area_code") == "082").row(0, named=True)
    assert region["value"] is None and region["suppressed"] is False
    assert region["note"] == "Ikke opgjort: 17 af 19 kommuner mangler tal for perioden"


def test_rank_is_published_only_for_municipalities() -> None:
    s = api.kpi_series(_inputs(), "benchmark_placering", area_codes=["710"])
    assert dict(zip(s["period"], s["value"], strict=True)) == {
        "2022QMAT02": 12.0,
        "2022QMAT04": 9.0,
    }
    group = api.ComparisonGroup(
        id="g", name="Favrskov og Aarhus", members=["710", "751"], valid_from=date(2015, 1, 1)
    )
    c = api.comparison(_inputs(), "benchmark_placering", municipality="710", group=group)
    others = c.filter(pl.col("area_code") != "710")
    assert set(others["area_code"]) == {"082", "000", "GRP"}
    # Ranks are not summed: no value, and not marked as suppressed either.
    assert others["value"].null_count() == others.height
    assert not others["suppressed"].any()


def test_benchmark_metrics_are_lower_is_better_and_rank_in_ranking() -> None:
    for mid in ("benchmark_forskel_pct", "benchmark_placering"):
        m = api.get_metric(mid)
        assert (m.better, m.grain, m.rolling_year) == ("lower", "quarter", True)
    r = api.ranking(_inputs(), "benchmark_forskel_pct", period="2022QMAT04")
    # 710: -5.0 % beats 751: (31920 - 30400) / 30400 = +5.0 %.
    assert r["area_code"].to_list() == ["710", "751"]
    # The year's value is the rolling year ending in December (2022QMAT04).
    y = api.ranking(_inputs(), "benchmark_placering", year=2022)
    assert dict(zip(y["area_code"], y["value"], strict=True)) == {"710": 9.0, "751": 77.0}


def test_target_on_the_rank_uses_the_rolling_year_ending_in_december() -> None:
    plan = api.parse_plan(
        """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2022
title = "Test"

[[targets]]
id = "b"
label = "Placering i STAR's benchmark"
metric_id = "benchmark_placering"
kind = "max"
target = 10
unit = "placering"
wording = "Favrskov skal ligge i top 10."
"""
    )
    row = api.evaluate_plan(_inputs(), plan, as_of="2022M12").row(0, named=True)
    # 2022QMAT04 (calendar year 2022): rank 9 <= 10 -> met.
    assert (row["value"], row["status"]) == (9.0, "nået")
    assert (row["periods_covered"], row["periods_label"]) == ("2022QMAT04", "januar-december 2022")
    assert "nr. 9" in row["explanation"]


def test_benchmark_table_gives_published_actual_expected_and_rank() -> None:
    t = api.benchmark_table(_inputs(), municipality="710")
    assert t["period"].to_list() == ["2022QMAT02", "2022QMAT04"]
    # As published: actual 3500 / 3420, expected 3700 / 3600, rank 12 / 9, of 2 ranked.
    assert t["faktisk"].to_list() == [3500.0, 3420.0]
    assert t["forventet"].to_list() == [3700.0, 3600.0]
    assert t["placering"].to_list() == [12, 9]
    assert t["n_ranked"].to_list() == [2, 2]
    assert t["forskel"].to_list() == pytest.approx([-200 / 3700 * 100, -5.0])
