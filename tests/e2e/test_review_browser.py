"""End to end: one complete review in the browser, on a fresh register (SQLite under the
data dir), in the local mode with JOBMAAL_LOCAL_ROLE=leder.

A manager creates a round from the imported sanction cases (40 cases of Favrskov in
2022), assigns the sample, reviews one case on the form, saves it and sees it counted on
the results page. The server and chromium are started by the helpers of
``test_playwright.py`` (Debian's /usr/bin/chromium, never a download).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from data_connectors.review import ReviewDB
from data_connectors.review import repository as repo
from data_connectors.store import Store
from tests.e2e.test_playwright import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    EXPECT_TIMEOUT,
    _need_chromium,
    _serve,
    _settle,
)

pytestmark = pytest.mark.browser
T36 = "Udeblivelse fra tilbud (LAS § 36)"


@pytest.fixture
def review_server(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    _need_chromium()
    pytest.importorskip("playwright.sync_api")
    data_dir = tmp_path_factory.mktemp("e2e-review") / "data"
    cases = pl.DataFrame(
        {
            "case_id": [f"S-{i:03d}" for i in range(40)],
            "person_id": [f"P{i:03d}" for i in range(40)],
            "municipality_code": ["710"] * 40,
            "decision_date": [date(2022, 1, 3) + timedelta(days=7 * i) for i in range(40)],
            "match_group": ["Aktivitetsparat" if i % 4 == 0 else "Jobparat" for i in range(40)],
            "sanction_type": [T36] * 40,
            "amount_dkk": [800.0] * 40,
        }
    )
    Store(data_dir).import_person("sanction_cases", cases, origin="e2e-cases")
    monkeypatch.setenv("JOBMAAL_LOCAL_ROLE", "leder")
    monkeypatch.setenv("JOBMAAL_LOCAL_USER", "Leder E2E")
    serving = _serve(data_dir, tmp_path_factory)
    try:
        yield next(serving), data_dir
    finally:
        serving.close()


def test_one_complete_review_in_the_browser(review_server: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT)
    base, data_dir = review_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 2200}).new_page()
            # 1. The manager creates a round: 2022, sample of 8, seed 2022.
            page.goto(f"{base}/stikproever?kommune=710", timeout=60_000)
            _settle(page)
            expect(page.get_by_role("heading", name="Ledelsestilsyn: stikprøver")).to_be_visible()
            expect(page.get_by_text("Lokal tilstand uden login.").first).to_be_visible()
            page.get_by_label("Navn på runden").fill("E2E-runde")
            # The date fields are segmented (year, month, day spin buttons).
            for label, parts in (
                ("Afgørelser fra", {"year": "2022", "month": "01", "day": "01"}),
                ("Afgørelser til", {"year": "2022", "month": "12", "day": "31"}),
            ):
                for segment, value in parts.items():
                    page.get_by_role("spinbutton", name=f"{segment}, {label}").click()
                    page.keyboard.type(value)
                page.keyboard.press("Tab")
            page.get_by_label("Stikprøvens størrelse").fill("8")
            page.get_by_label("Frø (tilfældighedens startværdi)", exact=True).fill("2022")
            page.get_by_role("button", name="Træk stikprøve og opret runde").click()
            _settle(page)
            expect(page.get_by_text("Runden «E2E-runde» er oprettet: 8 sager")).to_be_visible()
            # 2. Assign the whole sample to the manager.
            page.get_by_label("Tildel alle utildelte til").fill("Leder E2E")
            page.get_by_role("button", name="Gem tildelinger").click()
            _settle(page)
            expect(page.get_by_text("8 tildelinger gemt.")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-review-round.png"), full_page=True)

            # 3. Review the first case on the form and save it.
            page.goto(f"{base}/gennemgang", timeout=60_000)
            _settle(page)
            expect(
                page.get_by_role("heading", name="Ledelsestilsyn: gennemgang af en sag")
            ).to_be_visible()
            form = page.get_by_test_id("stForm").first
            radios = form.get_by_test_id("stRadio")
            # 8 points for an aktivitetsparat citizen, 5 for a jobparat one, plus the verdict.
            group_metric = page.get_by_test_id("stMetric").nth(2)
            expect(group_metric).to_contain_text("parat")
            n_points = 8 if "Aktivitetsparat" in group_metric.inner_text() else 5
            expect(radios).to_have_count(n_points + 1)
            for i in range(n_points):
                yes = radios.nth(i).get_by_role("radio", name="Ja", exact=True)
                radios.nth(i).get_by_text("Ja", exact=True).click()
                expect(yes).to_be_checked()
            form.get_by_text("Nej", exact=True).nth(2).click()  # point 3 is not met
            form.get_by_text("Ville blive ændret", exact=True).click()
            form.get_by_label("Note").fill("Udeblivelse alene lagt til grund.")
            form.get_by_role("button", name="Gem gennemgang").click()
            _settle(page)
            expect(page.get_by_text("Gemt: Ville blive ændret (version 3).")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-review-form.png"), full_page=True)

            # 4. The results page counts it (one case: under the <5 rule).
            page.goto(f"{base}/tilsynsresultater", timeout=60_000)
            _settle(page)
            expect(
                page.get_by_role("heading", name="Ledelsestilsyn: resultater af gennemgangene")
            ).to_be_visible()
            expect(page.get_by_test_id("stMetric").first).to_contain_text("<5")
            page.screenshot(path=str(ARTIFACTS / "e2e-review-results.png"), full_page=True)
        finally:
            browser.close()
    db = ReviewDB(f"sqlite:///{data_dir / 'review.db'}")
    (rnd,) = repo.list_rounds(db)
    assert (rnd.name, rnd.seed, rnd.n_cases, rnd.n_reviewed) == ("E2E-runde", 2022, 8, 1)
    (done,) = [c for c in repo.round_cases(db, rnd.id) if c.verdict]
    assert done.verdict == "aendret" and done.answers["p3"] == "nej"
    assert done.note == "Udeblivelse alene lagt til grund." and done.reviewed_by == "Leder E2E"
    assert {e.who for e in repo.audit_trail(db)} == {"Leder E2E"}
    db.dispose()
