"""What judging one target gives: typed keys (status, projection method) and the result.

The keys here are what logic compares; their Danish labels live in
``metrics.evaluation.explain`` and are used only when a result is rendered (a row of
``evaluate_plan``, a page, the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl


class Status(StrEnum):
    """Where a target stands (rules in ``metrics.evaluate``)."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_DATA = "no_data"


class Method(StrEnum):
    """How the year-end figure was projected (``None`` on a result: not projected)."""

    MEAN = "mean"  # months seen + the rest by ``project_months``, averaged over the year
    SUM = "sum"  # count so far at the same pace for the rest of the year
    SUM_RATE = "sum_rate"  # a share summed over the year: the share so far
    LAST = "last"  # latest value plus the trend carried to December
    REF_MONTH = "ref_month"  # the reference month's value, once known
    REF_MONTH_LATEST = "ref_month_latest"  # the latest value until the reference month is in
    COMPLETE = "complete"  # the whole year is known: the year's value itself


RESULT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "goal": pl.Int64(),
    "label": pl.String(),
    "metric_id": pl.String(),
    "kind": pl.String(),
    "value": pl.Float64(),
    "target": pl.Float64(),
    "gap": pl.Float64(),
    "status": pl.String(),
    "projection": pl.Float64(),
    "method": pl.String(),
    "baseline": pl.Float64(),
    "baseline_stated": pl.Float64(),
    "baseline_period": pl.String(),
    "unit": pl.String(),
    "periods_covered": pl.String(),
    "periods_label": pl.String(),
    "n_periods": pl.Int64(),
    "year_complete": pl.Boolean(),
    "suppressed": pl.Boolean(),
    "explanation": pl.String(),
    "reduction_consistent": pl.Boolean(),
    "notes": pl.List(pl.String()),
    "wording": pl.String(),
}
"""A ``TargetResult`` as a frame row (``status`` and ``method`` as their keys)."""

EVALUATION_SCHEMA: dict[str, pl.DataType] = {
    ("projection_method" if name == "method" else name): dtype
    for name, dtype in RESULT_SCHEMA.items()
}
"""A row of ``evaluate_plan`` (``status`` and ``projection_method`` as Danish labels)."""

EVALUATION_COLUMNS = tuple(EVALUATION_SCHEMA)


@dataclass(frozen=True, slots=True)
class TargetResult:
    """One judged target, as a page or the report shows it.

    Figures hidden by the small-number rule are already ``None`` here (``value``, ``gap``
    and ``projection`` when ``suppressed``; ``projection`` when the latest figure it is
    carried from is about fewer than 5 persons; ``baseline`` and ``baseline_stated`` when
    the baseline is). ``gap`` is value minus target in the target's unit. ``target`` is
    the level judged against: the plan's target, else the baseline. ``periods_covered``
    is the run of period codes the value is built from ("2022M01-2022M06"),
    ``periods_label`` the same in Danish. ``explanation`` and ``notes`` are Danish text.
    """

    id: str
    goal: int | None
    label: str
    metric_id: str
    kind: str
    value: float | None
    target: float | None
    gap: float | None
    status: Status
    projection: float | None
    method: Method | None
    baseline: float | None
    baseline_stated: float | None
    baseline_period: str | None
    unit: str
    periods_covered: str
    periods_label: str
    n_periods: int
    year_complete: bool
    suppressed: bool
    explanation: str
    reduction_consistent: bool | None
    notes: tuple[str, ...]
    wording: str
