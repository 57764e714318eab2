"""Shared page pieces: demo banner, chart block (footnote + downloads), status card, CSS."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import export, loaders
from dashboard.charts import STATUS_COLOURS
from domain.registry import MetricDef
from metrics import danish


def status_dot(status: str | None) -> str:
    """A coloured dot (HTML; no emoji font needed, prints in colour)."""
    colour = STATUS_COLOURS.get(status or "ingen data", "#9aa5b1")
    return f'<span class="jm-dot" style="color:{colour}">●</span>'


PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 12mm; }
  header, footer, [data-testid="stSidebar"], [data-testid="stSidebarNav"],
  [data-testid="stToolbar"], [data-testid="stHeader"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stPopover"], [data-testid="stPageLink"],
  [data-testid="stElementToolbar"], [data-testid="stSelectbox"], [data-testid="stStatusWidget"],
  .no-print {
    display: none !important;
  }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    background: white !important; color: #111 !important;
  }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; margin: 0 !important; max-width: 100% !important;
  }
  /* A card never splits across pages; compact enough for two cards on an A4 page. */
  [class*="st-key-jm-card"], .jm-card { break-inside: avoid; page-break-inside: avoid; }
  [class*="st-key-jm-card"] { padding: 0.6rem 0.9rem !important; }
  [class*="st-key-jm-card"] > * { margin-bottom: 0.4rem !important; }
  [class*="st-key-jm-card"] > :last-child { margin-bottom: 0 !important; }
  [data-testid="stElementContainer"]:has([data-testid="stPageLink"]),
  [data-testid="stLayoutWrapper"]:has(> [data-testid="stPopover"]) { display: none !important; }
  [class*="st-key-jm-card"] [data-testid="stMetricValue"] {
    font-size: 1.25rem !important; line-height: 1.3 !important;
  }
  [class*="st-key-jm-card"] [data-testid="stMetricLabel"] { min-height: 0 !important; }
  [class*="st-key-jm-card"] [data-testid="stCaptionContainer"] { font-size: 0.72rem !important; }
  [class*="st-key-jm-card"] .jm-explain { font-size: 0.92rem; }
  [class*="st-key-jm-card"] [data-testid="stHorizontalBlock"] { gap: 0.5rem !important; }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stAlert"],
  [data-testid="stDataFrame"], [data-testid="stExpander"] { break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
.jm-status { font-weight: 600; padding: 0.1rem 0.5rem; border-radius: 0.4rem; color: white; }
.jm-explain { font-size: 1.02rem; }
.jm-dot { font-size: 1.2rem; }
</style>
"""


def page_css() -> None:
    st.markdown(PRINT_CSS, unsafe_allow_html=True)


def demo_banner(demo: bool) -> None:
    if demo:
        st.warning(
            f"**{export.DEMO_BANNER}.** Tallene er dannet af jobmaals demodata-generator "
            "og må ikke bruges som beslutningsgrundlag.",
            icon="⚠️",
        )


NO_CHROMIUM_NOTE = (
    "PNG/SVG kræver Chromium (/usr/bin/chromium), som ikke er installeret på denne maskine. "
    "Tallene kan hentes som CSV eller Excel."
)


def data_metric(data: pl.DataFrame) -> MetricDef | None:
    """The metric a chart's data is about: its one ``metric_id`` (None when the data has
    none, several or an unknown one)."""
    if "metric_id" not in data.columns:
        return None
    ids = data["metric_id"].drop_nulls().unique().to_list()
    if len(ids) != 1:
        return None
    try:
        return loaders.get_metric(str(ids[0]))
    except KeyError:
        return None


def data_title(data: pl.DataFrame, metric: MetricDef | None) -> str | None:
    """A title for an exported chart that has none on the page (a card): the metric and
    the area (``Langtidsledige, Favrskov``) when the data names one of each."""
    if metric is None:
        return None
    areas = data["area_name"].drop_nulls().unique().to_list() if "area_name" in data.columns else []
    return f"{metric.label}, {areas[0]}" if len(areas) == 1 else metric.label


class _Download(NamedTuple):
    """One download button: its file is made on click; its key is the file suffix."""

    label: str
    make: Callable[[], bytes]
    suffix: str
    mime: str
    icon: str
    tip: str


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGE_DOWNLOADS = (
    ("png", "image/png", ":material/image:", "Hent figuren som PNG-billede"),
    ("svg", "image/svg+xml", ":material/draw:", "Hent figuren som SVG (vektorgrafik)"),
)


