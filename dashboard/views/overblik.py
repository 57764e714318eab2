"""Overblik: the committee's one page. One card per target of the chosen plan."""

from __future__ import annotations

import html
from typing import Any

import polars as pl
import streamlit as st

from dashboard import charts, components, export, fmt, loaders, local_help, pickers, state

PAGE = "overblik"

key = loaders.store_key()
demo = loaders.is_demo(key)
components.demo_banner(demo)

ref = pickers.pick_plan(PAGE)
if ref is None:
    st.title("Overblik")
    st.info(
        "Der er ingen beskæftigelsesplan for den valgte kommune og det valgte år. "
        "Læg en planfil i mappen targets/ – eller se kommunens nøgletal under **Kommuner**."
    )
    st.page_link("views/kommuner.py", label="Gå til Kommuner", icon=":material/map:")
    st.stop()

plan = loaders.load_plan(ref.path, ref.mtime)
st.title(f"{ref.municipality_name}: {plan.title}")
st.caption(
    f"Beskæftigelsesplan {plan.year}. Status for hvert mål, beregnet af de seneste indlæste "
    "tal. Udskriv siden med browserens udskrivningsfunktion."
)

evaluation = loaders.evaluate_plan(key, ref.path, ref.mtime)
targets = {t.id: t for t in plan.targets}
loaded = set(loaders.inputs(key))

counts = evaluation.group_by("status").len()
summary = {str(s): int(n) for s, n in counts.iter_rows()}
order = ("nået", "på rette vej", "i risiko", "ikke nået", "ingen data")
parts = [
    f"{components.status_dot(s)} {summary[s]} {s}"
    for s in order
    if summary.get(s)  # counts of targets, not of persons
]
st.markdown(" &nbsp;·&nbsp; ".join(parts), unsafe_allow_html=True)

# Cards row by row (two per row), so that a printout, where the columns stack, keeps the
# plan's order: column by column it would print all left cards before the right ones.
rows = list(evaluation.iter_rows(named=True))
cells: list[tuple[Any, dict[str, Any]]] = []
for start in range(0, len(rows), 2):
    cells.extend(zip(st.columns(2, gap="medium"), rows[start : start + 2], strict=False))
for col, row in cells:
    target = targets.get(row["id"])
    metric = loaders.get_metric(row["metric_id"])
    unit = row.get("unit") or metric.unit
    spec = metric.fmt
    with col.container(border=True, key=f"jm-card-{export.file_stem(row['id'])}"):
        st.markdown(f"#### {row['label']}")
        st.markdown(components.status_badge(row["status"]), unsafe_allow_html=True)
        m1, m2 = st.columns(2)
        m3, m4 = st.columns(2)
        m1.metric("Værdi", fmt.with_unit(row["value"], unit, spec))
        m2.metric("Mål", fmt.with_unit(row["target"], unit, spec))
        m3.metric("Afstand til mål", fmt.signed(row["gap"], unit, spec))
        m4.metric("Fremskrivning", fmt.with_unit(row["projection"], unit, spec))
        if row.get("explanation"):
            text = html.escape(str(row["explanation"]))
            st.markdown(f'<p class="jm-explain">{text}</p>', unsafe_allow_html=True)
        local_help.missing_notice(metric.sources, loaded, key=f"{PAGE}:{row['id']}")
        breakdown = target.breakdown if target is not None else None
        group = target.group if target is not None else None
        series = loaders.kpi_series(
            key,
            row["metric_id"],
            (ref.municipality_code,),
            breakdown,
            f"{plan.year - 1}M01",
            f"{plan.year}M12",
        )
        series = series.filter(pl.col("group") == (group or "I alt"))
        if series.height and series["value"].drop_nulls().len() < 2:
            st.caption(
                "Månedstallene handler (næsten) alle om færre end 5 personer og vises "
                "derfor ikke. Se målet i detaljer for årets tal."
            )
        elif series.height:
            per_period = metric.year_agg != "sum"  # a yearly count is not a monthly level
            fig = charts.sparkline(series, unit=unit, target=row["target"] if per_period else None)
            note = (f"Mål: {target.wording}",) if target is not None else ()
            components.chart(
                fig,
                data=series,
                footnote=loaders.footnote(key, metric.sources, series, notes=note),
                name=export.file_stem(ref.municipality_name, str(plan.year), row["id"]),
                key=f"{PAGE}:{row['id']}",
                compact=True,
            )
        else:
            st.caption("Ingen månedstal for målet i de indlæste data.")
        st.page_link(
            "views/maal.py",
            label="Se målet i detaljer",
            icon=":material/arrow_forward:",
            query_params={
                state.KOMMUNE: ref.municipality_code,
                state.AAR: str(plan.year),
                state.MAAL: row["id"],
            },
        )
