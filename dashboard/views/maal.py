"""Mål: drill-down per target. Trend with target line, breakdowns, comparisons, ranking."""

from __future__ import annotations

import html

import streamlit as st

from dashboard import (
    components,
    export,
    loaders,
    local_help,
    pagedata,
    pickers,
    sections,
    state,
)
from dashboard.target_charts import breakdown_chart, breakdown_window, target_chart
from metrics.danish import period_label

PAGE = "maal"
NONE = "ingen"
CHART_TITLES = {
    "cumulative": "Året til dato måned for måned",
    "running_average": "Måned for måned og årets gennemsnit til dato",
    "reference_month": "Referencemåneden år for år",
    "end_of_year": "Udvikling måned for måned mod målet ved årets udgang",
}

key = loaders.store_key()
components.demo_banner(loaders.is_demo(key))

ref = pickers.pick_plan(PAGE)
if ref is None:
    st.title("Mål")
    st.info("Der er ingen beskæftigelsesplan at vise. Læg en planfil i mappen targets/.")
    st.stop()

plan = loaders.load_plan(ref.path, ref.mtime)
targets = {t.id: t for t in plan.targets}
target_id = state.choose(
    state.MAAL,
    "Mål",
    list(targets),
    page=PAGE,
    format_func=lambda t: targets[t].label,
    container=st.sidebar,
)
assert target_id is not None
target = targets[target_id]
as_of = pickers.pick_as_of(PAGE, ref.year)
results = {r.id: r for r in loaders.evaluate_targets(key, ref.path, ref.mtime, as_of)}
view = pagedata.target_view(key, ref, target, results[target.id], as_of)
metric, f = view.metric, view.figures
unit, spec = metric.unit, metric.fmt
muni, year = ref.municipality_code, plan.year
stem = export.file_stem(ref.municipality_name, str(year), target.id)

st.title(target.label)
status_month = f" · status pr. {period_label(as_of)}" if as_of else ""
st.markdown(
    f"{html.escape(ref.municipality_name)} · beskæftigelsesplan {year}{status_month} · "
    + components.status_badge(view.status),
    unsafe_allow_html=True,
)
st.markdown(f"**Målet:** {target.wording}")
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Værdi", f.text("value"))
c2.metric("Mål", f.text("target"))
c3.metric(f.gap_label, f.gap_text)
c4.metric("Fremskrivning", f.text("projection"))
c5.metric("Udgangspunkt", f.text("baseline"))
if view.result.explanation:
    st.info(view.result.explanation)
local_help.missing_notice(metric.sources, loaders.loaded(key), key=f"{PAGE}:missing")
with st.expander("Definition og kilde"):
    st.markdown(f"**{metric.label}.** {metric.definition}")
    st.markdown(f"Kilde: {metric.source_ref}")
    for note in view.result.notes:
        st.markdown(f"- {note}")

# -- the target's chart: its kind follows the metric (target_charts) ----------------------
st.subheader(CHART_TITLES[metric.chart_kind])
series = view.series
fig = target_chart(series, metric, view.line, title=f"{metric.label}, {ref.municipality_name}")
components.chart(
    fig,
    data=series,
    footnote=view.footnote,
    name=f"{stem}-udvikling",
    key=f"{PAGE}:trend",
    spec=f.spec,
    metric=metric,
)
components.value_table(
    series.select("period", "area_name", "group", "value", "suppressed", "total_unknown"),
    key=f"{PAGE}:trend:tbl",
    unit=unit,
    spec=spec,
)

# -- breakdowns ------------------------------------------------------------------------
st.subheader("Opdelinger")
if metric.breakdowns:
    options = [NONE, *metric.breakdowns]
    breakdown = state.choose(
        state.OPDELING,
        "Opdel efter",
        options,
        page=PAGE,
        format_func=lambda d: "Ingen opdeling" if d == NONE else pickers.DIMENSION_LABELS.get(d, d),
        default=metric.breakdowns[0],
    )
    if breakdown and breakdown != NONE:
        first, last = breakdown_window(metric, year)
        split = loaders.kpi_series(key, metric.id, (muni,), breakdown, first, last)
        dim_label = pickers.DIMENSION_LABELS.get(breakdown, breakdown)
        fig_b = breakdown_chart(
            split,
            metric,
            year=year,
            title=f"{metric.label} efter {dim_label.lower()}",
            highlight=target.group,
        )
        components.chart(
            fig_b,
            data=split,
            footnote=loaders.footnote(key, metric.sources, split),
            name=f"{stem}-{breakdown}",
            key=f"{PAGE}:breakdown",
            spec=spec,
            metric=metric,
        )
        components.value_table(
            split.select("period", "group", "value", "suppressed", "total_unknown"),
            key=f"{PAGE}:breakdown:tbl",
            unit=unit,
            spec=spec,
        )
else:
    st.caption("Målets tal kan ikke opdeles yderligere i de indlæste data.")

# -- comparison and ranking: the same sections as on Kommuner ----------------------------
st.subheader("Sammenligning med landet, regionen og sammenlignelige kommuner")
name = ref.municipality_name
sections.comparison(
    key,
    metric,
    muni=muni,
    name=name,
    year=year,
    page=PAGE,
    stem=stem,
    breakdown=target.breakdown if target.group else None,
    group=target.group,
)
st.subheader(f"Placering blandt landets kommuner, {year}")
if target.group:
    st.caption(f"Placeringen gælder {metric.label.lower()} i alt, ikke kun {target.group}.")
sections.ranking(key, metric, muni=muni, name=name, year=year, page=PAGE, stem=stem)
