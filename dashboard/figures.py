"""A target's figures as every view shows them: one precision, the gap from the shown
numbers (cards, Mål, the committee report). No Streamlit here: the report and the CLI
import it without the dashboard's runtime."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.target_charts import TargetLine
from domain.registry import MetricDef
from domain.targets import Target
from metrics import danish
from metrics.api import TargetResult
from metrics.danish import display_spec, spec_decimals


@dataclass(frozen=True)
class Figures:
    """A target's figures as shown: rounded to one precision, the gap from the rounded
    value and target (so 47,0 % against 45,4 % is +1,6, never "+1" beside "47 % / 45 %")."""

    value: float | None
    target: float | None
    gap: float | None
    projection: float | None
    baseline: float | None
    spec: str
    unit: str

    def text(self, name: str) -> str:
        v: float | None = getattr(self, name)
        return danish.with_unit(v, self.unit, self.spec)

    @property
    def gap_text(self) -> str:
        """The gap without its unit (the unit goes into the label: it never gets cut)."""
        return danish.signed(self.gap, "", self.spec)

    @property
    def gap_label(self) -> str:
        return "Afstand til mål (%-point)" if self.unit == "pct" else "Afstand til mål"


def figures(
    metric: MetricDef,
    *,
    value: float | None,
    target: float | None,
    projection: float | None = None,
    baseline: float | None = None,
    unit: str | None = None,
) -> Figures:
    """The figures rounded to one precision, the gap from the rounded value and target."""
    spec = display_spec(metric.fmt, target)
    d = spec_decimals(spec)

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, d)

    shown = r(value)
    gap = None if shown is None or target is None else round(shown - round(target, d), d)
    return Figures(
        value=shown,
        target=r(target),
        gap=gap,
        projection=r(projection),
        baseline=r(baseline),
        spec=spec,
        unit=unit or metric.unit,
    )


def baseline_label(target: Target) -> str:
    if not target.baseline_period:
        return "Udgangspunkt"
    first, _, last = target.baseline_period.partition("-")
    return f"Udgangspunkt ({danish.period_span(first, last or first)})"


def result_figures(metric: MetricDef, result: TargetResult) -> Figures:
    """A judged target's figures as shown (``figures`` of its value, target, ...)."""
    return figures(
        metric,
        value=result.value,
        target=result.target,
        projection=result.projection,
        baseline=result.baseline,
        unit=result.unit,
    )


def target_line(
    target: Target, result: TargetResult, shown: Figures, *, year: int, as_of: str | None
) -> TargetLine:
    """What a target's chart sets its figures against, as the card states them."""
    return TargetLine(
        target=result.target,
        year=year,
        baseline=result.baseline,
        baseline_label=baseline_label(target),
        as_of=as_of,
        spec=shown.spec,
        so_far=result.value,
        last_month=result.periods_covered.rpartition("-")[2] or None,
    )
