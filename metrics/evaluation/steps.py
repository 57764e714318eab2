"""The steps of judging a target, each a small pure function over the target's series.

``target_series`` prepares the series once; ``baseline``, ``year_value``, ``seen``,
``completeness`` and ``status`` each read it (or the results before them) and return a
small frozen record. Figures are formed with ``metrics.series`` (``aggregate_year``,
``value_expr``, ``suppress_expr``, ``protect``), never with scalar copies of them.
Projection is in ``metrics.evaluation.projection``, the Danish text in
``metrics.evaluation.explain``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import polars as pl

from domain.canonical import TOTAL
from domain.periods import parse_period
from domain.registry import MetricDef
from domain.targets import Target
from metrics.evaluation.result import Status
from metrics.series import aggregate_year, only_native_grain, protect, suppress_expr, value_expr

UNKNOWN = "unknown"
"""Column of ``target_series``: the period's figure is unknown (suppressed by the
publisher, or built on a suppressed cell, or without a numerator)."""

TOLERANCE = 1e-9
"""Slack for "at most" / "at least": a value equal to its target up to float noise meets it."""


def target_series(
    raw: pl.DataFrame,
    metric: MetricDef,
    municipality: str,
    group: str | None,
    cut: date | None,
) -> pl.DataFrame:
    """The target's own periods: one municipality and group, up to ``cut``, sorted.

    ``raw`` is the metric's whole frame (``kpis.compute_raw``, every area), or that frame
    already protected (``series.protected``: it has ``suppressed``): complementary
    suppression (``series.protect``) needs every area and month, so it runs before the
    rows are restricted. Only the metric's native grain is kept. A period whose
    figure is unknown (``UNKNOWN``: suppressed at the source or no numerator) has its
    numerator and denominator set to null, so no partial number from it enters a value,
    baseline or trend. ``suppressed`` (from ``protect``) is kept.
    """
    whole = raw if "suppressed" in raw.columns else protect(only_native_grain(raw, metric), metric)
    rows = whole.filter(
        (pl.col("area_code") == municipality) & (pl.col("group") == (group or TOTAL))
    )
    if cut is not None:
        rows = rows.filter(pl.col("period_end") <= cut)
    unknown = pl.col("in_suppressed").fill_null(False) | pl.col("numerator").is_null()
    return (
        rows.with_columns(unknown.alias(UNKNOWN))
        .with_columns(
            pl.when(pl.col(UNKNOWN)).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("numerator", "denominator")
        )
        .sort("period_start")
    )


def last_day(series: pl.DataFrame) -> date | None:
    """The last day of the latest period in ``series`` (None when empty): the cut when no
    ``as_of`` is given."""
    end = series.get_column("period_end").max()
    return end if isinstance(end, date) else None


def reference_rows(
    rows: pl.DataFrame, metric: MetricDef, *, fallback: bool = False
) -> pl.DataFrame:
    """The rows in the metric's reference month (all rows for other metrics).

    With ``fallback``, all rows when none is in the reference month (a baseline stated
    for another month still has a figure).
    """
    if metric.year_agg != "ref_month" or not metric.ref_month or rows.is_empty():
        return rows
    ref = rows.filter(pl.col("period_start").dt.month() == metric.ref_month)
    return rows if fallback and ref.is_empty() else ref


def rows_used(rows: pl.DataFrame, metric: MetricDef) -> pl.DataFrame:
    """The periods a value over ``rows`` is built from: all for a mean or a sum, the
    latest for a year-end or reference-month value."""
    rows = rows.sort("period_start")
    return rows.tail(1) if metric.year_agg in ("last", "ref_month") else rows


@dataclass(frozen=True, slots=True)
class Figure:
    """A value with its numerator and denominator; ``small`` when the small-number rule
    (``series.suppress_expr``) hides it."""

    numerator: float | None
    denominator: float | None
    value: float | None
    small: bool


NO_FIGURE = Figure(None, None, None, False)


def figure(rows: pl.DataFrame, metric: MetricDef) -> Figure:
    """The metric's year aggregation over ``rows`` (``series.aggregate_year``).

    ``rows`` are the periods to use, already chosen (``rows_used``); they may span two
    calendar years (a baseline from August to July), so they are presented to
    ``aggregate_year`` as one nominal year ending with the last of them, and the
    reference-month choice is not made again. Rows without a numerator do not count.
    """
    rows = rows.filter(pl.col("numerator").is_not_null())
    end = last_day(rows)
    if end is None:
        return NO_FIGURE
    one_year = rows.with_columns(
        pl.lit(end).alias("period_end"),
        pl.col("area_name").first(),
        pl.col("area_level").first(),
    )
    chosen = dataclasses.replace(metric, ref_month=None)
    agg = aggregate_year(one_year, chosen, end.year).select(
        "numerator",
        "denominator",
        value_expr(metric).alias("value"),
        suppress_expr(metric).alias("small"),
    )
    r = agg.row(0, named=True)
    return Figure(r["numerator"], r["denominator"], r["value"], bool(r["small"]))


def values(rows: pl.DataFrame, metric: MetricDef) -> tuple[float, ...]:
    """The known values of ``rows`` in order (``series.value_expr``; nulls dropped)."""
    return tuple(rows.select(value_expr(metric)).to_series().drop_nulls().to_list())


def periods(rows: pl.DataFrame) -> tuple[str, ...]:
    """The period codes of ``rows`` in order."""
    return tuple(rows.get_column("period").to_list())


@dataclass(frozen=True, slots=True)
class Baseline:
    """The baseline from the data and the level standing in for it.

    ``computed``: from the data (None when not formed or hidden); ``hidden``: formed but
    about fewer than 5 persons; ``unknown_periods``: periods suppressed at the source that
    it would be built on (then it is not formed); ``stated``: the plan's figure.
    """

    computed: float | None
    hidden: bool
    unknown_periods: tuple[str, ...]
    stated: float | None

    @property
    def used(self) -> float | None:
        """The baseline shown and judged against: the data's, else the plan's stated one,
        but never the plan's in place of one hidden by the small-number rule (it would
        show the same figure)."""
        if self.hidden:
            return None
        return self.computed if self.computed is not None else self.stated

    @property
    def stated_shown(self) -> float | None:
        """The plan's stated baseline, unless the data's is hidden (the same figure)."""
        return None if self.hidden else self.stated


def baseline(series: pl.DataFrame, metric: MetricDef, target: Target) -> Baseline:
    """The baseline over the target's ``baseline_period``, by the metric's year rule.

    Example (``tests/test_evaluation_steps.py``): 12 months Aug 2020-Jul 2021 at 165 of a
    yearly mean -> 12 * 165 / 12 = 165. A reference-month metric takes the reference month
    in the range (else the latest period in it), a year-end one the latest period.
    """
    rng = target.baseline_range()
    if rng is None:
        return Baseline(None, False, (), target.baseline)
    lo, hi = parse_period(rng[0]).start, parse_period(rng[1]).end
    rows = series.filter((pl.col("period_start") >= lo) & (pl.col("period_end") <= hi))
    rows = rows_used(reference_rows(rows, metric, fallback=True), metric)
    unknown = periods(rows.filter(pl.col(UNKNOWN)))
    if unknown:
        return Baseline(None, False, unknown, target.baseline)
    fig = figure(rows, metric)
    if fig.value is not None and fig.small:
        return Baseline(None, True, (), target.baseline)
    return Baseline(fig.value, False, (), target.baseline)


@dataclass(frozen=True, slots=True)
class YearValue:
    """The plan year's value so far and the periods it is built from.

    ``used``: the period codes the value is built from (all of the year's periods seen for
    a mean or a sum, the latest for a year-end value, the reference month for a
    reference-month metric); ``unknown_periods``: those of them suppressed at the source
    (then the value cannot be formed: ``figure`` is ``NO_FIGURE``); ``n_year``: the
    year's periods seen, known or not; ``known``: the known values of the year's periods
    in order; ``lone_hidden``: the value is a mean or sum over exactly one period hidden by
    the small-number rule, so it would give that period away.
    """

    used: tuple[str, ...]
    unknown_periods: tuple[str, ...]
    figure: Figure
    n_year: int
    known: tuple[float, ...]
    lone_hidden: bool

    @property
    def at_source(self) -> bool:
        """Built on a period suppressed by the publisher: not formed."""
        return bool(self.unknown_periods)

    @property
    def value(self) -> float | None:
        return self.figure.value

    @property
    def suppressed(self) -> bool:
        """Not shown: not formed, about fewer than 5 persons, or giving a month away."""
        small = self.figure.value is not None and self.figure.small
        return self.at_source or small or self.lone_hidden

    @property
    def covered(self) -> str:
        """The period codes used, as a run: "2022M01-2022M06" ("" when none)."""
        if not self.used:
            return ""
        first, last = self.used[0], self.used[-1]
        return first if first == last else f"{first}-{last}"


def year_value(series: pl.DataFrame, metric: MetricDef, year: int) -> YearValue:
    """The value of ``year`` so far by the metric's year rule (``figure``).

    A period belongs to the year it ends in (a rolling year 2022QMAT02 to 2022).
    Example: a yearly mean with Jan-Jun at 130, 128, 126, 124, 122, 120 -> 750 / 6 = 125
    over "2022M01-2022M06". A mean over a period suppressed at the source is not formed (a
    mean over the other months would silently treat the missing month as average). Over
    the whole year ``series.protect`` has hidden a second month wherever one was alone;
    before that, a mean or sum over exactly one hidden month is ``lone_hidden``.
    """
    year_rows = series.filter(pl.col("period_end").dt.year() == year)
    used = rows_used(reference_rows(year_rows, metric), metric)
    unknown = periods(used.filter(pl.col(UNKNOWN)))
    fig = NO_FIGURE if unknown or used.is_empty() else figure(used, metric)
    lone_hidden = False
    if metric.year_agg in ("mean", "sum") and metric.person_based and used.height > 1:
        hidden = used.filter(pl.col("suppressed") & ~pl.col(UNKNOWN)).height
        small = fig.value is not None and fig.small
        lone_hidden = hidden == 1 and not unknown and not small
    return YearValue(
        used=periods(used),
        unknown_periods=unknown,
        figure=fig,
        n_year=year_rows.height,
        known=values(year_rows, metric),
        lone_hidden=lone_hidden,
    )


@dataclass(frozen=True, slots=True)
class Seen:
    """The known periods up to the cut, oldest first: the history a projection uses.

    ``history``: their values (``value_expr``; periods without a value dropped);
    ``ends``: their last days; ``last_period``: the latest code ("" when none);
    ``last_small``: the latest figure is about fewer than 5 persons.
    """

    history: tuple[float, ...]
    ends: tuple[date, ...]
    last_period: str
    last_small: bool


def seen(series: pl.DataFrame, metric: MetricDef) -> Seen:
    """The known periods of ``series`` (every year up to the cut): see ``Seen``."""
    rows = series.filter(~pl.col(UNKNOWN))
    if rows.is_empty():
        return Seen((), (), "", False)
    small = rows.tail(1).select(suppress_expr(metric)).item()
    return Seen(
        history=values(rows, metric),
        ends=tuple(rows.get_column("period_end").to_list()),
        last_period=str(rows.get_column("period")[-1]),
        last_small=bool(small),
    )


def last_period_needed(metric: MetricDef, year: int) -> str:
    """The period that closes ``year``: December (the reference month for a
    reference-month metric), Q4 (the rolling year to Q4), or the year itself."""
    if metric.grain == "month":
        month = metric.ref_month if metric.year_agg == "ref_month" and metric.ref_month else 12
        return f"{year}M{month:02d}"
    if metric.grain == "quarter":
        return f"{year}QMAT04" if metric.rolling_year else f"{year}Q04"
    return f"{year}Y01"


@dataclass(frozen=True, slots=True)
class Completeness:
    """Whether the year can be judged.

    ``year_over``: the cut is at or after 31 December and the data holds
    ``last_needed``; ``complete``: that, and the year's value is formed (not built on a
    period suppressed at the source); ``last_missing``: the year is over by the cut, some
    of it is seen, but ``last_needed`` is not; ``undecidable``: the year's value is built
    on a suppressed period and can neither be judged nor projected (always for a mean or
    sum; a year-end or reference-month value only once the year is over).
    """

    last_needed: str
    year_over: bool
    complete: bool
    last_missing: bool
    undecidable: bool


def completeness(
    series: pl.DataFrame, metric: MetricDef, year: int, cut: date | None, value: YearValue
) -> Completeness:
    """Example: a monthly mean for 2022 seen up to 2023M01 with Jan-Nov only -> not
    complete and ``last_missing`` (December is needed); with December in but June
    suppressed at the source -> ``year_over`` yet neither complete nor decidable."""
    last_needed = last_period_needed(metric, year)
    has_last = last_needed in set(periods(series))
    after_year = cut is not None and cut >= date(year, 12, 31)
    year_over = after_year and has_last
    return Completeness(
        last_needed=last_needed,
        year_over=year_over,
        complete=year_over and not value.at_source,
        last_missing=after_year and not has_last and value.n_year > 0,
        undecidable=value.at_source and (metric.year_agg in ("mean", "sum") or year_over),
    )


def meets(kind: str, value: float, level: float) -> bool:
    """``value`` meets a ``kind`` target at ``level``: at most (``max``) or at least
    (``min``) the level, equality included; strictly above (``increase``) or below
    (``decrease``) it."""
    if kind == "max":
        return value <= level + TOLERANCE
    if kind == "min":
        return value >= level - TOLERANCE
    if kind == "increase":
        return value > level
    return value < level


def status(
    kind: str, level: float | None, value: float | None, projection: float | None, complete: bool
) -> Status:
    """Met or missed on a complete year's value; else on track or at risk by the
    projection; no data without a level or anything to judge."""
    if level is None:
        return Status.NO_DATA
    if complete and value is not None:
        return Status.MET if meets(kind, value, level) else Status.MISSED
    if projection is not None:
        return Status.ON_TRACK if meets(kind, projection, level) else Status.AT_RISK
    return Status.NO_DATA
