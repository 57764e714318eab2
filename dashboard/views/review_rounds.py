"""Stikprøver: a manager creates a review round (population, sample size, seed), jobmaal
draws the stratified sample from the imported sanction cases, and the manager assigns
the cases to reviewers. Leaders only. Cases are named by their draw number here; the
case reference itself is shown only on the review form. The data comes from
``pagedata_review.rounds_page`` and ``assignment`` (builds), the draw from its
``draw_round`` action; this script lays them out and runs the register's actions.
"""

from __future__ import annotations

import random
from datetime import date

import streamlit as st

from dashboard import auth, components, pickers, review_data
from dashboard.pagedata_review import assignment, draw_round, rounds_page
from data_connectors.review import ConflictError, ReviewError
from data_connectors.review import repository as repo
from domain.canonical import MATCH_GROUPS_KH, SANCTION_TYPES
from domain.review import RoundSpec

PAGE = "stikproever"

viewer = auth.require("review_rounds")
db = review_data.db()
who = viewer.user or ""

st.title("Ledelsestilsyn: stikprøver")
st.caption(
    "Opret en runde: vælg perioden for afgørelserne og populationen. jobmaal trækker en "
    "tilfældig stikprøve, fordelt forholdsmæssigt på matchgruppe og sanktionstype. Samme "
    "frø og samme data giver altid samme stikprøve; trækningen og dens parametre gemmes."
)

cases = review_data.sanction_cases()
page = rounds_page(db, cases)
muni = pickers.pick_municipality(PAGE)

with st.expander("Opret en ny runde", expanded=not page.rounds, icon=":material/add:"):
    if not page.has_cases:
        st.info(
            "Der er ingen sanktionssager i lageret. Indlæs sagssystemets udtræk af "
            "sanktionssager (skabelonen sanction_cases) på siden Data."
        )
    else:
        with st.form("rv:new-round"):
            title = st.text_input("Navn på runden", key="rv:name", placeholder="fx 1. kvartal")
            c1, c2 = st.columns(2)
            start = c1.date_input(
                "Afgørelser fra", value=date(date.today().year, 1, 1), key="rv:from"
            )
            end = c2.date_input("Afgørelser til", value=date.today(), key="rv:to")
            types = st.multiselect(
                "Sanktionstyper (tom: alle)", list(SANCTION_TYPES), key="rv:types"
            )
            groups = st.multiselect(
                "Matchgrupper (tom: alle)", list(MATCH_GROUPS_KH), key="rv:groups"
            )
            chosen_teams = (
                st.multiselect("Teams (tom: alle)", list(page.teams), key="rv:teams")
                if page.teams
                else []
            )
            c3, c4 = st.columns(2)
            size = c3.number_input("Stikprøvens størrelse", 1, 1000, 30, key="rv:size")
            seed = c4.number_input(
                "Frø (tilfældighedens startværdi)",
                0,
                2**31 - 1,
                st.session_state.setdefault(
                    "rv:seed-default", random.SystemRandom().randrange(10**6)
                ),
                key="rv:seed",
                help="Gemmes med runden: samme frø og samme data giver samme stikprøve.",
            )
            submitted = st.form_submit_button("Træk stikprøve og opret runde", type="primary")
        if submitted:
            try:
                spec = RoundSpec(
                    name=title,
                    municipality_code=muni,
                    period_start=start,
                    period_end=end,
                    sample_size=int(size),
                    seed=int(seed),
                    sanction_types=tuple(types),
                    match_groups=tuple(groups),
                    teams=tuple(chosen_teams),
                )
                rid, done = draw_round(db, cases, spec, who=who)
            except (ValueError, ReviewError) as exc:
                st.error(f"Runden er ikke oprettet: {exc}")
            else:
                st.session_state["rv:round"] = rid
                st.success(done)
                page = rounds_page(db, cases)

if not page.rounds:
    st.info("Der er endnu ingen runder.")
    st.stop()

st.subheader("Runder")
components.table(page.table, numbers=("Population", "Stikprøve", "Gennemgået"))

by_id = {r.id: r for r in page.rounds}
ids = list(by_id)
default = st.session_state.get("rv:round")
chosen = st.selectbox(
    "Runde",
    ids,
    index=ids.index(default) if default in ids else 0,
    format_func=lambda i: by_id[i].name,
    key="rv:pick",
)
assign = assignment(db, by_id[chosen])
rnd = assign.round
st.caption(assign.caption)

st.subheader("Tildeling")
if "rv:flash" in st.session_state:
    st.success(st.session_state.pop("rv:flash"))
edited = st.data_editor(
    assign.frame.to_pandas(),
    hide_index=True,
    disabled=["id", "Nr.", "Stratum", "Afgørelsesdato", "Gennemgået"],
    column_config={"id": None},
    key=f"rv:assign:{rnd.id}",
    width="stretch",
)
c1, c2, c3 = st.columns([2, 2, 3])
bulk = c3.text_input("Tildel alle utildelte til", key=f"rv:bulk:{rnd.id}")
if c1.button("Gem tildelinger", key=f"rv:save-assign:{rnd.id}", type="primary"):
    wanted = {int(r["id"]): (str(r["Tildelt"]).strip() or None) for r in edited.to_dict("records")}
    if bulk.strip():
        wanted = {k: (v or bulk.strip()) for k, v in wanted.items()}
    try:
        n = repo.assign(db, wanted, who=who)
    except ReviewError as exc:
        st.error(str(exc))
    else:
        st.session_state["rv:flash"] = f"{n} tildelinger gemt."
        st.rerun()

# An open round can be closed, a closed one reopened.
label, new_status, action = (
    ("Afslut runden", "afsluttet", "close")
    if rnd.status == "aaben"
    else ("Genåbn runden", "aaben", "reopen")
)
if c2.button(label, key=f"rv:{action}:{rnd.id}"):
    try:
        repo.set_round_status(db, rnd.id, new_status, expected_version=rnd.version, who=who)
    except (ConflictError, ReviewError) as exc:
        st.error(str(exc))
    else:
        st.rerun()
