"""Review rounds' sampling and results (metrics/review.py), against hand-worked numbers
and DOMAIN.md's reference: Ankestyrelsen's third study, 31 of 96 -> 32,3 % [23,8; 42,2]."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from domain.review import POINTS, SAMPLE_COLUMNS, RoundSpec
from metrics import review
from metrics.sanctions import CHECKLIST

A, J = "Aktivitetsparat", "Jobparat"
T36, T37, SK = (
    "Udeblivelse fra tilbud (LAS § 36)",
    "Udeblivelse fra samtale (LAS § 37)",
    "Skærpet rådighedssanktion",
)


def reviews(verdicts: list[str], **cols: list[object]) -> pl.DataFrame:
    n = len(verdicts)
    base: dict[str, list[object]] = {
        "round_id": [1] * n,
        "round_name": ["R1"] * n,
        "round_created_at": [None] * n,
        "match_group": [J] * n,
        "sanction_type": [T36] * n,
        "team": [None] * n,
        **{p: ["ja"] * n for p in POINTS},
        "verdict": verdicts,
    }
    base.update(cols)
    return pl.DataFrame(base)


def cases(spec: list[tuple[str, str, int]], start: date = date(2022, 1, 3)) -> pl.DataFrame:
    """``count`` cases per (match group, sanction type), one decision a day from start."""
    rows = []
    for mg, st, count in spec:
        for _ in range(count):
            i = len(rows)
            rows.append(
                {
                    "case_id": f"K{i:04d}",
                    "person_id": f"P{i:04d}",
                    "municipality_code": "710",
                    "decision_date": start + timedelta(days=i % 300),
                    "match_group": mg,
                    "sanction_type": st,
                    "amount_dkk": 100.0,
                }
            )
    return pl.DataFrame(rows)


def spec(**kw: object) -> RoundSpec:
    args: dict[str, object] = {
        "name": "R",
        "municipality_code": "710",
        "period_start": date(2022, 1, 1),
        "period_end": date(2022, 12, 31),
        "sample_size": 10,
        "seed": 7,
    }
    args.update(kw)
    return RoundSpec(**args)  # type: ignore[arg-type]


def test_checklist_ids_are_the_sanction_checklists() -> None:
    assert tuple(CHECKLIST) == POINTS


def test_wilson_interval_of_the_third_absence_study() -> None:
    """DOMAIN.md: 96 cases, 31 changed or sent back -> 32,3 % [23,8; 42,2] (hand-worked:
    p = 0,3229; centre (p + z²/2n)/(1 + z²/n) = 0,3346, half-width 0,0920)."""
    df = reviews(["aendret"] * 20 + ["hjemvist"] * 11 + ["korrekt"] * 65)
    (row,) = review.error_rates(df).iter_rows(named=True)
    assert (row["group"], row["n"], row["errors"]) == ("I alt", 96, 31)
    assert round(row["rate"], 1) == 32.3
    assert (round(row["ci_low"], 1), round(row["ci_high"], 1)) == (23.8, 42.2)


def test_all_26_aktivitetsparate_wrong() -> None:
    """26 of 26 (DOMAIN.md, skærpet rådighedssanktion): for k = n the Wilson lower bound is
    n/(n + z²) = 26/29,8415 = 87,1 %, the upper 100 %; no non-error count to suppress."""
    df = reviews(["aendret"] * 26, match_group=[A] * 26, sanction_type=[SK] * 26)
    (row,) = review.error_rates(df, "match_group").iter_rows(named=True)
    assert row["group"] == A and row["rate"] == 100.0
    assert round(row["ci_low"], 1) == 87.1 and row["ci_high"] == 100.0
    assert not row["suppressed"]


def test_small_groups_follow_the_under_5_rule() -> None:
    """Team Nord: 4 cases -> n and rate hidden. Team Syd: 20 cases, 3 errors -> errors
    and rate hidden (3 is 1-4), n shown. Unknown team: 10 cases, 5 errors -> shown, 50 %."""
    verdicts = ["aendret"] * 2 + ["korrekt"] * 2
    verdicts += ["aendret"] * 3 + ["korrekt"] * 17
    verdicts += ["hjemvist"] * 5 + ["korrekt"] * 5
    teams: list[object] = ["Team Nord"] * 4 + ["Team Syd"] * 20 + [None] * 10
    res = review.error_rates(reviews(verdicts, team=teams), "team")
    got = {r["group"]: r for r in res.iter_rows(named=True)}
    assert got["Team Nord"]["n"] is None and got["Team Nord"]["rate"] is None
    assert got["Team Nord"]["suppressed"]
    assert got["Team Syd"]["n"] == 20 and got["Team Syd"]["errors"] is None
    assert got["Team Syd"]["rate"] is None and got["Team Syd"]["suppressed"]
    assert got[review.UNKNOWN_TEAM]["rate"] == 50.0
    # On the review screens nothing is hidden.
    raw = review.error_rates(reviews(verdicts, team=teams), "team", suppress=False)
    assert dict(zip(raw["group"], raw["errors"], strict=True))["Team Nord"] == 2


def test_checklist_point_counts_only_cases_where_it_applies() -> None:
    """12 aktivitetsparate (p5: 6 'nej', 6 'ja') and 8 jobparate (p5 'ikke relevant'):
    point 5 has n = 12, errors 6 -> 50 %; point 1 has n = 20, errors 0 -> 0 %."""
    p5 = ["nej"] * 6 + ["ja"] * 6 + ["ikke_relevant"] * 8
    df = reviews(["aendret"] * 6 + ["korrekt"] * 14, p5=p5, match_group=[A] * 12 + [J] * 8)
    res = review.error_rates(df, "checklist_point")
    assert res["group"].to_list() == list(CHECKLIST.values())
    by = {r["group"]: r for r in res.iter_rows(named=True)}
    assert (by[CHECKLIST["p5"]]["n"], by[CHECKLIST["p5"]]["rate"]) == (12, 50.0)
    assert (by[CHECKLIST["p1"]]["n"], by[CHECKLIST["p1"]]["rate"]) == (20, 0.0)


def test_trend_keeps_the_order_of_the_rounds() -> None:
    """Round 'Forår' (created first): 2 of 10 wrong -> errors hidden; 'Efterår': 5 of 10."""
    df = reviews(
        ["aendret"] * 5 + ["korrekt"] * 5 + ["aendret"] * 2 + ["korrekt"] * 8,
        round_id=[2] * 10 + [1] * 10,
        round_name=["Efterår"] * 10 + ["Forår"] * 10,
        round_created_at=[date(2022, 9, 1)] * 10 + [date(2022, 3, 1)] * 10,
    )
    res = review.trend(df)
    assert res["group"].to_list() == ["Forår", "Efterår"]
    assert res["rate"].to_list() == [None, 50.0]


def test_empty_reviews_give_one_blank_total() -> None:
    res = review.error_rates(reviews([]))
    assert res.height == 1 and res["n"][0] == 0 and res["rate"][0] is None


def test_allocation_is_proportional_by_largest_remainder() -> None:
    """7 over 50/30/20: quotas 3,5 / 2,1 / 1,4 -> floors 3/2/1, the one left to the largest
    remainder (0,5) -> 4/2/1."""
    assert review.allocate({"a": 50, "b": 30, "c": 20}, 7) == {"a": 4, "b": 2, "c": 1}
    assert review.allocate({"a": 3, "b": 2}, 10) == {"a": 3, "b": 2}


def test_sample_is_stratified_in_proportion() -> None:
    """Population 60 jobparat § 36, 30 aktivitetsparat § 36, 10 aktivitetsparat skærpet;
    a sample of 20 is 12 / 6 / 2 (20 x 60/100, 30/100, 10/100)."""
    pop = review.population(cases([(J, T36, 60), (A, T36, 30), (A, SK, 10)]), spec())
    sample = review.draw_sample(pop, size=20, seed=1, strata=("match_group", "sanction_type"))
    assert sample.columns == list(SAMPLE_COLUMNS)
    assert sample["case_id"].n_unique() == 20
    counts = dict(sample.group_by("stratum").len().iter_rows())
    assert counts == {f"{J} / {T36}": 12, f"{A} / {T36}": 6, f"{A} / {SK}": 2}
    assert sample["draw_order"].to_list() == list(range(1, 21))


def test_sample_is_reproducible_from_seed_and_data() -> None:
    raw = cases([(J, T36, 40), (A, T37, 25), (A, SK, 9)])
    strata = ("match_group", "sanction_type")
    pop = review.population(raw, spec())
    first = review.draw_sample(pop, size=15, seed=2022, strata=strata)
    # The same data in another row order, the same seed: the same sample.
    shuffled = review.population(raw.sample(fraction=1.0, shuffle=True, seed=3), spec())
    assert review.draw_sample(shuffled, size=15, seed=2022, strata=strata).equals(first)
    assert review.population_fingerprint(shuffled) == review.population_fingerprint(pop)
    other = review.draw_sample(pop, size=15, seed=2023, strata=strata)
    assert set(other["case_id"]) != set(first["case_id"])


def test_population_applies_the_rounds_parameters() -> None:
    """Decisions one a day from 3 January 2022: period 3-12 January holds the first 10."""
    raw = cases([(J, T36, 10), (A, SK, 10)])
    pop = review.population(raw, spec(period_start=date(2022, 1, 3), period_end=date(2022, 1, 12)))
    assert pop.height == 10 and set(pop["match_group"]) == {J}
    only_sk = review.population(raw, spec(sanction_types=(SK,)))
    assert only_sk.height == 10 and set(only_sk["sanction_type"]) == {SK}
    assert review.population(raw, spec(municipality_code="101")).is_empty()
    assert review.population(raw, spec(teams=("Team Nord",))).is_empty()  # no team column


def test_bad_round_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="ends before"):
        spec(period_start=date(2022, 2, 1), period_end=date(2022, 1, 1))
    with pytest.raises(ValueError, match="at least 1"):
        spec(sample_size=0)
    with pytest.raises(ValueError, match="unknown breakdown"):
        review.error_rates(reviews(["korrekt"]), "alder")
