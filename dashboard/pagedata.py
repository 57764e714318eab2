"""What the target pages show, built as typed data before anything is drawn.

``plan_page(...)`` and ``target_view(...)`` are the ``build`` half of the Overblik and Mål
pages (the page scripts only lay them out); the benchmark (``benchmarks/bench_pages.py``)
and the committee report call the same functions, so what they measure and print cannot
drift from what the pages show. Every call goes through the cached loaders, and a whole
page's data is cached per store version, plan and status month.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import loaders
from dashboard.export import Footnote
from dashboard.figures import Figures, result_figures, target_line
from dashboard.target_charts import TargetLine, window
from domain.registry import MetricDef
from domain.targets import Plan, Target
from metrics.api import STATUS_LABELS, TargetResult

STATUS_ORDER = tuple(STATUS_LABELS.values())


@dataclass(frozen=True)
class TargetView:
    """One target of a plan: its judged result, the figures as shown, its chart data."""

    target: Target
    metric: MetricDef
    result: TargetResult
    figures: Figures
    series: pl.DataFrame  # the municipality's series for the target's group (chart window)
    line: TargetLine
    footnote: Footnote

    @property
    def status(self) -> str:
        """The status in Danish (``nået``, ``i risiko``, ...)."""
        return STATUS_LABELS[self.result.status]


@dataclass(frozen=True)
class PlanPage:
    """The Overblik page: the plan, the status month and one view per target."""

    ref: loaders.PlanRef
    plan: Plan
    as_of: str | None
    demo: bool
    loaded: frozenset[str]
    summary: tuple[tuple[str, int], ...]  # (status, number of targets), in STATUS_ORDER
    targets: tuple[TargetView, ...]


def target_view(
    key: loaders.StoreKey,
    ref: loaders.PlanRef,
    target: Target,
    result: TargetResult,
    as_of: str | None = None,
) -> TargetView:
    """Everything Overblik's card, Mål's header and chart and the report show for a target."""
    plan = loaders.load_plan(ref.path, ref.mtime)
    metric = loaders.get_metric(target.metric_id)
    start, end = window(metric, plan.year)
    series = loaders.kpi_series(
        key, metric.id, (ref.municipality_code,), target.breakdown, start, end
    ).filter(pl.col("group") == (target.group or "I alt"))
    shown_figures = result_figures(metric, result)
    line = target_line(target, result, shown_figures, year=plan.year, as_of=as_of)
    shown = series if as_of is None else series.filter(pl.col("period") <= as_of)
    note = (f"Mål: {target.wording}",)
    return TargetView(
        target=target,
        metric=metric,
        result=result,
        figures=shown_figures,
        series=series,
        line=line,
        footnote=loaders.footnote(key, metric.sources, shown, notes=note, breaks=metric.breaks),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def plan_page(key: loaders.StoreKey, ref: loaders.PlanRef, as_of: str | None = None) -> PlanPage:
    """The Overblik page's data for a plan, judged with the data up to ``as_of``."""
    plan = loaders.load_plan(ref.path, ref.mtime)
    results = {r.id: r for r in loaders.evaluate_targets(key, ref.path, ref.mtime, as_of)}
    views = tuple(target_view(key, ref, t, results[t.id], as_of) for t in plan.targets)
    counts = Counter(v.status for v in views)
    return PlanPage(
        ref=ref,
        plan=plan,
        as_of=as_of,
        demo=loaders.is_demo(key),
        loaded=loaders.loaded(key),
        summary=tuple((s, counts[s]) for s in STATUS_ORDER if counts.get(s)),
        targets=views,
    )
