"""What the committee report says: the plan's evaluation, formatted, with one chart per
target. Everything shown is decided here; ``pdf.py`` and ``html.py`` only lay it out.

Dates come from the data (the latest period shown, the datasets' ``retrieved_at``), never
from the clock, so the same inputs give the same report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, export
from dashboard.figures import Figures, result_figures, target_line
from dashboard.target_charts import target_chart, window
from data_connectors.demo import is_demo_source
from domain.periods import month_code, parse_period
from metrics import api, danish
from metrics.danish import period_label

Inputs = Mapping[str, pl.LazyFrame]

DEMO_LABEL = export.DEMO_BANNER
"""The dashboard's demo banner, printed on every page when demo data is used."""

STATUS_ORDER = ("nået", "på rette vej", "i risiko", "ikke nået", "ingen data")

CHART_WIDTH = 760
CHART_HEIGHT = 380
"""Pixels of the SVG charts: on A4 (170 mm wide) Plotly's 13 px text prints at about 8 pt."""

SUPPRESSED_NOTE = (
    "Månedstallene handler for de flestes vedkommende om færre end 5 personer og vises "
    "derfor ikke. Årets tal står ovenfor."
)
GAPS_NOTE = "Måneder med tal om færre end 5 personer er udeladt (huller i linjen)."
NO_SERIES_NOTE = "Ingen månedstal for målet i de indlæste data."
NO_BROWSER_NOTE = "Figuren kan ikke tegnes: Chromium (/usr/bin/chromium) er ikke installeret."


@dataclass(frozen=True)
class TargetPage:
    """One target as printed: every figure already formatted the Danish way."""

    id: str
    label: str
    goal_title: str
    wording: str
    status: str
    colour: str
    value: str
    target: str
    gap: str
    projection: str
    baseline: str
    baseline_period: str
    period: str
    explanation: str
    metric_label: str
    definition: str
    source: str
    notes: tuple[str, ...]
    svg: str | None
    chart_note: str | None


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    colour: str


@dataclass(frozen=True)
class Report:
    """The whole report: cover, overview table and one page per target."""

    title: str
    municipality_code: str
    municipality_name: str
    year: int
    plan_source: str
    status_month: str
    data_until: str
    retrieved: str
    demo: bool
    demo_label: str
    summary: tuple[StatusCount, ...]
    targets: tuple[TargetPage, ...]
    created: datetime
    """The report's date (the data's, never the clock's): the PDF's creation date."""

    def as_json_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["created"] = self.created.date().isoformat()
        return out


# -- charts --------------------------------------------------------------------------------


def _target_figure(
    target: api.Target,
    metric: api.MetricDef,
    series: pl.DataFrame,
    *,
    result: api.TargetResult,
    shown: Figures,
    year: int,
    as_of: str | None,
) -> go.Figure:
    """The chart of one target: the same chart kind as on Overblik and Mål
    (``dashboard.target_charts``)."""
    line = target_line(target, result, shown, year=year, as_of=as_of)
    return target_chart(series, metric, line, title=f"{metric.label}, {year}", height=CHART_HEIGHT)


_REF = re.compile(r'(id="|url\(#|href="#)([^")]*)')


def chart_svg(fig: go.Figure, tag: str) -> str:
    """``fig`` as SVG text through kaleido, made reproducible and unique in a page.

    Plotly names its clip paths and traces by random ids; the traces get fixed uids and
    the figure's random id becomes ``tag`` (unique per chart, so that several charts can
    share one HTML page).
    """
    fixed = go.Figure(fig)
    for i, trace in enumerate(fixed.data):
        trace.uid = f"{tag}t{i}"
    svg = export.figure_bytes(fixed, "svg", width=CHART_WIDTH, height=CHART_HEIGHT).decode("utf-8")
    m = re.search(r'id="defs-([0-9A-Za-z]+)"', svg)
    if m is None:
        return svg
    uid = m.group(1)
    return _REF.sub(lambda r: r.group(1) + r.group(2).replace(uid, tag), svg)


# -- data dates ------------------------------------------------------------------------------


def is_demo(inputs: Inputs) -> bool:
    """Demo data is loaded: a dataset's rows come from the demo generator (the rule of the
    dashboard's banner; person tables carry no source and go with the aggregates)."""
    for lf in inputs.values():
        if "source" not in lf.collect_schema().names():
            continue
        sources = lf.select(pl.col("source").unique()).collect().get_column("source")
        if any(is_demo_source(str(s).strip()) for s in sources.drop_nulls()):
            return True
    return False


def _retrieved(inputs: Inputs, sources: Sequence[str]) -> datetime | None:
    """The latest ``retrieved_at`` of the datasets the report's metrics read."""
    latest: datetime | None = None
    for s in sources:
        lf = inputs.get(s)
        if lf is None or "retrieved_at" not in lf.collect_schema().names():
            continue
        ts = lf.select(pl.col("retrieved_at").max()).collect().item()
        if isinstance(ts, datetime) and (latest is None or ts > latest):
            latest = ts
    return latest


def _check_as_of(as_of: str | None) -> None:
    if as_of is not None and parse_period(as_of).type != "M":
        raise ValueError(f"--as-of {as_of!r}: expected a month, e.g. 2022M06")


