"""Exports of every chart and the data behind it: PNG/SVG (kaleido), CSV and Excel.

* CSV for Danish Excel: UTF-8 with BOM, ``;`` between fields, decimal comma, the footnote
  as rows under the data. Numbers rounded as the page shows them (the metric's format, at
  most two decimals by default), the period also as Danish text (``januar 2022``).
* Excel via xlsxwriter: the data as a clean table on the first sheet (header row,
  autofilter, nothing under the data), the footnote and the metric's definition and
  source on a second sheet "Om data".
* PNG/SVG through kaleido with Debian's chromium, at twice the page's scale, with title,
  legend, footnote and the demo label inside the image. The kaleido browser is started
  once per process (``kaleido.start_sync_server``) and reused for every image.

Suppressed figures (fewer than 5 persons) stay blank and are marked ``<5``; person
identifiers never leave: id columns are dropped before anything is written.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dashboard import charts
from domain.periods import PeriodError
from domain.registry import MetricDef
from metrics import danish
from metrics.danish import period_label

DEMO_BANNER = "Demodata – ikke rigtige tal"
SUPPRESSION_NOTE = "Tal om færre end 5 personer er udeladt (vist som <5 eller tomt felt)."

ID_COLUMNS = frozenset({"person_id", "cpr", "case_id", "reviewer"})
"""Columns that identify a person (or a case worker) and are never exported."""

SUPPRESSED_COLUMNS = ("value", "numerator", "denominator")
"""Figures blanked on a row whose ``suppressed`` flag is set."""

COLUMN_LABELS: dict[str, str] = {
    "metric_id": "KPI",
    "label": "Mål",
    "period": "Periode",
    "period_start": "Periodestart",
    "period_text": "Periode (tekst)",
    "area_code": "Områdekode",
    "area_name": "Område",
    "area_level": "Niveau",
    "group": "Gruppe",
    "value": "Værdi",
    "numerator": "Tæller",
    "denominator": "Nævner",
    "suppressed": "Bemærkning",
    "rank": "Placering",
    "n_areas": "Antal kommuner",
    "target": "Målværdi",
    "gap": "Afstand til mål",
    "status": "Status",
    "projection": "Fremskrivning",
    "baseline": "Udgangspunkt",
    "unit": "Enhed",
    "n": "Antal sager",
    "errors": "Sager med fejl",
    "rate": "Fejlandel",
    "ci_low": "Nedre grænse (95 %)",
    "ci_high": "Øvre grænse (95 %)",
    "note": "Note",
}

CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Footnote:
    """What every chart and export says about its data."""

    source: str
    table_ids: tuple[str, ...] = ()
    first_period: str | None = None
    last_period: str | None = None
    retrieved: date | None = None
    demo: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.demo:
            out.append(f"{DEMO_BANNER}.")
        src = f"Kilde: {self.source}"
        if self.table_ids:
            label = "tabel" if len(self.table_ids) == 1 else "tabeller"
            src += f" ({label} {', '.join(self.table_ids)})"
        out.append(src + ".")
        if self.first_period or self.last_period:
            out.append(f"Perioder: {danish.period_span(self.first_period, self.last_period)}.")
        out.append(f"Data hentet: {danish.date_label(self.retrieved)}.")
        out.extend(self.notes)
        out.append(SUPPRESSION_NOTE)
        return out

    def text(self) -> str:
        return " ".join(self.lines())


# -- tables ------------------------------------------------------------------------------


UNKNOWN_REMARK = (
    f"{danish.UNKNOWN_TEXT} (total ikke i udtrækket, og en del er diskretioneret: "
    "hent totalrækkerne)"
)


def prepare(df: pl.DataFrame, labels: Mapping[str, str] | None = None) -> pl.DataFrame:
    """The frame as it may leave the app: no id columns, suppressed figures blank and
    marked ``<5``, Danish column names."""
    df = df.drop([c for c in df.columns if c in ID_COLUMNS])
    unknown = (
        pl.col("total_unknown").fill_null(False) if "total_unknown" in df.columns else pl.lit(False)
    )
    if "suppressed" in df.columns:
        flag = pl.col("suppressed").fill_null(False) | unknown
        df = df.with_columns(
            *[
                pl.when(flag).then(None).otherwise(pl.col(c)).alias(c)
                for c in SUPPRESSED_COLUMNS
                if c in df.columns
            ],
            pl.when(unknown)
            .then(pl.lit(UNKNOWN_REMARK))
            .when(flag)
            .then(pl.lit(danish.SUPPRESSED_TEXT + " (diskretioneret)"))
            .otherwise(pl.lit(None, pl.String))
            .alias("suppressed"),
        )
    df = df.drop([c for c in df.columns if c == "total_unknown"])
    names = {**COLUMN_LABELS, **(labels or {})}
    return df.rename({c: names[c] for c in df.columns if c in names})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may run as a formula at the start of a cell (OWASP CSV injection)."""


