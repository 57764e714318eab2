"""Refugees and family-reunified: the stock on public support and lasting self-support.

One plan per seed gives, for every municipality, the monthly number of persons on
selvforsørgelses- og hjemrejseydelse/overgangsydelse by sex and the months in which
persons reach lasting self-support (6 consecutive self-supporting months) by sex and
route. The aggregates (``y35a02``, ``fasit_selvforsoergelse``) are framed from the plan;
for the municipalities with person-level demo data a month-by-month simulation of
persons reproduces the plan exactly, so the person extract and the aggregates agree.

The person extract holds persons on support at some time from 2019M01; persons who
reached lasting self-support before 2019M07 had left support before 2019 and are not in
it, so counts derived from it are complete from 2019M07.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import polars as pl

from data_connectors.demo import calibration as cal
from data_connectors.demo.common import (
    FAVRSKOV,
    MONTH_INDEX,
    MONTHS,
    poisson,
    rng,
)
from data_connectors.demo.profiles import profiles, scaled_series

SEXES = ("Mænd", "Kvinder")
ROUTE_WEIGHTS = (("Job", 0.68), ("Uddannelse", 0.2), ("IGU", 0.12))
LASTING_MONTHS = 6
FIRST_DERIVABLE = LASTING_MONTHS  # month index of 2019M07
EVENT_RATE = {"Mænd": 0.0095, "Kvinder": 0.0075}  # per person on support and month


@dataclass
class RefugeePlan:
    stock: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    events: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)


def _route(r: random.Random) -> str:
    x = r.random()
    for route, w in ROUTE_WEIGHTS:
        if x < w:
            return route
        x -= w
    return ROUTE_WEIGHTS[0][0]


def refugee_plan(seed: int) -> RefugeePlan:
    plan = RefugeePlan()
    template = cal.monthly(cal.REFUGEE_ANCHORS)
    fav = profiles(seed)[FAVRSKOV]
    for code, p in profiles(seed).items():
        r = rng(seed, "refugees", code)
        if code == FAVRSKOV:
            total = [round(v) for v in template]
        else:
            factor = (p.population / fav.population) * (p.burden / fav.burden) ** 0.8
            series = scaled_series(
                template, range(12), p, factor * p.refugees, 0.015, seed, "refugees"
            )
            total = [round(v) for v in series]
        share = cal.REFUGEE_WOMEN_SHARE + (0.0 if code == FAVRSKOV else r.uniform(-0.06, 0.06))
        women = [round(n * share) for n in total]
        men = [n - w for n, w in zip(total, women, strict=True)]
        plan.stock[code] = {"Mænd": men, "Kvinder": women}
        events: list[tuple[int, str, str]] = []
        lo, hi = (MONTH_INDEX[m] for m in cal.REFUGEE_EVENTS_FIXED)
        for t in range(len(MONTHS)):
            if code == FAVRSKOV and lo <= t <= hi:
                continue
            for sex in SEXES:
                # Reaching self-support at t means leaving support at t-5: draw from the
                # stock of six months before.
                base = plan.stock[code][sex][max(0, t - LASTING_MONTHS)]
                for _ in range(poisson(r, base * EVENT_RATE[sex])):
                    events.append((t, sex, _route(r)))
        if code == FAVRSKOV:
            events += [(MONTH_INDEX[m], s, route) for m, s, route in cal.REFUGEE_EVENTS]
        plan.events[code] = sorted(events)
    return plan


def simulate_persons(seed: int, code: str, plan: RefugeePlan, first_id: int = 1) -> pl.DataFrame:
    """Monthly person records (RefugeeMonthSchema) reproducing ``plan`` for ``code``.

    Each month the number of persons on support equals the plan's stock by sex, and the
    persons reaching 6 consecutive self-supporting months are exactly the plan's events
    (from 2019M07). Besides lasting exits, some persons are self-supporting for 1-4
    months and return to support; others leave the records (moving, permanent residence).
    """
    r = rng(seed, "refugee-persons", code)
    rows: dict[str, list[object]] = {
        k: [] for k in ("person_id", "month", "sex", "on_support", "self_supporting", "route")
    }
    next_id = first_id

    def emit(pid: str, t: int, sex: str, on: bool, route: str | None) -> None:
        rows["person_id"].append(pid)
        rows["month"].append(MONTHS[t])
        rows["sex"].append(sex)
        rows["on_support"].append(on)
        rows["self_supporting"].append(route is not None)
        rows["route"].append(route)

    n_months = len(MONTHS)
    for sex in SEXES:
        stock = plan.stock[code][sex]
        exits_at: dict[int, list[str]] = {}
        for t, s, route in plan.events[code]:
            if s == sex and t >= FIRST_DERIVABLE:
                exits_at.setdefault(t - (LASTING_MONTHS - 1), []).append(route)
        pool: list[str] = []
        returning: dict[int, list[str]] = {}
        for t in range(n_months):
            if t > 0:
                for route in exits_at.get(t, []):
                    if not pool:  # pragma: no cover - person municipalities are large enough
                        raise ValueError(f"demo: no refugee on support in {code} to leave")
                    pid = pool.pop(r.randrange(len(pool)))
                    stay = LASTING_MONTHS + r.randint(3, 24)
                    for k in range(t, min(n_months, t + stay)):
                        emit(pid, k, sex, False, route)
                for _ in range(poisson(r, 0.02 * len(pool))):
                    if not pool:
                        break
                    pid = pool.pop(r.randrange(len(pool)))
                    spell = r.randint(1, 4)
                    route = _route(r)
                    for k in range(t, min(n_months, t + spell)):
                        emit(pid, k, sex, False, route)
                    returning.setdefault(t + spell, []).append(pid)
                for _ in range(poisson(r, 0.008 * len(pool))):
                    if pool:
                        pool.pop(r.randrange(len(pool)))
            pool.extend(returning.pop(t, []))
            while len(pool) > stock[t]:
                pool.pop(r.randrange(len(pool)))
            while len(pool) < stock[t]:
                pool.append(f"D{code}-{next_id:06d}")
                next_id += 1
            for pid in pool:
                emit(pid, t, sex, True, None)
    df = pl.DataFrame(
        rows,
        schema={
            "person_id": pl.String(),
            "month": pl.String(),
            "sex": pl.String(),
            "on_support": pl.Boolean(),
            "self_supporting": pl.Boolean(),
            "route": pl.String(),
        },
    )
    return df.with_columns(pl.lit(code).alias("municipality_code")).sort("person_id", "month")


def lasting_self_support(months: pl.DataFrame) -> pl.DataFrame:
    """Persons reaching lasting self-support, by municipality, month, sex and route.

    A person counts in the month in which a run of consecutive self-supporting months
    reaches 6; the route is the route of that month.
    """
    df = months.sort("person_id", "month").with_columns(
        pl.col("month").str.slice(0, 4).cast(pl.Int32).alias("_y"),
        pl.col("month").str.slice(5, 2).cast(pl.Int32).alias("_m"),
    )
    df = df.with_columns((pl.col("_y") * 12 + pl.col("_m")).alias("_n"))
    # A new run starts where the person is not self-supporting, or a month is skipped.
    breaks = ~pl.col("self_supporting") | (
        pl.col("_n") - pl.col("_n").shift(1).over("person_id") != 1
    ).fill_null(True)
    df = df.with_columns(breaks.cum_sum().over("person_id").alias("_run"))
    df = df.with_columns(
        pl.col("self_supporting").cast(pl.Int32).cum_sum().over("person_id", "_run").alias("_len")
    )
    return (
        df.filter(pl.col("self_supporting") & (pl.col("_len") == LASTING_MONTHS))
        .group_by("municipality_code", "month", "sex", "route")
        .agg(pl.len().alias("persons"))
        .sort("municipality_code", "month", "sex", "route")
    )


def person_months(seed: int, codes: tuple[str, ...], plan: RefugeePlan) -> pl.DataFrame:
    frames = [simulate_persons(seed, c, plan) for c in codes]
    return pl.concat(frames).select(
        "person_id", "municipality_code", "month", "sex", "on_support", "self_supporting", "route"
    )
