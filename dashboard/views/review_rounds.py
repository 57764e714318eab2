"""Stikprøver: a manager creates a review round (population, sample size, seed), jobmaal
draws the stratified sample from the imported sanction cases, and the manager assigns
the cases to reviewers. Leaders only. Cases are named by their draw number here; the
case reference itself is shown only on the review form.
"""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import streamlit as st

from dashboard import auth, components, pickers, review_data
from data_connectors.review import ConflictError, ReviewError
from data_connectors.review import repository as repo
from domain.canonical import MATCH_GROUPS_KH, SANCTION_TYPES
from domain.review import ROUND_STATUSES, RoundSpec
from metrics import danish, review

PAGE = "stikproever"
STRATA_LABELS = {"match_group": "Matchgruppe", "sanction_type": "Sanktionstype", "team": "Team"}

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
muni = pickers.pick_municipality(PAGE)
name = pickers.municipality_name(muni)

with st.expander("Opret en ny runde", expanded=not repo.list_rounds(db), icon=":material/add:"):
    if cases.is_empty():
        st.info(
            "Der er ingen sanktionssager i lageret. Indlæs sagssystemets udtræk af "
            "sanktionssager (skabelonen sanction_cases) på siden Data."
        )
    else:
        teams = (
            sorted(t for t in cases["team"].drop_nulls().unique().to_list())
            if "team" in cases.columns
            else []
        )
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
                st.multiselect("Teams (tom: alle)", teams, key="rv:teams") if teams else []
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
                pop = review.population(cases, spec)
                if pop.is_empty():
                    raise ReviewError(
                        f"Ingen sanktionssager for {name} i den valgte periode og population."
                    )
                sample = review.draw_sample(
                    pop, size=spec.sample_size, seed=spec.seed, strata=spec.strata
                )
                rid = repo.create_round(
                    db,
                    spec,
                    sample,
                    population_size=pop.height,
                    population_sha256=review.population_fingerprint(pop),
                    who=who,
                )
            except (ValueError, ReviewError) as exc:
                st.error(f"Runden er ikke oprettet: {exc}")
            else:
                st.session_state["rv:round"] = rid
                st.success(
                    f"Runden «{spec.name}» er oprettet: {danish.number(sample.height)} sager "
                    f"trukket blandt {danish.number(pop.height)}."
                )

rounds = repo.list_rounds(db)
if not rounds:
    st.info("Der er endnu ingen runder.")
    st.stop()

st.subheader("Runder")
components.table(
    pl.DataFrame(
        {
            "Runde": [r.name for r in rounds],
            "Kommune": [pickers.municipality_name(r.municipality_code) for r in rounds],
            "Periode": [f"{r.period_start:%d-%m-%Y} – {r.period_end:%d-%m-%Y}" for r in rounds],
            "Population": [r.population_size for r in rounds],
            "Stikprøve": [r.n_cases for r in rounds],
            "Gennemgået": [r.n_reviewed for r in rounds],
            "Frø": [str(r.seed) for r in rounds],
            "Status": [ROUND_STATUSES.get(r.status, r.status) for r in rounds],
            "Oprettet af": [r.created_by for r in rounds],
        }
    ),
    numbers=("Population", "Stikprøve", "Gennemgået"),
)

by_id = {r.id: r for r in rounds}
ids = list(by_id)
default = st.session_state.get("rv:round")
chosen = st.selectbox(
    "Runde",
    ids,
    index=ids.index(default) if default in ids else 0,
    format_func=lambda i: by_id[i].name,
    key="rv:pick",
)
rnd = by_id[chosen]
st.caption(
    f"Stikprøve på {rnd.n_cases} af {rnd.population_size} sager, frø {rnd.seed}, fordelt på "
    f"{' × '.join(STRATA_LABELS.get(x, x) for x in rnd.strata).lower()}. "
    f"Gennemgået: {rnd.n_reviewed} af {rnd.n_cases} "
    f"({danish.number(review.progress(rnd.n_cases, rnd.n_reviewed), '.0f')} %)."
)

st.subheader("Tildeling")
if "rv:flash" in st.session_state:
    st.success(st.session_state.pop("rv:flash"))
round_cases = repo.round_cases(db, rnd.id)
frame = pl.DataFrame(
    {
        "id": [c.id for c in round_cases],
        "Nr.": [c.draw_order for c in round_cases],
        "Stratum": [c.stratum for c in round_cases],
        "Afgørelsesdato": [f"{c.decision_date:%d-%m-%Y}" for c in round_cases],
        "Gennemgået": ["ja" if c.verdict else "" for c in round_cases],
        "Tildelt": [c.assigned_to or "" for c in round_cases],
    }
)
edited = st.data_editor(
    frame.to_pandas(),
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

if rnd.status == "aaben":
    if c2.button("Afslut runden", key=f"rv:close:{rnd.id}"):
        try:
            repo.set_round_status(db, rnd.id, "afsluttet", expected_version=rnd.version, who=who)
        except (ConflictError, ReviewError) as exc:
            st.error(str(exc))
        else:
            st.rerun()
elif c2.button("Genåbn runden", key=f"rv:reopen:{rnd.id}"):
    try:
        repo.set_round_status(db, rnd.id, "aaben", expected_version=rnd.version, who=who)
    except (ConflictError, ReviewError) as exc:
        st.error(str(exc))
    else:
        st.rerun()
