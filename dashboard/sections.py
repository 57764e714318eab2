"""Sections shared by the pages that show them: the comparison and the ranking.

Mål (per target) and Kommuner (per KPI) both call these, so a municipality is compared
and ranked the same way wherever it appears:

* **Comparison**: the municipality, its region, the country and a comparison group on
  ONE chart and one scale. Shares are drawn as they are; counts as an index (the first
  month every area has = 100), since 116 long-term unemployed in Favrskov and 30.000 in
  the country share no axis. Any group of ``comparison_groups.toml`` can be chosen
  (``gruppe`` in the URL); the chart names it.
* **Ranking**: counts are ranked per 100 in the labour force 16-66 where a loaded table
  gives the labour force (``metrics.rates``), else as counts with a warning that the
  rank then mostly reflects size.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, components, loaders, state
from domain.registry import MetricDef
from metrics import danish, rates
from metrics.danish import period_label

NO_GROUP = "ingen"
GROUP = "gruppe"
COUNT = "antal"
RATE = "pr100"


def _group_options(muni: str) -> tuple[list[str], dict[str, str]]:
    groups = loaders.comparison_groups()
    own = loaders.comparison_group(muni)
    labels = {g.id: g.name for g in groups}
    options = [g.id for g in groups]
    if own is not None:  # the municipality's own group first
        options.remove(own.id)
        options.insert(0, own.id)
    labels[NO_GROUP] = "Ingen sammenligningsgruppe"
    return [*options, NO_GROUP], labels


def comparison_data(
    key: loaders.StoreKey,
    metric: MetricDef,
    *,
    muni: str,
    year: int,
    group_id: str | None = loaders.OWN_GROUP,
    breakdown: str | None = None,
    group: str | None = None,
) -> pl.DataFrame:
    """The comparison's data (build): the plan year's months, or every year's reference
    month, for the target's group (``group``) or the total."""
    ref_month = metric.chart_kind == "reference_month"
    start = None if ref_month else f"{year}M01"
    comp = loaders.comparison(key, metric.id, muni, start, f"{year}M12", group_id, breakdown)
    comp = comp.filter(pl.col("group") == (group or "I alt"))
    if ref_month and metric.ref_month:
        comp = comp.filter(pl.col("period_start").dt.month() == metric.ref_month)
    return comp


def ranking_data(
    key: loaders.StoreKey, metric: MetricDef, *, year: int, per_labour_force: bool = True
) -> pl.DataFrame:
    """The ranking's data (build): per 100 in the labour force for a count where a loaded
    table gives the labour force and ``per_labour_force``; else as the metric is."""
    if per_labour_force and not metric.is_rate and metric.unit != "placering":
        rated = loaders.ranking_per_labour_force(key, metric.id, year)
        if rated.height:
            return rated
    return loaders.ranking(key, metric.id, year)


BENCHMARK_DIFF = "benchmark_forskel_pct"
BENCHMARK_RANK = "benchmark_placering"
BENCHMARK = (BENCHMARK_DIFF, BENCHMARK_RANK)  # STAR's benchmark: its own section on Kommuner


def overview_metrics() -> list[MetricDef]:
    """The KPIs of Kommuner's table (every metric but STAR's benchmark)."""
    return [m for m in loaders.list_metrics() if m.id not in BENCHMARK]


LEVEL_NAMES = {"region": "Region", "land": "Hele landet", "gruppe": "Sammenligningsgruppe"}


def kpi_overview(
    key: loaders.StoreKey, metrics: list[MetricDef], *, muni: str, name: str, year: int
) -> pl.DataFrame:
    """Kommuner's table of every KPI (build): the latest month of the year for the
    municipality, its region, the country and its own comparison group, its rank (per
    100 in the labour force for counts where known: ``ranking_data``) and why a figure is
    missing. One row per KPI with figures; columns ``id``, ``Nøgletal``, ... as shown."""
    rows = []
    for m in metrics:
        comp = comparison_data(key, m, muni=muni, year=year)
        if comp.is_empty():
            continue
        latest = comp["period"].max()
        at = comp.filter(pl.col("period") == latest)
        by_level = {r["area_level"]: r for r in at.iter_rows(named=True)}
        rank = ranking_data(key, m, year=year).filter(pl.col("area_code") == muni)

        def shown(level: str, levels: dict = by_level, metric: MetricDef = m) -> str:
            r = levels.get(level)
            if r is None:
                return danish.MISSING_TEXT
            suppressed = bool(r["suppressed"])
            return danish.with_unit(r["value"], metric.unit, metric.fmt, suppressed=suppressed)

        notes = [
            f"{LEVEL_NAMES.get(r['area_level'], r['area_level'])}: {r['note']}"
            for r in at.iter_rows(named=True)
            if r.get("note")
        ]
        rows.append(
            {
                "id": m.id,
                "Nøgletal": m.label,
                "Seneste periode": danish.period_short(str(latest)),
                name: shown("kommune"),
                "Region": shown("region"),
                "Hele landet": shown("land"),
                "Sammenligningsgruppe": shown("gruppe"),
                f"Placering {year}": (
                    f"{int(rank['rank'][0])} af {int(rank['n_areas'][0])}" if rank.height else "–"
                ),
                "Bemærkning": ". ".join(notes),
            }
        )
    return pl.DataFrame(rows)


