"""Shared machinery: period filters, aggregation (ratio of sums) and suppression.

Suppression rule (figures about fewer than 5 persons are never shown): for metrics about
persons, a count is suppressed when 0 < count < 5; a share is suppressed when its
denominator is below 5, or 0 < numerator < 5, or 0 < denominator - numerator < 5 (the
complement: the men beside a women's share); any row built on a source cell that was
itself suppressed (discretionised by the publisher) is suppressed. In a breakdown of
counts, a lone suppressed group takes the smallest shown group with it (complementary
suppression), so that total minus the others does not give it back. A suppressed row has
value, numerator and denominator null and ``suppressed`` True. Counts of activities
(company visits, campaigns) are not about persons and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl

from data_connectors.canonical import TOTAL
from data_connectors.periods import parse_period
from metrics.kpis import KEY, RAW_SCHEMA
from metrics.registry import MetricDef

MIN_PERSONS = 5

SERIES_COLUMNS = (
    "metric_id",
    "period",
    "period_start",
    "area_code",
    "area_name",
    "area_level",
    "group",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "total_unknown",
)


def period_bounds(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """First and last day of ``start``..``end``; ValueError when start is after end."""
    lo = parse_period(start).start if start else None
    hi = parse_period(end).end if end else None
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"the first period {start} is after the last period {end}")
    return lo, hi


def filter_periods(raw: pl.DataFrame, start: str | None, end: str | None) -> pl.DataFrame:
    lo, hi = period_bounds(start, end)
    if lo is not None:
        raw = raw.filter(pl.col("period_start") >= lo)
    if hi is not None:
        raw = raw.filter(pl.col("period_end") <= hi)
    return raw


def only_native_grain(raw: pl.DataFrame, metric: MetricDef) -> pl.DataFrame:
    """Keep periods of the metric's grain (e.g. months, not QMAT or year rows).

    A rolling-year metric keeps its QMAT periods (one per quarter) and nothing else.
    """
    code = {"month": r"^\d{4}M\d{2}$", "quarter": r"^\d{4}Q\d{2}$", "year": r"^\d{4}Y01$"}
    pattern = r"^\d{4}QMAT\d{2}$" if metric.rolling_year else code[metric.grain]
    return raw.filter(pl.col("period").str.contains(pattern))


def value_expr(metric: MetricDef) -> pl.Expr:
    if metric.is_rate:
        return (
            pl.when(pl.col("denominator") > 0)
            .then(100.0 * pl.col("numerator") / pl.col("denominator"))
            .otherwise(None)
        )
    return pl.col("numerator")


def suppress_expr(metric: MetricDef) -> pl.Expr:
    src = pl.col("in_suppressed").fill_null(False)
    if not metric.person_based:
        return src
    num, den = pl.col("numerator"), pl.col("denominator")
    small_num = (num > 0) & (num < MIN_PERSONS)
    if metric.is_rate:
        # A share also tells its complement (den - num), e.g. the men beside a women's share.
        rest = den - num
        small_rest = (rest > 0) & (rest < MIN_PERSONS)
        return (
            src
            | small_num.fill_null(False)
            | small_rest.fill_null(False)
            | (den < MIN_PERSONS).fill_null(False)
        )
    return src | small_num.fill_null(False)


def _secondary(df: pl.DataFrame, metric: MetricDef) -> pl.DataFrame:
    """Complementary suppression of a breakdown of counts about persons.

    The total of a breakdown is shown beside it, so a single suppressed group could be
    recovered as total minus the others. Where exactly one group of an area and period is
    suppressed, the smallest positive shown group is suppressed too.
    """
    if not metric.person_based or metric.is_rate:
        return df
    part = (pl.col("group") != TOTAL).fill_null(False)
    key = ["area_code", "period"]
    lone = (pl.col("suppressed") & part).sum().over(key) == 1
    candidate = part & ~pl.col("suppressed") & (pl.col("numerator") > 0).fill_null(False)
    smallest = pl.col("numerator").filter(candidate).min().over(key)
    extra = lone & candidate & (pl.col("numerator") == smallest).fill_null(False)
    return df.with_columns((pl.col("suppressed") | extra).alias("suppressed"))


def finalize(raw: pl.DataFrame, metric: MetricDef, extra: Sequence[str] = ()) -> pl.DataFrame:
    """Raw frame -> public series: value computed, small figures suppressed, sorted.

    ``extra`` names further columns of ``raw`` to keep (after ``SERIES_COLUMNS``).
    """
    sup = suppress_expr(metric)
    out = _secondary(raw.with_columns(sup.alias("suppressed")), metric).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(value_expr(metric)).alias("value"),
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("numerator")).alias("numerator"),
        pl.when(pl.col("suppressed"))
        .then(None)
        .otherwise(pl.col("denominator"))
        .alias("denominator"),
        pl.lit(metric.id).alias("metric_id"),
    )
    return out.select(
        pl.col("metric_id").cast(pl.String),
        pl.col("period").cast(pl.String),
        pl.col("period_start").cast(pl.Date),
        pl.col("area_code").cast(pl.String),
        pl.col("area_name").cast(pl.String),
        pl.col("area_level").cast(pl.String),
        pl.col("group").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
        pl.col("suppressed").cast(pl.Boolean),
        pl.col("total_unknown").fill_null(False).cast(pl.Boolean),
        *extra,
    ).sort("area_code", "group", "period_start")


def aggregate_areas(
    raw: pl.DataFrame,
    members: Iterable[str],
    *,
    code: str,
    name: str,
    level: str,
    metric: MetricDef,
) -> pl.DataFrame:
    """Sum municipalities into one area per period and group: rates as ratio of sums.

    A sum is only given when it is whole and safe: every member has a known figure for
    the period and group (else numerator and denominator are null and
    ``members_missing`` says how many members lack one), and no member's figure is
    suppressed, by the publisher or by the small-number rule (else ``in_suppressed`` is
    True, because the member's figure could be worked out from the sum and the others).
    Returns the ``RAW_SCHEMA`` columns plus ``members_missing`` (Int64).
    """
    codes = list(dict.fromkeys(members))
    sub = raw.filter(pl.col("area_code").is_in(codes)).with_columns(
        suppress_expr(metric).alias("_sup")
    )
    known = pl.col("numerator").is_not_null()
    if metric.is_rate:
        known = known & pl.col("denominator").is_not_null()
    sub = sub.with_columns((pl.col("_sup") | known).alias("_present"))
    agg = sub.group_by("period", "period_start", "period_end", "group").agg(
        pl.col("numerator").sum(),
        pl.col("denominator").sum(),
        pl.col("_sup").any().alias("in_suppressed"),
        pl.col("total_unknown").any(),
        pl.col("area_code").filter(pl.col("_present")).n_unique().alias("_n_present"),
        pl.col("denominator").is_not_null().any().alias("_has_den"),
    )
    missing = pl.lit(len(codes), pl.Int64) - pl.col("_n_present").cast(pl.Int64)
    whole = (missing == 0) & ~pl.col("in_suppressed")
    if not metric.additive:
        # A rank (or any figure that cannot be summed) has no value for a sum of areas;
        # that is neither suppression nor missing data.
        whole, missing = pl.lit(False), pl.lit(0, pl.Int64)
        agg = agg.with_columns(pl.lit(False).alias("in_suppressed"))
    out = agg.with_columns(
        pl.when(whole).then(pl.col("numerator")).otherwise(None).alias("numerator"),
        pl.when(whole & pl.col("_has_den"))
        .then(pl.col("denominator"))
        .otherwise(None)
        .alias("denominator"),
        missing.alias("members_missing"),
        pl.lit(code).alias("area_code"),
        pl.lit(name).alias("area_name"),
        pl.lit(level).alias("area_level"),
    )
    return out.select(
        *[pl.col(c).cast(t) for c, t in RAW_SCHEMA.items()],
        pl.col("members_missing").cast(pl.Int64),
    )


def aggregate_year(raw: pl.DataFrame, metric: MetricDef, year: int) -> pl.DataFrame:
    """One row per area and group for ``year``, formed by the metric's ``year_agg``.

    mean: average of the periods seen (numerator and denominator averaged, so a share is
    still a ratio of sums); sum: sums; last: the last period of the year seen;
    ref_month: the reference month only. ``period`` becomes ``<year>Y01`` and
    ``n_periods`` tells how many periods went in. A value built on a period suppressed at
    the source (``in_suppressed``) keeps ``in_suppressed`` True, so ``finalize``
    suppresses the whole year: a mean or sum over the other periods is never given.
    """
    # A period belongs to the year it ends in (a rolling year 2022QMAT02 to 2022).
    sub = raw.filter(pl.col("period_end").dt.year() == year)
    if metric.year_agg == "ref_month" and metric.ref_month:
        sub = sub.filter(pl.col("period_start").dt.month() == metric.ref_month)
    keys = ["area_code", "area_name", "area_level", "group"]
    if metric.year_agg in ("last", "ref_month"):
        sub = (
            sub.sort("period_start")
            .group_by(keys)
            .agg(
                pl.col("numerator").last(),
                pl.col("denominator").last(),
                pl.col("in_suppressed").last(),
                pl.col("total_unknown").last(),
                pl.len().alias("n_periods"),
            )
        )
    else:
        f = "mean" if metric.year_agg == "mean" else "sum"
        sub = sub.group_by(keys).agg(
            getattr(pl.col("numerator"), f)().alias("numerator"),
            pl.when(pl.col("denominator").is_not_null().any())
            .then(getattr(pl.col("denominator"), f)())
            .otherwise(None)
            .alias("denominator"),
            pl.col("in_suppressed").any(),
            pl.col("total_unknown").any(),
            pl.len().alias("n_periods"),
        )
    return sub.with_columns(
        pl.lit(f"{year}Y01").alias("period"),
        pl.lit(date(year, 1, 1)).alias("period_start"),
        pl.lit(date(year, 12, 31)).alias("period_end"),
    )


def restrict_areas(raw: pl.DataFrame, codes: Sequence[str] | None) -> pl.DataFrame:
    return raw if codes is None else raw.filter(pl.col("area_code").is_in(list(codes)))


__all__ = [
    "KEY",
    "SERIES_COLUMNS",
    "aggregate_areas",
    "aggregate_year",
    "filter_periods",
    "finalize",
    "only_native_grain",
    "restrict_areas",
]
