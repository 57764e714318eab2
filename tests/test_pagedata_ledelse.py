"""Ledelsestilsyn's build (``dashboard.pagedata_ledelse.build``) without Streamlit's
AppTest: the page data it lays out, worked by hand.

The ``app_env`` store (``tests/test_dashboard_pages.py``) holds 10 reviewed sanction
cases of Favrskov (710), all "Skærpet rådighedssanktion" with every checklist point met:

* 6 aktivitetsparate, 4 of them changed or sent back; 4 jobparate, 1 sent back: 5 errors
  in 10 = 50 %, Wilson 95 % 0,5 -+ 0,2634 = 23,7-76,3 %, shown 24-76 %.
* By match group: aktivitetsparate 4 errors of 6 leave 2 without (1-4: hidden),
  jobparate are 4 cases (n < 5: hidden, n too): both groups hidden.
* By sanction type: one group, 5 of 10 = 50 %, set against Ankestyrelsen's 2nd study of
  skærpet rådighedssanktion, 52 of 61 = 85,25 % (DOMAIN.md).
* By checklist point: each point applies in all 10 cases and is met in all, 0 of 10 =
  0 %; Wilson's upper bound for 0 of n is z^2 / (n + z^2) = 3,8416 / 13,8416 = 27,75 %.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import loaders
from dashboard.pagedata_ledelse import LedelseSelection, build
from data_connectors.store import Store
from metrics import compliance
from tests.store_env import store_env_fixture  # noqa: F401  (fixture "store_env")
from tests.test_review_compliance import extract


def test_own_review_totals_and_sentence(app_env: Path) -> None:
    page = build(LedelseSelection(key=loaders.store_key(), muni="710", name="Favrskov"))
    own = page.own
    assert own is not None
    t = own.total
    assert (t.n, t.errors, t.suppressed) == (10, 5, False)
    assert t.rate == pytest.approx(50.0)
    assert t.ci_low == pytest.approx(23.66, abs=0.01)
    assert t.ci_high == pytest.approx(76.34, abs=0.01)
    assert own.total.cards() == (
        ("Gennemgåede sager", "10"),
        ("Sager med fejl", "5"),
        ("Fejlandel", "50 %"),
        ("95 %-interval", "24–76 %"),
    )
    assert own.sentence is not None
    assert "Favrskovs egen gennemgang giver 50 % (5 af 10 sager)." in own.sentence


def test_breakdowns_keep_the_rule_of_five(app_env: Path) -> None:
    own = build(LedelseSelection(key=loaders.store_key(), muni="710", name="Favrskov")).own
    assert own is not None
    assert [b.by for b in own.breakdowns] == ["match_group", "sanction_type", "checklist_point"]

    by_group = own.breakdown("match_group").rates.sort("group")
    assert by_group["group"].to_list() == ["Aktivitetsparat", "Jobparat"]
    assert by_group["suppressed"].to_list() == [True, True]
    assert by_group["n"].to_list() == [6, None]  # 4 cases: not even their number
    assert by_group["errors"].null_count() == by_group["rate"].null_count() == 2
    shown = own.breakdown("match_group").table
    assert shown["Fejlandel"].to_list() == ["", ""]
    assert "S00" not in str(shown.to_dicts())  # no case id

    by_type = own.breakdown("sanction_type")
    assert by_type.rates.select("group", "n", "errors", "rate").row(0) == (
        "Skærpet rådighedssanktion",
        10,
        5,
        50.0,
    )
    (share,) = by_type.reference.filter(pl.col("group") == "Skærpet rådighedssanktion")["share"]
    assert share == pytest.approx(100 * 52 / 61)
    assert by_type.title == "Fejlandel efter sanktionstype, Favrskov"

    points = own.breakdown("checklist_point")
    assert points.horizontal and points.rates.height == 8
    assert points.rates["n"].to_list() == [10] * 8
    assert points.rates["rate"].to_list() == [0.0] * 8
    assert points.rates["ci_high"].to_list() == pytest.approx(
        [100 * 3.8416 / 13.8416] * 8, abs=0.01
    )


def _reviews(outcomes: list[str]) -> pl.DataFrame:
    n = len(outcomes)
    return pl.DataFrame(
        {
            "case_id": [f"T{i:03d}" for i in range(n)],
            "municipality_code": ["710"] * n,
            "review_date": [date(2022, 6, 1)] * n,
            "reviewer": ["Leder"] * n,
            "match_group": ["Jobparat"] * n,
            "sanction_type": ["Skærpet rådighedssanktion"] * n,
            **{f"p{i}": [True] * n for i in range(1, 9)},
            "outcome": outcomes,
        }
    )


def test_a_total_about_two_errors_is_hidden(store_env: Store) -> None:
    """7 reviewed cases, 2 sent back: 7 may be shown, but 2 errors (1-4) may not, and so
    neither the rate (2/7 = 28,6 %) nor its interval, nor any breakdown."""
    store_env.import_person(
        "sanction_reviews", _reviews(["Hjemvist"] * 2 + ["Stadfæstet"] * 5), origin="t"
    )
    own = build(LedelseSelection(key=loaders.store_key(), muni="710", name="Favrskov")).own
    assert own is not None
    assert own.total.suppressed
    assert (own.total.n, own.total.errors, own.total.rate, own.total.ci_low) == (
        7,
        None,
        None,
        None,
    )
    assert own.total.cards() == (
        ("Gennemgåede sager", "7"),
        ("Sager med fejl", "<5"),
        ("Fejlandel", "<5"),
        ("95 %-interval", "<5"),
    )
    assert own.sentence is None and own.breakdowns == ()


def test_three_reviewed_cases_give_no_own_figures(store_env: Store) -> None:
    """3 cases (n < 5): not even their number is in the page data."""
    store_env.import_person("sanction_reviews", _reviews(["Stadfæstet"] * 3), origin="t")
    assert build(LedelseSelection(key=loaders.store_key(), muni="710", name="Favrskov")).own is None


def test_national_tables_without_own_reviews(app_env: Path) -> None:
    """København has no reviews: no own figures, DOMAIN.md's national figures as text."""
    page = build(LedelseSelection(key=loaders.store_key(), muni="101", name="København"))
    assert page.own is None and page.compliance is None
    row = page.national.filter(
        pl.col("Undersøgelse") == "Skærpet rådighedssanktion, 2. undersøgelse"
    ).row(0, named=True)
    assert (row["Antal sager"], row["Ændret/hjemvist"], row["Andel ændret/hjemvist"]) == (
        "61",
        "52",
        "85,2 %",
    )
    follow = page.casework.filter(
        pl.col("Indikator") == "Mindst 6 opfølgningssamtaler inden for 12 måneder"
    ).row(0, named=True)
    assert (follow["Landsplan"], follow["Antal sager"]) == ("59 %", "313")


