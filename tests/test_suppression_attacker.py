"""A brute-force attacker on the demo store: no figure under 5 is derivable by subtraction.

The attacker sees only what jobmaal shows: every municipality's, region's and the
country's monthly figures (``kpi_series``, all areas, all months, with and without a
breakdown) and every municipality's yearly figure (``ranking`` by year, which the plan
pages and the report also show). It tries every differencing path of issue 11:
region minus its shown municipalities, the country minus the shown regions or
municipalities, the year minus the shown months, the total minus the shown groups. A
path gives a cell away when exactly one of its parts is hidden. With complementary
suppression (``metrics.series.protect``) no path gives away a hidden cell under 5; with
primary suppression alone, the same attacker finds such cells (so the attacker is real).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
import pytest

from data_connectors.store import Store
from domain import areas
from domain.canonical import COUNTRY_CODE, TOTAL
from domain.registry import METRICS
from metrics import api, series
from tests.builders import monthly
from tests.test_targets_evaluate import LTU_TARGET, _ltu, _plan, _row

# (metric, breakdown): the person counts the demo makes small somewhere
CASES = [
    ("ledighedsydelse", None),
    ("ressourceforloeb", None),
    ("flygtninge_paa_ydelse", None),
    ("flygtninge_paa_ydelse", "sex"),
    ("langtidsledige", None),
    ("langtidsledige", "benefit_group"),
    ("uddannelseshjaelp", None),
    ("uddannelseshjaelp", "match_group"),
    ("flygtninge_varig_selvforsoergelse", None),
    ("flygtninge_varig_selvforsoergelse", "sex"),
    ("fleksjob_fuldtidspersoner", None),
]
YEARS = range(2019, 2024)


@dataclass(frozen=True)
class Leak:
    path: str
    cell: str
    derived: float


def _mun_region() -> dict[str, str]:
    return dict(areas.municipalities().select("code", "region_code").iter_rows())


def _single_hidden(
    total: float | None, parts: list[tuple[str, float | None, bool]]
) -> tuple[str, float] | None:
    """(hidden cell, its value) when exactly one part is hidden and the total is shown."""
    if total is None:
        return None
    hidden = [name for name, _v, h in parts if h]
    if len(hidden) != 1:
        return None
    shown = sum(v or 0.0 for _n, v, h in parts if not h)
    return hidden[0], total - shown


def attack(inputs: dict[str, pl.LazyFrame], metric_id: str, breakdown: str | None) -> list[Leak]:
    metric = METRICS[metric_id]
    s = api.kpi_series(inputs, metric_id, breakdown=breakdown)
    if breakdown is not None:  # the total beside the groups, as the pages show it
        s = pl.concat([s, api.kpi_series(inputs, metric_id)])
    s = s.unique(["area_code", "period", "group"], keep="first")
    leaks: list[Leak] = []
    cells = {
        (r["area_code"], r["period"], r["group"]): (r["numerator"], bool(r["suppressed"]))
        for r in s.iter_rows(named=True)
    }
    region_of = _mun_region()
    by_region: dict[tuple[str, str, str], list[tuple[str, float | None, bool]]] = defaultdict(list)
    by_country: dict[tuple[str, str], list[tuple[str, float | None, bool]]] = defaultdict(list)
    regions: dict[tuple[str, str], list[tuple[str, float | None, bool]]] = defaultdict(list)
    groups: dict[tuple[str, str], list[tuple[str, float | None, bool]]] = defaultdict(list)
    for (code, period, group), (num, hidden) in cells.items():
        if code in region_of:
            by_region[(region_of[code], period, group)].append((code, num, hidden))
            by_country[(period, group)].append((code, num, hidden))
        elif code != COUNTRY_CODE:
            regions[(period, group)].append((code, num, hidden))
        if group != TOTAL:
            groups[(code, period)].append((group, num, hidden))

    def shown(code: str, period: str, group: str) -> float | None:
        num, hidden = cells.get((code, period, group), (None, True))
        return None if hidden else num

    paths = [
        ("region - municipalities", by_region, lambda k: shown(k[0], k[1], k[2])),
        ("country - municipalities", by_country, lambda k: shown(COUNTRY_CODE, k[0], k[1])),
        ("country - regions", regions, lambda k: shown(COUNTRY_CODE, k[0], k[1])),
        ("total - groups", groups, lambda k: shown(k[0], k[1], TOTAL)),
    ]
    for name, structure, total_of in paths:
        for key, parts in structure.items():
            hit = _single_hidden(total_of(key), parts)
            if hit is not None:
                leaks.append(Leak(name, f"{hit[0]} {key}", hit[1]))

    if metric.year_agg in ("mean", "sum") and not metric.is_rate and breakdown is None:
        months = s.filter(pl.col("period").str.contains(r"^\d{4}M\d{2}$"))
        for year in YEARS:
            yearly = api.ranking(inputs, metric_id, year=year)
            in_year = months.filter(pl.col("period").str.starts_with(str(year)))
            per_area: dict[str, list[tuple[str, float | None, bool]]] = defaultdict(list)
            for r in in_year.iter_rows(named=True):
                per_area[r["area_code"]].append(
                    (r["period"], r["numerator"], bool(r["suppressed"]))
                )
            for r in yearly.iter_rows(named=True):
                parts = per_area.get(r["area_code"], [])
                factor = len(parts) if metric.year_agg == "mean" else 1
                hit = _single_hidden(r["value"] * factor, parts)
                if hit is not None:
                    leaks.append(Leak("year - months", f"{r['area_code']} {hit[0]}", hit[1]))
    return leaks


@pytest.fixture(scope="module")
def inputs(demo_store: Store) -> Iterator[dict[str, pl.LazyFrame]]:
    yield demo_store.inputs()


def _small(leaks: list[Leak]) -> list[Leak]:
    return [leak for leak in leaks if 0 < round(leak.derived, 6) < series.MIN_PERSONS]


@pytest.mark.parametrize(("metric_id", "breakdown"), CASES)
def test_no_figure_under_5_is_derivable(
    inputs: dict[str, pl.LazyFrame], metric_id: str, breakdown: str | None
) -> None:
    leaks = attack(inputs, metric_id, breakdown)
    assert _small(leaks) == []
    assert leaks == []  # not even a complementary cell is given away alone


def test_without_complementary_suppression_the_attacker_finds_small_figures(
    inputs: dict[str, pl.LazyFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same attacker against primary suppression only (the rule before issue 11):
    region minus municipalities, the year minus its months and the total minus the groups
    give away figures under 5 (on the demo store: hundreds of cells)."""

    def primary_only(raw: pl.DataFrame, metric: object) -> pl.DataFrame:
        return raw.with_columns(series.suppress_expr(metric).alias("suppressed"))  # type: ignore[arg-type]

    monkeypatch.setattr(api, "protect", primary_only)
    monkeypatch.setattr(series, "protect", primary_only)
    found = [leak for m, b in CASES for leak in _small(attack(inputs, m, b))]
    assert {leak.path for leak in found} >= {
        "region - municipalities",
        "country - municipalities",
        "total - groups",
        "year - months",
    }


