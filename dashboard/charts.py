"""Pure Plotly figure builders from tidy frames (what metrics/ returns).

Danish number format everywhere (``separators=",."``), Danish month labels, the target as
a line, the baseline as a dotted line, last year's months overlaid. No KPI arithmetic:
the frames come in with their values computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from metrics import danish
from metrics.danish import MONTHS_SHORT

SEPARATORS = ",."
FONT = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
MAIN = "#1f4e79"
HIGHLIGHT = "#d1495b"
MUTED = "#9aa5b1"
TARGET = "#2a9d8f"
BASELINE = "#6c757d"
LAST_YEAR = "#b0bec5"
PALETTE = (
    "#1f4e79",
    "#7a9e9f",
    "#edae49",
    "#00798c",
    "#66a182",
    "#8d6a9f",
    "#30638e",
    "#a26769",
    "#5e6472",
    "#c08497",
)
STATUS_COLOURS = {
    "nået": "#2a9d4f",
    "på rette vej": "#2a9d4f",
    "i risiko": "#e9a23b",
    "ikke nået": "#d1495b",
    "ingen data": "#9aa5b1",
}


def _hover_spec(spec: str) -> str:
    """Plotly d3 format from a Python format spec (they agree for ``,.1f`` etc.)."""
    return spec or ",.1f"


def _axis_suffix(unit: str) -> str:
    return " %" if unit == "pct" else ""


LEGEND_GAP = 44
"""Pixels between the bottom of the plot and the top of a legend below it: room for the
x axis' tick labels, so the legend never runs into them."""
LEGEND_ROOM = 100
"""Bottom margin of a chart with a legend below: tick labels plus two legend rows."""


def legend_below(fig: go.Figure, height: int) -> go.Figure:
    """Put the legend on its own rows under the plot, a fixed distance below the tick
    labels whatever the chart's height (the legend's y is a fraction of the plot)."""
    margin = fig.layout.margin
    plot = max(100, height - (margin.t or 0) - (margin.b or 0))
    fig.update_layout(
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -LEGEND_GAP / plot,
            "x": 0,
            "xanchor": "left",
        }
    )
    return fig


def base_layout(
    fig: go.Figure, *, title: str, unit: str = "", height: int = 420, legend: bool = True
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        separators=SEPARATORS,
        template="plotly_white",
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 60, "r": 30, "t": 60, "b": LEGEND_ROOM if legend else 50},
        showlegend=legend,
        hovermode="x unified",
    )
    if legend:
        legend_below(fig, height)
    fig.update_yaxes(
        ticksuffix=_axis_suffix(unit),
        title_text=danish.UNIT_LABEL.get(unit, unit) if unit and unit != "pct" else None,
        rangemode="tozero",
        separatethousands=True,
        exponentformat="none",
    )
    return fig


