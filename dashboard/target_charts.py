"""One chart per kind of target, chosen from the metric's definition (``chart_kind``).

The kind follows how the plan judges a year (``MetricDef.year_agg``), never the page:

- ``cumulative`` (a yearly sum, e.g. company visits, refugees into self-support): the
  year-to-date total month by month against the target, with last year's running total;
- ``running_average`` (a yearly average, e.g. long-term unemployed): the monthly values
  with the running average of the year so far against the target;
- ``reference_month`` (one month a year, e.g. flexjob hours in June): one bar per year
  with the target for the plan year, for the target's own group (its hours band);
- ``end_of_year`` (a share at year end): the monthly trend with the target at December.

Figures about fewer than 5 persons arrive suppressed (value null): they are drawn as gaps,
never as zeros, and the chart says how many there are. A running total or average is
only drawn up to the first suppressed month: after it, it would be a guess. Every value
drawn is a visible figure or a sum of visible figures, so no hidden figure can be read
back from the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard import charts
from domain.periods import parse_period
from domain.registry import MetricDef
from metrics import danish
from metrics.danish import MONTHS

TARGET_DASH = "solid"


@dataclass(frozen=True)
class TargetLine:
    """What the chart sets the figures against (all optional)."""

    target: float | None
    year: int
    baseline: float | None = None
    baseline_label: str = "Udgangspunkt"
    as_of: str | None = None  # a month code: the chart stops there ("status pr.")
    spec: str | None = None  # the precision the page shows the target with
    so_far: float | None = None  # the year's value so far (the evaluation's, as on the card)
    last_month: str | None = None  # the last month that value covers

    def shown(self, value: float, metric: MetricDef) -> str:
        return danish.with_unit(value, metric.unit, self.spec or metric.fmt)


def window(metric: MetricDef, year: int) -> tuple[str | None, str]:
    """The periods a target's chart needs: every year for a reference month (bars year
    by year), else the plan year and the year before (last year's line)."""
    if metric.chart_kind == "reference_month":
        return None, f"{year}M12"
    return f"{year - 1}M01", f"{year}M12"


def breakdown_window(metric: MetricDef, year: int) -> tuple[str | None, str]:
    """The periods Mål's breakdown shows: every year's reference month, else the plan
    year's months."""
    first, last = window(metric, year)
    return (first if metric.chart_kind == "reference_month" else f"{year}M01"), last


def _cut(series: pl.DataFrame, as_of: str | None) -> pl.DataFrame:
    if as_of is None or not series.height:
        return series
    return series.filter(pl.col("period_start") <= parse_period(as_of).start)


def _hover(metric: MetricDef) -> str:
    return f"%{{y:{metric.fmt or ',.1f'}}}{' %' if metric.unit == 'pct' else ''}"


def running(series: pl.DataFrame, metric: MetricDef, *, how: str) -> pl.DataFrame:
    """The year's running total (``how="sum"``) or running average (``"mean"``) per
    month, null from the first month without a visible figure.

    A share's year so far is the ratio of the running sums, whether the year is a sum or
    an average (as the year's value is formed: ``metrics.series.aggregate_year``); a
    count's running average is the mean of its months.
    """
    s = series.sort("period_start")
    gap = pl.col("value").is_null().cum_sum() > 0
    if metric.is_rate:  # a share of the year so far: the ratio of the running sums
        run = 100.0 * pl.col("numerator").cum_sum() / pl.col("denominator").cum_sum()
    elif how == "sum":
        run = pl.col("value").cum_sum()
    else:
        run = pl.col("value").cum_sum() / pl.int_range(1, pl.len() + 1)
    return s.with_columns(pl.when(gap).then(None).otherwise(run).alias("running"))


def _hidden(series: pl.DataFrame) -> int:
    if not series.height:
        return 0
    return int(series.filter(pl.col("suppressed").fill_null(False)).height)


def _gap_note(fig: go.Figure, n: int, what: str = "måneder") -> None:
    if n:
        fig.add_annotation(
            x=0,
            y=1.02,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            text=f"{n} {what} med færre end 5 personer vises ikke (huller i kurven)",
            font={"size": 11, "color": charts.BASELINE},
        )


def _level(
    fig: go.Figure,
    x0: date,
    x1: date,
    value: float,
    name: str,
    style: dict[str, object],
    hover: str,
) -> None:
    """A horizontal line at ``value`` across the months ``x0``-``x1``."""
    fig.add_trace(
        go.Scatter(
            x=[x0, x1], y=[value, value], name=name, mode="lines", line=style, hovertemplate=hover
        )
    )


def _year_levels(
    fig: go.Figure, line: TargetLine, metric: MetricDef, *, target: bool = True
) -> None:
    """The baseline (dashed grey) and, with ``target``, the target (the target's dash)
    across the plan year's months."""
    x0, x1 = date(line.year, 1, 1), date(line.year, 12, 1)
    hover = _hover(metric)
    if line.baseline is not None:
        style = {"color": charts.BASELINE, "width": 1.5, "dash": "dash"}
        _level(fig, x0, x1, line.baseline, line.baseline_label, style, hover)
    if target and line.target is not None:
        style = {"color": charts.TARGET, "width": 3, "dash": TARGET_DASH}
        name = f"Mål ({line.shown(line.target, metric)})"
        _level(fig, x0, x1, line.target, name, style, hover)


def _month_axis(fig: go.Figure, year: int) -> None:
    charts.apply_month_axis(fig, [date(year, m, 1) for m in range(1, 13)])


def _months(
    fig: go.Figure,
    frame: pl.DataFrame,
    column: str,
    name: str,
    *,
    colour: str,
    width: float,
    hover: str,
    markers: bool = True,
) -> None:
    """``frame[column]`` month by month as a line (a gap stays a gap)."""
    fig.add_trace(
        go.Scatter(
            x=frame["period_start"].to_list(),
            y=frame[column].to_list(),
            name=name,
            mode="lines+markers" if markers else "lines",
            line={"color": colour, "width": width},
            marker={"size": 6} if markers else None,
            hovertemplate=hover,
            connectgaps=False,
        )
    )


def _so_far(fig: go.Figure, this: pl.DataFrame, line: TargetLine, metric: MetricDef) -> None:
    """The year to date as the card gives it, where the running total cannot be drawn to
    that month (a month in between has fewer than 5 persons): one mark, not a line."""
    if line.so_far is None or line.last_month is None:
        return
    at = parse_period(line.last_month).start
    drawn = this.filter(pl.col("period_start") == at)["running"] if this.height else None
    if drawn is not None and len(drawn) and drawn[0] is not None:
        return
    fig.add_trace(
        go.Scatter(
            x=[at],
            y=[line.so_far],
            name=f"År til dato, alle måneder ({line.shown(line.so_far, metric)})",
            mode="markers",
            marker={"color": charts.MAIN, "size": 13, "symbol": "diamond"},
            hovertemplate=_hover(metric),
        )
    )


def _last_year(
    fig: go.Figure, last: pl.DataFrame, column: str, name: str, metric: MetricDef
) -> None:
    """Last year's line, drawn a year on so the same months line up, dotted."""
    if not last.height:
        return
    fig.add_trace(
        go.Scatter(
            x=[_shift(d) for d in last["period_start"]],
            y=last[column].to_list(),
            name=name,
            mode="lines",
            line={"color": charts.LAST_YEAR, "width": 2, "dash": "dot"},
            hovertemplate=_hover(metric),
        )
    )


def _year(series: pl.DataFrame, year: int) -> pl.DataFrame:
    return series.filter(pl.col("period_start").dt.year() == year)


def _shift(d: date) -> date:
    return d.replace(year=d.year + 1)


def cumulative(
    series: pl.DataFrame, metric: MetricDef, line: TargetLine, *, title: str, height: int = 420
) -> go.Figure:
    """A yearly sum: the running total of the plan year against the yearly target, last
    year's running total dotted, the months themselves as light bars."""
    s = _cut(series, line.as_of)
    this = running(_year(s, line.year), metric, how="sum")
    last = running(_year(series, line.year - 1), metric, how="sum")
    fig = go.Figure()
    hover = _hover(metric)
    _last_year(fig, last, "running", f"Året før, år til dato ({line.year - 1})", metric)
    fig.add_trace(
        go.Bar(
            x=this["period_start"].to_list(),
            y=this["value"].to_list(),
            name="Månedens tal",
            marker={"color": charts.LAST_YEAR, "opacity": 0.55},
            hovertemplate=hover,
        )
    )
    name = f"År til dato ({line.year})"
    _months(fig, this, "running", name, colour=charts.MAIN, width=3, hover=hover)
    _year_levels(fig, line, metric)
    _so_far(fig, this, line, metric)
    _gap_note(fig, _hidden(_year(s, line.year)))
    charts.base_layout(fig, title=title, unit=metric.unit, height=height)
    fig.update_layout(bargap=0.3)
    _month_axis(fig, line.year)
    return fig


def running_average(
    series: pl.DataFrame, metric: MetricDef, line: TargetLine, *, title: str, height: int = 420
) -> go.Figure:
    """A yearly average: each month of the plan year and the average of the year so far
    against the target (the year's value is that average), last year's months dotted."""
    s = _cut(series, line.as_of)
    breaks = [parse_period(b.period).start for b in metric.breaks]
    this = running(_year(s, line.year), metric, how="mean")
    last = _year(series, line.year - 1).sort("period_start")
    last_drawn = charts.gaps_at(last, breaks)
    fig = go.Figure()
    hover = _hover(metric)
    _last_year(fig, last_drawn, "value", f"Samme måned året før ({line.year - 1})", metric)
    this_drawn = charts.gaps_at(this, breaks)
    name = f"Månedens tal ({line.year})"
    _months(fig, this_drawn, "value", name, colour=charts.MUTED, width=2, hover=hover)
    name = "Årets gennemsnit til dato"
    _months(fig, this, "running", name, colour=charts.MAIN, width=3, hover=hover, markers=False)
    _year_levels(fig, line, metric)
    _gap_note(fig, _hidden(_year(s, line.year)))
    charts.mark_breaks(fig, this, last, breaks)
    charts.base_layout(fig, title=title, unit=metric.unit, height=height)
    _month_axis(fig, line.year)
    return fig


def end_of_year(
    series: pl.DataFrame, metric: MetricDef, line: TargetLine, *, title: str, height: int = 420
) -> go.Figure:
    """A share at year end: the monthly trend (this year and last) with the target as a
    mark at December of the plan year, where it is judged."""
    s = _cut(series, line.as_of).sort("period_start")
    this = _year(s, line.year)
    last = _year(series, line.year - 1).sort("period_start")
    fig = charts.trend(
        this if this.height else s,
        title=title,
        unit=metric.unit,
        spec=metric.fmt,
        last_year=last if this.height else None,
        name=f"{line.year}",
        height=height,
        breaks=[parse_period(b.period).start for b in metric.breaks],
    )
    _year_levels(fig, line, metric, target=False)  # the target is judged at December only
    if line.target is not None:
        fig.add_trace(
            go.Scatter(
                x=[date(line.year, 12, 1)],
                y=[line.target],
                name=f"Mål ved årets udgang ({line.shown(line.target, metric)})",
                mode="markers",
                marker={"color": charts.TARGET, "size": 16, "symbol": "star"},
                hovertemplate=_hover(metric),
            )
        )
    _gap_note(fig, _hidden(this))
    _month_axis(fig, line.year)
    return fig


def reference_month(
    series: pl.DataFrame, metric: MetricDef, line: TargetLine, *, title: str, height: int = 420
) -> go.Figure:
    """One figure a year (the reference month): a bar per year up to the plan year, the
    plan year's bar in the main colour, the target as a mark on it."""
    month = metric.ref_month or 12
    s = _cut(series, line.as_of).filter(
        (pl.col("period_start").dt.month() == month)
        & (pl.col("period_start").dt.year() <= line.year)
    )
    s = s.sort("period_start")
    years = [str(d.year) for d in s["period_start"]]
    colours = [charts.MAIN if d.year == line.year else charts.MUTED for d in s["period_start"]]
    hover = _hover(metric).replace("%{y", "%{x}: %{y", 1)
    fig = go.Figure(
        go.Bar(
            x=years,
            y=s["value"].to_list(),
            name=f"{MONTHS[month - 1].capitalize()} hvert år",
            marker={"color": colours},
            hovertemplate=hover + "<extra></extra>",
        )
    )
    if line.target is not None:
        fig.add_trace(
            go.Scatter(
                x=[str(line.year)],
                y=[line.target],
                name=f"Mål {line.year} ({line.shown(line.target, metric)})",
                mode="markers",
                marker={
                    "color": charts.TARGET,
                    "size": 60,
                    "symbol": "line-ew-open",
                    "line": {"width": 5, "color": charts.TARGET},
                },
                hovertemplate=hover + "<extra>Mål</extra>",
            )
        )
    if line.baseline is not None and years:
        fig.add_hline(
            y=line.baseline, line={"color": charts.BASELINE, "width": 1.5, "dash": "dash"}
        )
    _gap_note(fig, _hidden(s), what="år")
    charts.base_layout(fig, title=title, unit=metric.unit, height=height)
    fig.update_layout(hovermode="closest", bargap=0.35)
    fig.update_xaxes(type="category", title_text=f"{MONTHS[month - 1]} i året")
    return fig


def breakdown_chart(
    split: pl.DataFrame,
    metric: MetricDef,
    *,
    year: int,
    title: str,
    highlight: str | None = None,
    height: int = 420,
) -> go.Figure:
    """A breakdown (groups of one area) in the metric's kind: a reference-month metric as
    bars year by year, one colour per group (a line through one June a year would be
    invisible); the others as one line per group over the plan year's months."""
    if metric.chart_kind != "reference_month" or metric.ref_month is None:
        return charts.lines_by(
            split,
            by="group",
            title=f"{title}, {year}",
            unit=metric.unit,
            spec=metric.fmt,
            highlight=highlight,
            height=height,
        )
    s = split.filter(
        (pl.col("period_start").dt.month() == metric.ref_month)
        & (pl.col("period_start").dt.year() <= year)
    ).sort("period_start")
    fig = go.Figure()
    groups = list(dict.fromkeys(s["group"].to_list()))
    for i, g in enumerate(groups):
        part = s.filter(pl.col("group") == g)
        strong = g == highlight
        fig.add_trace(
            go.Bar(
                x=[str(d.year) for d in part["period_start"]],
                y=part["value"].to_list(),
                name=str(g),
                marker={
                    "color": charts.HIGHLIGHT if strong else charts.PALETTE[i % len(charts.PALETTE)]
                },
                hovertemplate=_hover(metric).replace("%{y", "%{x}: %{y", 1) + f"<extra>{g}</extra>",
            )
        )
    _gap_note(fig, _hidden(s), what="tal")
    month = MONTHS[metric.ref_month - 1]
    charts.base_layout(fig, title=f"{title}, {month} hvert år", unit=metric.unit, height=height)
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_xaxes(type="category")
    return fig


BUILDERS = {
    "cumulative": cumulative,
    "running_average": running_average,
    "end_of_year": end_of_year,
    "reference_month": reference_month,
}


def target_chart(
    series: pl.DataFrame,
    metric: MetricDef,
    line: TargetLine,
    *,
    title: str,
    height: int = 420,
    compact: bool = False,
) -> go.Figure:
    """The chart for a target: the builder of the metric's ``chart_kind``.

    ``series`` is the municipality's series for the target's group (``window`` says which
    periods); ``compact`` gives the small version for a card (no title or legend).
    """
    fig = BUILDERS[metric.chart_kind](series, metric, line, title=title, height=height)
    if compact:
        fig.update_layout(
            title=None,
            showlegend=False,
            height=170,
            margin={"l": 45, "r": 10, "t": 22, "b": 25},
            font={"size": 11},
        )
        fig.update_yaxes(title_text=None, nticks=4)
        fig.for_each_annotation(lambda a: a.update(font={"size": 10}))
    return fig
