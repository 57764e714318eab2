"""Resultater: the error rate of the municipality's own review rounds with Wilson 95 %
intervals, by round (trend), match group, sanction type, team and checklist point, set
against Ankestyrelsen's national findings; the corrective actions and their deadlines.

Aggregates only, with the <5 rule (metrics.review): no case reference, no figure about
1-4 cases. Leaders, analysts and the local mode see it.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import auth, charts, components, export, review_data
from data_connectors.review import repository as repo
from metrics import danish, review

PAGE = "review_results"
BREAKDOWNS = review.BREAKDOWNS

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
reviews = repo.reviews_frame(db, chosen)
if reviews.is_empty():
    st.info("Ingen af de valgte runder har gennemgåede sager endnu.")
    st.stop()

total = review.error_rates(reviews).row(0, named=True)
national = review.national_reference(None)["share"][0]
c1, c2, c3, c4 = st.columns(4)
hidden = bool(total["suppressed"])
c1.metric("Gennemgåede sager", danish.number(total["n"], suppressed=total["n"] is None))
c2.metric("Sager med fejl", danish.number(total["errors"], suppressed=hidden))
c3.metric("Fejlandel", danish.with_unit(total["rate"], "pct", ".0f", suppressed=hidden))
c4.metric(
    "95 %-interval",
    "<5"
    if total["suppressed"]
    else (
        f"{danish.number(total['ci_low'], '.0f')}–"
        f"{danish.with_unit(total['ci_high'], 'pct', '.0f')}"
    ),
)
st.markdown(
    "Ankestyrelsens praksisundersøgelser fandt fejl i knap en tredjedel af sagerne om "
    "udeblivelse (96 sager) og i 52 af 61 sager om skærpet rådighedssanktion, heraf alle 26 "
    "med en aktivitetsparat borger."
)

by = st.selectbox(
    "Opdel efter", list(BREAKDOWNS), format_func=lambda b: BREAKDOWNS[b], key="rv:results-by"
)
assert by is not None
result = review.trend(reviews) if by == "round" else review.error_rates(reviews, by)
reference = review.national_reference(by)
title = f"Fejlandel efter {BREAKDOWNS[by].lower()}"
if by == "checklist_point":
    title = "Andel af sagerne, der ikke opfylder punktet"
    fig = charts.rate_with_interval_horizontal(result, title=title)
elif by == "round":
    fig = charts.rate_trend(result, title="Fejlandel pr. runde", reference=national)
else:
    fig = charts.rate_with_interval(
        result, title=title, reference=reference.select("group", "share")
    )
foot = export.Footnote(
    source=review_data.SOURCE,
    retrieved=date.today(),
    notes=(
        "Interval: Wilson 95 %. Reference: Ankestyrelsens praksisundersøgelser.",
        "Et punkt tælles kun i de sager, hvor det er relevant.",
    ),
)
components.chart(
    fig,
    data=result,
    footnote=foot,
    name=export.file_stem("ledelsestilsyn", "resultater", by),
    key=f"{PAGE}:{by}",
)
shares = [export.COLUMN_LABELS[c] for c in ("rate", "ci_low", "ci_high")]
components.table(
    components.value_cells(export.prepare(result), dict.fromkeys(shares, ("pct", ".0f"))),
    key=f"{PAGE}:{by}:tbl",
    numbers=shares,
)

st.subheader("Opfølgende handlinger")
actions = [a for a in repo.list_actions(db, open_only=True) if a.round_id in chosen]
today = date.today()
overdue = sum(a.deadline < today for a in actions)
c1, c2 = st.columns(2)
c1.metric("Åbne handlinger", danish.number(len(actions)))
c2.metric("Heraf over fristen", danish.number(overdue))
if actions and viewer.can("see_actions"):
    components.table(
        pl.DataFrame(
            {
                "Runde": [by_id[a.round_id].name for a in actions],
                "Handling": [a.description for a in actions],
                "Ansvarlig": [a.owner for a in actions],
                "Frist": [danish.date_label(a.deadline) for a in actions],
                "Over fristen": ["ja" if a.deadline < today else "" for a in actions],
            }
        )
    )