def comparison(
    key: loaders.StoreKey,
    metric: MetricDef,
    *,
    muni: str,
    name: str,
    year: int,
    page: str,
    stem: str,
    breakdown: str | None = None,
    group: str | None = None,
) -> None:
    """The comparison section: one chart, one scale, a chosen comparison group."""
    options, labels = _group_options(muni)
    chosen = state.choose(
        GROUP,
        "Sammenligningsgruppe",
        options,
        page=page,
        format_func=lambda g: labels.get(g, g),
        help="Grupper fra targets/comparison_groups.toml. Gruppens tal er summen af medlemmernes.",
    )
    group_id = None if chosen in (None, NO_GROUP) else chosen
    ref_month = metric.chart_kind == "reference_month"
    comp = comparison_data(
        key, metric, muni=muni, year=year, group_id=group_id, breakdown=breakdown, group=group
    )
    if comp.is_empty():
        st.caption("Ingen sammenligningstal i de indlæste data.")
        return
    shown, unit, spec, how = comp, metric.unit, metric.fmt, ""
    if not metric.is_rate:
        shown = rates.indexed(comp)
        base = shown["base_period"].drop_nulls()
        how = f" (indeks, {period_label(str(base[0]))} = 100)" if len(base) else " (indeks)"
        unit, spec = "", ",.0f"
    group_text = f" og {labels[group_id]}" if group_id else ""
    band = f" ({group})" if group else ""
    fig = charts.lines_by(
        shown,
        by="area_name",
        title=(
            f"{metric.label}{band}<br><sup>{name}, regionen, landet{group_text}, {year}{how}</sup>"
        ),
        unit=unit,
        spec=spec,
        highlight=name,
    )
    if ref_month:
        fig.update_xaxes(tickformat="%Y")
    if not metric.is_rate:
        fig.update_yaxes(rangemode="normal")  # an index is read around 100, not from 0
    components.chart(
        fig,
        data=comp,
        footnote=loaders.footnote(key, metric.sources, comp),
        name=f"{stem}-sammenligning",
        key=f"{page}:comparison",
        spec=metric.fmt,
        metric=metric,
    )
    if not metric.is_rate:
        st.caption(
            "Antal er vist som indeks, så kommunen, regionen og landet kan ses på én skala: "
            "hvert områdes tal i forhold til den første måned, alle har tal for. Tabellen "
            "viser antallene."
        )
    components.notes_caption(comp)
    cols = ["period", "area_name", "area_level", "value", "suppressed", "note"]
    components.value_table(
        comp.select(cols), key=f"{page}:comparison:tbl", unit=metric.unit, spec=metric.fmt
    )


def ranking(
    key: loaders.StoreKey,
    metric: MetricDef,
    *,
    muni: str,
    name: str,
    year: int,
    page: str,
    stem: str,
) -> None:
    """The ranking section: every municipality, per 100 in the labour force by default
    for counts, the chosen one highlighted with its rank."""
    rank, unit, spec, what = (
        ranking_data(key, metric, year=year, per_labour_force=False),
        metric.unit,
        metric.fmt,
        "",
    )
    if not metric.is_rate and metric.unit != "placering":
        per_lf = ranking_data(key, metric, year=year)
        if "count" in per_lf.columns:
            how = st.radio(
                "Rangér efter",
                [RATE, COUNT],
                format_func=lambda h: (
                    "pr. 100 i arbejdsstyrken (16-66 år)" if h == RATE else "antal"
                ),
                horizontal=True,
                key=f"{page}:ranking:how",
            )
            if how == RATE:
                rank, unit, spec = per_lf, "pct", ",.2f"
                what = f" {rates.RATE_LABEL}"
        else:
            st.caption(
                "Placeringen er efter antal og afspejler derfor især kommunens størrelse. "
                "Indlæs en jobindsats-tabel med »Fuldtidspersoner i pct. af arbejdsstyrken« "
                "(fx ydelsestabellerne ..a02), så rangeres kommunerne pr. 100 i "
                "arbejdsstyrken."
            )
    if rank.is_empty():
        st.caption("Ingen tal for kommunerne i de indlæste data.")
        return
    own = rank.filter(pl.col("area_code") == muni)
    if own.height and own["rank"][0] is not None:
        st.markdown(
            f"**{name}** ligger nr. **{int(own['rank'][0])}** af "
            f"{int(own['n_areas'][0])} kommuner (1 er bedst: "
            f"{'lavest' if metric.better == 'lower' else 'højest'} værdi{what})."
        )
    fig = charts.ranking_bar(
        rank,
        highlight_code=muni,
        title=f"{metric.label}{what}: alle kommuner, {year}",
        unit=unit,
        spec=spec,
    )
    data_cols = ["rank", "area_code", "area_name", "value"]
    if "count" in rank.columns:
        data_cols.append("count")
    components.chart(
        fig,
        data=rank.select(data_cols),
        footnote=loaders.footnote(
            key, metric.sources, rank.with_columns(pl.lit(str(year)).alias("period"))
        ),
        name=f"{stem}-placering",
        key=f"{page}:ranking",
        spec=spec,
        metric=metric,
    )