def downloads(
    *,
    name: str,
    key: str,
    data: pl.DataFrame,
    footnote: export.Footnote,
    fig: go.Figure | None = None,
    container: object = None,
    spec: str | None = None,
    metric: MetricDef | None = None,
    title: str | None = None,
    legend: bool | None = None,
) -> None:
    """PNG, SVG, CSV and Excel download buttons. Files are made on click (deferred).

    ``spec``: the format the page shows the values with (e.g. ``metric.fmt``): the CSV and
    Excel round the values to it (without: at most two decimals). ``metric``: its
    definition and source go on the Excel sheet "Om data" (without: the metric of the
    data's ``metric_id``). ``title``/``legend``: the exported image's title and legend
    when the page's chart has none (a card's chart).
    """
    if metric is None:
        metric = data_metric(data)
    target = container if container is not None else st
    images = fig is not None and export.browser_path() is not None
    if fig is not None and not images:
        target.caption(NO_CHROMIUM_NOTE)  # type: ignore[attr-defined]
    buttons: list[_Download] = []
    if fig is not None and images:
        buttons += [
            _Download(
                kind.upper(),
                functools.partial(
                    export.figure_bytes, fig, kind, footnote, title=title, legend=legend
                ),
                kind,
                mime,
                icon,
                tip,
            )
            for kind, mime, icon, tip in IMAGE_DOWNLOADS
        ]
    buttons += [
        _Download(
            "CSV",
            functools.partial(export.to_csv, data, footnote, spec=spec),
            "csv",
            "text/csv",
            ":material/table:",
            "Hent tallene som CSV til dansk Excel (semikolon, decimalkomma)",
        ),
        _Download(
            "Excel",
            functools.partial(export.to_excel, data, footnote, spec=spec, metric=metric),
            "xlsx",
            XLSX_MIME,
            ":material/grid_on:",
            'Hent tallene som Excel-ark (data og et ark "Om data")',
        ),
    ]
    cols = target.columns([1] * len(buttons) + [8 - len(buttons)])  # type: ignore[attr-defined]
    for col, b in zip(cols, buttons, strict=False):
        col.download_button(
            b.label,
            b.make,
            file_name=f"{name}.{b.suffix}",
            mime=b.mime,
            key=f"{key}:{b.suffix}",
            icon=b.icon,
            on_click="ignore",
            help=b.tip,
        )


def chart(
    fig: go.Figure,
    *,
    data: pl.DataFrame,
    footnote: export.Footnote,
    name: str,
    key: str,
    compact: bool = False,
    spec: str | None = None,
    metric: MetricDef | None = None,
    title: str | None = None,
) -> None:
    """A chart with its footnote and its four download buttons.

    ``spec`` and ``metric`` as in :func:`downloads`. A ``compact`` (card) chart has no
    title or legend on the page; its exported image gets both back: ``title``, or the
    metric and area of the data (:func:`data_title`).
    """
    st.plotly_chart(
        fig,
        key=f"{key}:fig",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]},
    )
    st.caption(footnote.text())
    if metric is None:
        metric = data_metric(data)
    offer = functools.partial(
        downloads, name=name, key=key, data=data, footnote=footnote, fig=fig, spec=spec
    )
    if compact:
        with st.popover("Hent figur og tal", icon=":material/download:"):
            offer(metric=metric, title=title or data_title(data, metric), legend=True)
    else:
        offer(metric=metric, title=title)


def status_badge(status: str | None) -> str:
    s = status or "ingen data"
    colour = STATUS_COLOURS.get(s, "#9aa5b1")
    return (
        f'<span class="jm-status" style="background:{colour}">{html.escape(s.capitalize())}</span>'
    )


def blank_text(df: pl.DataFrame) -> pl.DataFrame:
    """Missing text as an empty string: st.dataframe would print a null as "None"."""
    return df.with_columns(pl.col(pl.String).fill_null(""))


