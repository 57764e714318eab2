"""Ledelsestilsyn: legal quality of sanction cases from the municipality's own reviews.

This is the case-review screen: small counts are shown (that is what the reviews are
about), but never a case or person id.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, components, export, loaders, pickers, state
from metrics import compliance, danish

PAGE = "ledelsestilsyn"
SOURCES = ("sanction_reviews",)

BREAKDOWNS = {
    "match_group": "Matchgruppe",
    "sanction_type": "Sanktionstype",
    "checklist_point": "Punkt på tjeklisten",
}

# Which of Ankestyrelsen's findings each group is set against (DOMAIN.md, seeds 000-002).
REFERENCE_FOR_GROUP = {
    "sanction_type": {
        "Udeblivelse fra tilbud (LAS § 36)": "Sanktioner for udeblivelse (LAS §§ 36-37), 3.",
        "Udeblivelse fra samtale (LAS § 37)": "Sanktioner for udeblivelse (LAS §§ 36-37), 3.",
        "Skærpet rådighedssanktion": "Skærpet rådighedssanktion, 2. undersøgelse",
    },
    "match_group": {
        "Aktivitetsparat": "Skærpet rådighedssanktion, 2. undersøgelse: aktivitetsparate",
    },
}

key = loaders.store_key()
components.demo_banner(loaders.is_demo(key))
muni = pickers.pick_municipality(PAGE)
name = pickers.municipality_name(muni)

st.title("Ledelsestilsyn: sanktionssagernes kvalitet")
st.caption(
    "Gennemgåede sanktionssager vurderet efter Ankestyrelsens tjekliste. En sag tæller som "
    "fejl, når den ville være ændret eller hjemvist. Siden viser små tal, fordi den handler "
    "om den enkelte stikprøve; sags- og personnumre vises aldrig."
)
st.page_link(
    "views/review_results.py",
    label="Kommunens egne gennemgangsrunder i jobmaal: se Tilsynsresultater",
    icon=":material/monitoring:",
)


def _pct(value: float | None) -> str:
    """A national share as Danish text; blank when the source gives none."""
    return (
        ""
        if value is None
        else danish.with_unit(value, "pct", ",.0f" if value == round(value) else ",.1f")
    )


def _count(value: int | None) -> str:
    return "" if value is None else danish.number(value)


def own_review(overall: pl.DataFrame, reference: pl.DataFrame) -> None:
    """The municipality's own sample: totals, the breakdown chart and its table."""
    tot = overall.row(0, named=True)
    hidden = bool(tot["suppressed"])  # a sample about fewer than 5 cases (or errors)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Gennemgåede sager", danish.number(tot["n"], suppressed=tot["n"] is None))
    c2.metric("Sager med fejl", danish.number(tot["errors"], suppressed=hidden))
    c3.metric("Fejlandel", danish.with_unit(tot["rate"], "pct", ".0f", suppressed=hidden))
    c4.metric(
        "95 %-interval",
        danish.SUPPRESSED_TEXT
        if hidden
        else (
            f"{danish.number(tot['ci_low'], '.0f')}–"
            f"{danish.with_unit(tot['ci_high'], 'pct', '.0f')}"
        ),
    )
    if hidden:
        st.caption("Stikprøven handler om færre end 5 sager eller fejl, så tallene vises ikke.")
        return
    st.markdown(
        f"Ankestyrelsens praksisundersøgelser fandt fejl i knap en tredjedel af sagerne om "
        "udeblivelse og i 52 af 61 sager om skærpet rådighedssanktion. "
        f"{danish.genitive(name)} egen "
        f"gennemgang giver {danish.with_unit(tot['rate'], 'pct', '.0f')} "
        f"({danish.number(tot['errors'])} af {danish.number(tot['n'])} sager)."
    )

    by = state.choose(
        state.TILSYN,
        "Opdel efter",
        list(BREAKDOWNS),
        page=PAGE,
        format_func=lambda b: BREAKDOWNS[b],
    )
    assert by is not None
    quality = loaders.sanction_quality(key, muni, by)
    ref_rows = []
    for group, study_prefix in REFERENCE_FOR_GROUP.get(by, {}).items():
        hit = reference.filter(pl.col("study").str.starts_with(study_prefix))
        if hit.height and group in quality["group"].to_list():
            ref_rows.append({"group": group, "share": hit["share"][0]})
    ref_frame = pl.DataFrame(ref_rows, schema={"group": pl.String, "share": pl.Float64})
    title = f"Fejlandel efter {BREAKDOWNS[by].lower()}, {name}"
    fig = (
        # the checklist's long labels read across, never squeezed under rotated ticks
        charts.rate_with_interval_horizontal(quality, title=title)
        if by == "checklist_point"
        else charts.rate_with_interval(quality, title=title, reference=ref_frame)
    )
    foot = loaders.footnote(
        key,
        SOURCES,
        None,
        notes=("Interval: Wilson 95 %. Reference: Ankestyrelsens praksisundersøgelser.",),
    )
    components.chart(
        fig,
        data=quality,
        footnote=foot,
        name=export.file_stem(name, "sanktionskvalitet", by),
        key=f"{PAGE}:{by}",
    )
    pct = ("pct", ".0f")  # as the cards above: whole percent
    shares = [export.COLUMN_LABELS[c] for c in ("rate", "ci_low", "ci_high")]
    components.table(
        components.value_cells(export.prepare(quality), dict.fromkeys(shares, pct)),
        key=f"{PAGE}:{by}:tbl",
        numbers=shares,
    )