def defuse(text: str) -> str:
    """A text cell as a spreadsheet shows it but never runs it: ``'`` before a leading
    ``=``, ``+``, ``-``, ``@``, tab or carriage return (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_cell(text: str) -> str:
    text = defuse(text)
    if any(ch in text for ch in ';"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


DEFAULT_DECIMALS = 2
"""Decimals of a number in an export when the metric's format is not known."""

VALUE_COLUMNS = ("value", "target", "gap", "projection", "baseline")
"""Columns in the metric's own unit: rounded to its display format (``MetricDef.fmt``)."""

_DECIMALS = re.compile(r"\.(\d+)[fF%]?$")


def decimals(spec: str | None) -> int:
    """Decimals a Python format spec shows: ``",.1f"`` -> 1, ``".0f"`` -> 0; without
    a precision (``None``, ``""``, ``",d"``) :data:`DEFAULT_DECIMALS`."""
    m = _DECIMALS.search(spec or "")
    return int(m.group(1)) if m else DEFAULT_DECIMALS


def _rounder(digits: int) -> Callable[[float], float]:
    def round_shown(v: float) -> float:
        # Python's format rounds as the cards and tables show the number (danish.number),
        # so the file and the page agree; never a "-0".
        out = float(format(v, f".{digits}f"))
        return 0.0 if out == 0 else out

    return round_shown


def readable_period(code: str | None) -> str | None:
    """A period code as a committee member reads it (``2022M01`` -> ``januar 2022``,
    ``2022QMAT02`` -> ``juli 2021-juni 2022``); an unknown code as it is."""
    if code is None:
        return None
    try:
        return period_label(code) or code
    except PeriodError:
        return code


def export_frame(df: pl.DataFrame, *, spec: str | None = None) -> pl.DataFrame:
    """The frame of a CSV or Excel file, before :func:`prepare`: numbers rounded as shown
    (columns in the metric's unit to ``spec``'s decimals, every other decimal number to at
    most :data:`DEFAULT_DECIMALS`; no float noise like ``3170.1000000000004``) and the
    period also as Danish text (``period_text``) beside its code."""
    value_digits = decimals(spec)
    out = df.with_columns(
        pl.col(c).map_elements(
            _rounder(value_digits if c in VALUE_COLUMNS else DEFAULT_DECIMALS), return_dtype=t
        )
        for c, t in df.schema.items()
        if t in (pl.Float32, pl.Float64)
    )
    if "period" in out.columns and out.schema["period"] == pl.String:
        text = pl.col("period").map_elements(readable_period, return_dtype=pl.String)
        after = "period_start" if "period_start" in out.columns else "period"
        cols = list(out.columns)
        cols.insert(cols.index(after) + 1, "period_text")
        out = out.with_columns(text.alias("period_text")).select(cols)
    return out


def to_csv(df: pl.DataFrame, footnote: Footnote | None = None, *, spec: str | None = None) -> bytes:
    """CSV for Danish Excel: BOM, ``;``, decimal comma, footnote rows under the data.

    Numbers rounded as shown (``spec``: the metric's display format, see
    :func:`export_frame`), the period also as text. Text cells that a spreadsheet would run
    as a formula are defused (:func:`defuse`); numbers are written as numbers (a negative
    number stays ``-1,5``).
    """
    out = prepare(export_frame(df, spec=spec))
    out = out.with_columns(
        pl.col(c).map_elements(defuse, return_dtype=pl.String)
        for c, t in out.schema.items()
        if t == pl.String
    )
    body = out.write_csv(
        separator=";",
        decimal_comma=True,
        line_terminator="\r\n",
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%d %H:%M",
        float_scientific=False,
    )
    if footnote is not None:
        body += "\r\n" + "".join(_csv_cell(line) + "\r\n" for line in footnote.lines())
    return ("\ufeff" + body).encode("utf-8")