def test_own_case_work_against_star(store_env: Store) -> None:
    """The case-event extract of tests/test_review_compliance.py (its docstring works it):
    ressourceforløb 10 of 15 = 67 % against STAR's 59 %; CV 3 of 6 and re-assessment 2
    of 5 are hidden. Per team, Team A's 6 of 10 (4 not met) and Team B's 4 of 5 (1 not
    met) are hidden; the month's total (2022M02) 10 of 15 is shown."""
    store_env.import_person("case_events", extract(), origin="t")
    page = build(LedelseSelection(key=loaders.store_key(), muni="710", name="Favrskov"))
    own = page.compliance
    assert own is not None
    cards = {c.label: (c.value, c.help) for c in own.cards}
    assert cards[compliance.INDICATORS["samtaler_ressourceforloeb"]] == (
        "67 %",
        "Landsplan (STAR): 59 %; 15 forløb",
    )
    assert cards[compliance.INDICATORS["cv_3_uger"]][0] == "<5"
    assert cards[compliance.INDICATORS["rettidig_revurdering"]][0] == "<5"
    talks = own.indicator("samtaler_ressourceforloeb")
    assert talks.national == pytest.approx(59.0)
    per_team = {r["team"]: r for r in talks.per_team.iter_rows(named=True)}
    assert (per_team["I alt"]["n"], per_team["I alt"]["met"]) == (15, 10)
    assert per_team["I alt"]["share"] == pytest.approx(100 * 10 / 15)
    for team in ("Team A", "Team B"):
        assert per_team[team]["suppressed"] and per_team[team]["met"] is None
        assert per_team[team]["share"] is None
    assert talks.monthly["period"].to_list() == ["2022M02"]
    assert "R01" not in str(talks.table.to_dicts())  # no person id
