"""Comparisons (region, country, groups) as ratios of sums, and ranking."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import areas
from metrics import api
from tests.builders import inputs_of, make_agg


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


def _everyone(
    counts: dict[str, tuple[int, int]], rest: tuple[int, int]
) -> dict[str, tuple[int, int]]:
    """``counts`` for the municipalities named, ``rest`` for every other of the 98."""
    codes = areas.municipalities().get_column("code").to_list()
    return {c: counts.get(c, rest) for c in codes}


def test_region_country_and_group_are_ratios_of_sums() -> None:
    # Favrskov 710 and Aarhus 751 (Region Midtjylland 082, 19 municipalities), København
    # 101 (084); every other municipality has 5 of 100.
    data = _everyone({"710": (10, 100), "751": (90, 300), "101": (50, 1000)}, (5, 100))
    group = api.ComparisonGroup(
        id="g", name="Testgruppe", members=["710", "101"], valid_from=date(2020, 1, 1)
    )
    out = api.comparison(
        inputs_of(fasit_forsikrede_oprindelse=_share_rows(data)),
        "andel_oesteuropaeiske_forsikrede",
        municipality="710",
        group=group,
    )
    assert tuple(out.columns) == api.COMPARISON_COLUMNS
    got = {r["area_code"]: r for r in out.iter_rows(named=True)}
    assert set(got) == {"710", "082", "000", "GRP"}
    assert got["710"]["value"] == pytest.approx(10.0)
    # Region: 710 + 751 + 17 others: (10 + 90 + 17 * 5) / (100 + 300 + 17 * 100)
    # = 185 / 2100 = 8.81 %, not the mean of the shares.
    assert got["082"]["value"] == pytest.approx(100 * 185 / 2100)
    assert got["082"]["area_level"] == "region"
    assert got["082"]["note"] is None
    # Country: (10 + 90 + 50 + 95 * 5) / (100 + 300 + 1000 + 95 * 100) = 625 / 10900.
    assert got["000"]["value"] == pytest.approx(100 * 625 / 10900)
    # Group 710 + 101: 60 / 1100 = 5.45 %.
    assert got["GRP"]["value"] == pytest.approx(100 * 60 / 1100)
    assert got["GRP"]["area_level"] == "gruppe"
    assert got["GRP"]["area_name"] == "Testgruppe"


def _ltu_rows(values: Mapping[str, float | None], period: str = "2022M01") -> pl.DataFrame:
    rows = [
        {"period": period, "area_code": c, "measure_id": "fuldtidspersoner", "value": v}
        for c, v in values.items()
    ]
    return make_agg("y25i09", rows)


def test_region_with_a_suppressed_or_missing_member_is_not_summed() -> None:
    # The reviewer's case: Favrskov suppressed, Aarhus 100, Odder (727) 50, nothing else.
    ins = inputs_of(y25i09=_ltu_rows({"710": None, "751": 100, "727": 50}))
    out = api.comparison(ins, "langtidsledige", municipality="751")
    got = {r["area_code"]: r for r in out.iter_rows(named=True)}
    assert got["751"]["value"] == 100.0
    for code in ("082", "000"):  # not 150 (100 + 50)
        assert got[code]["value"] is None and got[code]["numerator"] is None
        assert got[code]["suppressed"] is True
    # Region 082 lacks 16 of its 19 municipalities: said so in the note.
    assert got["082"]["note"] == "Ikke opgjort: 16 af 19 kommuner mangler tal for perioden"


def test_complete_region_is_summed_and_a_small_member_suppresses_it() -> None:
    midt = areas.municipalities().filter(pl.col("region_code") == "082")
    codes = midt.get_column("code").to_list()
    whole = dict.fromkeys(codes, 100.0)
    whole["710"] = 50.0
    out = api.comparison(inputs_of(y25i09=_ltu_rows(whole)), "langtidsledige", municipality="710")
    region = out.filter(pl.col("area_code") == "082").row(0, named=True)
    # 18 * 100 + 50 = 1850, every member present.
    assert (region["value"], region["suppressed"], region["note"]) == (1850.0, False, None)
    # The country has 79 of its 98 municipalities missing.
    country = out.filter(pl.col("area_code") == "000").row(0, named=True)
    assert country["value"] is None
    assert country["note"] == "Ikke opgjort: 79 af 98 kommuner mangler tal for perioden"
    # One member missing: not summed (not a partial 1750).
    partial = {c: v for c, v in whole.items() if c != "751"}
    out = api.comparison(inputs_of(y25i09=_ltu_rows(partial)), "langtidsledige", municipality="710")
    region = out.filter(pl.col("area_code") == "082").row(0, named=True)
    assert (region["value"], region["suppressed"]) == (None, False)
    assert region["note"] == "Ikke opgjort: 1 af 19 kommuner mangler tal for perioden"
    # One member with 3 persons (suppressed by the small-number rule): the sum 1753 would
    # give it away (1753 - 1750), so the region is suppressed.
    small = {**whole, "751": 3.0}
    out = api.comparison(inputs_of(y25i09=_ltu_rows(small)), "langtidsledige", municipality="710")
    region = out.filter(pl.col("area_code") == "082").row(0, named=True)
    assert (region["value"], region["suppressed"]) == (None, True)
    assert region["note"] == "Diskretioneret: mindst én kommunes tal er diskretioneret"


def test_published_rows_win_per_period_and_the_rest_is_summed() -> None:
    codes = areas.municipalities().filter(pl.col("region_code") == "082").get_column("code")
    munis = pl.concat([_ltu_rows(dict.fromkeys(codes, 10.0), p) for p in ("2022M01", "2022M02")])
    published = _ltu_rows({"082": 999.0}, "2022M01")  # the region, January only
    ins = inputs_of(y25i09=pl.concat([munis, published]))
    out = api.comparison(ins, "langtidsledige", municipality="710")
    region = out.filter(pl.col("area_code") == "082")
    # January as published (999); February summed: 19 * 10 = 190.
    assert dict(zip(region["period"], region["value"], strict=True)) == {
        "2022M01": 999.0,
        "2022M02": 190.0,
    }


def test_group_with_a_missing_member_is_not_summed() -> None:
    group = api.ComparisonGroup(
        id="g", name="G", members=["710", "751", "101"], valid_from=date(2020, 1, 1)
    )
    ins = inputs_of(y25i09=_ltu_rows({"710": 100, "751": 200}))
    out = api.comparison(ins, "langtidsledige", municipality="710", group=group)
    g = out.filter(pl.col("area_code") == "GRP").row(0, named=True)
    assert (g["value"], g["suppressed"]) == (None, False)
    assert g["note"] == "Ikke opgjort: 1 af 3 kommuner mangler tal for perioden"


def test_published_region_rows_are_used_when_present() -> None:
    df = pl.concat(
        [
            _share_rows(_everyone({"710": (10, 100), "751": (90, 300)}, (5, 100))),
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
    # The country is not summed from 6 of its 98 municipalities.
    country = out.filter(pl.col("area_code") == "000").row(0, named=True)
    assert country["value"] is None
    assert country["note"] == "Ikke opgjort: 92 af 98 kommuner mangler tal for perioden"
