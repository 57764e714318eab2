"""Sanction cases and a leadership review of a sample of them (the 8-point checklist).

Error rates follow Ankestyrelsen's practice studies (DOMAIN.md): about a third of the
reviewed decisions would be changed or sent back, far more often for aktivitetsparate
(here 55-75 %) than for jobparate (10-20 %); aktivitetsparate with a skærpet
rådighedssanktion are wrong first. A wrong decision always fails at least one applicable
checklist point; a decision meeting every applicable point is upheld (Stadfæstet). Some
upheld decisions fail a point that did not change the result. Points 5-7 apply to
aktivitetsparate only and are null for jobparate.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl

from data_connectors.demo.common import rng
from data_connectors.demo.profiles import profiles
from domain.canonical import SANCTION_TYPES

FIRST_DAY = date(2021, 1, 4)
N_DAYS = (date(2023, 12, 29) - FIRST_DAY).days
REVIEWERS = ("Teamleder A", "Teamleder B", "Juridisk konsulent")
TYPE_WEIGHTS = (0.45, 0.4, 0.15)
SKAERPET = SANCTION_TYPES[2]

# How likely each checklist point fails in a decision that is wrong, by match group.
FAIL_WEIGHTS: dict[str, dict[int, float]] = {
    "Aktivitetsparat": {1: 0.1, 2: 0.5, 3: 0.25, 4: 0.35, 5: 0.45, 6: 0.55, 7: 0.5, 8: 0.35},
    "Jobparat": {1: 0.1, 2: 0.35, 3: 0.4, 4: 0.4, 8: 0.4},
}
MINOR_FAIL = 0.04  # chance a point fails in an upheld decision


def _weekday(r: random.Random) -> date:
    d = FIRST_DAY + timedelta(days=r.randrange(N_DAYS))
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def sanction_cases(seed: int, code: str, persons: pl.DataFrame) -> pl.DataFrame:
    """Sanction decisions 2021-2023 against persons on kontanthjælp in ``persons``.

    ``persons`` is the municipality's weekly benefit records; each case's match group is
    the person's.
    """
    r = rng(seed, "sanction-cases", code)
    n = max(150, round(profiles(seed)[code].population * 0.004))
    pool = (
        persons.filter(pl.col("benefit_group") == "Kontanthjælp")
        .select("person_id", "match_group")
        .unique()
        .sort("person_id")
    )
    by_group = {
        g: pool.filter(pl.col("match_group") == g).get_column("person_id").to_list()
        for g in ("Jobparat", "Aktivitetsparat")
    }
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "case_id",
            "person_id",
            "decision_date",
            "match_group",
            "sanction_type",
            "amount_dkk",
        )
    }
    for i in range(1, n + 1):
        group = "Aktivitetsparat" if r.random() < 0.42 else "Jobparat"
        ids = by_group[group]
        pid = r.choice(ids) if ids else f"D{code}-{200_000 + i:06d}"
        kind = r.choices(SANCTION_TYPES, weights=TYPE_WEIGHTS)[0]
        if r.random() < 0.03:
            amount = None
        elif kind == SKAERPET:
            amount = float(r.randrange(4_000, 13_000, 50))
        else:
            amount = round(r.randint(1, 5) * 557.5, 2)
        cols["case_id"].append(f"S{code}-{i:05d}")
        cols["person_id"].append(pid)
        cols["decision_date"].append(_weekday(r))
        cols["match_group"].append(group)
        cols["sanction_type"].append(kind)
        cols["amount_dkk"].append(amount)
    return pl.DataFrame(
        cols,
        schema={
            "case_id": pl.String(),
            "person_id": pl.String(),
            "decision_date": pl.Date(),
            "match_group": pl.String(),
            "sanction_type": pl.String(),
            "amount_dkk": pl.Float64(),
        },
    ).with_columns(pl.lit(code).alias("municipality_code"))


def _checklist(r: random.Random, group: str, wrong: bool) -> dict[int, bool | None]:
    weights = FAIL_WEIGHTS[group]
    points: dict[int, bool | None] = {k: None for k in range(1, 9)}
    for k, w in weights.items():
        points[k] = r.random() >= (w if wrong else MINOR_FAIL)
    if wrong and all(points[k] for k in weights):
        forced = r.choices(list(weights), weights=list(weights.values()))[0]
        points[forced] = False
    return points


def sanction_reviews(seed: int, code: str, cases: pl.DataFrame) -> pl.DataFrame:
    """A review of 60-100 of the municipality's cases scored on the checklist."""
    r = rng(seed, "sanction-reviews", code)
    n = r.randint(60, 100)
    akt_share = r.uniform(0.33, 0.4)
    rate = {"Aktivitetsparat": r.uniform(0.58, 0.72), "Jobparat": r.uniform(0.12, 0.18)}
    want = {"Aktivitetsparat": round(n * akt_share)}
    want["Jobparat"] = n - want["Aktivitetsparat"]
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "case_id",
            "review_date",
            "reviewer",
            "match_group",
            "sanction_type",
            *(f"p{i}" for i in range(1, 9)),
            "outcome",
        )
    }
    for group in ("Jobparat", "Aktivitetsparat"):
        recs = cases.filter(pl.col("match_group") == group).sort("case_id").to_dicts()
        chosen = r.sample(recs, min(want[group], len(recs)))
        n_wrong = round(len(chosen) * rate[group])
        # Skærpet rådighedssanktion against aktivitetsparate: wrong first (seed 000).
        order = sorted(
            range(len(chosen)),
            key=lambda i: (
                group == "Aktivitetsparat" and chosen[i]["sanction_type"] != SKAERPET,
                r.random(),
            ),
        )
        wrong_idx = set(order[:n_wrong])
        for i, case in enumerate(chosen):
            wrong = i in wrong_idx
            points = _checklist(r, group, wrong)
            if not wrong:
                outcome = "Stadfæstet"
            elif (points[2] is False or points[7] is False) and r.random() < 0.7:
                outcome = "Hjemvist"
            else:
                outcome = "Ændret"
            rows["case_id"].append(case["case_id"])
            rows["review_date"].append(case["decision_date"] + timedelta(days=r.randint(20, 90)))
            rows["reviewer"].append(r.choice(REVIEWERS))
            rows["match_group"].append(group)
            rows["sanction_type"].append(case["sanction_type"])
            for k in range(1, 9):
                rows[f"p{k}"].append(points[k])
            rows["outcome"].append(outcome)
    schema: dict[str, pl.DataType] = {
        "case_id": pl.String(),
        "review_date": pl.Date(),
        "reviewer": pl.String(),
        "match_group": pl.String(),
        "sanction_type": pl.String(),
    }
    schema.update({f"p{k}": pl.Boolean() for k in range(1, 9)})
    schema["outcome"] = pl.String()
    return (
        pl.DataFrame(rows, schema=schema)
        .with_columns(pl.lit(code).alias("municipality_code"))
        .sort("case_id")
    )
