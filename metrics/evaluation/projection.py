"""Projecting a target's year to its end, one small function per method.

``projection`` picks the method by the metric's year aggregation (``MetricDef.year_agg``)
and returns the ``Method`` key used; the Danish description of each method is in
``metrics.evaluation.explain.METHOD_LABELS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.registry import MetricDef
from metrics.evaluation.result import Method
from metrics.evaluation.steps import Completeness, Seen, YearValue

DAMPING = 0.8
"""Each further projected month's trend step is this fraction of the step before."""

PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


def slope(ys: Sequence[float]) -> float:
    """Least-squares slope of ``ys`` against 0, 1, 2, ... (0 for fewer than 2 points).

    Example: 130, 128, 126, 124, 122, 120 -> -2 per period.
    """
    n = len(ys)
    if n < 2:
        return 0.0
    xs = list(range(n))
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def project_months(history: Sequence[float], remaining: int) -> list[float]:
    """The next ``remaining`` periods of a series, projected conservatively.

    With 3 or more periods seen: the level of the last 3 (their mean, centred one period
    before the last) plus a damped trend, the least-squares slope ``b`` of the last 6:
    the k-th period after the last seen is ``level + b * (1 + d + d**2 + ... + d**k)``
    with ``d = DAMPING``, clamped to the lowest and highest of the last 12 periods seen
    (and never below zero). With fewer than 3 periods seen: the latest value, no trend.
    """
    if remaining <= 0 or not history:
        return []
    if len(history) < 3:
        return [max(0.0, history[-1])] * remaining
    level = sum(history[-3:]) / 3
    b = slope(history[-6:])
    window = history[-12:]
    lo, hi = max(0.0, min(window)), max(0.0, max(window))
    out: list[float] = []
    steps = 1.0  # from the level's centre to the last period seen
    for k in range(1, remaining + 1):
        steps += DAMPING**k
        out.append(min(hi, max(lo, level + b * steps)))
    return out


def project_mean(history: Sequence[float], known: Sequence[float], per_year: int) -> float:
    """A yearly mean: the year's known values plus the rest by ``project_months``, over
    ``per_year``. Example: Jan-Jun 118, 116, ..., 108 (sum 678), the rest projected at
    108 each -> (678 + 6 * 108) / 12 = 110.5."""
    rest = project_months(history, per_year - len(known))
    return (sum(known) + sum(rest)) / per_year


def project_sum(so_far: float, n_seen: int, per_year: int) -> float:
    """A yearly count at the same pace: 24 in 3 months -> 24 * 12 / 3 = 96."""
    return so_far * per_year / n_seen


def project_last(
    history: Sequence[float], ends: Sequence[date], year: int, per_year: int, is_rate: bool
) -> float:
    """A year-end value: the latest value plus the linear trend of the last 6 periods,
    carried to December, never below 0 (a share never above 100).

    The trend is per published period: it is stepped by the months between the last two
    periods seen (a rolling year published for Q2 and Q4 steps 6 months), else by the
    grain. Example: quarters ending Mar, Jun at 10, 12 (slope 2 per 3 months) seen to
    June -> 12 + 2 * 6 / 3 = 16.
    """
    last_end = ends[-1]
    months = max(0, (year - last_end.year) * 12 + 12 - last_end.month)
    step = 12 / per_year
    if len(ends) >= 2:
        prev = ends[-2]
        step = max(1, (last_end.year - prev.year) * 12 + last_end.month - prev.month)
    p = history[-1] + slope(history[-6:]) * (months / step)
    if is_rate:
        p = min(100.0, p)
    return max(0.0, p)


@dataclass(frozen=True, slots=True)
class Projection:
    """The projected year-end figure and the method used (``None``: none applies).

    ``hidden``: carried from a latest figure about fewer than 5 persons, so it still sets
    the status but is never shown.
    """

    value: float | None
    method: Method | None
    hidden: bool = False

    @property
    def shown(self) -> float | None:
        return None if self.hidden else self.value


NONE = Projection(None, None)


def projection(
    metric: MetricDef, year: int, value: YearValue, done: Completeness, seen: Seen
) -> Projection:
    """The year-end projection by the metric's year aggregation (``Method`` per case).

    None when the year's value cannot be formed (``done.undecidable``); the year's value
    when the year is complete; else ``mean`` -> ``project_mean``, ``sum`` ->
    ``project_sum`` (a share: the share so far), ``last`` -> ``project_last``,
    ``ref_month`` -> the reference month's value once known, else the latest value.
    """
    per_year = PERIODS_PER_YEAR[metric.grain]
    agg = metric.year_agg
    if done.undecidable:
        return NONE
    if done.complete:
        return Projection(value.value, Method.COMPLETE)
    if agg == "mean" and seen.history:
        return Projection(project_mean(seen.history, value.known, per_year), Method.MEAN)
    if agg == "sum" and value.n_year:
        if metric.is_rate:
            return Projection(value.value, Method.SUM_RATE)
        so_far = value.figure.numerator
        if so_far is None:
            return NONE
        return Projection(project_sum(so_far, value.n_year, per_year), Method.SUM)
    if agg == "last" and seen.history:
        p = project_last(seen.history, seen.ends, year, per_year, metric.is_rate)
        return Projection(p, Method.LAST, hidden=seen.last_small)
    if agg == "ref_month" and seen.history:
        if value.value is not None:
            return Projection(value.value, Method.REF_MONTH)
        return Projection(seen.history[-1], Method.REF_MONTH_LATEST, hidden=seen.last_small)
    return NONE
