"""Ledelsestilsyn: legal quality of sanction cases from the municipality's own reviews.

An aggregate page: the own figures follow the <5 rule and never show a case or person
id. The data comes from ``pagedata_ledelse.build`` (build); this script only lays it out.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, export, loaders, pickers, state
from dashboard.pagedata_ledelse import BREAKDOWNS, LedelseSelection, OwnReview, build
from dashboard.pagedata_review import RATE_SHARES
from metrics import compliance

PAGE = "ledelsestilsyn"

key = loaders.store_key()
components.demo_banner(loaders.is_demo(key))
muni = pickers.pick_municipality(PAGE)
name = pickers.municipality_name(muni)
page = build(LedelseSelection(key=key, muni=muni, name=name))

st.title("Ledelsestilsyn: sanktionssagernes kvalitet")
st.caption(
    "Gennemgåede sanktionssager vurderet efter Ankestyrelsens tjekliste. En sag tæller som "
    "fejl, når den ville være ændret eller hjemvist. Tal om færre end 5 sager vises som "
    "<5; sags- og personnumre vises aldrig."
)
st.page_link(
    "views/review_results.py",
    label="Kommunens egne gennemgangsrunder i jobmaal: se Tilsynsresultater",
    icon=":material/monitoring:",
)


def own_review(own: OwnReview) -> None:
    """The municipality's own sample: totals, the breakdown chart and its table."""
    for col, (label, value) in zip(st.columns(4), own.total.cards(), strict=True):
        col.metric(label, value)
    if own.sentence is None:
        st.caption("Stikprøven handler om færre end 5 sager eller fejl, så tallene vises ikke.")
        return
    st.markdown(own.sentence)
    by = state.choose(
        state.TILSYN,
        "Opdel efter",
        list(BREAKDOWNS),
        page=PAGE,
        format_func=lambda b: BREAKDOWNS[b],
    )
    assert by is not None
    part = own.breakdown(by)
    fig = (
        # the checklist's long labels read across, never squeezed under rotated ticks
        charts.rate_with_interval_horizontal(part.rates, title=part.title)
        if part.horizontal
        else charts.rate_with_interval(part.rates, title=part.title, reference=part.reference)
    )
    components.chart(
        fig,
        data=part.rates,
        footnote=own.footnote,
        name=export.file_stem(name, "sanktionskvalitet", by),
        key=f"{PAGE}:{by}",
    )
    components.table(part.table, key=f"{PAGE}:{by}:tbl", numbers=RATE_SHARES)


if page.own is None:
    st.info(
        f"Der er ingen gennemgåede sanktionssager for {name} i de indlæste data. Kommunens "
        "egen stikprøve kommer fra jobcentrets sagssystem (`jobmaal import`). "
        "Landstallene nedenfor gælder alle kommuner."
    )
else:
    own_review(page.own)

st.subheader("Ankestyrelsens landsresultater")
components.table(page.national, numbers=("Antal sager", "Ændret/hjemvist", "Andel ændret/hjemvist"))

st.subheader("Sagsbehandling: STAR's fokusaudits")
if page.compliance is None:
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
    cards = page.compliance.cards
    for col, card in zip(st.columns(len(cards)), cards, strict=True):
        col.metric(card.label, card.value, help=card.help)
    chosen = st.selectbox(
        "Indikator",
        list(compliance.INDICATORS),
        format_func=lambda i: compliance.INDICATORS[i],
        key=f"{PAGE}:compliance",
    )
    ind = page.compliance.indicator(chosen)
    fig = charts.compliance_months(ind.monthly, title=ind.label, national=ind.national)
    components.chart(
        fig,
        data=ind.per_team,
        footnote=ind.footnote,
        name=export.file_stem(name, "sagsbehandling", chosen),
        key=f"{PAGE}:compliance:{chosen}",
    )
    components.table(
        ind.table,
        key=f"{PAGE}:compliance:tbl",
        numbers=("Forløb", "Opfyldt", "Andel opfyldt", "Landsplan"),
    )
components.table(page.casework, numbers=("Landsplan", "Antal sager"))
