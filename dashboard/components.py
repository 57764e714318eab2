"""Shared page pieces: demo banner, chart block (footnote + downloads), status card, CSS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import export, fmt
from dashboard.charts import STATUS_COLOURS


def status_dot(status: str | None) -> str:
    """A coloured dot (HTML; no emoji font needed, prints in colour)."""
    colour = STATUS_COLOURS.get(status or "ingen data", "#9aa5b1")
    return f'<span class="jm-dot" style="color:{colour}">●</span>'


PRINT_CSS = """
<style>
@media print {
  header, footer, [data-testid="stSidebar"], [data-testid="stSidebarNav"],
  [data-testid="stToolbar"], [data-testid="stHeader"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stPopover"],
  [data-testid="stElementToolbar"], [data-testid="stSelectbox"], .no-print {
    display: none !important;
  }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; margin: 0 !important; max-width: 100% !important;
  }
  [data-testid="stVerticalBlockBorderWrapper"], .jm-card { break-inside: avoid; }
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


def downloads(
    *,
    name: str,
    key: str,
    data: pl.DataFrame,
    footnote: export.Footnote,
    fig: go.Figure | None = None,
    container: object = None,
) -> None:
    """PNG, SVG, CSV and Excel download buttons. Files are made on click (deferred)."""
    target = container if container is not None else st
    cols = target.columns([1, 1, 1, 1, 4] if fig is not None else [1, 1, 6])  # type: ignore[attr-defined]
    i = 0
    if fig is not None:
        png: Callable[[], bytes] = lambda: export.figure_bytes(fig, "png", footnote)  # noqa: E731
        svg: Callable[[], bytes] = lambda: export.figure_bytes(fig, "svg", footnote)  # noqa: E731
        cols[0].download_button(
            "PNG",
            png,
            file_name=f"{name}.png",
            mime="image/png",
            key=f"{key}:png",
            icon=":material/image:",
            on_click="ignore",
            help="Hent figuren som PNG-billede",
        )
        cols[1].download_button(
            "SVG",
            svg,
            file_name=f"{name}.svg",
            mime="image/svg+xml",
            key=f"{key}:svg",
            icon=":material/draw:",
            on_click="ignore",
            help="Hent figuren som SVG (vektorgrafik)",
        )
        i = 2
    csv: Callable[[], bytes] = lambda: export.to_csv(data, footnote)  # noqa: E731
    xlsx: Callable[[], bytes] = lambda: export.to_excel(data, footnote)  # noqa: E731
    cols[i].download_button(
        "CSV",
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}:csv",
        icon=":material/table:",
        on_click="ignore",
        help="Hent tallene som CSV til dansk Excel (semikolon, decimalkomma)",
    )
    cols[i + 1].download_button(
        "Excel",
        xlsx,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}:xlsx",
        icon=":material/grid_on:",
        on_click="ignore",
        help="Hent tallene som Excel-ark",
    )


def chart(
    fig: go.Figure,
    *,
    data: pl.DataFrame,
    footnote: export.Footnote,
    name: str,
    key: str,
    compact: bool = False,
) -> None:
    """A chart with its footnote and its four download buttons."""
    st.plotly_chart(
        fig,
        key=f"{key}:fig",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]},
    )
    st.caption(footnote.text())
    if compact:
        with st.popover("Hent figur og tal", icon=":material/download:"):
            downloads(name=name, key=key, data=data, footnote=footnote, fig=fig)
    else:
        downloads(name=name, key=key, data=data, footnote=footnote, fig=fig)


def status_badge(status: str | None) -> str:
    s = status or "ingen data"
    colour = STATUS_COLOURS.get(s, "#9aa5b1")
    return f'<span class="jm-status" style="background:{colour}">{s.capitalize()}</span>'


def value_table(df: pl.DataFrame, *, key: str, height: int | Literal["auto"] = "auto") -> None:
    """A table of numbers, Danish-localised, suppressed values shown as <5."""
    shown = export.prepare(df)
    config: dict[str, Any] = {}
    for c, dtype in shown.schema.items():
        if dtype.is_numeric():
            config[c] = st.column_config.NumberColumn(c, format="localized")
    st.dataframe(
        shown, hide_index=True, column_config=config, key=key, height=height, width="stretch"
    )


def unit_text(unit: str) -> str:
    return fmt.UNIT_LABEL.get(unit, unit)
