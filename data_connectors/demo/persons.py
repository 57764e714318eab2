"""Weekly benefit records (DREAM style) for a sample of persons in the person municipalities.

Each sampled person has one or two spells on a benefit between 2021 and 2023, with a
match group, weekly unemployed/activated status, sex, birth year and country of origin;
persons in flexjob carry their weekly hours. Spell lengths have a long tail, so some
persons are long-term unemployed (at least 80 % of the last 52 weeks).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl

from data_connectors.demo.common import rng
from data_connectors.demo.profiles import profiles
from domain.datasets import EASTERN_EUROPE

FIRST_WEEK = date(2021, 1, 4)  # Monday of ISO week 2021-W01
N_WEEKS = 156  # to the week starting 2023-12-25
PERSON_ID_OFFSET = 100_000  # benefit persons are D<code>-100001 ...; refugees start at 1

# benefit group, weight, match groups with weights, share of weeks activated
BENEFITS: tuple[tuple[str, float, tuple[tuple[str | None, float], ...], float], ...] = (
    ("A-dagpenge", 0.36, (("Jobparat", 1.0),), 0.18),
    ("Kontanthjælp", 0.2, (("Jobparat", 0.45), ("Aktivitetsparat", 0.55)), 0.3),
    (
        "Uddannelseshjælp",
        0.13,
        (("Åbenlyst uddannelsesparat", 0.2), ("Uddannelsesparat", 0.3), ("Aktivitetsparat", 0.5)),
        0.35,
    ),
    (
        "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
        0.05,
        (("Jobparat", 0.6), ("Aktivitetsparat", 0.4)),
        0.55,
    ),
    ("Fleksjob", 0.2, ((None, 1.0),), 0.0),
    ("Ledighedsydelse", 0.06, ((None, 1.0),), 0.25),
)

ORIGINS: tuple[tuple[str, float], ...] = (
    ("Danmark", 0.8),
    *(
        (c, w)
        for c, w in zip(
            EASTERN_EUROPE,
            (0.1, 0.5, 0.2, 0.3, 0.1, 2.6, 1.9, 0.2, 0.2, 0.4, 0.1, 0.4, 0.7),
            strict=True,
        )
    ),
    ("Syrien", 2.0),
    ("Eritrea", 1.0),
    ("Afghanistan", 0.8),
    ("Tyskland", 0.8),
    ("Tyrkiet", 1.0),
    ("Irak", 0.8),
)
_OTHER_SUM = sum(w for c, w in ORIGINS if c != "Danmark")
_ORIGIN_W = [w if c == "Danmark" else w * 0.2 / _OTHER_SUM for c, w in ORIGINS]  # 80 % Danish


def _pick(r: random.Random, items: tuple[tuple[str | None, float], ...]) -> str | None:
    return r.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _spell_weeks(r: random.Random, benefit: str) -> int:
    if benefit in ("Fleksjob", "Ledighedsydelse"):
        return r.randint(20, N_WEEKS)
    # A long tail: most spells are short, a fifth last more than a year.
    return max(2, min(N_WEEKS, round(r.expovariate(1 / 30)) + (60 if r.random() < 0.2 else 0)))


def benefit_weeks(seed: int, code: str, sample: int) -> pl.DataFrame:
    """``sample`` persons' weekly records in municipality ``code`` (BenefitWeekSchema)."""
    r = rng(seed, "benefit-weeks", code)
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "person_id",
            "week_start",
            "benefit_group",
            "match_group",
            "status",
            "sex",
            "birth_year",
            "country_of_origin",
            "flexjob_hours",
        )
    }
    benefit_w = [w for _, w, _, _ in BENEFITS]
    for i in range(1, sample + 1):
        pid = f"D{code}-{PERSON_ID_OFFSET + i:06d}"
        sex = "Kvinder" if r.random() < 0.48 else "Mænd"
        origin = r.choices([c for c, _ in ORIGINS], weights=_ORIGIN_W)[0]
        benefit, _w, groups, activated = r.choices(BENEFITS, weights=benefit_w)[0]
        if benefit == "Uddannelseshjælp":
            birth_year = r.randint(1993, 2004)
        elif benefit in ("Fleksjob", "Ledighedsydelse"):
            birth_year = r.randint(1958, 1992)
        else:
            birth_year = r.randint(1958, 2000)
        if benefit.startswith("Selvforsørgelses"):
            origin = r.choice(["Syrien", "Eritrea", "Afghanistan", "Irak"])
        start = r.randrange(N_WEEKS)
        length = _spell_weeks(r, benefit)
        match = _pick(r, groups)
        hours = float(r.choice([3, 4, 5, 6, 8, 10, 12, 15, 20])) if benefit == "Fleksjob" else None
        active_block = -1
        for k in range(start, min(N_WEEKS, start + length)):
            week = FIRST_WEEK + timedelta(weeks=k)
            if benefit == "Fleksjob":
                status = "øvrig"
                if hours is not None and r.random() < 0.01:  # hours move now and then
                    hours = float(min(37, max(1, hours + r.choice([-1, 1, 1, 2]))))
            else:
                if active_block < k and r.random() < activated / 6:
                    active_block = k + r.randint(2, 8)  # activation comes in blocks
                status = "aktiveret" if k <= active_block else "ledig"
            cols["person_id"].append(pid)
            cols["week_start"].append(week)
            cols["benefit_group"].append(benefit)
            cols["match_group"].append(match)
            cols["status"].append(status)
            cols["sex"].append(sex)
            cols["birth_year"].append(birth_year)
            cols["country_of_origin"].append(origin)
            cols["flexjob_hours"].append(hours)
    return pl.DataFrame(
        cols,
        schema={
            "person_id": pl.String(),
            "week_start": pl.Date(),
            "benefit_group": pl.String(),
            "match_group": pl.String(),
            "status": pl.String(),
            "sex": pl.String(),
            "birth_year": pl.Int16(),
            "country_of_origin": pl.String(),
            "flexjob_hours": pl.Float64(),
        },
    ).with_columns(pl.lit(code).alias("municipality_code"))


def sample_size(seed: int, code: str) -> int:
    """About 8 persons per 1,000 inhabitants, at least 250."""
    return max(250, round(profiles(seed)[code].population * 0.008))


def all_benefit_weeks(seed: int, codes: tuple[str, ...]) -> pl.DataFrame:
    frames = [benefit_weeks(seed, c, sample_size(seed, c)) for c in codes]
    return pl.concat(frames).select(
        "person_id", "municipality_code", "week_start", "benefit_group", "match_group",
        "status", "sex", "birth_year", "country_of_origin", "flexjob_hours",
    )  # fmt: skip