# -- hand-worked examples of the rule ----------------------------------------------------


def test_a_lone_suppressed_municipality_takes_the_smallest_of_its_region_with_it() -> None:
    """Region Nordjylland published 1000 in June 2021: Læsø 3 (under 5), Rebild 40,
    Aalborg 957. Region minus Rebild and Aalborg would give Læsø's 3 back, so Rebild (the
    smallest shown) is hidden too; Aalborg stays. Favrskov, in another region, alone."""
    rows = [("081", "region", 1000.0), ("825", "kommune", 3.0), ("840", "kommune", 40.0),
            ("851", "kommune", 957.0), ("710", "kommune", 120.0)]  # fmt: skip
    inputs = {
        "y09a02": pl.concat(
            [monthly("y09a02", "fuldtidspersoner", {"2021M06": v}, area=c) for c, _l, v in rows]
        ).lazy()
    }
    s = api.kpi_series(inputs, "ledighedsydelse")
    hidden = dict(s.select("area_code", "suppressed").iter_rows())
    assert hidden == {"081": False, "825": True, "840": True, "851": False, "710": False}


def test_the_year_so_far_is_hidden_when_it_would_give_away_one_month() -> None:
    """Long-term unemployed 2022: January 3 (under 5), February-November 20, December 10.
    Over the year December (the smallest other month) is hidden with January, so the
    year's mean (3 + 10 x 20 + 10) / 12 = 17,75 tells only that the two make 13. As of
    February the value so far (3 + 20) / 2 = 11,5 would give January back (2 x 11,5 - 20):
    it is not shown."""
    inputs = _ltu([3.0] + [20.0] * 10 + [10.0])
    plan = _plan(LTU_TARGET)
    feb = _row(api.evaluate_plan(inputs, plan, as_of="2022M02"), "2")
    assert feb["value"] is None
    assert any("én af månederne er under 5 personer" in n for n in feb["notes"])
    dec = _row(api.evaluate_plan(inputs, plan, as_of="2022M12"), "2")
    assert dec["value"] == pytest.approx(213 / 12)
    months = api.kpi_series(inputs, "langtidsledige", start="2022M01", end="2022M12")
    hidden = months.filter(pl.col("suppressed"))["period"].to_list()
    assert hidden == ["2022M01", "2022M12"]
