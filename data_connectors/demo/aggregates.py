"""The demo's aggregate datasets for all 98 municipalities, the regions and the country.

Favrskov's series come from ``calibration``; every other municipality gets a version of
the same shape scaled by its population and burden and bent by its own COVID strength,
later trend and noise (``profiles``). Leaves are generated per municipality as integers,
then totals, regions and the country are summed from them (``common.aggregate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from data_connectors.demo import calibration as cal
from data_connectors.demo.common import (
    FAVRSKOV,
    MONTH_INDEX,
    MONTHS,
    aggregate,
    canonical,
    leaf_frame,
    poisson,
    rng,
    split_int,
    with_areas,
    with_totals,
)
from data_connectors.demo.persons import (
    INSURED_MONTHS,
    LTU_MONTHS,
    WeekTargets,
    weeks_in_month,
)
from data_connectors.demo.profiles import POPULATION, Profile, profiles, scaled_series
from data_connectors.demo.refugees import RefugeePlan
from domain.areas import municipalities
from domain.canonical import COUNTRY_CODE, DIMENSIONS, TOTAL
from domain.datasets import (
    BENEFIT_GROUPS_LTU,
    EASTERN_EUROPE,
    HOURS_BANDS,
    NO_HOURS,
    ROUTES,
    SCHEMES,
    SEXES,
    VISITATION_UDH,
)

Rows = dict[str, list[object]]
PRE_COVID = range(12)  # 2019: the level the other municipalities are scaled from


def _rows(dims: tuple[str, ...]) -> Rows:
    return {k: [] for k in ("area_code", "period", *dims, "measure_id", "v")}


def _add(rows: Rows, code: str, period: str, dims: dict[str, str], measure: str, v: int) -> None:
    rows["area_code"].append(code)
    rows["period"].append(period)
    for d, x in dims.items():
        rows[d].append(x)
    rows["measure_id"].append(measure)
    rows["v"].append(v)


def _series(
    seed: int,
    what: str,
    template: list[float],
    p: Profile,
    fav: Profile,
    elasticity: float,
    extra: float = 1.0,
    noise: float = 0.03,
) -> list[float]:
    """Favrskov's own ``template``, or another municipality's scaled version of it."""
    if p.code == FAVRSKOV:
        return list(template)
    factor = (p.population / fav.population) * (p.burden / fav.burden) ** elasticity * extra
    return scaled_series(template, PRE_COVID, p, factor, noise, seed, what)


def _each(seed: int) -> list[tuple[Profile, Profile]]:
    ps = profiles(seed)
    return [(p, ps[FAVRSKOV]) for p in ps.values()]


# -- y25i09: long-term unemployed by benefit group --------------------------------------
def _ltu_months(
    seed: int, whole: frozenset[str], only: frozenset[str] | None = None
) -> Iterator[tuple[str, int, list[int], list[int], list[int]]]:
    """Per municipality and month index: full-time persons (tenths), persons and gross
    unemployed persons by benefit group (``BENEFIT_GROUPS_LTU``). Municipalities in
    ``whole`` (those with person records) get whole full-time persons, which the weekly
    records give exactly. ``only``: just these municipalities (each has its own random
    streams, so its figures are the same)."""
    template = [float(v) for v in cal.LTU_FULLTIME]
    for p, fav in _each(seed):
        if only is not None and p.code not in only:
            continue
        series = _series(seed, "ltu", template, p, fav, 1.0, noise=0.035)
        r = rng(seed, "ltu-groups", p.code)
        gross = rng(seed, "ltu-gross", p.code)  # its own stream: the groups stay as calibrated
        for t in range(len(MONTHS)):
            covid = max(0.0, template[t] / 100.0 - 1.0)  # A-dagpenge weigh more in the crisis
            weights = [
                (0.50 + 0.25 * covid) * r.uniform(0.95, 1.05),
                0.27 * p.burden * r.uniform(0.93, 1.07),
                0.05 * p.refugees * r.uniform(0.85, 1.15),
                0.16 * r.uniform(0.92, 1.08),
            ]
            if p.code in whole:
                fulltime = [10 * x for x in split_int(round(series[t]), weights)]
            else:
                fulltime = split_int(round(series[t] * 10), weights)
            persons = split_int(round(series[t] * r.uniform(1.09, 1.13)), weights)
            # long-term unemployed are roughly a fifth to a sixth of the gross unemployed
            brutto = [round(pe * gross.uniform(4.5, 6.5)) for pe in persons]
            yield p.code, t, fulltime, persons, brutto


def long_term_unemployed(seed: int, derived: PersonFigures | None = None) -> pl.DataFrame:
    """y25i09. Where person records exist (``derived``), the months they give are their
    own figures: full-time persons (person-weeks / weeks of the month) and persons."""
    dims = ("benefit_group",)
    rows = _rows(dims)
    whole = frozenset(derived.codes) if derived is not None else frozenset()
    cells = derived.ltu if derived is not None else {}
    for code, t, fulltime, persons, brutto in _ltu_months(seed, whole):
        month = MONTHS[t]
        for i, g in enumerate(BENEFIT_GROUPS_LTU):
            ft, pe = fulltime[i], persons[i]
            if (code, month) in cells:
                ft, pe = cells[(code, month)][g]
            where = {"benefit_group": g}
            _add(rows, code, month, where, "fuldtidspersoner", ft)
            _add(rows, code, month, where, "personer", pe)
            _add(rows, code, month, where, "bruttoledige_personer", max(brutto[i], pe))
    return aggregate("y25i09", leaf_frame(rows, dims), dims, seed)


# -- fasit_forsikrede_oprindelse: insured unemployed by country of origin ----------------
# Relative weights of the 13 Eastern European countries (Poland and Romania dominate).
EASTERN_WEIGHTS: dict[str, float] = {
    "Hviderusland": 0.5, "Bulgarien": 7, "Tjekkiet": 1.5, "Ungarn": 3, "Moldova": 0.5,
    "Polen": 38, "Rumænien": 27, "Rusland": 2, "Slovakiet": 1.5, "Ukraine": 4,
    "Estland": 1, "Letland": 5, "Litauen": 9,
}  # fmt: skip


def _insured_months(
    seed: int, whole: frozenset[str], only: frozenset[str] | None = None
) -> Iterator[tuple[str, int, list[int]]]:
    """Per municipality and month index: insured unemployed in tenths of full-time
    persons by origin (Danmark, the 13 Eastern European countries, Øvrige lande).
    Municipalities in ``whole`` get whole persons (the weekly records count persons)."""
    insured = cal.monthly(cal.INSURED_ANCHORS)
    eastern = cal.monthly(cal.EASTERN_ANCHORS)
    share = [e / i for e, i in zip(eastern, insured, strict=True)]
    for p, fav in _each(seed):
        if only is not None and p.code not in only:
            continue
        series = _series(seed, "insured", insured, p, fav, 0.5, noise=0.025)
        r = rng(seed, "insured-origin", p.code)
        country_w = [EASTERN_WEIGHTS[c] * r.uniform(0.6, 1.4) for c in EASTERN_EUROPE]
        other_share = 0.055 * (p.population / fav.population) ** 0.15 * r.uniform(0.8, 1.2)
        unit = 1 if p.code in whole else 10
        for t in range(len(MONTHS)):
            total = round(series[t] * unit)
            if p.code == FAVRSKOV:
                east = round(eastern[t] * unit)
            else:
                s = min(0.3, share[t] * p.eastern * r.uniform(0.95, 1.05))
                east = round(total * s)
            other = round(total * other_share)
            values = [total - east - other, *split_int(east, country_w), other]
            yield p.code, t, [v * (10 // unit) for v in values]


ORIGINS = ("Danmark", *EASTERN_EUROPE, "Øvrige lande")


def insured_by_origin(seed: int, derived: PersonFigures | None = None) -> pl.DataFrame:
    """fasit_forsikrede_oprindelse. Where person records exist (``derived``), the months
    they give are their own counts by origin."""
    dims = ("origin",)
    rows = _rows(dims)
    whole = frozenset(derived.codes) if derived is not None else frozenset()
    cells = derived.insured if derived is not None else {}
    for code, t, values in _insured_months(seed, whole):
        month = MONTHS[t]
        if (code, month) in cells:
            values = [10 * cells[(code, month)].get(o, 0) for o in ORIGINS]
        for origin, v in zip(ORIGINS, values, strict=True):
            _add(rows, code, month, {"origin": origin}, "fuldtidspersoner", v)
    return aggregate("fasit_forsikrede_oprindelse", leaf_frame(rows, dims), dims, seed)


@dataclass(frozen=True)
class PersonFigures:
    """The aggregate figures derived from the person municipalities' weekly records.

    ``ltu[(code, month)][group]``: (full-time persons in tenths, persons);
    ``insured[(code, month)][origin]``: persons.
    """

    codes: tuple[str, ...]
    ltu: dict[tuple[str, str], dict[str, tuple[int, int]]]
    insured: dict[tuple[str, str], dict[str, int]]


def person_targets(seed: int, codes: tuple[str, ...]) -> dict[str, WeekTargets]:
    """What the weekly records of ``codes`` must give: the calibrated series above."""
    whole = frozenset(codes)
    ltu: dict[str, dict[str, list[int]]] = {
        c: {g: [0] * len(MONTHS) for g in BENEFIT_GROUPS_LTU} for c in codes
    }
    for code, t, fulltime, _pe, _b in _ltu_months(seed, whole, whole):
        if code in whole:
            for g, ft in zip(BENEFIT_GROUPS_LTU, fulltime, strict=True):
                ltu[code][g][t] = ft // 10
    insured: dict[str, list[int]] = {c: [0] * len(MONTHS) for c in codes}
    eastern: dict[str, list[int]] = {c: [0] * len(MONTHS) for c in codes}
    for code, t, values in _insured_months(seed, whole, whole):
        if code in whole:
            insured[code][t] = sum(values) // 10
            eastern[code][t] = sum(values[1:-1]) // 10
    return {c: WeekTargets(ltu[c], insured[c], eastern[c]) for c in codes}


def person_figures(
    ltu: pl.DataFrame, insured: pl.DataFrame, codes: tuple[str, ...]
) -> PersonFigures:
    """``PersonFigures`` of the weekly records' ``persons.ltu_cells`` and
    ``persons.insured_cells``: every month the records give, zeros included."""
    ltu_fig: dict[tuple[str, str], dict[str, tuple[int, int]]] = {
        (c, MONTHS[t]): dict.fromkeys(BENEFIT_GROUPS_LTU, (0, 0)) for c in codes for t in LTU_MONTHS
    }
    for code, period, group, n_weeks, n_persons in ltu.iter_rows():
        n = weeks_in_month(MONTH_INDEX[period])
        ltu_fig[(code, period)][group] = (10 * n_weeks // n, n_persons)
    insured_fig: dict[tuple[str, str], dict[str, int]] = {
        (c, MONTHS[t]): {} for c in codes for t in INSURED_MONTHS
    }
    for code, period, origin, n_persons in insured.iter_rows():
        insured_fig[(code, period)][origin] = n_persons
    return PersonFigures(codes, ltu_fig, insured_fig)


# -- y35a02 and fasit_selvforsoergelse: refugees ------------------------------------------
def refugees_on_support(seed: int, plan: RefugeePlan) -> pl.DataFrame:
    dims = ("sex",)
    rows = _rows(dims)
    for code, by_sex in plan.stock.items():
        r = rng(seed, "refugee-fulltime", code)
        for sex in SEXES:
            for t, month in enumerate(MONTHS):
                n = by_sex[sex][t]
                _add(rows, code, month, {"sex": sex}, "personer", n)
                ft = round(n * 10 * r.uniform(0.9, 0.95))
                _add(rows, code, month, {"sex": sex}, "fuldtidspersoner", ft)
    return aggregate("y35a02", leaf_frame(rows, dims), dims, seed)


def lasting_self_support(seed: int, plan: RefugeePlan) -> pl.DataFrame:
    dims = ("sex", "route")
    rows = _rows(dims)
    measure = "personer_varig_selvforsoergelse"
    for code, events in plan.events.items():
        counts: dict[tuple[int, str, str], int] = {}
        for t, sex, route in events:
            counts[(t, sex, route)] = counts.get((t, sex, route), 0) + 1
        for t, month in enumerate(MONTHS):
            for sex in SEXES:
                for route in ROUTES:
                    n = counts.get((t, sex, route), 0)
                    _add(rows, code, month, {"sex": sex, "route": route}, measure, n)
    return aggregate("fasit_selvforsoergelse", leaf_frame(rows, dims), dims, seed)


# -- y38a02: uddannelseshjælp by visitation category -------------------------------------
def education_benefit(seed: int) -> pl.DataFrame:
    dims = ("match_group",)
    rows = _rows(dims)
    fulltime = cal.monthly(cal.UDH_FULLTIME_ANCHORS)
    ready = cal.monthly(cal.UDH_READY_PERSONS)
    for p, fav in _each(seed):
        series = _series(seed, "udh", fulltime, p, fav, 1.0, noise=0.025)
        r = rng(seed, "udh-groups", p.code)
        ready_factor = r.uniform(0.8, 1.25)
        for t, month in enumerate(MONTHS):
            ft_total = round(series[t] * 10)
            persons = round(series[t] * 1.07)
            if p.code == FAVRSKOV:
                n_ready = round(ready[t])
            else:
                n_ready = round(persons * ready[t] / (fulltime[t] * 1.07) * ready_factor)
            n_ready = min(n_ready, persons)
            obvious, ready_only = split_int(n_ready, [0.42, 0.58])
            counts = [obvious, ready_only, persons - n_ready]
            ft = split_int(ft_total, [counts[0] * 0.9, counts[1] * 0.92, counts[2] * 0.96])
            for g, pe, f in zip(VISITATION_UDH, counts, ft, strict=True):
                _add(rows, p.code, month, {"match_group": g}, "personer", pe)
                _add(rows, p.code, month, {"match_group": g}, "fuldtidspersoner", f)
    return aggregate("y38a02", leaf_frame(rows, dims), dims, seed)


# -- y08a02 and fleksjob_timeudvikling: flexjob --------------------------------------------
def flexjob_persons(seed: int) -> dict[str, list[dict[tuple[str, str], int]]]:
    """Per municipality and month: persons by (hours band, scheme)."""
    total = cal.monthly(cal.FLEXJOB_PERSONS)
    old = cal.monthly(cal.FLEXJOB_OLD_SCHEME)
    old_share = [o / n for o, n in zip(old, total, strict=True)]
    out: dict[str, list[dict[tuple[str, str], int]]] = {}
    for p, fav in _each(seed):
        series = _series(seed, "flexjob", total, p, fav, 0.3, p.flexjob, noise=0.004)
        r = rng(seed, "flexjob-bands", p.code)
        old_factor = r.uniform(0.8, 1.2)
        band_shift = r.uniform(-0.04, 0.04)
        months = []
        for t, month in enumerate(MONTHS):
            n = round(series[t])
            n_old = round(old[t]) if p.code == FAVRSKOV else round(n * old_share[t] * old_factor)
            year = int(month[:4])
            b1, b2, b3 = cal.FLEXJOB_NEW_BANDS[year]
            if p.code != FAVRSKOV:
                b1, b3 = b1 + band_shift, b3 - band_shift
            new_bands = split_int(n - n_old, [b1, b2, b3])
            old_bands = split_int(n_old, list(cal.FLEXJOB_OLD_BANDS))
            cell: dict[tuple[str, str], int] = {}
            for band, nv, ov in zip(HOURS_BANDS, new_bands, old_bands, strict=True):
                cell[(band, SCHEMES[0])] = nv
                cell[(band, SCHEMES[1])] = ov
            months.append(cell)
        out[p.code] = months
    return out


def flexjob(seed: int, persons: dict[str, list[dict[tuple[str, str], int]]]) -> pl.DataFrame:
    """Persons and full-time persons in flexjob by hours band and scheme.

    A flexjob lasts the whole month for nearly everyone, so the demo counts each person in
    flexjob as one full-time person.
    """
    dims = ("hours_band", "scheme")
    rows = _rows(dims)
    for code, months in persons.items():
        for t, month in enumerate(MONTHS):
            for (band, scheme), n in months[t].items():
                d = {"hours_band": band, "scheme": scheme}
                _add(rows, code, month, d, "personer", n)
                _add(rows, code, month, d, "fuldtidspersoner", n * 10)
    return aggregate("y08a02", leaf_frame(rows, dims), dims, seed)


NATIONAL_HOURS_CHANGE: dict[str, tuple[float, float]] = {
    "1-5 timer": (0.375, 0.11),
    "6-10 timer": (0.25, 0.17),
}


def hours_change_cells(
    seed: int, persons: dict[str, list[dict[tuple[str, str], int]]]
) -> Iterator[tuple[str, str, str, str, int]]:
    """June each year, per municipality: (code, month, hours band, measure, persons) of
    ``fleksjob_timeudvikling``: new-scheme flexjobbers with 1-5 / 6-10 hours at start who
    went up / down / stayed (``personer_op`` ...), and new-scheme persons by June's hours
    band (``personer``, ``Uden registrerede timer`` for those without registered hours)."""
    for code, months in persons.items():
        r = rng(seed, "flexjob-hours", code)
        for t, month in enumerate(MONTHS):
            if not month.endswith("M06"):
                continue
            for band in ("1-5 timer", "6-10 timer"):
                if code == FAVRSKOV:
                    up, down = cal.FLEXJOB_HOURS_CHANGE[int(month[:4])][band]
                else:
                    up, down = NATIONAL_HOURS_CHANGE[band]
                    up, down = up + r.uniform(-0.06, 0.06), down + r.uniform(-0.04, 0.04)
                eligible = round(months[t][(band, SCHEMES[0])] * 0.85)
                yield code, month, band, "personer", months[t][(band, SCHEMES[0])]
                n_up, n_down, n_same = split_int(eligible, [up, down, 1.0 - up - down])
                changes = {"personer_op": n_up, "personer_ned": n_down, "personer_uaendret": n_same}
                for measure, n in changes.items():
                    yield code, month, band, measure, n
            # Above 10 hours and without registered hours: y08a02-style bands count the
            # latter above 10 hours; the municipality's own data keeps them apart.
            over = months[t][("Over 10 timer", SCHEMES[0])]
            new_total = sum(n for (_b, sch), n in months[t].items() if sch == SCHEMES[0])
            no_hours = min(over, round(new_total * cal.FLEXJOB_NO_HOURS_SHARE))
            yield code, month, "Over 10 timer", "personer", over - no_hours
            yield code, month, NO_HOURS, "personer", no_hours


def flexjob_hours_change(
    seed: int, persons: dict[str, list[dict[tuple[str, str], int]]]
) -> pl.DataFrame:
    """June each year: new-scheme flexjobbers with 1-5 / 6-10 hours, up / down / unchanged,
    and new-scheme persons by hours band (``personer``, the over-10-hours share).

    Counts are summed to totals, regions and the country; shares are computed from the
    summed counts (tenths of a percent, rounded so the three shares sum to 100). The
    person municipalities' monthly hours records (``flexjob.flexjob_months``) give
    exactly these counts.
    """
    dims = ("hours_band",)
    rows = _rows(dims)
    for code, month, band, measure, n in hours_change_cells(seed, persons):
        _add(rows, code, month, {"hours_band": band}, measure, n)
    counts = with_areas(with_totals(leaf_frame(rows, dims), dims), dims)
    wide = counts.pivot(on="measure_id", index=["area_code", "period", "hours_band"], values="v")
    shares: Rows = _rows(dims)
    for rec in wide.sort("area_code", "period", "hours_band").iter_rows(named=True):
        moved = [rec["personer_op"], rec["personer_ned"], rec["personer_uaendret"]]
        if None in moved or sum(moved) == 0:  # bands without an hours change
            continue
        tenths = split_int(1000, moved)
        where = {"hours_band": rec["hours_band"]}
        for measure, v in zip(("andel_op", "andel_ned", "andel_uaendret"), tenths, strict=True):
            _add(shares, rec["area_code"], rec["period"], where, measure, v)
    df = pl.concat([counts, leaf_frame(shares, dims).select(counts.columns)])
    return canonical("fleksjob_timeudvikling", df, seed)


# -- y09a02, y11a02: ledighedsydelse and ressourceforløb --------------------------------
def _simple(
    seed: int, dataset_id: str, anchors: dict[str, float], intensity: float
) -> pl.DataFrame:
    rows = _rows(())
    template = cal.monthly(anchors)
    for p, fav in _each(seed):
        series = _series(seed, dataset_id, template, p, fav, 0.8, p.flexjob, noise=0.02)
        r = rng(seed, dataset_id, p.code)
        for t, month in enumerate(MONTHS):
            n = round(series[t])
            _add(rows, p.code, month, {}, "personer", n)
            _add(
                rows,
                p.code,
                month,
                {},
                "fuldtidspersoner",
                round(n * 10 * intensity * r.uniform(0.98, 1.0)),
            )
    return aggregate(dataset_id, leaf_frame(rows, ()), (), seed)


LABOUR_FORCE_SHARE = 0.51
"""The labour force 16-66 as a share of the population (about 3,0 of 5,9 million in the
country): the demo's labour force per municipality."""


