"""Shared machinery: period filters, aggregation (ratio of sums) and suppression.

Suppression rule (figures about fewer than 5 persons are never shown): for metrics about
persons, a count is suppressed when 0 < count < 5; a share is suppressed when its
denominator is below 5, or 0 < numerator < 5, or 0 < denominator - numerator < 5 (the
complement: the men beside a women's share); any row built on a source cell that was
itself suppressed (discretionised by the publisher) is suppressed. Complementary
suppression (``protect``): in every additive structure (groups -> total, municipalities
-> region -> country, months -> year) a lone suppressed cell takes the smallest shown
cell with it, so that no total minus the others gives it back. A suppressed row has
value, numerator and denominator null and ``suppressed`` True. Counts of activities
(company visits, campaigns) are not about persons and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

import polars as pl

from domain import areas
from domain.canonical import COUNTRY_CODE, TOTAL
from domain.periods import parse_period
from domain.registry import MetricDef
from metrics.kpis import KEY, RAW_SCHEMA, Inputs, memoized

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


MAX_ROUNDS = 20
"""Rounds of complementary suppression: each round can only add suppressed cells, so it
settles; a structure's new cell can make another structure's cell lone, hence rounds."""


def _structures(df: pl.DataFrame, metric: MetricDef) -> list[tuple[list[str], pl.Expr, pl.Expr]]:
    """The additive structures of a frame: (key, part, total) per structure.

    Within each key, the ``part`` cells add up to the ``total`` cell: groups to "I alt"
    in an area and period; municipalities to their region and to the country, regions to
    the country, in a period and group; the months of a year to the year (yearly sums and
    averages only: a year-end or reference-month figure is one month, not a sum).
    """
    out: list[tuple[list[str], pl.Expr, pl.Expr]] = [
        # a breakdown's total is shown beside it on every page (its own series)
        (["area_code", "period"], pl.col("group") != TOTAL, pl.lit(True)),
    ]
    level, code = pl.col("area_level"), pl.col("area_code")
    out += [
        (["period", "group", "_region"], level == "kommune", code == pl.col("_region")),
        (["period", "group"], level == "kommune", code == COUNTRY_CODE),
        (["period", "group"], level == "region", code == COUNTRY_CODE),
    ]
    if metric.year_agg in ("mean", "sum") and "_year" in df.columns:
        # The year is never a row here: it is formed from the months wherever it is shown,
        # except when a month was suppressed at the source (then the year is unknown too).
        year = ["area_code", "group", "_year"]
        shown = ~pl.col("in_suppressed").fill_null(False).any().over(year)
        out.append((year, pl.col("_year").is_not_null(), shown))
    return out


def protect(raw: pl.DataFrame, metric: MetricDef) -> pl.DataFrame:
    """``raw`` with ``suppressed``: primary and complementary suppression.

    Primary: ``suppress_expr`` (fewer than 5 persons, or suppressed at the source).
    Complementary, as statistics offices do: in every additive structure
    (``_structures``) whose total is shown, where exactly one part is suppressed, the
    smallest shown positive part is suppressed too, so that no single cell is the total
    minus the others (region minus its other municipalities, the year minus its other
    months, the total minus the other groups). Repeated until nothing changes.
    Give it every area and every month of the years concerned: the rule needs the whole
    structure, so restrict areas and periods after it, never before.
    """
    df = raw.with_columns(suppress_expr(metric).alias("suppressed"))
    if not metric.person_based or df.is_empty():
        return df
    if not df.get_column("suppressed").any():  # no cell suppressed: no lone cell anywhere
        return df.sort("area_code", "group", "period_start")
    regions = areas.municipalities().select(
        pl.col("code").alias("area_code"), pl.col("region_code").alias("_region")
    )
    size = pl.col("denominator") if metric.is_rate else pl.col("numerator")
    df = df.join(regions, on="area_code", how="left").with_columns(
        # a region row sits in its own structure, beside its municipalities
        pl.when(pl.col("area_level") == "region")
        .then(pl.col("area_code"))
        .otherwise(pl.col("_region"))
        .alias("_region"),
        pl.when(pl.col("period").str.contains(r"^\d{4}M\d{2}$"))
        .then(pl.col("period_start").dt.year())
        .alias("_year"),
        size.fill_null(0.0).alias("_size"),
    )
    structures = _structures(df, metric)
    # ties for the smallest are broken by area, group and period: one cell, always the same
    df = df.sort("area_code", "group", "period_start").with_row_index("_idx")
    # What does not change between rounds is computed once: per structure a dense integer
    # id of its key, its part and total masks. The rows are ordered by size (then
    # ``_idx``) and numbered (``_pos``): a key's candidate with the lowest number is its
    # smallest shown part. Each round is then one group-by on an integer per structure.
    # each key column as a dense integer code (0 for null), then a key as one integer
    key_cols = list(dict.fromkeys(c for key, _, _ in structures for c in key))
    codes = df.select(pl.col(c).rank("dense").fill_null(0).cast(pl.Int64) for c in key_cols)
    base = {c: codes.get_column(c).n_unique() + 1 for c in key_cols}  # codes 0..n

    def key_id(key: list[str]) -> pl.Expr:
        out = pl.lit(0, pl.Int64)
        for c in key:
            out = out * base[c] + pl.col(f"_code_{c}")
        return out

    work = (
        df.with_columns(codes.select(pl.all().name.prefix("_code_")))
        .select(
            "_idx",
            "_size",
            "suppressed",
            *[
                col
                for i, (key, part, total) in enumerate(structures)
                for col in (
                    key_id(key).alias(f"_g{i}"),
                    part.fill_null(False).alias(f"_p{i}"),
                    total.fill_null(False).alias(f"_t{i}"),
                )
            ],
        )
        .sort("_size", "_idx")
        .with_row_index("_pos")
    )
    sup = work.get_column("suppressed").clone()
    # a structure without parts in this frame (no groups, no regions) has nothing to do
    active = [i for i in range(len(structures)) if work.get_column(f"_p{i}").any()]
    for _ in range(MAX_ROUNDS):
        before = int(sup.sum())
        for i in active:
            s, p = pl.col("suppressed"), pl.col(f"_p{i}")
            extra = (
                work.with_columns(sup)
                .group_by(f"_g{i}")
                .agg(
                    ((s & p).sum() == 1).alias("_lone"),
                    (pl.col(f"_t{i}") & ~s).any().alias("_shown"),
                    pl.col("_pos").filter(p & ~s & (pl.col("_size") > 0)).min().alias("_first"),
                )
                .filter(pl.col("_lone") & pl.col("_shown") & pl.col("_first").is_not_null())
                .get_column("_first")
            )
            if extra.len():
                sup = sup.scatter(extra, True)
        if int(sup.sum()) == before:
            break
    shown = work.select("_idx", sup).sort("_idx").get_column("suppressed")
    return df.with_columns(shown).drop("_region", "_year", "_size", "_idx")


def protected(
    inputs: Inputs,
    metric: MetricDef,
    breakdown: str | None,
    countries: Sequence[str] | None,
    raw: Callable[[], pl.DataFrame],
) -> pl.DataFrame:
    """``protect`` of the metric's native-grain frame ``raw()`` (every area and month),
    once per data version and selection (``kpis.memoized``): the series, comparisons and
    target evaluations of every page share it. ``raw`` is only called when not kept."""
    key = protected_key(metric, breakdown, countries)
    return memoized(inputs, key, lambda: protect(only_native_grain(raw(), metric), metric))


def protected_key(
    metric: MetricDef, breakdown: str | None, countries: Sequence[str] | None
) -> tuple[object, ...]:
    """The cache key of ``protected`` (also used by ``metrics.api``)."""
    return ("protected", metric.id, breakdown, tuple(countries) if countries else None)


def finalize(raw: pl.DataFrame, metric: MetricDef, extra: Sequence[str] = ()) -> pl.DataFrame:
    """Raw frame -> public series: value computed, small figures suppressed, sorted.

    Suppression comes from :func:`protect`, run here unless ``raw`` already has
    ``suppressed`` (callers that show only some areas or periods protect the whole frame
    first and restrict after). ``extra`` names further columns of ``raw`` to keep.
    """
    if "suppressed" not in raw.columns:
        raw = protect(raw, metric)
    out = raw.with_columns(
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
    # a member hidden by complementary suppression (``protect``) counts as suppressed too
    sup = pl.col("suppressed") if "suppressed" in raw.columns else suppress_expr(metric)
    sub = raw.filter(pl.col("area_code").is_in(codes)).with_columns(sup.alias("_sup"))
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
    "protect",
    "protected",
    "protected_key",
    "restrict_areas",
]