ABOUT_SHEET = "Om data"


def about_rows(footnote: Footnote | None, metric: MetricDef | None = None) -> list[tuple[str, str]]:
    """The "Om data" sheet as (heading, text) rows: the metric, its definition, unit and
    source (when known), then the footnote's lines (demo label, source, tables, periods,
    "Data hentet", notes, the suppression rule)."""
    rows: list[tuple[str, str]] = []
    if metric is not None:
        rows += [
            ("Nøgletal", metric.label),
            ("Definition", metric.definition),
            ("Enhed", danish.UNIT_LABEL.get(metric.unit, metric.unit)),
            ("Kilde og tabeller", metric.source_ref),
        ]
    if footnote is not None:
        if rows:
            rows.append(("", ""))
        rows += [("Fodnote" if k == 0 else "", line) for k, line in enumerate(footnote.lines())]
    return rows


def to_excel(
    df: pl.DataFrame,
    footnote: Footnote | None = None,
    *,
    sheet: str = "Data",
    spec: str | None = None,
    metric: MetricDef | None = None,
) -> bytes:
    """An .xlsx workbook: the data as a clean table on the first sheet (header row,
    autofilter, frozen header, numbers as numbers, blanks for suppressed, nothing under
    the data), and a second sheet "Om data" with the metric's definition and source
    (``metric``) and the footnote. Numbers rounded as in :func:`to_csv`."""
    out = prepare(export_frame(df, spec=spec))
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "remove_timezone": True})
    ws = wb.add_worksheet(sheet[:31])
    bold = wb.add_format({"bold": True, "bottom": 1})
    num = wb.add_format({"num_format": "#,##0.0##"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for j, name in enumerate(out.columns):
        ws.write_string(0, j, name, bold)
        ws.set_column(j, j, max(10, min(40, len(name) + 2)))
    for i, row in enumerate(out.iter_rows(), start=1):
        for j, v in enumerate(row):
            _write_cell(ws, i, j, v, num, day)
    if out.width:
        ws.autofilter(0, 0, out.height, out.width - 1)
        ws.freeze_panes(1, 0)
    rows = about_rows(footnote, metric)
    if rows:
        about = wb.add_worksheet(ABOUT_SHEET)
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        head = wb.add_format({"bold": True, "valign": "top"})
        about.set_column(0, 0, 20)
        about.set_column(1, 1, 100)
        for i, (heading, text) in enumerate(rows):
            about.write_string(i, 0, heading, head)
            about.write_string(i, 1, text, wrap)
    wb.close()
    return buf.getvalue()


def _write_cell(ws: Worksheet, i: int, j: int, v: object, num: Format, day: Format) -> None:
    if v is None:
        ws.write_blank(i, j, None)
    elif isinstance(v, bool):
        ws.write_boolean(i, j, v)
    elif isinstance(v, int | float):
        ws.write_number(i, j, v, num)
    elif isinstance(v, datetime):
        ws.write_datetime(i, j, v.replace(tzinfo=None), day)
    elif isinstance(v, date):
        ws.write_datetime(i, j, datetime(v.year, v.month, v.day), day)
    else:
        ws.write_string(i, j, str(v))


# -- images ------------------------------------------------------------------------------

_kaleido_lock = threading.Lock()
_kaleido_started = False


def browser_path() -> str | None:
    """The chromium kaleido drives: ``BROWSER_PATH`` if set, else Debian's."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).is_file():
        return env
    return CHROMIUM if Path(CHROMIUM).is_file() else None


def _ensure_kaleido() -> None:
    """Start kaleido's persistent browser once per process (caller holds the lock)."""
    global _kaleido_started
    if _kaleido_started:
        return
    # Deferred on purpose: importing kaleido takes 1,5 s, and only image export needs it
    # (every CLI command and page would pay it otherwise).
    import kaleido

    path = browser_path()
    if path is None:
        raise RuntimeError("Billedeksport kræver chromium (/usr/bin/chromium), som ikke findes.")
    # No network: no MathJax from a CDN; plotly.js comes from the installed plotly.
    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
    _kaleido_started = True


IMAGE_WIDTH = 1100
IMAGE_HEIGHT = 600
"""The image's size in CSS pixels before :data:`IMAGE_SCALE` (the figure's own height
when it is taller, e.g. the ranking of all 98 municipalities)."""
IMAGE_SCALE = 2
"""PNGs at twice the page's scale (2200 pixels wide): sharp in a printed report."""
BASE_FONT = 13
"""The font size of a full-size chart (``charts.base_layout``); a card's smaller font is
brought back to it in an export."""
TITLE_FONT = 17
DEMO_LABEL = "DEMODATA – ikke rigtige tal"


def with_footnote(
    fig: go.Figure,
    footnote: Footnote | None,
    *,
    height: int | None = None,
    title: str | None = None,
    legend: bool | None = None,
) -> go.Figure:
    """A copy of ``fig`` ready for an image export: the footnote written under the plot,
    a legend below the plot kept clear of it (``height``: the image's), the demo label in
    the top right corner when the footnote says demo data.

    ``title`` sets the chart's title (a card's chart has none on the page) and
    ``legend=True`` shows its legend (a card hides it); the text gets a full-size chart's
    font size again.
    """
    out = go.Figure(fig)
    if title is not None:
        out.update_layout(
            title={"text": title, "x": 0, "xanchor": "left", "font": {"size": TITLE_FONT}},
        )
    if legend is not None:
        out.update_layout(showlegend=legend)
    if title is not None or legend:
        if (out.layout.font.size or BASE_FONT) < BASE_FONT:
            out.update_layout(font={"size": BASE_FONT})
        out.for_each_annotation(lambda a: a.update(font={"size": BASE_FONT - 2}))
    margin = out.layout.margin
    has_title = bool(out.layout.title.text)
    if has_title:
        out.update_layout(title={"pad": {"l": 12}})  # not glued to the image's edge
    top = max(margin.t or 0, 60) if has_title or (footnote and footnote.demo) else margin.t
    if footnote is None:
        out.update_layout(margin={"t": top})
        return out
    lines = footnote.lines()
    below = legend or (out.layout.showlegend is not False and (out.layout.legend.y or 0) < 0)
    room = (charts.LEGEND_ROOM if below else 50) + 10
    bottom = room + 16 * len(lines)
    out.update_layout(
        margin={"b": bottom, "l": max(margin.l or 0, 60), "r": max(margin.r or 0, 30), "t": top},
    )
    if below and height is not None:
        charts.legend_below(out, height)
    out.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom + 8,
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 10, "color": "#555555"},
    )
    if footnote.demo:
        out.add_annotation(
            text=f"<b>{DEMO_LABEL}</b>",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            yshift=(top or 60) / 2,
            xanchor="right",
            yanchor="middle",
            showarrow=False,
            font={"size": 12, "color": charts.HIGHLIGHT},
            bordercolor=charts.HIGHLIGHT,
            borderwidth=1,
            borderpad=3,
        )
    return out