def month_ticks(dates: Sequence[date], max_ticks: int = 12) -> tuple[list[date], list[str]]:
    """Tick positions and Danish labels (``jan 22``) for monthly dates."""
    uniq = sorted(set(dates))
    if not uniq:
        return [], []
    step = max(1, -(-len(uniq) // max_ticks))
    picked = uniq[::step]
    return picked, [f"{MONTHS_SHORT[d.month - 1]} {d.year % 100:02d}" for d in picked]


def apply_month_axis(fig: go.Figure, dates: Sequence[date]) -> None:
    vals, text = month_ticks(dates)
    if vals:
        fig.update_xaxes(tickmode="array", tickvals=vals, ticktext=text)


def trend(
    series: pl.DataFrame,
    *,
    title: str,
    unit: str,
    spec: str = ",.0f",
    target: float | None = None,
    target_year: int | None = None,
    baseline: float | None = None,
    baseline_label: str | None = None,
    last_year: pl.DataFrame | None = None,
    name: str = "Faktisk",
    height: int = 420,
    breaks: Sequence[date] = (),
) -> go.Figure:
    """Monthly line with the target line (over the plan year), the baseline and last
    year's months overlaid (shifted forward a year so the same months line up).

    ``breaks`` are first months after a break in the series: the lines stop before them
    and a dashed vertical line marked "Databrud" shows where, so the two sides are never
    drawn as one series.
    """
    s = series.sort("period_start")
    fig = go.Figure()
    hover = f"%{{y:{_hover_spec(spec)}}}{_axis_suffix(unit)}"
    dates: list[date] = list(s["period_start"])
    s = gaps_at(s, breaks)
    if last_year is not None and last_year.height:
        ly = gaps_at(last_year.sort("period_start"), breaks)
        shifted = [d.replace(year=d.year + 1) for d in ly["period_start"]]
        fig.add_trace(
            go.Scatter(
                x=shifted,
                y=ly["value"].to_list(),
                name="Samme måned året før",
                mode="lines",
                line={"color": LAST_YEAR, "width": 2, "dash": "dot"},
                hovertemplate=hover,
            )
        )
        # the months themselves set the axis ticks, not the gap's day before a break
        dates.extend(d.replace(year=d.year + 1) for d in last_year["period_start"])
    fig.add_trace(
        go.Scatter(
            x=s["period_start"].to_list(),
            y=s["value"].to_list(),
            name=name,
            mode="lines+markers",
            line={"color": MAIN, "width": 3},
            marker={"size": 6},
            hovertemplate=hover,
            connectgaps=False,
        )
    )
    if baseline is not None and dates:
        fig.add_trace(
            go.Scatter(
                x=[min(dates), max(dates)],
                y=[baseline, baseline],
                name=baseline_label or "Udgangspunkt",
                mode="lines",
                line={"color": BASELINE, "width": 1.5, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    if target is not None and dates:
        if target_year is not None:
            x0, x1 = date(target_year, 1, 1), date(target_year, 12, 1)
        else:
            x0, x1 = min(dates), max(dates)
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[target, target],
                name=f"Mål ({danish.with_unit(target, unit, spec)})",
                mode="lines",
                line={"color": TARGET, "width": 3},
                hovertemplate=hover,
            )
        )
        dates.extend([x0, x1])
    mark_breaks(fig, series, last_year, breaks)
    base_layout(fig, title=title, unit=unit, height=height)
    apply_month_axis(fig, dates)
    return fig


def mark_breaks(
    fig: go.Figure, series: pl.DataFrame, last_year: pl.DataFrame | None, breaks: Sequence[date]
) -> None:
    """A dashed vertical line marked "Databrud (jul 2025)" at each break inside the series
    (and inside last year's line, drawn a year on)."""
    own = [(b, b) for b in _inside(series, breaks)]
    if last_year is not None:  # a break in last year's line, where that line is drawn
        own += [(b.replace(year=b.year + 1), b) for b in _inside(last_year, breaks)]
    for x, b in own:
        fig.add_vline(x=x, line={"color": HIGHLIGHT, "width": 1.5, "dash": "dash"})
        fig.add_annotation(
            x=x, y=1, yref="paper", text=f"Databrud ({MONTHS_SHORT[b.month - 1]} {b.year})",
            showarrow=False, xanchor="left", font={"color": HIGHLIGHT, "size": 12},
        )  # fmt: skip


def _inside(s: pl.DataFrame, breaks: Sequence[date]) -> list[date]:
    """The breaks after the first and up to the last month of ``s``."""
    months: list[date] = s["period_start"].drop_nulls().to_list()
    return [b for b in breaks if months and min(months) < b <= max(months)]


def gaps_at(s: pl.DataFrame, breaks: Sequence[date]) -> pl.DataFrame:
    """``s`` with an empty point the day before each break inside it: the line stops."""
    days = [b - timedelta(days=1) for b in _inside(s, breaks)]
    if not days:
        return s
    gaps = pl.DataFrame({"period_start": days}).with_columns(
        pl.lit(None, s.schema["value"]).alias("value")
    )
    return pl.concat([s, gaps], how="diagonal_relaxed").sort("period_start")


def lines_by(
    df: pl.DataFrame,
    *,
    by: str,
    title: str,
    unit: str,
    spec: str = ",.1f",
    highlight: str | None = None,
    height: int = 420,
) -> go.Figure:
    """One line per value of ``by`` (breakdown groups, or areas in a comparison)."""
    fig = go.Figure()
    hover = f"%{{y:{_hover_spec(spec)}}}{_axis_suffix(unit)}"
    keys = list(dict.fromkeys(df.sort("period_start")[by].to_list()))
    for i, key in enumerate(keys):
        part = df.filter(pl.col(by) == key).sort("period_start")
        strong = highlight is not None and key == highlight
        colour = HIGHLIGHT if strong else PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=part["period_start"].to_list(),
                y=part["value"].to_list(),
                name=str(key),
                mode="lines+markers" if strong else "lines",
                line={"color": colour, "width": 4 if strong else 2},
                hovertemplate=hover,
            )
        )
    base_layout(fig, title=title, unit=unit, height=height)
    apply_month_axis(fig, list(df["period_start"]) if df.height else [])
    return fig


def ranking_bar(
    ranking: pl.DataFrame,
    *,
    highlight_code: str,
    title: str,
    unit: str,
    spec: str = ",.1f",
) -> go.Figure:
    """All municipalities as horizontal bars by rank (1 at the top), one highlighted.

    Every municipality is labelled (the tick labels are forced, never thinned out by
    plotly, and the chart is 16 pixels a bar high: room for a 10 px label); the chosen
    one's label is bold in the highlight colour and its bar carries its value."""
    row_height = 16
    r = ranking.sort("rank", nulls_last=True)
    chosen = [c == highlight_code for c in r["area_code"]]
    colours = [HIGHLIGHT if c else MUTED for c in chosen]
    labels = [
        f"{int(k)}. {n}" if k is not None else str(n)
        for k, n in zip(r["rank"], r["area_name"], strict=True)
    ]
    ticktext = [
        f'<b><span style="color:{HIGHLIGHT}">{label}</span></b>' if c else label
        for label, c in zip(labels, chosen, strict=True)
    ]
    values = r["value"].to_list()
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colours},
            text=[
                danish.with_unit(v, unit, spec) if c and v is not None else None
                for v, c in zip(values, chosen, strict=True)
            ],
            textposition="outside",
            textfont={"color": HIGHLIGHT, "size": 11},
            cliponaxis=False,
            hovertemplate=f"%{{y}}: %{{x:{_hover_spec(spec)}}}{_axis_suffix(unit)}<extra></extra>",
        )
    )
    height = max(360, row_height * r.height + 120)
    base_layout(fig, title=title, unit="", height=height, legend=False)
    fig.update_layout(hovermode="closest", bargap=0.15)
    fig.update_yaxes(
        autorange="reversed",
        tickmode="array",
        tickvals=labels,
        ticktext=ticktext,
        tickfont={"size": 10},
        automargin=True,
        title_text=None,
        ticksuffix="",
    )
    fig.update_xaxes(ticksuffix=_axis_suffix(unit), separatethousands=True, exponentformat="none")
    return fig


