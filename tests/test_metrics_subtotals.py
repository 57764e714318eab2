"""Subtotal values inside a dimension (y38a02's "Alle uddannelsesparate")."""

from __future__ import annotations

import polars as pl

from domain.canonical import TOTAL
from domain.datasets import SUBTOTALS
from metrics import api
from tests.builders import inputs_of, make_agg


def _udh(values: dict[str, float], period: str = "2022M01") -> list[dict]:
    return [
        {"period": period, "measure_id": "fuldtidspersoner", "match_group": g, "value": v}
        for g, v in values.items()
    ]


def _by_group(df: pl.DataFrame) -> dict[str, float]:
    return dict(zip(df["group"], df["value"], strict=True))


def test_subtotal_is_declared_as_data() -> None:
    parts = SUBTOTALS["y38a02"]["match_group"]["Alle uddannelsesparate"]
    assert {"Uddannelsesparat", "Åbenlyst uddannelsesparat"} <= set(parts)


def test_total_without_i_alt_row_does_not_count_the_subtotal_twice() -> None:
    # No "I alt" row: the total is the sum of the parts, 170 + 30 + 20 = 220, not
    # 220 + 50 (the subtotal "Alle uddannelsesparate" = 30 + 20).
    rows = _udh(
        {
            "Aktivitetsparat": 170,
            "Uddannelsesparat": 30,
            "Åbenlyst uddannelsesparat": 20,
            "Alle uddannelsesparate": 50,
        }
    )
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    total = api.kpi_series(ins, "uddannelseshjaelp")
    assert total["group"].to_list() == [TOTAL]
    assert total["value"].to_list() == [220.0]


def test_breakdown_lists_the_parts_not_the_subtotal() -> None:
    rows = _udh(
        {
            TOTAL: 220,
            "Aktivitetsparat": 170,
            "Uddannelsesparat": 30,
            "Åbenlyst uddannelsesparat": 20,
            "Alle uddannelsesparate": 50,
        }
    )
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    split = api.kpi_series(ins, "uddannelseshjaelp", breakdown="match_group")
    assert _by_group(split) == {
        "Aktivitetsparat": 170.0,
        "Uddannelsesparat": 30.0,
        "Åbenlyst uddannelsesparat": 20.0,
    }
    # With the "I alt" row present it is used as published.
    assert api.kpi_series(ins, "uddannelseshjaelp")["value"].to_list() == [220.0]


def test_subtotal_stands_in_when_its_parts_are_not_published() -> None:
    # Only the subtotal and Aktivitetsparat: 170 + 50 = 220, and the breakdown keeps it.
    rows = _udh({"Aktivitetsparat": 170, "Alle uddannelsesparate": 50}, period="2022M02")
    rows += _udh({"Aktivitetsparat": 160, "Uddannelsesparat": 25, "Åbenlyst uddannelsesparat": 15})
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    total = api.kpi_series(ins, "uddannelseshjaelp")
    # January: 160 + 25 + 15 = 200; February: 170 + 50 = 220.
    assert dict(zip(total["period"], total["value"], strict=True)) == {
        "2022M01": 200.0,
        "2022M02": 220.0,
    }
    split = api.kpi_series(ins, "uddannelseshjaelp", breakdown="match_group")
    feb = split.filter(pl.col("period") == "2022M02")
    assert _by_group(feb) == {"Aktivitetsparat": 170.0, "Alle uddannelsesparate": 50.0}
    jan = split.filter(pl.col("period") == "2022M01")
    assert "Alle uddannelsesparate" not in jan["group"].to_list()


def test_subtotal_with_only_some_parts_counts_each_person_once() -> None:
    # The reviewer's case: Uddannelsesparat 3000, Alle uddannelsesparate 5000 (which holds
    # those 3000), Aktivitetsparat 17000, no åbenlyst row: 5000 + 17000 = 22000.
    rows = _udh(
        {"Uddannelsesparat": 3000, "Alle uddannelsesparate": 5000, "Aktivitetsparat": 17000}
    )
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    assert api.kpi_series(ins, "uddannelseshjaelp")["value"].to_list() == [22000.0]
    split = api.kpi_series(ins, "uddannelseshjaelp", breakdown="match_group")
    assert _by_group(split) == {"Aktivitetsparat": 17000.0, "Alle uddannelsesparate": 5000.0}


def test_jobindsats_spelling_of_aabenlys_is_one_part() -> None:
    rows = _udh(
        {
            "Aktivitetsparat": 160,
            "Uddannelsesparat": 25,
            "Åbenlys uddannelsesparat": 15,
            "Alle uddannelsesparate": 40,
        }
    )
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    # All parts present (one under jobindsats' spelling): 160 + 25 + 15 = 200.
    assert api.kpi_series(ins, "uddannelseshjaelp")["value"].to_list() == [200.0]
