"""Checks of a plan's own figures against their counts and the data.

Each check returns typed findings; ``metrics.evaluation.explain`` words them as notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from domain.canonical import TOTAL
from domain.registry import MetricDef, get_metric
from domain.targets import Target
from metrics.kpis import MissingInput, compute_raw
from metrics.series import suppress_expr, value_expr

Inputs = Mapping[str, pl.LazyFrame]

STATED_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "stated": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "computed_from_counts": pl.Float64(),
    "computed_from_data": pl.Float64(),
    "agrees": pl.Boolean(),
}


def data_values(
    raw: pl.DataFrame, metric: MetricDef, municipality: str, group: str | None
) -> dict[str, float | None]:
    """The metric's value per period for one municipality and group (``value_expr``).

    ``raw`` is ``kpis.compute_raw``'s frame. A figure built on a suppressed cell is
    unknown (None), never a partial number.
    """
    rows = raw.filter((pl.col("area_code") == municipality) & (pl.col("group") == (group or TOTAL)))
    known = pl.when(pl.col("in_suppressed")).then(None).otherwise(value_expr(metric))
    return dict(rows.select("period", known.alias("value")).iter_rows())


def stated_figures(target: Target, from_data: Mapping[str, float | None]) -> pl.DataFrame:
    """The plan's stated figures beside the ratio of their counts and the data's value.

    ``agrees``: the stated figure equals the one computed from its counts (else from
    ``from_data``) rounded to one decimal; null when there is nothing to compare. Example:
    stated 8.6 for 89 of 1025 = 8.68 -> 8.7: does not agree. Columns: ``STATED_SCHEMA``.
    """
    rows = []
    for s in target.stated:
        counts = (
            100.0 * s.numerator / s.denominator
            if s.numerator is not None and s.denominator
            else None
        )
        ref = counts if counts is not None else from_data.get(s.period)
        agrees = None if ref is None else abs(round(ref, 1) - s.stated) < 0.05 + 1e-9
        rows.append(
            {
                "period": s.period,
                "stated": s.stated,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "computed_from_counts": counts,
                "computed_from_data": from_data.get(s.period),
                "agrees": agrees,
            }
        )
    return pl.DataFrame(rows, schema=STATED_SCHEMA, orient="row")


@dataclass(frozen=True, slots=True)
class StatedMismatch:
    """A figure the plan states that its own counts (or the data) do not give."""

    period: str
    stated: float
    numerator: float | None
    denominator: float | None
    from_counts: float | None


def stated_mismatches(
    target: Target, from_data: Mapping[str, float | None]
) -> tuple[StatedMismatch, ...]:
    """The rows of ``stated_figures`` that do not agree."""
    frame = stated_figures(target, from_data).filter(pl.col("agrees").not_())
    return tuple(
        StatedMismatch(
            r["period"], r["stated"], r["numerator"], r["denominator"], r["computed_from_counts"]
        )
        for r in frame.iter_rows(named=True)
    )


def stated_vs_computed(
    target: Target, inputs: Inputs | None = None, *, municipality: str | None = None
) -> pl.DataFrame:
    """The plan's stated figures beside the ratio of their counts (and the data, if given).

    Columns: period, stated, numerator, denominator, computed_from_counts,
    computed_from_data (the target's own series: its municipality and group), agrees (the
    stated figure equals the computed one rounded to one decimal; null when there is
    nothing to compare).
    """
    from_data: dict[str, float | None] = {}
    if inputs is not None and municipality is not None:
        try:
            raw = compute_raw(
                inputs, target.metric_id, breakdown=target.breakdown, countries=target.countries
            )
        except MissingInput:
            pass
        else:
            from_data = data_values(raw, get_metric(target.metric_id), municipality, target.group)
    return stated_figures(target, from_data)


@dataclass(frozen=True, slots=True)
class ExtractMismatch:
    """A share the flexjob hours extract states that its own counts do not give."""

    period: str
    hours_band: str
    stated: float
    computed: float


FLEX_SHARES = ("op", "ned", "uaendret")


def extract_mismatches(
    inputs: Inputs, target: Target, municipality: str, year: int
) -> tuple[ExtractMismatch, ...]:
    """Stated shares in the flexjob hours extract more than 0.5 points from their counts.

    Only for the ``fleksjob_andel_*`` targets, over the plan year and the year before. A
    share about fewer than 5 persons (``series.suppress_expr``) is never reported.
    Example: 30 of 30 + 10 + 60 went up = 30 %, the extract says 40 % -> a mismatch.
    """
    which = target.metric_id.removeprefix("fleksjob_andel_")
    if which == target.metric_id or which not in FLEX_SHARES:
        return ()
    if "fleksjob_timeudvikling" not in inputs:
        return ()
    lf = inputs["fleksjob_timeudvikling"].filter(
        (pl.col("area_code") == municipality)
        & (pl.col("period_start").dt.year().is_between(year - 1, year))
    )
    if target.group is not None:
        lf = lf.filter(pl.col("hours_band") == target.group)
    stated = f"andel_{which}"
    wide = (
        lf.filter(
            pl.col("measure_id").str.starts_with("personer_") | (pl.col("measure_id") == stated)
        )
        .collect()
        .pivot(
            on="measure_id",
            index=["period", "hours_band"],
            values="value",
            aggregate_function="sum",
        )
    )
    parts = [f"personer_{w}" for w in FLEX_SHARES]
    if not {stated, *parts} <= set(wide.columns):
        return ()
    metric = get_metric(target.metric_id)
    checked = (
        wide.with_columns(
            pl.col(f"personer_{which}").alias("numerator"),
            pl.sum_horizontal(parts).alias("denominator"),
            pl.lit(False).alias("in_suppressed"),
        )
        .filter(
            pl.col(stated).is_not_null()
            & pl.all_horizontal(pl.col(p).is_not_null() for p in parts)
            & (pl.col("denominator") != 0)
        )
        .filter(~suppress_expr(metric))
        .with_columns(value_expr(metric).alias("computed"))
        .filter((pl.col("computed") - pl.col(stated)).abs() > 0.5 + 1e-9)
        .sort("period", "hours_band")
    )
    return tuple(
        ExtractMismatch(r["period"], r["hours_band"], r[stated], r["computed"])
        for r in checked.iter_rows(named=True)
    )


@dataclass(frozen=True, slots=True)
class Reduction:
    """The plan's stated reduction beside its target and the data's baseline.

    ``implied_baseline``: the baseline the plan's target and reduction imply;
    ``implied``: the reduction the target is against the data's baseline (None without
    one); ``consistent``: ``implied`` is within the tolerance of the stated reduction.
    """

    stated: float
    in_pct: bool
    implied_baseline: float
    implied: float | None
    consistent: bool | None


def reduction(target: Target, data_baseline: float | None) -> Reduction | None:
    """Example: target 117, stated fall 29 % -> implied baseline 117 / 0.71 = 164.8; the
    data's 165 gives 1 - 117 / 165 = 29.1 %, within 1 point of 29: consistent."""
    if target.stated_reduction is None or target.target is None:
        return None
    r, level = target.stated_reduction, target.target
    in_pct = target.reduction_unit == "pct"
    implied_base = level / (1 - r / 100) if in_pct else level + r
    implied: float | None = None
    if data_baseline is not None:
        if in_pct:
            implied = (1 - level / data_baseline) * 100 if data_baseline else None
        else:
            implied = data_baseline - level
    tol = target.reduction_tolerance or (1.0 if in_pct else 0.1)
    consistent = None if implied is None else abs(implied - r) <= tol + 1e-9
    return Reduction(r, in_pct, implied_base, implied, consistent)


def baseline_differs(target: Target, metric: MetricDef, data_baseline: float | None) -> bool:
    """The plan's stated baseline is further from the data's (rounded to one decimal)
    than the tolerance: 1 for counts, 0.1 points for shares, or the target's own."""
    if target.baseline is None or data_baseline is None:
        return False
    tol = target.reduction_tolerance or (1.0 if metric.unit != "pct" else 0.1)
    return abs(round(data_baseline, 1) - target.baseline) > tol