overall = loaders.sanction_quality(key, muni, None)
reference = loaders.national_sanction_reference()
if overall.is_empty() or int(overall["n"].sum()) == 0:
    st.info(
        f"Der er ingen gennemgåede sanktionssager for {name} i de indlæste data. Kommunens "
        "egen stikprøve kommer fra jobcentrets sagssystem (`jobmaal import`). "
        "Landstallene nedenfor gælder alle kommuner."
    )
else:
    own_review(overall, reference)

st.subheader("Ankestyrelsens landsresultater")
components.table(
    export.prepare(
        reference,
        {
            "study": "Undersøgelse",
            "n": "Antal sager",
            "errors": "Ændret/hjemvist",
            "share": "Andel ændret/hjemvist",
            "note": "Note",
        },
    ).with_columns(
        pl.col("Antal sager", "Ændret/hjemvist").map_elements(_count, return_dtype=pl.String),
        pl.col("Andel ændret/hjemvist").map_elements(_pct, return_dtype=pl.String),
    ),
    numbers=("Antal sager", "Ændret/hjemvist", "Andel ændret/hjemvist"),
)

st.subheader("Sagsbehandling: STAR's fokusaudits")
events_lf = loaders.inputs(key).get("case_events")
events = events_lf.collect() if events_lf is not None else pl.DataFrame()
own = compliance.compliance(events, municipality=muni) if not events.is_empty() else pl.DataFrame()
if own.is_empty():
    st.caption(
        "Landstal fra STAR's fokusaudits af ressourceforløb og af fleksjob og ledighedsydelse. "
        f"Der er ingen sagshændelser for {name} i lageret: indlæs sagssystemets udtræk i "
        "skabelonen case_events på siden Data for at se kommunens egne tal."
    )
else:
    st.caption(
        f"{name}s egne tal fra sagshændelserne, pr. måned hvor kravet forfaldt, sat over for "
        "STAR's landstal. Tal om færre end 5 forløb vises som <5."
    )
    total = compliance.compliance_total(events, municipality=muni)
    cols = st.columns(len(total))
    for col, r in zip(cols, total.iter_rows(named=True), strict=True):
        col.metric(
            r["label"],
            danish.with_unit(r["share"], "pct", ".0f") if r["share"] is not None else "<5",
            help=f"Landsplan (STAR): {_pct(r['national'])}; {danish.number(r['n'])} forløb",
        )
    indicator = st.selectbox(
        "Indikator",
        list(compliance.INDICATORS),
        format_func=lambda i: compliance.INDICATORS[i],
        key=f"{PAGE}:compliance",
    )
    monthly = own.filter(
        (pl.col("indicator") == indicator) & (pl.col("team") == "I alt")
    ).with_columns(pl.col("share").alias("value"))
    per_team = own.filter(pl.col("indicator") == indicator).select(
        "period", "team", "n", "met", "share", "national", "suppressed"
    )
    fig = charts.compliance_months(
        monthly, title=compliance.INDICATORS[indicator], national=monthly["national"][0]
    )
    components.chart(
        fig,
        data=per_team,
        footnote=export.Footnote(
            source="Kommunens sagshændelser (skabelonen case_events)",
            table_ids=("case_events",),
            first_period=str(monthly["period"].min()) if monthly.height else None,
            last_period=str(monthly["period"].max()) if monthly.height else None,
            notes=("Reference: STAR's fokusaudits (landsplan).",),
        ),
        name=export.file_stem(name, "sagsbehandling", indicator),
        key=f"{PAGE}:compliance:{indicator}",
    )
    components.table(
        export.prepare(
            per_team,
            {
                "team": "Team",
                "n": "Forløb",
                "met": "Opfyldt",
                "share": "Andel opfyldt",
                "national": "Landsplan",
            },
        ).with_columns(
            pl.col("Andel opfyldt", "Landsplan").map_elements(_pct, return_dtype=pl.String)
        ),
        key=f"{PAGE}:compliance:tbl",
        numbers=("Forløb", "Opfyldt", "Andel opfyldt", "Landsplan"),
    )
casework = loaders.national_casework_reference()
components.table(
    casework.select(
        pl.col("area").alias("Område"),
        pl.col("indicator").alias("Indikator"),
        pl.col("share").map_elements(_pct, return_dtype=pl.String).alias("Landsplan"),
        pl.col("n").map_elements(_count, return_dtype=pl.String).alias("Antal sager"),
        pl.col("source").alias("Kilde"),
        pl.col("note").alias("Note"),
    ),
    numbers=("Landsplan", "Antal sager"),
)