# -- the report ------------------------------------------------------------------------------


def report_content(
    plan: api.Plan,
    inputs: Inputs,
    *,
    as_of: str | None = None,
    demo: bool | None = None,
    charts_as_svg: bool = True,
) -> Report:
    """Evaluate ``plan`` on ``inputs`` (up to ``as_of``) and format every page.

    ``demo`` None: decided from the inputs' sources (:func:`is_demo`). ``charts_as_svg``
    False leaves the charts out (no browser needed), with a note on each page.
    """
    _check_as_of(as_of)
    year = int(plan.year)
    muni = plan.municipality_code
    results = api.evaluate_targets(inputs, plan, as_of=as_of)
    targets = {t.id: t for t in plan.targets}
    browser = charts_as_svg and export.browser_path() is not None

    pages: list[TargetPage] = []
    last_periods: list[date] = []
    sources: list[str] = []
    for i, result in enumerate(results):
        target = targets[result.id]
        metric = api.get_metric(target.metric_id)
        sources.extend(s for s in metric.sources if s in inputs and s not in sources)
        start, end = window(metric, year)
        if as_of is not None and as_of < end:
            end = as_of
        series = api.kpi_series(
            inputs, metric.id, area_codes=[muni], breakdown=target.breakdown, start=start, end=end
        ).filter(pl.col("group") == (target.group or "I alt"))
        shown_figures = result_figures(metric, result)
        if series.height:
            last_periods.append(series["period_start"].max())  # type: ignore[arg-type]
        svg: str | None = None
        notes: list[str] = []
        shown = series["value"].drop_nulls().len()
        hidden = int(series["suppressed"].fill_null(False).sum())
        if not series.height:
            notes.append(NO_SERIES_NOTE)
        elif shown < 2 or hidden > shown:  # a chart of a few dots says nothing
            notes.append(SUPPRESSED_NOTE)
        elif not browser:
            notes.append(NO_BROWSER_NOTE)
        else:
            fig = _target_figure(
                target,
                metric,
                series,
                result=result,
                shown=shown_figures,
                year=year,
                as_of=as_of,
            )
            svg = chart_svg(fig, f"jm{i}")
            if hidden:
                notes.append(GAPS_NOTE)
        note = " ".join(notes) or None
        pages.append(_page(target, metric, result, shown_figures, svg=svg, chart_note=note))

    counts = {s: sum(1 for p in pages if p.status == s) for s in STATUS_ORDER}
    summary = tuple(
        StatusCount(s, n, charts.STATUS_COLOURS.get(s, charts.MUTED))
        for s, n in counts.items()
        if n  # counts of targets, not of persons
    )
    last = max(last_periods) if last_periods else None
    data_until = month_code(last) if last else None
    retrieved = _retrieved(inputs, sources)
    if retrieved is not None:
        created = retrieved.astimezone(UTC) if retrieved.tzinfo else retrieved.replace(tzinfo=UTC)
    elif data_until is not None:
        created = datetime.combine(parse_period(data_until).end, time(0), UTC)
    else:
        created = datetime(year, 1, 1, tzinfo=UTC)
    status_code = as_of or data_until
    return Report(
        title=str(plan.title or f"Beskæftigelsesplan {year}"),
        municipality_code=muni,
        municipality_name=str(plan.municipality_name),
        year=year,
        plan_source=str(plan.source or ""),
        status_month=period_label(status_code) if status_code else danish.MISSING_TEXT,
        data_until=period_label(data_until) if data_until else danish.MISSING_TEXT,
        retrieved=danish.date_label(retrieved.date()) if retrieved else danish.MISSING_TEXT,
        demo=is_demo(inputs) if demo is None else demo,
        demo_label=DEMO_LABEL,
        summary=summary,
        targets=tuple(pages),
        created=created,
    )


def _page(
    target: api.Target,
    metric: api.MetricDef,
    result: api.TargetResult,
    f: Figures,
    *,
    svg: str | None,
    chart_note: str | None,
) -> TargetPage:
    """The target's page, its figures as the dashboard's cards show them (``Figures``:
    one precision, the gap from the shown value and target)."""
    baseline_period = ""
    if target.baseline_period:
        first, _, last = target.baseline_period.partition("-")
        baseline_period = danish.period_span(first, last or first)
    status = api.STATUS_LABELS[result.status]
    plan_note = (target.note,) if target.note else ()
    return TargetPage(
        id=target.id,
        label=target.label,
        goal_title=target.goal_title,
        wording=target.wording,
        status=status,
        colour=charts.STATUS_COLOURS.get(status, charts.MUTED),
        value=f.text("value"),
        target=f.text("target"),
        gap=danish.signed(f.gap, f.unit, f.spec),
        projection=f.text("projection"),
        baseline=f.text("baseline"),
        baseline_period=baseline_period,
        period=result.periods_label or danish.MISSING_TEXT,
        explanation=result.explanation,
        metric_label=metric.label,
        definition=metric.definition,
        source=metric.source_ref,
        notes=plan_note + result.notes,
        svg=svg,
        chart_note=chart_note,
    )