def with_labour_force_pct(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``Fuldtidspersoner i pct. af arbejdsstyrken`` (two decimals, as jobindsats
    publishes it) to a table's total rows, for every area: full-time persons over the
    demo's labour force (``LABOUR_FORCE_SHARE`` of the population; regions and the
    country the sum of their municipalities). ``metrics.rates`` reads it back."""
    lf = pl.DataFrame(
        {
            "area_code": list(POPULATION),
            "lf": [round(n * LABOUR_FORCE_SHARE) for n in POPULATION.values()],
        }
    ).join(
        municipalities().select(pl.col("code").alias("area_code"), "region_code"), on="area_code"
    )
    lf = pl.concat(
        [
            lf.select("area_code", "lf"),
            lf.group_by(pl.col("region_code").alias("area_code")).agg(pl.col("lf").sum()),
            lf.select(pl.lit(COUNTRY_CODE).alias("area_code"), pl.col("lf").sum()),
        ]
    )
    totals = pl.all_horizontal(pl.col(d) == TOTAL for d in DIMENSIONS)
    pct = (
        df.filter((pl.col("measure_id") == "fuldtidspersoner") & totals)
        .join(lf, on="area_code")
        .with_columns(
            pl.lit("pct_arbejdsstyrken").alias("measure_id"),
            (pl.col("value") * 100.0 / pl.col("lf")).round(2).alias("value"),
        )
        .drop("lf")
    )
    return pl.concat([df, pct.select(df.columns)]).sort("area_code", "period", "measure_id")


def ledighedsydelse(seed: int) -> pl.DataFrame:
    return with_labour_force_pct(_simple(seed, "y09a02", cal.LEDIGHEDSYDELSE_PERSONS, 0.93))


def ressourceforloeb(seed: int) -> pl.DataFrame:
    return _simple(seed, "y11a02", cal.RESSOURCEFORLOEB_PERSONS, 0.97)


# -- y30r21: STAR's benchmark -------------------------------------------------------------
BENCHMARK_PERIODS: tuple[str, ...] = tuple(
    f"{y}QMAT0{q}" for y in range(2019, 2024) for q in (2, 4)
)
# National level of public support in each rolling year, relative to 2019 (COVID bump).
BENCHMARK_LEVEL = {2019: 1.0, 2020: 1.05, 2021: 1.06, 2022: 0.98, 2023: 0.97}


def benchmark(seed: int) -> pl.DataFrame:
    """Expected and actual full-time persons on public support (rounded to tens), rank 1-98.

    The rank orders municipalities by actual / expected (unrounded), 1 = lowest ratio.
    Region and country rows carry the sums of expected and actual, but no rank.
    """
    rows = _rows(())
    ratios: dict[str, list[tuple[float, str]]] = {p: [] for p in BENCHMARK_PERIODS}
    for p, _fav in _each(seed):
        r = rng(seed, "benchmark", p.code)
        level = p.population * 0.64 * 0.155 * p.burden**0.9
        drift = r.gauss(0.0, 0.012)
        for i, period in enumerate(BENCHMARK_PERIODS):
            year = int(period[:4])
            expected = level * BENCHMARK_LEVEL[year] * r.uniform(0.99, 1.01)
            ratio = p.benchmark * (1.0 + drift * i / 2) * r.uniform(0.992, 1.008)
            actual = expected * ratio
            _add(rows, p.code, period, {}, "forventet_fuldtidspersoner", int(round(expected, -1)))
            _add(rows, p.code, period, {}, "faktisk_fuldtidspersoner", int(round(actual, -1)))
            ratios[period].append((ratio, p.code))
    sums = with_areas(leaf_frame(rows, ()), ())
    ranks = _rows(())
    for period, items in ratios.items():
        for rank, (_ratio, code) in enumerate(sorted(items), start=1):
            _add(ranks, code, period, {}, "placering", rank)
    df = pl.concat([sums, leaf_frame(ranks, ()).select(sums.columns)])
    return canonical("y30r21", df.with_columns(pl.col("v").cast(pl.Int64)), seed)


# -- crm_virksomhedsservice: company visits and campaigns ----------------------------------
SEASON = (1.0, 1.1, 1.15, 1.1, 1.1, 1.0, 0.35, 0.9, 1.15, 1.15, 1.1, 0.8)


def company_service(seed: int) -> pl.DataFrame:
    rows = _rows(())
    for p, fav in _each(seed):
        r = rng(seed, "crm", p.code)
        other = rng(seed, "crm-other", p.code)
        activity = r.lognormvariate(0.0, 0.3)
        campaigns_at: set[str] = set()
        if p.code == FAVRSKOV:
            campaigns_at = set(cal.CRM_CAMPAIGN_MONTHS)
        for year in range(2019, 2024):
            if p.code == FAVRSKOV:
                visits = cal.CRM_VISITS_PER_YEAR[year]
            else:
                level = cal.CRM_VISITS_PER_YEAR[year] * p.population / fav.population
                visits = max(0, round(level * activity * r.uniform(0.85, 1.15)))
                for _ in range(poisson(r, 1.5 * (p.population / fav.population) ** 0.3)):
                    campaigns_at.add(f"{year}M{r.randint(1, 12):02d}")
            for m, v in enumerate(split_int(visits, list(SEASON)), start=1):
                month = f"{year}M{m:02d}"
                _add(rows, p.code, month, {}, "virksomhedsbesoeg", v)
                _add(rows, p.code, month, {}, "kampagner", int(month in campaigns_at))
                # Telephone and mail contacts: about three per visit (own random stream).
                _add(rows, p.code, month, {}, "oevrige_kontakter", round(v * other.uniform(2, 4)))
    return aggregate("crm_virksomhedsservice", leaf_frame(rows, ()), (), seed)


def all_aggregates(
    seed: int, plan: RefugeePlan, derived: PersonFigures | None = None
) -> list[tuple[str, Callable[[], pl.DataFrame]]]:
    """Builders of every demo dataset, in import order (dataset id, builder).

    ``derived``: the figures of the person municipalities' weekly records, which replace
    the generated ones in the months the records give (``person_figures``)."""
    flex = flexjob_persons(seed)
    return [
        ("y25i09", lambda: long_term_unemployed(seed, derived)),
        ("fasit_forsikrede_oprindelse", lambda: insured_by_origin(seed, derived)),
        ("y35a02", lambda: refugees_on_support(seed, plan)),
        ("fasit_selvforsoergelse", lambda: lasting_self_support(seed, plan)),
        ("y38a02", lambda: education_benefit(seed)),
        ("y08a02", lambda: flexjob(seed, flex)),
        ("fleksjob_timeudvikling", lambda: flexjob_hours_change(seed, flex)),
        ("y09a02", lambda: ledighedsydelse(seed)),
        ("y11a02", lambda: ressourceforloeb(seed)),
        ("y30r21", lambda: benchmark(seed)),
        ("crm_virksomhedsservice", lambda: company_service(seed)),
    ]