def number_cell(value: object) -> str:
    """A table number the Danish way, up to two decimals, blank when missing."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = danish.number(value, ",.2f")
    return text.rstrip("0").rstrip(",") if "," in text else text


def table(
    df: pl.DataFrame,
    *,
    key: str | None = None,
    column_config: Mapping[str, Any] | None = None,
    height: int | Literal["auto"] = "auto",
    numbers: Sequence[str] = (),
) -> None:
    """Every table the pages show goes through here: no index, full width, a missing
    value or note blank (never the word "None"), numbers with Danish separators. The
    cells keep their numbers (sorting, copying); only what is shown is formatted."""
    # Streamlit draws a missing number as "None" whatever the format, so a numeric column
    # with gaps (suppressed figures) is shown as Danish text with blanks instead.
    # The same for dates and times with gaps (e.g. "Hentet" of a person table).
    gappy = [c for c, dt in df.schema.items() if dt.is_numeric() and df[c].null_count()]
    gappy_time = [c for c, dt in df.schema.items() if dt.is_temporal() and df[c].null_count()]
    shown = blank_text(
        df.with_columns(
            *(
                pl.col(c).map_elements(number_cell, return_dtype=pl.String, skip_nulls=False)
                for c in gappy
            ),
            *(
                pl.col(c).dt.to_string("%Y-%m-%d" if dt == pl.Date else "%Y-%m-%d %H:%M")
                for c, dt in df.schema.items()
                if c in gappy_time
            ),
        )
    )
    gappy += gappy_time
    numeric = [c for c, dtype in shown.schema.items() if dtype.is_numeric()]
    styled = shown.to_pandas().style.format({c: number_cell for c in numeric}, na_rep="")
    config: dict[str, Any] = {
        c: v for c, v in (column_config or {}).items() if c not in (*numeric, *gappy)
    }
    # Numbers shown as Danish text (``numbers``, or a numeric column with gaps) are
    # right-aligned like numbers.
    for c in (*numbers, *gappy):
        if c in shown.columns and shown.schema[c] == pl.String:
            config[c] = st.column_config.TextColumn(c, alignment="right")
    st.dataframe(
        styled,
        hide_index=True,
        column_config=config,
        key=key,
        height=height,
        width="stretch",
    )


VALUE = export.COLUMN_LABELS["value"]
REMARK = export.COLUMN_LABELS["suppressed"]
NOTE = export.COLUMN_LABELS["note"]


def _cell_formatter(unit: str, spec: str) -> Callable[[float | None], str]:
    def cell(value: float | None) -> str:
        return danish.cell(value, unit, spec)

    return cell


def value_cells(df: pl.DataFrame, columns: Mapping[str, tuple[str, str]]) -> pl.DataFrame:
    """Numbers as Danish text in the metric's display format and unit (``{column: (unit,
    spec)}``), blank when missing, like the cards: "45 %", "1.000", "7,8 %"."""
    return df.with_columns(
        pl.col(c).map_elements(
            _cell_formatter(unit, spec), return_dtype=pl.String, skip_nulls=False
        )
        for c, (unit, spec) in columns.items()
        if c in df.columns
    )


def value_table(
    df: pl.DataFrame,
    *,
    key: str,
    height: int | Literal["auto"] = "auto",
    unit: str | None = None,
    spec: str = ",.1f",
) -> None:
    """A table of a KPI's values, Danish-localised, suppressed values blank and marked
    <5. With ``unit`` the values are shown in the metric's format and unit. A ``note``
    column (why a comparison figure is missing) goes into the remark column."""
    shown = export.prepare(df)
    if NOTE in shown.columns:
        if REMARK in shown.columns:
            shown = shown.with_columns(pl.coalesce(NOTE, REMARK).alias(REMARK)).drop(NOTE)
        else:
            shown = shown.rename({NOTE: REMARK})
    if unit is not None:
        shown = value_cells(shown, {VALUE: (unit, spec)})
    table(shown, key=key, height=height, numbers=(VALUE,))


EVALUATION_NUMBERS = ("Værdi", "Målværdi", "Afstand til mål", "Fremskrivning")


def evaluation_table(evaluation: pl.DataFrame) -> pl.DataFrame:
    """A plan's evaluation as a table: value, target, projection in each metric's display
    format and unit, the gap signed (``%-point`` for shares), as on the Overblik cards."""
    rows = []
    for r in evaluation.iter_rows(named=True):
        metric = loaders.get_metric(r["metric_id"])
        unit, spec = r.get("unit") or metric.unit, metric.fmt
        rows.append(
            {
                "Mål": r["label"],
                "Status": r["status"],
                "Værdi": danish.cell(r["value"], unit, spec, suppressed=bool(r.get("suppressed"))),
                "Målværdi": danish.cell(r["target"], unit, spec),
                "Afstand til mål": danish.signed_cell(r["gap"], unit, spec),
                "Fremskrivning": danish.cell(r["projection"], unit, spec),
                "Forklaring": r["explanation"],
            }
        )
    return pl.DataFrame(
        rows,
        schema=dict.fromkeys(
            (
                "Mål",
                "Status",
                "Værdi",
                "Målværdi",
                "Afstand til mål",
                "Fremskrivning",
                "Forklaring",
            ),
            pl.String,
        ),
    )


def comparison_notes(comp: pl.DataFrame) -> list[str]:
    """Why an area's comparison figures are missing or hidden, one line per area and
    note (``note`` of ``metrics.api.comparison``), with how many periods it applies to."""
    if "note" not in comp.columns:
        return []
    noted = comp.filter(pl.col("note").is_not_null())
    if noted.is_empty():
        return []
    n_periods = comp["period"].n_unique()
    out = []
    for (area_name, note), part in noted.group_by("area_name", "note", maintain_order=True):
        k = part["period"].n_unique()
        when = "" if k == n_periods else f" ({k} af {n_periods} perioder)"
        out.append(f"{area_name}: {note}{when}.")
    return out


def notes_caption(comp: pl.DataFrame) -> None:
    lines = comparison_notes(comp)
    if lines:
        st.caption(" ".join(lines))


def unit_text(unit: str) -> str:
    return danish.UNIT_LABEL.get(unit, unit)
