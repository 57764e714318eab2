"""Kommuner: any of the 98 municipalities, all KPIs with comparisons; its plan if present."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, components, export, loaders, pickers, sections, state
from metrics import danish

PAGE = "kommuner"
NO_PLAN = "ingen"
BENCHMARK, BENCHMARK_DIFF = sections.BENCHMARK, sections.BENCHMARK_DIFF

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
# The link names the plan by its year (``plan=2022``), never by a file on the server.
by_year = {str(p.year): p for p in own_plans}
chosen = state.choose(
    state.PLAN,
    "Beskæftigelsesplan",
    [NO_PLAN, *by_year],
    page=PAGE,
    format_func=lambda y: "Ingen plan" if y == NO_PLAN else by_year[y].label,
    default=str(year) if str(year) in by_year else NO_PLAN,
    container=st.sidebar,
)
if plans:
    st.sidebar.caption(
        "Planfiler i targets/: " + ", ".join(f"{p.municipality_name} {p.year}" for p in plans)
    )
if chosen and chosen != NO_PLAN:
    ref = by_year[chosen]
    evaluation = loaders.evaluate_plan(key, ref.path, ref.mtime)
    st.subheader(f"Planens mål: {ref.label}")
    components.table(components.evaluation_table(evaluation), numbers=components.EVALUATION_NUMBERS)
else:
    st.caption(
        f"{name} har ingen planfil for {year} i targets/. Alle nøgletal vises alligevel "
        "med sammenligninger."
    )

# -- all KPIs ----------------------------------------------------------------------------
st.subheader(f"Alle nøgletal, {year}")
metrics = sections.overview_metrics()  # STAR's benchmark has its own section below
overview = sections.kpi_overview(key, metrics, muni=muni, name=name, year=year)
if overview.is_empty():
    st.info(f"Ingen nøgletal for {year} i de indlæste data.")
    st.stop()
shown_overview = overview.drop("id")
if (shown_overview["Sammenligningsgruppe"] == danish.MISSING_TEXT).all():
    shown_overview = shown_overview.drop("Sammenligningsgruppe")
    st.caption(
        f"{name} indgår ikke i en sammenligningsgruppe (targets/comparison_groups.toml), så "
        "tallene sammenlignes kun med regionen og hele landet."
    )
if (shown_overview["Bemærkning"] == "").all():
    shown_overview = shown_overview.drop("Bemærkning")
components.table(
    shown_overview,
    numbers=(name, "Region", "Hele landet", "Sammenligningsgruppe", f"Placering {year}"),
)
st.caption(
    "Placeringen er blandt kommuner med tal (1 er bedst). Antal rangeres pr. 100 i "
    "arbejdsstyrken (16-66 år), hvor en indlæst tabel giver arbejdsstyrken; ellers efter "
    "antal, og så afspejler placeringen især kommunens størrelse."
)


# -- STAR's benchmark --------------------------------------------------------------------
def benchmark_section() -> None:
    """Actual against expected full-time persons on public support (rolling years) and
    the latest rank among the 98 municipalities; only when metrics and data have it."""
    ids = {m.id for m in loaders.list_metrics()}
    if not set(BENCHMARK) <= ids:
        return
    table = loaders.benchmark_table(key, muni).filter(
        pl.col("period").str.slice(0, 4).cast(pl.Int32, strict=False) <= year
    )
    if table["forskel"].drop_nulls().is_empty():
        return
    metric = loaders.get_metric(BENCHMARK_DIFF)
    latest = table.filter(pl.col("forskel").is_not_null()).row(-1, named=True)
    n_ranked = latest["n_ranked"] or 0
    data = table.drop("n_ranked")
    when = danish.period_short(latest["period"])
    st.subheader("STAR's benchmark: faktisk mod forventet forsørgelse")
    b1, b2, b3 = st.columns(3)
    b1.metric(
        "Placering blandt kommunerne",
        f"{latest['placering']} af {n_ranked}" if latest["placering"] is not None else "–",
        help="1 er bedst: flest færre på offentlig forsørgelse end forventet.",
    )
    b2.metric(
        "Faktisk mod forventet",
        danish.danish_separators(format(latest["forskel"], "+.1f")).replace("-", "−") + " %",
    )
    b3.metric("Periode", when)
    direction = "færre" if latest["forskel"] < 0 else "flere"
    rank_text = (
        f" {name} ligger nr. {latest['placering']} af {n_ranked} kommuner (1 er bedst)."
        if latest["placering"] is not None
        else ""
    )
    st.markdown(
        f"{name} havde {danish.number(abs(latest['forskel']), ',.1f')} % {direction} "
        f"fuldtidspersoner på offentlig forsørgelse end forventet ud fra kommunens "
        f"rammevilkår ({when}).{rank_text}"
    )
    fig_b = charts.benchmark(
        data, title=f"Faktisk og forventet forsørgelse, {name} (rullende år til og med kvartalet)"
    )
    components.chart(
        fig_b,
        data=data.rename(
            {
                "faktisk": "Faktisk (fuldtidspersoner)",
                "forventet": "Forventet (fuldtidspersoner)",
                "forskel": "Forskel (pct. af forventet)",
                "placering": "Placering (1 er bedst)",
            }
        ),
        footnote=loaders.footnote(
            key,
            metric.sources,
            data,
            notes=(
                "Rullende år: fire kvartaler til og med kvartalet. STAR afrunder antallene "
                "til nærmeste 10.",
            ),
        ),
        name=f"{export.file_stem(name, str(year), 'benchmark')}",
        key=f"{PAGE}:benchmark",
    )


benchmark_section()

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
stem = export.file_stem(name, str(year), kpi)
sections.comparison(key, metric, muni=muni, name=name, year=year, page=PAGE, stem=stem)
sections.ranking(key, metric, muni=muni, name=name, year=year, page=PAGE, stem=stem)
