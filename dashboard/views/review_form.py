"""Gennemgang: the review form for one sampled sanction case (Ankestyrelsen's checklist,
the verdict, a note and corrective actions).

The only screen that shows a case reference. Reviewers (sagsbehandler) see the cases
assigned to them; leaders see every case. Saving is explicit; a half-filled form stays in
the browser session and nothing already saved is lost. If somebody else saved the case
after it was opened here, saving is refused with a conflict message (optimistic locking).
The data comes from ``pagedata_review.form_page`` and ``case_view`` (builds); this script
lays them out and runs the register's actions its buttons ask for.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import auth, components, review_data
from dashboard.pagedata_review import FormSelection, case_label, case_view, form_page
from data_connectors.review import ConflictError, ReviewError
from data_connectors.review import repository as repo
from domain.review import ANSWERS, VERDICTS
from metrics.sanctions import CHECKLIST

viewer = auth.require("review_form")
db = review_data.db()
who = viewer.user or ""
mine_only = not viewer.can("review_any")

st.title("Ledelsestilsyn: gennemgang af en sag")

page = form_page(db, FormSelection(user=who, mine_only=mine_only))
if not page.rounds:
    st.info(
        "Du har ingen sager at gennemgå i åbne runder."
        if mine_only
        else "Der er ingen åbne runder med sager. Opret en runde på siden Stikprøver."
    )
    st.stop()

by_id = {r.id: r for r in page.rounds}
round_id = st.selectbox(
    "Runde", list(by_id), format_func=lambda i: by_id[i].name, key="rv:form-round"
)
case_by_pk = {c.id: c for c in page.cases_of(round_id)}
pk = st.selectbox(
    "Sag",
    list(case_by_pk),
    format_func=lambda i: case_label(case_by_pk[i]),
    key=f"rv:form-case:{round_id}",
)
view = case_view(db, case_by_pk[pk])
case = view.case
opened_key = f"rv:opened:{pk}"
if opened_key not in st.session_state:
    st.session_state[opened_key] = case.version


def _reload() -> None:
    """Forget this session's unsaved entries for the case and show the saved version."""
    fresh = repo.get_case(db, pk)
    st.session_state[opened_key] = fresh.version
    for p in CHECKLIST:
        st.session_state.pop(f"rv:{pk}:{p}", None)
    for k in ("verdict", "note"):
        st.session_state.pop(f"rv:{pk}:{k}", None)


for col, (label, value) in zip(st.columns(4), view.cards, strict=True):
    col.metric(label, value)
st.caption(view.caption)
if view.saved:
    st.caption(view.saved)

options = list(ANSWERS)
with st.form(f"rv:form:{pk}"):
    st.markdown("**Ankestyrelsens tjekliste**")
    answers: dict[str, str | None] = {}
    for p, label in CHECKLIST.items():
        if p not in view.points:
            continue
        stored = case.answers.get(p)
        answers[p] = st.radio(
            label,
            options,
            index=options.index(stored) if stored in options else None,
            format_func=lambda a: ANSWERS[a],
            horizontal=True,
            key=f"rv:{pk}:{p}",
        )
    if len(view.points) < len(CHECKLIST):
        st.caption(
            "Punkt 5-7 gælder kun aktivitetsparate borgere og registreres som ikke relevante."
        )
    verdicts = list(VERDICTS)
    verdict = st.radio(
        "Vurdering",
        verdicts,
        index=verdicts.index(case.verdict) if case.verdict in verdicts else None,
        format_func=lambda v: VERDICTS[v],
        horizontal=True,
        key=f"rv:{pk}:verdict",
    )
    note = st.text_area("Note", value=case.note, key=f"rv:{pk}:note")
    submitted = st.form_submit_button("Gem gennemgang", type="primary", key=f"rv:{pk}:save")

if submitted:
    try:
        saved = repo.save_review(
            db,
            pk,
            expected_version=int(st.session_state[opened_key]),
            answers=answers,
            verdict=verdict or "",
            note=note,
            who=who,
            only_assignee=mine_only,
        )
    except ConflictError as exc:
        st.error(str(exc), icon=":material/sync_problem:")
        st.button("Hent den gemte version", key=f"rv:{pk}:reload", on_click=_reload)
    except ReviewError as exc:
        st.error(f"Ikke gemt. {exc}")
    else:
        st.session_state[opened_key] = saved.version
        st.success(f"Gemt: {VERDICTS[saved.verdict or '']} (version {saved.version}).")

st.subheader("Opfølgende handlinger")
if view.actions:
    components.table(view.actions_table)
    if viewer.can("manage_actions"):
        for a in view.actions:
            if a.status == "aaben" and st.button(
                f"Luk: {a.description[:40]}", key=f"rv:close-action:{a.id}"
            ):
                try:
                    repo.set_action_status(db, a.id, "lukket", expected_version=a.version, who=who)
                except ReviewError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
with st.form(f"rv:action:{pk}", clear_on_submit=True):
    st.markdown("**Ny opfølgende handling**")
    what = st.text_area("Hvad skal der gøres?", key=f"rv:{pk}:action-what")
    c1, c2 = st.columns(2)
    owner = c1.text_input("Ansvarlig", key=f"rv:{pk}:action-owner")
    deadline = c2.date_input(
        "Frist", value=date.today() + timedelta(days=30), key=f"rv:{pk}:action-deadline"
    )
    add = st.form_submit_button("Tilføj handling", key=f"rv:{pk}:action-add")
if add:
    try:
        repo.add_action(db, pk, description=what, owner=owner, deadline=deadline, who=who)
    except ReviewError as exc:
        st.error(f"Handlingen er ikke gemt. {exc}")
    else:
        st.success("Handlingen er gemt.")
        st.rerun()
