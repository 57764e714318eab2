"""Judging a plan's targets against the data (rules written out in docs/targets.md).

Status rule
-----------
* ``ingen data``: no figure for the metric up to ``as_of``, or the year's value is built
  on a period the publisher suppressed (a mean or sum over it, or a year-end /
  reference-month value that is itself suppressed once the year is over): that value
  cannot be formed, so it is neither shown, projected nor judged.
* The year is complete when ``as_of`` is at or after 31 December of the plan year, the
  data holds the year's last period (December, or the reference month for
  reference-month metrics; Q4 for quarterly ones) and no period the year's value is
  built from is suppressed by the publisher. Only then is a target ``nået`` (the year's
  value meets the target) or ``ikke nået``.
* Before that, the target is ``på rette vej`` when the projection to year-end meets the
  target, else ``i risiko``. A year not complete is never reported as met or missed.

"Meets" is value <= target for ``max``, >= for ``min``, > for ``increase`` and < for
``decrease`` (the latter two against the baseline unless a target level is given).

Projection to year-end (``projection_method`` names the one used)
-----------------------------------------------------------------
* yearly average (``mean``): the months seen this year plus the remaining months, each
  projected by ``project_months``: the level of the last 3 months seen plus a damped
  trend (least-squares slope of the last 6 months, each further month's step times
  ``DAMPING`` = 0.8), clamped to the range of the last 12 months seen; the latest value
  without trend when fewer than 3 months are seen; divided by 12.
* count in the year (``sum``): the count so far scaled to the full year (run rate); for
  a share the share so far.
* year-end value (``last``): the latest value plus the linear trend of the last 6
  months, carried forward to December (shares kept within 0-100).
* reference month (``ref_month``): the reference month's value once known, else the
  latest value.

Steps (``metrics/evaluation/``)
-------------------------------
``evaluate_target`` computes the metric's raw frame once and runs, in order:
``steps.target_series`` (protect, restrict to the municipality and group, cut at
``as_of``), ``steps.baseline``, ``steps.year_value``, ``steps.completeness``,
``steps.seen`` (the history), ``projection.projection``, ``steps.status``, the plan-figure
``checks`` and ``explain`` (sentence and notes). It returns a typed ``TargetResult`` whose
``status`` and ``method`` are keys (``Status``, ``Method``); their Danish labels
(``STATUS_LABELS``, ``METHOD_LABELS``) are used only when rendering, e.g. the rows of
``evaluate_plan``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.periods import parse_period
from domain.registry import get_metric
from domain.targets import Plan, Target
from metrics.danish import period_label
from metrics.evaluation import checks, explain, steps
from metrics.evaluation.checks import stated_vs_computed
from metrics.evaluation.explain import METHOD_LABELS, STATUS_LABELS
from metrics.evaluation.projection import DAMPING, project_months, projection
from metrics.evaluation.result import (
    EVALUATION_COLUMNS,
    EVALUATION_SCHEMA,
    Method,
    Status,
    TargetResult,
)
from metrics.kpis import RAW_SCHEMA, MissingInput, compute_raw
from metrics.series import protected

Inputs = Mapping[str, pl.LazyFrame]

STATUSES = tuple(STATUS_LABELS.values())
"""The Danish status texts of ``evaluate_plan``, best first."""

__all__ = [
    "DAMPING",
    "EVALUATION_COLUMNS",
    "EVALUATION_SCHEMA",
    "METHOD_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "Method",
    "Status",
    "TargetResult",
    "evaluate_plan",
    "evaluate_target",
    "evaluate_targets",
    "project_months",
    "stated_vs_computed",
]


def evaluate_target(
    inputs: Inputs, plan: Plan, t: Target, *, as_of: str | None = None
) -> TargetResult:
    """Judge one target of ``plan``: the steps of ``metrics.evaluation`` in order.

    The metric's raw frame is computed once and feeds both the judged series and the
    check of the plan's stated figures.
    """
    metric = get_metric(t.metric_id)
    missing: str | None = None
    try:
        raw = compute_raw(inputs, t.metric_id, breakdown=t.breakdown, countries=t.countries)
    except MissingInput as exc:
        missing, raw = str(exc), pl.DataFrame(schema=RAW_SCHEMA)
    as_of_end = parse_period(as_of).end if as_of else None
    # the protected frame is shared with the pages' series of the same data version
    whole = protected(inputs, metric, t.breakdown, t.countries, lambda: raw)
    series = steps.target_series(whole, metric, plan.municipality_code, t.group, as_of_end)
    cut = as_of_end or steps.last_day(series)

    base = steps.baseline(series, metric, t)
    level = t.target if t.target is not None else base.used
    value = steps.year_value(series, metric, plan.year)
    done = steps.completeness(series, metric, plan.year, cut, value)
    history = steps.seen(series, metric)
    proj = projection(metric, plan.year, value, done, history)
    status = steps.status(t.kind, level, value.value, proj.value, done.complete)

    reduction = checks.reduction(t, base.computed)
    from_data = checks.data_values(raw, metric, plan.municipality_code, t.group) if t.stated else {}
    findings = explain.Findings(
        missing_input=missing,
        baseline=base,
        baseline_differs=checks.baseline_differs(t, metric, base.computed),
        stated=checks.stated_mismatches(t, from_data),
        extract=checks.extract_mismatches(inputs, t, plan.municipality_code, plan.year),
        reduction=reduction,
        value=value,
        done=done,
        level_known=level is not None,
        projection=proj,
    )
    label = period_label(value.used[0], value.used[-1]) if value.used else ""
    text = explain.explanation(
        t,
        metric,
        explain.Facts(
            status=status,
            value=value.value,
            level=level,
            projection=proj.shown,
            method=proj.method,
            covered=label,
            year=plan.year,
            suppressed=value.suppressed,
            latest=period_label(history.last_period),
            source=explain.labels(value.unknown_periods),
        ),
    )
    shown = not value.suppressed
    gap = value.value - level if value.value is not None and level is not None else None
    return TargetResult(
        id=t.id,
        goal=t.goal,
        label=t.label,
        metric_id=t.metric_id,
        kind=t.kind,
        value=value.value if shown else None,
        target=level,
        gap=gap if shown else None,
        status=status,
        projection=proj.shown if shown else None,
        method=proj.method,
        baseline=base.used,
        baseline_stated=base.stated_shown,
        baseline_period=t.baseline_period,
        unit=t.unit,
        periods_covered=value.covered,
        periods_label=label,
        n_periods=len(value.used),
        year_complete=done.complete,
        suppressed=value.suppressed,
        explanation=text,
        reduction_consistent=None if reduction is None else reduction.consistent,
        notes=explain.notes(t, metric, findings),
        wording=t.wording,
    )


def evaluate_targets(inputs: Inputs, plan: Plan, *, as_of: str | None = None) -> list[TargetResult]:
    """Every target of ``plan`` judged, in plan order (see ``evaluate_target``).

    ``as_of`` (a month code like ``2022M06``) limits the data used to periods ending by
    then; without it all loaded data is used.
    """
    if as_of is not None:
        parse_period(as_of)
    return [evaluate_target(inputs, plan, t, as_of=as_of) for t in plan.targets]


def evaluate_plan(inputs: Inputs, plan: Plan, *, as_of: str | None = None) -> pl.DataFrame:
    """One row per target: value so far, target, gap, status, projection and notes.

    ``as_of`` (a month code like ``2022M06``) limits the data used to periods ending by
    then; without it all loaded data is used. Columns: ``EVALUATION_COLUMNS``. ``gap`` is
    value minus target, in the target's unit (persons, or points for shares). Status and
    projection method are their Danish labels (``STATUS_LABELS``, ``METHOD_LABELS``).
    """
    rows = [explain.row(r) for r in evaluate_targets(inputs, plan, as_of=as_of)]
    return pl.DataFrame(rows, schema=EVALUATION_SCHEMA, orient="row")
