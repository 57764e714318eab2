"""One pure Polars function per metric: canonical frames in, a tidy "raw" frame out.

The raw frame keeps numerator and denominator unsuppressed so that any later aggregation
(over months, areas, comparison groups) is a ratio of sums; suppression of small figures
is applied last, in ``metrics.api``. Raw columns (``RAW_COLUMNS``):

``period, period_start, period_end, area_code, area_name, area_level, group,
numerator, denominator, in_suppressed``

``numerator`` is the metric's value for count metrics (``denominator`` null), and the
count above the fraction line for shares (value = 100 * numerator / denominator).
``in_suppressed`` is True when a source cell the row depends on was suppressed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from data_connectors import areas
from data_connectors.canonical import DIMENSIONS, TOTAL
from data_connectors.datasets import EASTERN_EUROPE

Inputs = Mapping[str, pl.LazyFrame]

KEY = ("period", "period_start", "period_end", "area_code", "area_name", "area_level")
RAW_COLUMNS = (*KEY, "group", "numerator", "denominator", "in_suppressed")
RAW_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "area_code": pl.String(),
    "area_name": pl.String(),
    "area_level": pl.String(),
    "group": pl.String(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "in_suppressed": pl.Boolean(),
}

ERROR_OUTCOMES = ("Ændret", "Hjemvist")


# Dimension values that are subtotals of other values of the same dimension, declared
# per dataset: dataset -> dimension -> {subtotal: its parts}. Real jobindsats y38a02
# extracts carry "Alle uddannelsesparate" (= uddannelsesparat + åbenlyst
# uddannelsesparat) beside its parts; a sum over the dimension or a breakdown by it must
# not count it next to them.
Subtotals = Mapping[str, Mapping[str, Sequence[str]]]
SUBTOTALS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "y38a02": {
        "match_group": {
            "Alle uddannelsesparate": ("Uddannelsesparat", "Åbenlyst uddannelsesparat"),
        },
    },
}
# Published spellings read as the canonical one (extracts read without the jobindsats
# mapping may keep jobindsats' "Åbenlys").
SPELLINGS: dict[str, dict[str, str]] = {
    "match_group": {"Åbenlys uddannelsesparat": "Åbenlyst uddannelsesparat"},
}


def subtotals_of(dataset_id: str) -> Subtotals:
    """The declared subtotal values of a dataset (empty when it has none)."""
    return SUBTOTALS.get(dataset_id, {})


class MissingInput(LookupError):
    """None of the inputs a metric can be computed from is loaded."""


def empty_raw() -> pl.LazyFrame:
    return pl.DataFrame(schema=RAW_SCHEMA).lazy()


def _null_sum(col: str) -> pl.Expr:
    """Sum that stays null when every value is null (a suppressed cell is not a zero)."""
    return pl.when(pl.col(col).is_not_null().any()).then(pl.col(col).sum()).otherwise(None)


def pick(
    lf: pl.LazyFrame,
    measure: str,
    *,
    fixed: Mapping[str, str | Sequence[str]] | None = None,
    by: str | None = None,
    subtotals: Subtotals | None = None,
) -> pl.LazyFrame:
    """Cells of one measure: ``fixed`` dimension values, broken down by ``by`` (or total).

    Every other dimension is taken at its total row ("I alt"); where a period and area has
    no total row for a dimension, its values are summed instead. ``subtotals`` (see
    ``SUBTOTALS``) names values that are subtotals of other values: where every part is
    present for the same period and area the subtotal row is dropped; otherwise the parts
    that are present are dropped and the subtotal stands in for them. Either way neither a
    sum nor a breakdown counts a person twice. A dimension given in ``fixed`` is left as
    the caller chose. Returns the KEY columns, ``group`` (TOTAL without ``by``), ``value`` and
    ``in_suppressed``.
    """
    fixed = dict(fixed or {})
    out = lf.filter(pl.col("measure_id") == measure)
    for dim, subs in (subtotals or {}).items():
        if dim in fixed:
            continue
        out = out.with_columns(pl.col(dim).replace(SPELLINGS.get(dim, {})))
        cell = ["period", "area_code"]
        for sub, parts in subs.items():
            all_parts = pl.all_horizontal([(pl.col(dim) == p).any().over(cell) for p in parts])
            has_sub = (pl.col(dim) == sub).any().over(cell)
            drop_sub = (pl.col(dim) == sub) & all_parts
            drop_parts = pl.col(dim).is_in(list(parts)) & has_sub & ~all_parts
            out = out.filter(~(drop_sub | drop_parts))
    for dim, want in fixed.items():
        if isinstance(want, str):
            out = out.filter(pl.col(dim) == want)
        else:
            out = out.filter(pl.col(dim).is_in(list(want)))
    if by is not None:
        out = out.filter(pl.col(by) != TOTAL)
    for dim in DIMENSIONS:
        if dim == by or dim in fixed:
            continue
        has_total = (pl.col(dim) == TOTAL).any().over(["period", "area_code"])
        out = out.filter((pl.col(dim) == TOTAL) | ~has_total)
    group = pl.col(by) if by is not None else pl.lit(TOTAL)
    return (
        out.with_columns(group.alias("group"))
        .group_by([*KEY, "group"])
        .agg(_null_sum("value").alias("value"), pl.col("suppressed").any().alias("in_suppressed"))
        .with_columns(pl.col("area_level").cast(pl.String))
    )


def _require(inputs: Inputs, *names: str) -> pl.LazyFrame:
    for name in names:
        if name in inputs:
            return inputs[name]
    raise MissingInput(f"no data loaded for {' or '.join(names)}")


def _count(
    lf: pl.LazyFrame,
    measure: str,
    by: str | None,
    subtotals: Subtotals | None = None,
    **fixed: str,
) -> pl.LazyFrame:
    return (
        pick(lf, measure, fixed=fixed, by=by, subtotals=subtotals)
        .rename({"value": "numerator"})
        .with_columns(pl.lit(None, pl.Float64).alias("denominator"))
        .select(RAW_COLUMNS)
    )


def _share(num: pl.LazyFrame, den: pl.LazyFrame) -> pl.LazyFrame:
    joined = num.rename({"value": "numerator", "in_suppressed": "s_num"}).join(
        den.rename({"value": "denominator", "in_suppressed": "s_den"}),
        on=[*KEY, "group"],
        how="full",
        coalesce=True,
    )
    return joined.with_columns(
        (pl.col("s_num").fill_null(False) | pl.col("s_den").fill_null(False)).alias("in_suppressed")
    ).select(RAW_COLUMNS)


# -- metric functions -----------------------------------------------------------------


def company_visits(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Company visits in the period (CRM). Plan 4.1: 75 visits a year."""
    return _count(_require(inputs, "crm_virksomhedsservice"), "virksomhedsbesoeg", breakdown)


