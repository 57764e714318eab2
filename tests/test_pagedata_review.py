"""The review pages' builds (``dashboard.pagedata_review``) without Streamlit's AppTest,
on a SQLite register.

The population is ``tests/test_review_pages.py``'s: 40 sanction cases of Favrskov in
2022, every fifth aktivitetsparat; a round of 10 stratified by match group is 8
jobparate and 2 aktivitetsparate (10 x 32/40 and 10 x 8/40), seed 11.

Reviewed as in ``test_results_page_rates_and_horizontal_checklist_chart``: the first 5
jobparate fail point 3 and would be changed, the other 3 jobparate and both
aktivitetsparate are correct:

* overall 5 of 10 = 50 %, Wilson 95 % 23,7-76,3 % (shown 24-76 %);
* jobparate 5 of 8 (3 correct: 1-4, hidden), aktivitetsparate 2 cases (n < 5: hidden,
  their number too);
* point 3 applies in all 10 cases (answered ja or nej) and is not met in 5: 50 %;
  point 5 applies only to the 2 aktivitetsparate: n < 5, hidden;
* the one round: 5 of 10 = 50 %.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.pagedata_review import (
    FormSelection,
    ResultsSelection,
    assignment,
    case_label,
    case_view,
    draw_round,
    form_page,
    results_page,
    rounds_page,
)
from data_connectors.review import ReviewDB, ReviewError
from data_connectors.review import repository as repo
from domain.review import POINTS, RoundSpec
from tests.test_review_pages import make_round, review_five_wrong, sanction_cases

TODAY = date(2022, 9, 1)


@pytest.fixture
def db(tmp_path: Path) -> ReviewDB:
    d = ReviewDB(f"sqlite:///{tmp_path / 'review.db'}")
    d.upgrade()
    return d


def test_results_totals_and_breakdowns(db: ReviewDB) -> None:
    rid = make_round(db)
    review_five_wrong(db, rid)
    page = results_page(db, ResultsSelection(round_ids=(rid,), today=TODAY))
    assert page.total is not None
    assert page.total.cards() == (
        ("Gennemgåede sager", "10"),
        ("Sager med fejl", "5"),
        ("Fejlandel", "50 %"),
        ("95 %-interval", "24–76 %"),
    )
    assert page.national == pytest.approx(100 / 3)  # Ankestyrelsen: about a third
    assert [b.by for b in page.breakdowns] == [
        "round",
        "match_group",
        "sanction_type",
        "team",
        "checklist_point",
    ]
    groups = {r["group"]: r for r in page.breakdown("match_group").rates.iter_rows(named=True)}
    assert groups["Jobparat"]["n"] == 8 and groups["Jobparat"]["rate"] is None
    assert groups["Aktivitetsparat"]["n"] is None and groups["Aktivitetsparat"]["suppressed"]
    assert page.breakdown("match_group").table["Fejlandel"].to_list() == ["", ""]
    points = page.breakdown("checklist_point")
    assert points.horizontal and points.title.startswith("Andel af sagerne")
    p3, p5 = points.rates.row(2, named=True), points.rates.row(4, named=True)
    assert (p3["n"], p3["errors"], p3["rate"]) == (10, 5, 50.0)
    assert (p5["n"], p5["suppressed"]) == (None, True)
    (trend,) = page.breakdown("round").rates.iter_rows(named=True)
    assert (trend["group"], trend["n"], trend["rate"]) == ("Forår 2022", 10, 50.0)
    assert "K0" not in str([b.table.to_dicts() for b in page.breakdowns])  # no case reference


def test_results_without_reviews_and_the_overdue_actions(db: ReviewDB) -> None:
    """Two open actions, one due the day before TODAY (overdue), one the day after; a
    closed one does not count."""
    rid = make_round(db)
    case = repo.round_cases(db, rid)[0]
    for what, due in (("A", TODAY - timedelta(days=1)), ("B", TODAY + timedelta(days=1))):
        repo.add_action(db, case.id, description=what, owner="Leder", deadline=due, who="x")
    repo.add_action(db, case.id, description="C", owner="Leder", deadline=TODAY, who="x")
    closed = next(a for a in repo.list_actions(db) if a.description == "C")
    repo.set_action_status(db, closed.id, "lukket", expected_version=closed.version, who="x")
    page = results_page(db, ResultsSelection(round_ids=(rid,), today=TODAY))
    assert page.total is None and page.breakdowns == ()  # nothing reviewed yet
    assert (page.open_actions, page.overdue) == (2, 1)
    rows = {r["Handling"]: r for r in page.actions_table.iter_rows(named=True)}
    assert set(rows) == {"A", "B"}
    assert (rows["A"]["Over fristen"], rows["B"]["Over fristen"]) == ("ja", "")
    assert rows["A"]["Runde"] == "Forår 2022"
    none = results_page(db, ResultsSelection(round_ids=(), today=TODAY))
    assert none.total is None and none.open_actions == 0


def test_rounds_page_and_assignment_name_cases_by_draw_number(db: ReviewDB) -> None:
    cases = sanction_cases()
    empty = rounds_page(db, cases)
    assert empty.has_cases and empty.rounds == () and empty.teams == ()
    spec = RoundSpec(
        name="Efterår",
        municipality_code="710",
        period_start=date(2022, 1, 1),
        period_end=date(2022, 12, 31),
        sample_size=10,
        seed=11,
        strata=("match_group",),
    )
    rid, done = draw_round(db, cases, spec, who="leder")
    assert done == "Runden «Efterår» er oprettet: 10 sager trukket blandt 40."
    page = rounds_page(db, cases)
    (row,) = page.table.iter_rows(named=True)
    assert (row["Runde"], row["Kommune"], row["Population"], row["Stikprøve"]) == (
        "Efterår",
        "Favrskov",
        40,
        10,
    )
    assert row["Periode"] == "01-01-2022 – 31-12-2022" and row["Frø"] == "11"
    a = assignment(db, page.rounds[0])
    assert a.round.id == rid
    assert a.caption == (
        "Stikprøve på 10 af 40 sager, frø 11, fordelt på matchgruppe. Gennemgået: 0 af 10 (0 %)."
    )
    assert a.frame["Nr."].to_list() == list(range(1, 11))
    assert sorted(a.frame["Stratum"].to_list()).count("Jobparat") == 8
    assert "K0" not in str(a.frame.to_dicts())  # the case reference is for the form only


def test_draw_round_refuses_an_empty_population(db: ReviewDB) -> None:
    spec = RoundSpec(
        name="Tom",
        municipality_code="710",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        sample_size=5,
        seed=1,
    )
    with pytest.raises(ReviewError, match="Ingen sanktionssager for Favrskov"):
        draw_round(db, sanction_cases(), spec, who="leder")
    assert repo.list_rounds(db) == []


def test_form_page_shows_a_reviewer_only_their_cases(db: ReviewDB) -> None:
    rid = make_round(db)
    cases = repo.round_cases(db, rid)
    job = next(c for c in cases if c.match_group == "Jobparat")
    act = next(c for c in cases if c.match_group == "Aktivitetsparat")
    repo.assign(db, {job.id: "anne"}, who="leder")
    mine = form_page(db, FormSelection(user="anne", mine_only=True))
    assert [c.id for c in mine.cases_of(rid)] == [job.id]
    assert form_page(db, FormSelection(user="bo", mine_only=True)).rounds == ()
    assert len(form_page(db, FormSelection(user="leder", mine_only=False)).cases_of(rid)) == 10
    assert case_label(job) == f"Nr. {job.draw_order}: {job.case_id} (ikke gennemgået)"
    view = case_view(db, job)
    assert ("Sagsnummer", job.case_id) in view.cards  # the one screen that shows it
    assert view.points == {"p1", "p2", "p3", "p4", "p8"}  # 5-7: aktivitetsparate only
    assert case_view(db, act).points == set(POINTS)
    assert view.saved is None and view.actions == ()


def test_closed_rounds_leave_the_form(db: ReviewDB) -> None:
    rid = make_round(db)
    (rnd,) = repo.list_rounds(db)
    repo.set_round_status(db, rid, "afsluttet", expected_version=rnd.version, who="leder")
    assert form_page(db, FormSelection(user="leder", mine_only=False)).rounds == ()