def _interval_arms(df: pl.DataFrame) -> tuple[list[float | None], list[float | None]]:
    """The error bars' lengths above and below each rate (none where it is suppressed)."""
    rate = df["rate"].to_list()
    plus = [
        None if h is None or r is None else h - r
        for h, r in zip(df["ci_high"].to_list(), rate, strict=True)
    ]
    minus = [
        None if lw is None or r is None else r - lw
        for lw, r in zip(df["ci_low"].to_list(), rate, strict=True)
    ]
    return plus, minus


def _rate_bars(df: pl.DataFrame, *, horizontal: bool) -> go.Bar:
    """Error rates (percent) per group as bars with their 95 % intervals as error bars.
    Upright bars tell the counts on hover; horizontal ones (long labels) keep a
    suppressed group's row, marked "<5"."""
    groups = [str(g) for g in df["group"]]
    rate = df["rate"].to_list()
    plus, minus = _interval_arms(df)
    arms = {"type": "data", "array": plus, "arrayminus": minus, "color": "#333"}
    name, marker = "Fejlandel i kommunens gennemgang", {"color": MAIN}
    if horizontal:
        return go.Bar(
            y=groups,
            x=[0.0 if r is None else r for r in rate],
            orientation="h",
            name=name,
            marker=marker,
            error_x=arms,
            text=[danish.SUPPRESSED_TEXT if r is None else "" for r in rate],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.0f} %<extra></extra>",
        )
    return go.Bar(
        x=groups,
        y=rate,
        name=name,
        marker=marker,
        error_y=arms,
        customdata=list(zip(df["errors"].to_list(), df["n"].to_list(), strict=True)),
        hovertemplate="%{x}: %{y:,.0f} % (%{customdata[0]} af %{customdata[1]} sager)"
        "<extra></extra>",
    )


def _national_line(fig: go.Figure, share: float, label: str, *, vertical: bool = False) -> None:
    """A national share (percent) as a dashed line with its label: across the plot, or
    down it when the bars are horizontal."""
    style = {"line": {"color": HIGHLIGHT, "dash": "dash", "width": 2}}
    text = f"{label}: {danish.number(share, '.0f')} %"
    if vertical:
        fig.add_vline(x=share, annotation_text=text, annotation_position="top", **style)
    else:
        fig.add_hline(y=share, annotation_text=text, annotation_position="top left", **style)