def company_campaigns(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Company campaigns in the period (CRM). Plan 4.1: 1-2 campaigns a year."""
    return _count(_require(inputs, "crm_virksomhedsservice"), "kampagner", breakdown)


def long_term_unemployed(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Long-term unemployed job-ready and education-ready, full-time persons (y25i09).

    Jobindsats: gross unemployed on A-dagpenge, kontanthjælp, selvforsørgelses- og
    hjemrejseydelse, overgangsydelse and uddannelseshjælp, unemployed/activated at least
    80 % of the last 52 weeks (Favrskov plan 2022, 4.2, note to figure 5).
    """
    return _count(_require(inputs, "y25i09"), "fuldtidspersoner", breakdown)


def eastern_european_share(
    inputs: Inputs,
    *,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Share of insured unemployed with Eastern European origin, from the counts.

    Numerator: full-time insured unemployed (start of month) from ``countries`` (default
    the plan's 13 countries); denominator: all insured unemployed (the origin total row,
    or the sum over origins where no total row exists). Plan 4.3, table 5.
    """
    if breakdown is not None:
        raise ValueError("andel_oesteuropaeiske_forsikrede kan ikke opdeles")
    lf = _require(inputs, "fasit_forsikrede_oprindelse")
    countries = tuple(countries) if countries else EASTERN_EUROPE
    num = pick(lf, "fuldtidspersoner", fixed={"origin": countries}).with_columns(
        pl.lit(TOTAL).alias("group")
    )
    den = pick(lf, "fuldtidspersoner")
    # A country with no rows in a month counts as zero, not as missing.
    num = den.select([*KEY, "group"]).join(num, on=[*KEY, "group"], how="left")
    num = num.with_columns(pl.col("value").fill_null(0.0), pl.col("in_suppressed").fill_null(False))
    return _share(num, den)


def _refugee_from_persons(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Persons reaching lasting self-support, from monthly person records (Fasit style).

    A person reaches lasting self-support in the month that completes 6 consecutive
    self-supporting months, after having been on support earlier; each person counts
    once (the first time). Route is the route of that month. Returns canonical-like
    aggregate rows (measure ``personer_varig_selvforsoergelse``) by sex and route.
    """
    idx = pl.col("month").str.slice(0, 4).cast(pl.Int32) * 12 + pl.col("month").str.slice(
        5, 2
    ).cast(pl.Int32)
    rows = lf.with_columns(idx.alias("_i")).sort("person_id", "_i")
    first_support = (
        rows.filter(pl.col("on_support"))
        .group_by("person_id")
        .agg(pl.col("_i").min().alias("_first_support"))
    )
    ss = rows.filter(pl.col("self_supporting")).with_columns(
        (pl.col("_i") - pl.col("_i").cum_count().over("person_id")).alias("_run")
    )
    ss = ss.with_columns(
        pl.col("_i").min().over("person_id", "_run").alias("_run_start"),
        pl.col("_i").cum_count().over("person_id", "_run").alias("_pos"),
    )
    reached = (
        ss.filter(pl.col("_pos") == 6)
        .join(first_support, on="person_id", how="inner")
        .filter(pl.col("_first_support") < pl.col("_run_start"))
        .sort("_i")
        .group_by("person_id")
        .first()
    )
    per_cell = reached.group_by("municipality_code", "month", "sex", "route").agg(
        pl.len().cast(pl.Float64).alias("value")
    )
    cells = per_cell.with_columns(
        pl.col("sex").cast(pl.String), pl.col("route").cast(pl.String).fill_null("Job")
    )
    # Margins, so that pick() finds total rows.
    parts = [
        cells,
        cells.with_columns(pl.lit(TOTAL).alias("sex")),
        cells.with_columns(pl.lit(TOTAL).alias("route")),
        cells.with_columns(pl.lit(TOTAL).alias("sex"), pl.lit(TOTAL).alias("route")),
    ]
    long = (
        pl.concat(parts)
        .group_by("municipality_code", "month", "sex", "route")
        .agg(pl.col("value").sum())
    )
    mun = (
        areas.municipalities()
        .lazy()
        .select(pl.col("code").alias("municipality_code"), pl.col("name").alias("area_name"))
    )
    start = (pl.col("month") + "01").str.strptime(pl.Date, "%YM%m%d")
    out = long.join(mun, on="municipality_code", how="left").with_columns(
        pl.col("month").alias("period"),
        start.alias("period_start"),
        start.dt.month_end().alias("period_end"),
        pl.col("municipality_code").alias("area_code"),
        pl.col("area_name").fill_null(pl.col("municipality_code")),
        pl.lit("kommune").alias("area_level"),
        pl.lit("personer_varig_selvforsoergelse").alias("measure_id"),
        pl.lit(False).alias("suppressed"),
        *[pl.lit(TOTAL).alias(d) for d in DIMENSIONS if d not in ("sex", "route")],
    )
    return out


def _refugee_source(inputs: Inputs) -> pl.LazyFrame:
    if "fasit_selvforsoergelse" in inputs:
        return inputs["fasit_selvforsoergelse"]
    if "person_refugee_months" in inputs:
        return _refugee_from_persons(inputs["person_refugee_months"])
    raise MissingInput("no data loaded for fasit_selvforsoergelse or person_refugee_months")


def refugees_self_support(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Refugees reaching lasting self-support (6 consecutive months) in the period.

    From the Fasit extract ``fasit_selvforsoergelse`` or, when only person data is
    loaded, from ``person_refugee_months``. Plan 4.4, table 6.
    """
    return _count(_refugee_source(inputs), "personer_varig_selvforsoergelse", breakdown)


def refugees_women_share(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Women as a share of refugees reaching lasting self-support. Plan 4.4: half women."""
    lf = _refugee_source(inputs)
    m = "personer_varig_selvforsoergelse"
    num = pick(lf, m, fixed={"sex": "Kvinder"}, by=breakdown)
    den = pick(lf, m, by=breakdown)
    num = den.select([*KEY, "group"]).join(num, on=[*KEY, "group"], how="left")
    num = num.with_columns(pl.col("value").fill_null(0.0), pl.col("in_suppressed").fill_null(False))
    return _share(num, den)


def youth_benefit(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Full-time persons on uddannelseshjælp, by visitation category (y38a02). Plan 4.5."""
    lf = _require(inputs, "y38a02")
    return _count(lf, "fuldtidspersoner", breakdown, subtotals_of("y38a02"))


def _flex_share(inputs: Inputs, which: str, breakdown: str | None) -> pl.LazyFrame:
    lf = _require(inputs, "fleksjob_timeudvikling")
    num = pick(lf, f"personer_{which}", by=breakdown)
    parts = [pick(lf, f"personer_{w}", by=breakdown) for w in ("op", "ned", "uaendret")]
    den = (
        pl.concat(parts)
        .group_by([*KEY, "group"])
        .agg(_null_sum("value").alias("value"), pl.col("in_suppressed").any())
    )
    return _share(num, den)


def flex_share_up(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) working more hours than at start. Plan 4.6."""
    return _flex_share(inputs, "op", breakdown)


def flex_share_down(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) working fewer hours than at start."""
    return _flex_share(inputs, "ned", breakdown)


def flex_share_unchanged(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) with unchanged hours since start."""
    return _flex_share(inputs, "uaendret", breakdown)


def flex_share_over_10(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Flexjobs above 10 hours as a share of 1-5, 6-10 and above 10 hours (new scheme)."""
    if breakdown is not None:
        raise ValueError("fleksjob_andel_over_10_timer kan ikke opdeles")
    lf = _require(inputs, "y08a02")
    bands = ("1-5 timer", "6-10 timer", "Over 10 timer")
    num = pick(lf, "fuldtidspersoner", fixed={"scheme": "Ny ordning", "hours_band": bands[2]})
    den = pick(lf, "fuldtidspersoner", fixed={"scheme": "Ny ordning", "hours_band": bands})
    return _share(num, den)


def flex_fulltime(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Full-time persons in flexjob (y08a02)."""
    return _count(_require(inputs, "y08a02"), "fuldtidspersoner", breakdown)


def flex_unemployment_benefit(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Full-time persons on ledighedsydelse (y09a02)."""
    return _count(_require(inputs, "y09a02"), "fuldtidspersoner", breakdown)


def refugees_on_benefit(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Persons on selvforsørgelses- og hjemrejseydelse/overgangsydelse (y35a02)."""
    return _count(_require(inputs, "y35a02"), "personer", breakdown)


def resource_course(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Full-time persons in ressourceforløb (y11a02)."""
    return _count(_require(inputs, "y11a02"), "fuldtidspersoner", breakdown)


def sanction_error_rate(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of reviewed sanction cases that would be changed or sent back, by quarter.

    Ankestyrelsen's practice-study method: a reviewed decision is an error when the
    outcome is "Ændret" or "Hjemvist".
    """
    lf = _require(inputs, "sanction_reviews")
    q = pl.col("review_date").dt.quarter()
    y = pl.col("review_date").dt.year()
    start = pl.date(y, (q - 1) * 3 + 1, 1)
    group = pl.col(breakdown).cast(pl.String) if breakdown else pl.lit(TOTAL)
    mun = (
        areas.municipalities()
        .lazy()
        .select(pl.col("code").alias("area_code"), pl.col("name").alias("area_name"))
    )
    return (
        lf.with_columns(
            (y.cast(pl.String) + "Q0" + q.cast(pl.String)).alias("period"),
            start.alias("period_start"),
            start.dt.offset_by("2mo").dt.month_end().alias("period_end"),
            pl.col("municipality_code").alias("area_code"),
            group.alias("group"),
            pl.col("outcome").cast(pl.String).is_in(ERROR_OUTCOMES).alias("_err"),
        )
        .group_by("period", "period_start", "period_end", "area_code", "group")
        .agg(
            pl.col("_err").sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
        .join(mun, on="area_code", how="left")
        .with_columns(
            pl.col("area_name").fill_null(pl.col("area_code")),
            pl.lit("kommune").alias("area_level"),
            pl.lit(False).alias("in_suppressed"),
        )
        .select(RAW_COLUMNS)
    )


def benchmark_difference(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Actual against expected public support in STAR's benchmark, in percent (y30r21).

    Numerator: actual minus expected full-time persons; denominator: expected, so the
    value is (faktisk - forventet) / forventet * 100 and any sum over areas is a ratio of
    sums. Periods are the published rolling years (QMAT02, QMAT04).
    """
    if breakdown is not None:
        raise ValueError("benchmark_forskel_pct kan ikke opdeles")
    lf = _require(inputs, "y30r21")
    actual = pick(lf, "faktisk_fuldtidspersoner").rename(
        {"value": "faktisk", "in_suppressed": "s_a"}
    )
    expected = pick(lf, "forventet_fuldtidspersoner").rename(
        {"value": "forventet", "in_suppressed": "s_e"}
    )
    joined = actual.join(expected, on=[*KEY, "group"], how="full", coalesce=True)
    return joined.with_columns(
        (pl.col("faktisk") - pl.col("forventet")).alias("numerator"),
        pl.col("forventet").alias("denominator"),
        (pl.col("s_a").fill_null(False) | pl.col("s_e").fill_null(False)).alias("in_suppressed"),
    ).select(RAW_COLUMNS)


def benchmark_rank(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """The municipality's published rank 1-98 in STAR's benchmark (y30r21), 1 = best."""
    if breakdown is not None:
        raise ValueError("benchmark_placering kan ikke opdeles")
    return _count(_require(inputs, "y30r21"), "placering", None)


MetricFn = Callable[..., pl.LazyFrame]

FUNCTIONS: dict[str, MetricFn] = {
    "virksomhedsbesoeg": company_visits,
    "virksomhedskampagner": company_campaigns,
    "langtidsledige": long_term_unemployed,
    "andel_oesteuropaeiske_forsikrede": eastern_european_share,
    "flygtninge_varig_selvforsoergelse": refugees_self_support,
    "flygtninge_kvindeandel": refugees_women_share,
    "uddannelseshjaelp": youth_benefit,
    "fleksjob_andel_op": flex_share_up,
    "fleksjob_andel_ned": flex_share_down,
    "fleksjob_andel_uaendret": flex_share_unchanged,
    "fleksjob_andel_over_10_timer": flex_share_over_10,
    "fleksjob_fuldtidspersoner": flex_fulltime,
    "ledighedsydelse": flex_unemployment_benefit,
    "flygtninge_paa_ydelse": refugees_on_benefit,
    "ressourceforloeb": resource_course,
    "sanktion_fejlrate": sanction_error_rate,
    "benchmark_forskel_pct": benchmark_difference,
    "benchmark_placering": benchmark_rank,
}


def compute_raw(
    inputs: Inputs,
    metric_id: str,
    *,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The raw (unsuppressed) frame of one metric, collected and cast to RAW_SCHEMA."""
    fn = FUNCTIONS[metric_id]
    lf = (
        fn(inputs, breakdown=breakdown, countries=countries)
        if countries
        else fn(inputs, breakdown=breakdown)
    )
    return lf.select([pl.col(c).cast(t) for c, t in RAW_SCHEMA.items()]).collect()
