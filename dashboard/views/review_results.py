"""Resultater: the error rate of the municipality's own review rounds with Wilson 95 %
intervals, by round (trend), match group, sanction type, team and checklist point, set
against Ankestyrelsen's national findings; the corrective actions and their deadlines.

Aggregates only, with the <5 rule (metrics.review): no case reference, no figure about
1-4 cases. Leaders, analysts and the local mode see it. The data comes from
``pagedata_review.results_page`` (build); this script only lays it out.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth, charts, components, export, pagedata_review, review_data
from data_connectors.review import repository as repo
from metrics import danish, review

PAGE = "review_results"

viewer = auth.require("review_results")
db = review_data.db()

st.title("Ledelsestilsyn: resultater af gennemgangene")
st.caption(
    "Fejlandelen er andelen af gennemgåede sager, som Ankestyrelsen ville ændre eller "
    "hjemvise, med et 95 %-interval (Wilson). Tal om færre end 5 sager vises som <5."
)

rounds = repo.list_rounds(db)
if not rounds:
    st.info("Der er endnu ingen runder. En leder opretter dem på siden Stikprøver.")
    st.stop()

by_id = {r.id: r for r in rounds}
chosen = st.multiselect(
    "Runder",
    list(by_id),
    default=list(by_id),
    format_func=lambda i: by_id[i].name,
    key="rv:results-rounds",
)
page = pagedata_review.results_page(
    db, pagedata_review.ResultsSelection(round_ids=tuple(chosen), today=date.today())
)
if page.total is None:
    st.info("Ingen af de valgte runder har gennemgåede sager endnu.")
    st.stop()

for col, (label, value) in zip(st.columns(4), page.total.cards(), strict=True):
    col.metric(label, value)
st.markdown(
    "Ankestyrelsens praksisundersøgelser fandt fejl i knap en tredjedel af sagerne om "
    "udeblivelse (96 sager) og i 52 af 61 sager om skærpet rådighedssanktion, heraf alle 26 "
    "med en aktivitetsparat borger."
)

by = st.selectbox(
    "Opdel efter",
    list(review.BREAKDOWNS),
    format_func=lambda b: review.BREAKDOWNS[b],
    key="rv:results-by",
)
assert by is not None
part = page.breakdown(by)
if part.horizontal:
    fig = charts.rate_with_interval_horizontal(part.rates, title=part.title)
elif by == "round":
    fig = charts.rate_trend(part.rates, title=part.title, reference=page.national)
else:
    fig = charts.rate_with_interval(part.rates, title=part.title, reference=part.reference)
components.chart(
    fig,
    data=part.rates,
    footnote=page.footnote,
    name=export.file_stem("ledelsestilsyn", "resultater", by),
    key=f"{PAGE}:{by}",
)
components.table(part.table, key=f"{PAGE}:{by}:tbl", numbers=pagedata_review.RATE_SHARES)

st.subheader("Opfølgende handlinger")
c1, c2 = st.columns(2)
c1.metric("Åbne handlinger", danish.number(page.open_actions))
c2.metric("Heraf over fristen", danish.number(page.overdue))
if page.open_actions and viewer.can("see_actions"):
    components.table(page.actions_table)