def rate_with_interval(
    df: pl.DataFrame,
    *,
    title: str,
    reference: pl.DataFrame | None = None,
    reference_label: str = "Ankestyrelsen, landsplan",
) -> go.Figure:
    """Error rates in percent with 95 % intervals per group; ``reference`` (columns
    group, share) adds Ankestyrelsen's national finding for the groups it covers."""
    fig = go.Figure(_rate_bars(df, horizontal=False))
    if reference is not None and reference.height:
        fig.add_trace(
            go.Scatter(
                x=[str(g) for g in reference["group"]],
                y=reference["share"].to_list(),
                name=reference_label,
                mode="markers",
                marker={
                    "color": HIGHLIGHT,
                    "size": 16,
                    "symbol": "line-ew-open",
                    "line": {"width": 4, "color": HIGHLIGHT},
                },
                hovertemplate="%{x}: %{y:,.0f} % (Ankestyrelsen)<extra></extra>",
            )
        )
    base_layout(fig, title=title, unit="pct")
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(range=[0, 105])
    return fig


def benchmark(
    df: pl.DataFrame,
    *,
    title: str,
    actual: str = "faktisk",
    expected: str = "forventet",
    height: int = 380,
) -> go.Figure:
    """STAR's benchmark: actual and expected full-time persons on public support per
    rolling year (``period`` codes like ``2022QMAT04``), expected as a dashed line."""
    s = df.sort("period")
    x = [danish.period_short(p) for p in s["period"]]
    hover = "%{x}: %{y:,.0f} fuldtidspersoner"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=s[expected].to_list(),
            name="Forventet ud fra rammevilkår",
            mode="lines",
            line={"color": MUTED, "width": 3, "dash": "dash"},
            hovertemplate=hover + "<extra>Forventet</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=s[actual].to_list(),
            name="Faktisk",
            mode="lines+markers",
            line={"color": MAIN, "width": 3},
            marker={"size": 7},
            hovertemplate=hover + "<extra>Faktisk</extra>",
        )
    )
    base_layout(fig, title=title, unit="fuldtidspersoner", height=height)
    # Half the width per entry: the two labels can never run into each other.
    fig.update_layout(legend={"entrywidthmode": "fraction", "entrywidth": 0.45})
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="normal")
    return fig


# -- review register (ledelsestilsyn workflow) ----------------------------------------------


def rate_with_interval_horizontal(
    df: pl.DataFrame,
    *,
    title: str,
    reference: float | None = None,
    reference_label: str = "Ankestyrelsen, landsplan",
) -> go.Figure:
    """Error rates in percent with 95 % intervals as horizontal bars, one row per group, so
    long labels (the checklist's points) stay readable. A suppressed group (rate null)
    keeps its row, marked "<5". ``reference`` adds a vertical line at a national share."""
    height = max(320, 70 + 46 * df.height)
    fig = go.Figure(_rate_bars(df, horizontal=True))
    if reference is not None:
        _national_line(fig, reference, reference_label, vertical=True)
    base_layout(fig, title=title, unit="", height=height, legend=False)
    fig.update_layout(hovermode="closest", margin={"l": 20})
    fig.update_xaxes(range=[0, 105], ticksuffix=" %", title_text=None)
    fig.update_yaxes(autorange="reversed", automargin=True, ticksuffix="", title_text=None)
    return fig


def rate_trend(
    df: pl.DataFrame,
    *,
    title: str,
    reference: float | None = None,
    reference_label: str = "Ankestyrelsen, landsplan",
) -> go.Figure:
    """Error rate per review round (in round order) with 95 % intervals, and the national
    share as a dashed line."""
    fig = rate_with_interval(df, title=title)
    if reference is not None:
        _national_line(fig, reference, reference_label)
    fig.update_xaxes(type="category")
    return fig


def compliance_months(
    df: pl.DataFrame,
    *,
    title: str,
    national: float | None = None,
    national_label: str = "Landsplan (STAR)",
) -> go.Figure:
    """Share of cases meeting a case-work requirement per month (columns period, share;
    a suppressed month is a gap), with STAR's national share as a dashed line."""
    periods = [str(p) for p in df["period"]]
    fig = go.Figure(
        go.Bar(
            x=periods,
            y=df["share"].to_list(),
            name="Andel opfyldt",
            marker={"color": MAIN},
            hovertemplate="%{x}: %{y:,.0f} %<extra></extra>",
        )
    )
    if national is not None:
        _national_line(fig, national, national_label)
    base_layout(fig, title=title, unit="pct", legend=False)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 105])
    return fig
