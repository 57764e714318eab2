"""AppTest of the review workflow's pages and roles, logged in with ``at.user`` (st.login
configured through ``at.secrets``) or in the local mode.

The store holds 40 sanction cases of Favrskov (710) in 2022, decided one a day from 3
January: every fifth (K000, K005, ...) aktivitetsparat, the rest jobparat, all
"Udeblivelse fra tilbud (LAS § 36)". A sample of 10 stratified by match group is then
8 jobparate and 2 aktivitetsparate (10 x 32/40 and 10 x 8/40).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from sqlalchemy import inspect
from streamlit.testing.v1 import AppTest

from data_connectors.review import ReviewDB
from data_connectors.review import repository as repo
from data_connectors.store import Store
from domain.review import POINTS, RoundSpec
from metrics import review
from tests.review_db import (  # noqa: F401  (fixture)
    PostgresServer,
    fresh_postgres_db,
    postgres_server_fixture,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
TIMEOUT = 60
T36 = "Udeblivelse fra tilbud (LAS § 36)"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "jobmaal",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}
ROLE_TABLE = {
    "udvalg@favrskov.dk": "udvalg",
    "leder@favrskov.dk": "leder",
    "anne@favrskov.dk": "sagsbehandler",
    "bo@favrskov.dk": "sagsbehandler",
    "analytiker@favrskov.dk": "analytiker",
}
JOB_YES = {"p1": "ja", "p2": "ja", "p3": "ja", "p4": "ja", "p8": "ja"}


def sanction_cases() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "case_id": [f"K{i:03d}" for i in range(40)],
            "person_id": [f"P{i:03d}" for i in range(40)],
            "municipality_code": ["710"] * 40,
            "decision_date": [date(2022, 1, 3) + timedelta(days=i) for i in range(40)],
            "match_group": ["Aktivitetsparat" if i % 5 == 0 else "Jobparat" for i in range(40)],
            "sanction_type": [T36] * 40,
            "amount_dkk": [500.0] * 40,
        }
    )


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    Store(data_dir).import_person("sanction_cases", sanction_cases(), origin="test-cases")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(data_dir))
    monkeypatch.delenv("JOBMAAL_LOCAL_ROLE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield data_dir
    st.cache_data.clear()
    st.cache_resource.clear()


def register(data_dir: Path) -> ReviewDB:
    db = ReviewDB(f"sqlite:///{data_dir / 'review.db'}")
    db.upgrade()
    return db


def make_round(db: ReviewDB, size: int = 10) -> int:
    spec = RoundSpec(
        name="Forår 2022",
        municipality_code="710",
        period_start=date(2022, 1, 1),
        period_end=date(2022, 12, 31),
        sample_size=size,
        seed=11,
        strata=("match_group",),
    )
    pop = review.population(sanction_cases(), spec)
    sample = review.draw_sample(pop, size=size, seed=11, strata=spec.strata)
    return repo.create_round(
        db, spec, sample, population_size=pop.height, population_sha256="x", who="leder"
    )


def review_five_wrong(db: ReviewDB, rid: int) -> None:
    """Review every case of the round: the first 5 jobparate fail point 3 and would be
    changed; the other jobparate and every aktivitetsparat are correct."""
    wrong = 0
    for c in repo.round_cases(db, rid):
        if c.match_group == "Jobparat":
            bad = wrong < 5
            wrong += bad
            answers = JOB_YES | ({"p3": "nej"} if bad else {})
            verdict = "aendret" if bad else "korrekt"
        else:
            answers, verdict = dict.fromkeys(POINTS, "ja"), "korrekt"
        repo.save_review(
            db, c.id, expected_version=1, answers=answers, verdict=verdict, note="", who="x"
        )


def app(page: str | None = None, *, email: str | None = None, login: bool = True) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if login:
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLE_TABLE
        at.user = {"is_logged_in": email is not None, "email": email or ""}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# -- roles -----------------------------------------------------------------------------------
def test_logged_out_visitor_sees_only_the_login(env: Path) -> None:
    at = app(email=None)
    assert titles(at) == ["jobmaal"]
    assert [b.label for b in at.button] == ["Log ind"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/review_results.py")


def test_user_without_a_role_is_told_so(env: Path) -> None:
    at = app(email="ukendt@favrskov.dk")
    assert "ingen rolle" in errors(at)
    assert not at.metric


def test_udvalg_sees_overblik_and_is_refused_the_rest(env: Path) -> None:
    at = app(email="udvalg@favrskov.dk")
    assert titles(at)[0].startswith("Favrskov")  # Overblik is the start page
    for page in ("views/maal.py", "views/review_results.py", "views/review_form.py"):
        at.switch_page(page)
        at.run()
        assert not titles(at)
        assert "Din rolle (Arbejdsmarkedsudvalg) giver ikke adgang" in errors(at)


def test_analytiker_sees_aggregates_but_no_case_screens(env: Path) -> None:
    db = register(env)
    make_round(db)
    at = app("views/review_results.py", email="analytiker@favrskov.dk")
    assert titles(at) == ["Ledelsestilsyn: resultater af gennemgangene"]
    assert "Ingen af de valgte runder har gennemgåede sager endnu." in [i.value for i in at.info]
    at.switch_page("views/data.py")
    at.run()
    assert not errors(at)
    # The case screens are not in an analyst's navigation at all (and refuse on their
    # own: test_case_pages_refuse_a_wrong_role_on_their_own).
    for page in ("views/review_form.py", "views/review_rounds.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_case_pages_refuse_a_wrong_role_on_their_own(env: Path) -> None:
    """Run directly (not through the router), the case pages still check the role."""
    for page, email, role in (
        ("review_form.py", "analytiker@favrskov.dk", "Analytiker"),
        ("review_rounds.py", "anne@favrskov.dk", "Sagsbehandler (gennemgår sager)"),
    ):
        at = AppTest.from_file(str(ROOT / "dashboard" / "views" / page), default_timeout=TIMEOUT)
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLE_TABLE
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        assert f"Din rolle ({role}) giver ikke adgang til denne side." in errors(at)
        assert not at.text_input and not at.radio


def test_local_mode_banner_and_closed_case_screens(env: Path) -> None:
    at = app(login=False)
    assert "Lokal tilstand uden login" in markdown(at)
    assert "page_link" not in markdown(at)  # no stray text from the router
    at.switch_page("views/review_results.py")
    at.run()
    assert titles(at) == ["Ledelsestilsyn: resultater af gennemgangene"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/review_form.py")
    direct = AppTest.from_file(str(ROOT / "dashboard" / "views" / "review_form.py"))
    direct.run(timeout=TIMEOUT)
    assert "lukket i lokal tilstand" in "\n".join(w.value for w in direct.warning)


def test_local_role_opens_the_case_screens(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMAAL_LOCAL_ROLE", "leder")
    monkeypatch.setenv("JOBMAAL_LOCAL_USER", "Lokal leder")
    at = app("views/review_rounds.py", login=False)
    assert titles(at) == ["Ledelsestilsyn: stikprøver"]
    assert "Rollen <i>Leder</i> er sat med JOBMAAL_LOCAL_ROLE" in markdown(at)
    monkeypatch.setenv("JOBMAAL_LOCAL_ROLE", "chef")
    at = app(login=False)
    assert "JOBMAAL_LOCAL_ROLE='chef' er ikke en rolle" in errors(at)


# -- the workflow ----------------------------------------------------------------------------
def test_leder_creates_a_round_and_assigns_it(env: Path) -> None:
    at = app("views/review_rounds.py", email="leder@favrskov.dk")
    assert titles(at) == ["Ledelsestilsyn: stikprøver"]
    at.text_input(key="rv:name").input("Forår 2022")
    at.date_input(key="rv:from").set_value(date(2022, 1, 1))
    at.date_input(key="rv:to").set_value(date(2022, 12, 31))
    at.number_input(key="rv:size").set_value(10)
    at.number_input(key="rv:seed").set_value(11)
    at.button(key="FormSubmitter:rv:new-round-Træk stikprøve og opret runde").click().run()
    assert not at.exception
    assert "Runden «Forår 2022» er oprettet: 10 sager trukket blandt 40." in [
        s.value for s in at.success
    ]
    db = register(env)
    (rnd,) = repo.list_rounds(db)
    assert (rnd.seed, rnd.sample_size, rnd.population_size, rnd.created_by) == (
        11,
        10,
        40,
        "leder@favrskov.dk",
    )
    # Stratified by match group and sanction type: 8 jobparate, 2 aktivitetsparate.
    groups = [c.match_group for c in repo.round_cases(db, rnd.id)]
    assert groups.count("Jobparat") == 8 and groups.count("Aktivitetsparat") == 2
    # No case reference on this page: the cases are named by their draw number.
    shown = at.dataframe[-1].value if at.dataframe else None
    assert shown is None or "K0" not in shown.to_string()
    at.text_input(key=f"rv:bulk:{rnd.id}").input("anne@favrskov.dk")
    at.button(key=f"rv:save-assign:{rnd.id}").click().run()
    assert {c.assigned_to for c in repo.round_cases(db, rnd.id)} == {"anne@favrskov.dk"}


def _fill(at: AppTest, pk: int, answers: dict[str, str], verdict: str, note: str) -> None:
    for p, a in answers.items():
        at.radio(key=f"rv:{pk}:{p}").set_value(a)
    at.radio(key=f"rv:{pk}:verdict").set_value(verdict)
    at.text_area(key=f"rv:{pk}:note").input(note)


def _save(at: AppTest, pk: int) -> None:
    at.button(key=f"rv:{pk}:save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_reviewer_sees_only_assigned_cases_and_saves_a_review(env: Path) -> None:
    db = register(env)
    rid = make_round(db)
    cases = repo.round_cases(db, rid)
    job = [c for c in cases if c.match_group == "Jobparat"]
    repo.assign(db, {job[0].id: "anne@favrskov.dk", job[1].id: "bo@favrskov.dk"}, who="leder")
    at = app("views/review_form.py", email="anne@favrskov.dk")
    assert titles(at) == ["Ledelsestilsyn: gennemgang af en sag"]
    (case_box,) = [s for s in at.selectbox if s.label == "Sag"]
    assert case_box.options == [f"Nr. {job[0].draw_order}: {job[0].case_id} (ikke gennemgået)"]
    assert ("Sagsnummer", job[0].case_id) in [(m.label, m.value) for m in at.metric]
    # Jobparat: points 5-7 are not asked.
    asked = {r.key for r in at.radio}
    assert f"rv:{job[0].id}:p5" not in asked and f"rv:{job[0].id}:p8" in asked
    # A half-filled form is refused with a message; nothing is stored.
    at.radio(key=f"rv:{job[0].id}:p1").set_value("ja")
    _save(at, job[0].id)
    assert "Punkt 2 er ikke besvaret" in errors(at)
    assert repo.get_case(db, job[0].id).verdict is None
    # Completed: stored with the reviewer's name.
    _fill(at, job[0].id, JOB_YES | {"p3": "nej"}, "aendret", "Udeblivelse brugt som bevis.")
    _save(at, job[0].id)
    assert any("Gemt: Ville blive ændret" in s.value for s in at.success)
    saved = repo.get_case(db, job[0].id)
    assert saved.answers["p3"] == "nej" and saved.answers["p5"] == "ikke_relevant"
    assert (saved.verdict, saved.reviewed_by, saved.note) == (
        "aendret",
        "anne@favrskov.dk",
        "Udeblivelse brugt som bevis.",
    )
    # The form round trip: reopened in a new session it shows the saved answers.
    again = app("views/review_form.py", email="anne@favrskov.dk")
    assert again.radio(key=f"rv:{job[0].id}:p3").value == "nej"
    assert again.radio(key=f"rv:{job[0].id}:verdict").value == "aendret"
    assert again.text_area(key=f"rv:{job[0].id}:note").value == "Udeblivelse brugt som bevis."


def test_two_reviewers_get_a_conflict_message(env: Path) -> None:
    db = register(env)
    rid = make_round(db)
    case = next(c for c in repo.round_cases(db, rid) if c.match_group == "Jobparat")
    at = app("views/review_form.py", email="leder@favrskov.dk")
    at.selectbox(key=f"rv:form-case:{rid}").set_value(case.id).run()
    _fill(at, case.id, JOB_YES, "korrekt", "Leders vurdering")
    # Meanwhile another reviewer saves the same case.
    repo.save_review(
        db,
        case.id,
        expected_version=1,
        answers=JOB_YES | {"p2": "nej"},
        verdict="hjemvist",
        note="Bos vurdering",
        who="bo@favrskov.dk",
    )
    _save(at, case.id)
    assert "Konflikt: bo@favrskov.dk har gemt en ændring" in errors(at)
    stored = repo.get_case(db, case.id)
    assert (stored.verdict, stored.note) == ("hjemvist", "Bos vurdering")  # not overwritten
    # The entries typed here are still in the form.
    assert at.text_area(key=f"rv:{case.id}:note").value == "Leders vurdering"
    at.button(key=f"rv:{case.id}:reload").click().run()
    assert at.text_area(key=f"rv:{case.id}:note").value == "Bos vurdering"
    _fill(at, case.id, JOB_YES, "korrekt", "Leders vurdering efter genindlæsning")
    _save(at, case.id)
    assert repo.get_case(db, case.id).verdict == "korrekt"


def test_corrective_action_from_the_form(env: Path) -> None:
    db = register(env)
    rid = make_round(db)
    case = repo.round_cases(db, rid)[0]
    at = app("views/review_form.py", email="leder@favrskov.dk")
    at.selectbox(key=f"rv:form-case:{rid}").set_value(case.id).run()
    at.text_area(key=f"rv:{case.id}:action-what").input("Undervisning i partshøring")
    at.text_input(key=f"rv:{case.id}:action-owner").input("Teamleder A")
    at.date_input(key=f"rv:{case.id}:action-deadline").set_value(date(2022, 6, 30))
    at.button(key=f"rv:{case.id}:action-add").click().run()
    (action,) = repo.list_actions(db, open_only=True)
    assert (action.description, action.owner, action.deadline) == (
        "Undervisning i partshøring",
        "Teamleder A",
        date(2022, 6, 30),
    )
    assert repo.audit_trail(db)[-1].action == "add_action"


def test_results_page_rates_and_horizontal_checklist_chart(env: Path) -> None:
    """10 reviewed cases (8 jobparate, 2 aktivitetsparate): the 5 first jobparate fail
    point 3 and would be changed: 5 of 10 = 50 %, Wilson 95 % 23,7-76,3 % (hand-worked in
    tests/test_dashboard_pages.py's docstring: 0,5 -+ 0,2634) shown as 24-76 %. By match
    group: jobparate 5 of 8 (3 correct: suppressed), aktivitetsparate 2 cases (<5)."""
    db = register(env)
    rid = make_round(db)
    review_five_wrong(db, rid)
    at = app("views/review_results.py", email="leder@favrskov.dk")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Gennemgåede sager"] == "10"
    assert shown["Sager med fejl"] == "5"
    assert shown["Fejlandel"] == "50 %"
    assert shown["95 %-interval"] == "24–76 %"
    at.selectbox(key="rv:results-by").set_value("match_group").run()
    table = at.dataframe[0].value
    assert set(table["Gruppe"]) == {"Aktivitetsparat", "Jobparat"}
    assert (table["Fejlandel"] == "").all()  # both under the <5 rule
    assert "K0" not in table.to_string()
    at.selectbox(key="rv:results-by").set_value("checklist_point").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bar = spec["data"][0]
    assert bar["orientation"] == "h"
    assert bar["y"][2].startswith("3. Udeblivelse uden afbud")
    labels = [getattr(b, "label", None) for b in at.get("download_button")]
    assert "CSV" in labels and "Excel" in labels


@pytest.mark.postgres
def test_one_variable_puts_the_register_in_postgresql(
    env: Path, monkeypatch: pytest.MonkeyPatch, postgres_server: PostgresServer
) -> None:
    """JOBMAAL_DATABASE_URL=postgresql://... : the page migrates the empty database and the
    round goes there (the import log stays in the data dir)."""
    target = fresh_postgres_db(postgres_server)
    url = target.url.render_as_string(hide_password=False).replace("+psycopg", "")
    monkeypatch.setenv("JOBMAAL_DATABASE_URL", url)
    at = app("views/review_rounds.py", email="leder@favrskov.dk")
    at.text_input(key="rv:name").input("PG-runde")
    at.date_input(key="rv:from").set_value(date(2022, 1, 1))
    at.date_input(key="rv:to").set_value(date(2022, 12, 31))
    at.number_input(key="rv:size").set_value(5)
    at.button(key="FormSubmitter:rv:new-round-Træk stikprøve og opret runde").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert target.current_revision() == "0001"
    (rnd,) = repo.list_rounds(target)
    assert (rnd.name, rnd.n_cases) == ("PG-runde", 5)
    assert not repo_tables_in_sqlite(env)  # not in the data dir's SQLite file
    st.cache_resource.clear()
    target.dispose()


def repo_tables_in_sqlite(data_dir: Path) -> bool:
    """Whether the data dir's SQLite file holds the register's tables."""
    return (
        "review_round"
        in inspect(ReviewDB(f"sqlite:///{data_dir / 'review.db'}").engine).get_table_names()
    )


def test_secrets_example_documents_login_and_roles() -> None:
    """The committed example parses, and uncommented it configures st.login and the role
    table this module's tests use (auth keys, e-mail -> role)."""
    text = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    tomllib.loads(text)
    login = text[text.index("# [auth]") :].splitlines()
    lines = [
        ln[2:] if ln.startswith("# ") and ("=" in ln or ln.startswith("# [")) else ln
        for ln in login
    ]
    full = tomllib.loads("\n".join(lines))
    assert set(AUTH) <= set(full["auth"])
    assert set(full["roles"].values()) == {"udvalg", "leder", "sagsbehandler", "analytiker"}