def image_height(fig: go.Figure, footnote: Footnote | None) -> int:
    """The image's height in CSS pixels: :data:`IMAGE_HEIGHT` or the figure's own when
    taller, plus a line per footnote line."""
    base = max(IMAGE_HEIGHT, int(fig.layout.height or 0))
    return base + 16 * (len(footnote.lines()) if footnote else 0)


def figure_bytes(
    fig: go.Figure,
    fmt_: str,
    footnote: Footnote | None = None,
    *,
    title: str | None = None,
    legend: bool | None = None,
    width: int = IMAGE_WIDTH,
    height: int | None = None,
    scale: int = IMAGE_SCALE,
) -> bytes:
    """PNG or SVG of ``fig`` with its footnote, title and legend (:func:`with_footnote`),
    rendered by the shared kaleido browser. ``width``/``height`` in CSS pixels (height
    from :func:`image_height` when not given); a PNG has ``scale`` times as many pixels."""
    if fmt_ not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt_!r}")
    if height is None:
        height = image_height(fig, footnote)
    fig = with_footnote(fig, footnote, height=height, title=title, legend=legend)
    spec = fig.to_dict()
    with _kaleido_lock:
        _ensure_kaleido()
        import kaleido  # started by _ensure_kaleido (deferred import: see there)

        data = kaleido.calc_fig_sync(
            spec, opts={"format": fmt_, "width": width, "height": height, "scale": scale}
        )
    return bytes(data)


def file_stem(*parts: str) -> str:
    """A safe file name stem from labels: ``favrskov-2022-langtidsledighed``."""
    text = "-".join(p for p in parts if p)
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    keep = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(filter(None, keep.split("-")))[:80] or "jobmaal"
