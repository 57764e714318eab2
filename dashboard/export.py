"""Exports of every chart and the data behind it: PNG/SVG (kaleido), CSV and Excel.

* CSV for Danish Excel: UTF-8 with BOM, ``;`` between fields, decimal comma, the footnote
  as rows under the data.
* Excel via xlsxwriter, the footnote under the data.
* PNG/SVG through kaleido with Debian's chromium. The kaleido browser is started once per
  process (``kaleido.start_sync_server``) and reused for every image.

Suppressed figures (fewer than 5 persons) stay blank and are marked ``<5``; person
identifiers never leave: id columns are dropped before anything is written.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, fmt

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
            out.append(f"Perioder: {fmt.period_span(self.first_period, self.last_period)}.")
        out.append(f"Data hentet: {fmt.date_label(self.retrieved)}.")
        out.extend(self.notes)
        out.append(SUPPRESSION_NOTE)
        return out

    def text(self) -> str:
        return " ".join(self.lines())


# -- tables ------------------------------------------------------------------------------


UNKNOWN_REMARK = (
    f"{fmt.UNKNOWN_TEXT} (total ikke i udtrækket, og en del er diskretioneret: hent totalrækkerne)"
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
            .then(pl.lit(fmt.SUPPRESSED_TEXT + " (diskretioneret)"))
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


def to_csv(df: pl.DataFrame, footnote: Footnote | None = None) -> bytes:
    """CSV for Danish Excel: BOM, ``;``, decimal comma, footnote rows under the data.

    Text cells that a spreadsheet would run as a formula are defused (:func:`defuse`);
    numbers are written as numbers (a negative number stays ``-1,5``).
    """
    out = prepare(df)
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


def to_excel(df: pl.DataFrame, footnote: Footnote | None = None, *, sheet: str = "Data") -> bytes:
    """An .xlsx workbook: header, data (numbers as numbers, blanks for suppressed), then
    the footnote rows."""
    import xlsxwriter

    out = prepare(df)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "remove_timezone": True})
    ws = wb.add_worksheet(sheet[:31])
    bold = wb.add_format({"bold": True, "bottom": 1})
    num = wb.add_format({"num_format": "#,##0.0##"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    small = wb.add_format({"italic": True, "font_color": "#555555"})
    for j, name in enumerate(out.columns):
        ws.write_string(0, j, name, bold)
        ws.set_column(j, j, max(10, min(40, len(name) + 2)))
    for i, row in enumerate(out.iter_rows(), start=1):
        for j, v in enumerate(row):
            _write_cell(ws, i, j, v, num, day)
    r = out.height + 2
    if footnote is not None:
        for k, line in enumerate(footnote.lines()):
            ws.write_string(r + k, 0, line, small)
    wb.close()
    return buf.getvalue()


def _write_cell(ws: Any, i: int, j: int, v: object, num: Any, day: Any) -> None:
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
    import kaleido

    path = browser_path()
    if path is None:
        raise RuntimeError("Billedeksport kræver chromium (/usr/bin/chromium), som ikke findes.")
    # No network: no MathJax from a CDN; plotly.js comes from the installed plotly.
    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
    _kaleido_started = True


def with_footnote(
    fig: go.Figure, footnote: Footnote | None, *, height: int | None = None
) -> go.Figure:
    """A copy of ``fig`` with the footnote written under the plot (for image exports);
    a legend below the plot keeps its room above the footnote (``height``: the image's)."""
    out = go.Figure(fig)
    if footnote is None:
        return out
    lines = footnote.lines()
    margin = out.layout.margin
    legend = out.layout.showlegend is not False and (out.layout.legend.y or 0) < 0
    room = (charts.LEGEND_ROOM if legend else 50) + 10
    bottom = room + 16 * len(lines)
    out.update_layout(
        margin={"b": bottom, "l": margin.l or 60, "r": margin.r or 30, "t": margin.t or 60},
    )
    if legend and height is not None:
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
    return out


def figure_bytes(
    fig: go.Figure,
    fmt_: str,
    footnote: Footnote | None = None,
    *,
    width: int = 1100,
    height: int = 600,
) -> bytes:
    """PNG or SVG of ``fig`` (with its footnote), rendered by the shared kaleido browser."""
    if fmt_ not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt_!r}")
    import kaleido

    height = height + 16 * (len(footnote.lines()) if footnote else 0)
    fig = with_footnote(fig, footnote, height=height)
    spec = fig.to_dict()
    with _kaleido_lock:
        _ensure_kaleido()
        data = kaleido.calc_fig_sync(
            spec, opts={"format": fmt_, "width": width, "height": height, "scale": 1}
        )
    return bytes(data)


def file_stem(*parts: str) -> str:
    """A safe file name stem from labels: ``favrskov-2022-langtidsledighed``."""
    text = "-".join(p for p in parts if p)
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    keep = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(filter(None, keep.split("-")))[:80] or "jobmaal"
