"""Comparisons (region, country, groups) as ratios of sums, and ranking."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import api
from tests.test_metrics_kpis import inputs_of, make_agg


def _share_rows(counts: dict[str, tuple[int, int]], period: str = "2022M01") -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    for code, (east, total) in counts.items():
        rows += [
            {"period": period, "area_code": code, "measure_id": "fuldtidspersoner", "value": total},
            {
                "period": period,
                "area_code": code,
                "measure_id": "fuldtidspersoner",
                "origin": "Polen",
                "value": east,
            },
        ]
    return make_agg("fasit_forsikrede_oprindelse", rows)


def test_region_country_and_group_are_ratios_of_sums() -> None:
    # Favrskov 710 and Aarhus 751 (Region Midtjylland 082), København 101 (084).
    df = _share_rows({"710": (10, 100), "751": (90, 300), "101": (50, 1000)})
    group = api.ComparisonGroup(
        id="g", name="Testgruppe", members=["710", "101"], valid_from=date(2020, 1, 1)
    )
    out = api.comparison(
        inputs_of(fasit_forsikrede_oprindelse=df),
        "andel_oesteuropaeiske_forsikrede",
        municipality="710",
        group=group,
    )
    got = {r["area_code"]: r for r in out.iter_rows(named=True)}
    assert set(got) == {"710", "082", "000", "GRP"}
    assert got["710"]["value"] == pytest.approx(10.0)
    # Region: (10 + 90) / (100 + 300) = 25 %, not the mean of 10 % and 30 % (20 %).
    assert got["082"]["value"] == pytest.approx(25.0)
    assert got["082"]["area_level"] == "region"
    # Country: (10 + 90 + 50) / (100 + 300 + 1000) = 150 / 1400 = 10.71 %.
    assert got["000"]["value"] == pytest.approx(100 * 150 / 1400)
    # Group 710 + 101: 60 / 1100 = 5.45 %.
    assert got["GRP"]["value"] == pytest.approx(100 * 60 / 1100)
    assert got["GRP"]["area_level"] == "gruppe"
    assert got["GRP"]["area_name"] == "Testgruppe"


def test_published_region_rows_are_used_when_present() -> None:
    df = pl.concat(
        [
            _share_rows({"710": (10, 100), "751": (90, 300)}),
            _share_rows({"082": (500, 2000)}),
        ]
    )
    out = api.comparison(
        inputs_of(fasit_forsikrede_oprindelse=df),
        "andel_oesteuropaeiske_forsikrede",
        municipality="710",
    )
    region = out.filter(pl.col("area_code") == "082")
    assert region["value"].to_list() == [pytest.approx(25.0)]  # 500 / 2000


def test_group_rows_only_inside_validity() -> None:
    df = pl.concat([_share_rows({"710": (10, 100)}, p) for p in ("2024M12", "2025M01")])
    group = api.ComparisonGroup(
        id="rar",
        name="RAR",
        members=["710"],
        valid_from=date(2015, 1, 1),
        valid_to=date(2024, 12, 31),
    )
    out = api.comparison(
        inputs_of(fasit_forsikrede_oprindelse=df),
        "andel_oesteuropaeiske_forsikrede",
        municipality="710",
        group=group,
    )
    assert out.filter(pl.col("area_code") == "GRP")["period"].to_list() == ["2024M12"]


def test_comparison_unknown_municipality() -> None:
    with pytest.raises(LookupError):
        api.comparison({}, "langtidsledige", municipality="999")


def test_ranking_lower_is_better_and_ties() -> None:
    rows = [
        {"period": "2022M01", "area_code": c, "measure_id": "fuldtidspersoner", "value": v}
        for c, v in (("710", 100), ("751", 300), ("101", 100), ("147", 50))
    ]
    r = api.ranking(inputs_of(y25i09=make_agg("y25i09", rows)), "langtidsledige")
    got = dict(zip(r["area_code"], r["rank"], strict=True))
    assert got == {"147": 1, "101": 2, "710": 2, "751": 4}
    assert set(r["n_areas"].to_list()) == {4}
    assert r.columns[:5] == list(api.RANKING_COLUMNS)


def test_ranking_higher_is_better() -> None:
    rows = [
        {"period": "2022M01", "area_code": c, "measure_id": "virksomhedsbesoeg", "value": v}
        for c, v in (("710", 7), ("751", 30))
    ]
    r = api.ranking(
        inputs_of(crm_virksomhedsservice=make_agg("crm_virksomhedsservice", rows)),
        "virksomhedsbesoeg",
        period="2022M01",
    )
    assert r["area_code"].to_list() == ["751", "710"]


MUNIS = ["710", "751", "706", "727", "101", "147"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(5, 400)).map(lambda t: (min(t[0], t[1]), t[1])),
        min_size=len(MUNIS),
        max_size=len(MUNIS),
    ),
    st.sets(st.sampled_from(MUNIS), min_size=1),
)
def test_group_rate_equals_ratio_of_sums(counts: list[tuple[int, int]], members: set[str]) -> None:
    # Make numerators at least 5 where positive so nothing is suppressed.
    data = {c: (0 if e < 5 else e, t + 5) for c, (e, t) in zip(MUNIS, counts, strict=True)}
    df = _share_rows(data)
    group = api.ComparisonGroup(
        id="g", name="G", members=sorted(members), valid_from=date(2000, 1, 1)
    )
    out = api.comparison(
        inputs_of(fasit_forsikrede_oprindelse=df),
        "andel_oesteuropaeiske_forsikrede",
        municipality="710",
        group=group,
    )
    num = sum(data[m][0] for m in members)
    den = sum(data[m][1] for m in members)
    g = out.filter(pl.col("area_code") == "GRP").row(0, named=True)
    if 0 < num < 5:
        assert g["suppressed"]
    else:
        assert g["value"] == pytest.approx(100 * num / den)
        assert (g["numerator"], g["denominator"]) == (num, den)
    # The country is the ratio of sums over all municipalities with data.
    country = out.filter(pl.col("area_code") == "000").row(0, named=True)
    all_num = sum(v[0] for v in data.values())
    all_den = sum(v[1] for v in data.values())
    if not 0 < all_num < 5:
        assert country["value"] == pytest.approx(100 * all_num / all_den)
