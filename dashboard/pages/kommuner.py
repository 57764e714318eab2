"""Kommuner: any of the 98 municipalities, all KPIs with comparisons; its plan if present."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, components, export, fmt, loaders, pickers, state

PAGE = "kommuner"
NO_PLAN = "ingen"

key = loaders.store_key()
components.demo_banner(loaders.is_demo(key))

status = loaders.status(key)
years: list[int] = []
periods = [p for p in (*status["first_period"], *status["last_period"]) if p]
if periods:
    years = list(range(int(min(periods)[:4]), int(max(periods)[:4]) + 1))
muni = pickers.pick_municipality(PAGE)
year = pickers.pick_year(PAGE, years) if years else None
name = pickers.municipality_name(muni)

st.title(f"{name} Kommune")
if year is None:
    st.info("Der er ingen data i lageret. Indlæs data eller byg demodata (`jobmaal demo`).")
    st.stop()

# -- plan --------------------------------------------------------------------------------
plans = loaders.plan_index()
own_plans = [p for p in plans if p.municipality_code == muni]
plan_options = [NO_PLAN, *[p.path for p in own_plans]]
labels = {p.path: p.label for p in own_plans}
chosen = state.choose(
    state.PLAN,
    "Beskæftigelsesplan",
    plan_options,
    page=PAGE,
    format_func=lambda p: "Ingen plan" if p == NO_PLAN else labels[p],
    default=next((p.path for p in own_plans if p.year == year), NO_PLAN),
    container=st.sidebar,
)
if plans:
    st.sidebar.caption(
        "Planfiler i targets/: " + ", ".join(f"{p.municipality_name} {p.year}" for p in plans)
    )
if chosen and chosen != NO_PLAN:
    ref = next(p for p in own_plans if p.path == chosen)
    evaluation = loaders.evaluate_plan(key, ref.path, ref.mtime)
    st.subheader(f"Planens mål: {ref.label}")
    table = evaluation.select(
        pl.col("label").alias("Mål"),
        pl.col("status").alias("Status"),
        pl.col("value").alias("Værdi"),
        pl.col("target").alias("Målværdi"),
        pl.col("gap").alias("Afstand til mål"),
        pl.col("projection").alias("Fremskrivning"),
        pl.col("explanation").alias("Forklaring"),
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(c, format="localized")
            for c in ("Værdi", "Målværdi", "Afstand til mål", "Fremskrivning")
        },
    )
else:
    st.caption(
        f"{name} har ingen planfil for {year} i targets/. Alle nøgletal vises alligevel "
        "med sammenligninger."
    )

# -- all KPIs ----------------------------------------------------------------------------
st.subheader(f"Alle nøgletal, {year}")
metrics = loaders.list_metrics()
rows = []
for m in metrics:
    comp = loaders.comparison(key, m.id, muni, f"{year}M01", f"{year}M12").filter(
        pl.col("group") == "I alt"
    )
    if comp.is_empty():
        continue
    latest = comp["period"].max()
    at = comp.filter(pl.col("period") == latest)
    by_level = {r["area_level"]: r for r in at.iter_rows(named=True)}
    rank = loaders.ranking(key, m.id, year).filter(pl.col("area_code") == muni)

    def shown(level: str, levels: dict = by_level, m_unit: str = m.unit, spec: str = m.fmt) -> str:
        r = levels.get(level)
        if r is None:
            return fmt.MISSING_TEXT
        return fmt.with_unit(r["value"], m_unit, spec, suppressed=bool(r["suppressed"]))

    rows.append(
        {
            "id": m.id,
            "Nøgletal": m.label,
            "Seneste periode": fmt.period_label(str(latest)),
            name: shown("kommune"),
            "Region": shown("region"),
            "Hele landet": shown("land"),
            "Sammenligningsgruppe": shown("gruppe"),
            f"Placering {year}": (
                f"{int(rank['rank'][0])} af {int(rank['n_areas'][0])}" if rank.height else "–"
            ),
        }
    )
if not rows:
    st.info(f"Ingen nøgletal for {year} i de indlæste data.")
    st.stop()
overview = pl.DataFrame(rows)
st.dataframe(overview.drop("id"), hide_index=True, width="stretch")

# -- one KPI in detail -------------------------------------------------------------------
by_id = {m.id: m for m in metrics}
kpi = state.choose(
    state.KPI,
    "Nøgletal",
    overview["id"].to_list(),
    page=PAGE,
    format_func=lambda i: by_id[i].label,
)
assert kpi is not None
metric = by_id[kpi]
comp = loaders.comparison(key, kpi, muni, f"{year}M01", f"{year}M12").filter(
    pl.col("group") == "I alt"
)
stem = export.file_stem(name, str(year), kpi)
fig = charts.comparison_chart(
    comp,
    title=f"{metric.label}: {name} sammenlignet, {year}",
    unit=metric.unit,
    spec=metric.fmt,
    highlight=name,
)
components.chart(
    fig,
    data=comp,
    footnote=loaders.footnote(key, metric.sources, comp),
    name=f"{stem}-sammenligning",
    key=f"{PAGE}:comparison",
)
rank = loaders.ranking(key, kpi, year)
if rank.height:
    fig_r = charts.ranking_bar(
        rank,
        highlight_code=muni,
        title=f"{metric.label}: alle kommuner, {year}",
        unit=metric.unit,
        spec=metric.fmt,
    )
    components.chart(
        fig_r,
        data=rank.select("rank", "area_code", "area_name", "value"),
        footnote=loaders.footnote(
            key, metric.sources, rank.with_columns(pl.lit(str(year)).alias("period"))
        ),
        name=f"{stem}-placering",
        key=f"{PAGE}:ranking",
    )
