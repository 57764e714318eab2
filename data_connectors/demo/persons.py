"""Weekly benefit records (DREAM style) for the person municipalities: a full register of
the persons the reconciled KPIs count, plus a sample of everyone else.

The records are built so that the aggregate tables they imitate can be derived from them
(``docs/scale.md``, "Reconciliation on the demo"):

* **Long-term unemployed** (y25i09): per benefit group a stock process of job-ready
  persons whose unemployed spell is long. A person entering long-term unemployment in
  week ``w`` has been unemployed (ledig or aktiveret) without a break since week
  ``w - 41``, so week ``w`` is the first with 42 of the last 52 weeks; the spell ends when
  the person leaves. Each week the stock equals the month's whole number of full-time
  persons (``WeekTargets.ltu``), so the month's person-weeks divided by its weeks are
  exactly that number.
* **Insured unemployed at the start of the month** (fasit_forsikrede_oprindelse): persons
  on A-dagpenge, Eastern European or not, are kept above the month's target in every
  week by short spells (at most 41 weeks, so never long-term unemployed); in each month's
  first week exactly the target number of each is ``ledig`` and the others ``aktiveret``
  (which changes no long-term count: both statuses are unemployed).
* **Everyone else** (kontanthjælp and uddannelseshjælp for persons not job-ready, short
  spells of the job-ready, flexjob, ledighedsydelse) is a sample of about 5 persons per
  1,000 inhabitants, as before; no one in it can be long-term unemployed or insured.

``ltu_cells`` and ``insured_cells`` derive the aggregate figures back from the records
(with the KPI definitions, written independently of ``metrics``); ``check_targets``
fails the build if they differ from the targets, so the demo's aggregates of these
municipalities are the person records' own figures.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from data_connectors.demo.common import MONTH_INDEX, MONTHS, rng
from data_connectors.demo.profiles import profiles
from domain.datasets import BENEFIT_GROUPS_LTU, EASTERN_EUROPE

FIRST_WEEK = date(2021, 1, 4)  # Monday of ISO week 2021-W01
N_WEEKS = 156  # to the week starting 2023-12-25
PERSON_ID_OFFSET = 100_000  # sampled persons are D<code>-100001 ...; refugees start at 1
LTU_ID_OFFSET = 400_000  # the long-term unemployed process
INSURED_ID_OFFSET = 500_000  # short spells on A-dagpenge
LTU_MIN_WEEKS = 42  # 80 % of 52 weeks is 41.6: 42 weeks or more
LTU_WINDOW = 52
LTU_EXIT_RATE = 1 / 45  # weekly chance a long-term unemployed person leaves
SHORT_SPELL_MEAN = 12.0  # weeks; short spells are capped at LTU_MIN_WEEKS - 1
INSURED_MARGIN = 1.12  # persons on A-dagpenge in a week over the month's insured target
EASTERN_MARGIN = 1.2
ACTIVATION_BLOCK = 6  # weeks: activation comes in blocks
UNEMPLOYED = ("ledig", "aktiveret")
INSURED = "A-dagpenge"

# Invented demo labels, not the municipalities' real teams. "Unge" takes persons under 30.
TEAMS: dict[str, tuple[str, ...]] = {
    "710": ("Team Nord", "Team Syd", "Unge"),
    "706": ("Team Rønde", "Team Ebeltoft", "Unge"),
    "730": ("Team Nord", "Team Midt", "Team Syd", "Unge"),
    "746": ("Team Skanderborg", "Team Ry", "Unge"),
}
DEFAULT_TEAMS = ("Team Nord", "Team Syd", "Unge")
YOUTH_TEAM = "Unge"

# benefit group, weight, match groups with weights, share of weeks activated (the sample)
BENEFITS: tuple[tuple[str, float, tuple[tuple[str | None, float], ...], float], ...] = (
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
ACTIVATED: dict[str, float] = {
    "A-dagpenge": 0.18,
    "Kontanthjælp": 0.3,
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse": 0.55,
    "Uddannelseshjælp": 0.35,
}
JOB_READY = ("Jobparat", "Uddannelsesparat", "Åbenlyst uddannelsesparat")
REFUGEE_ORIGINS = ("Syrien", "Eritrea", "Afghanistan", "Irak")
OTHER_ORIGINS = ("Syrien", "Eritrea", "Afghanistan", "Tyskland", "Tyrkiet", "Irak")
OTHER_COUNTRY = "Øvrige lande"

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
_EAST_W = [w for c, w in ORIGINS if c in EASTERN_EUROPE]

COLUMNS = (
    "person_id", "municipality_code", "week_start", "benefit_group", "match_group",
    "status", "sex", "birth_year", "country_of_origin", "flexjob_hours", "team",
)  # fmt: skip
SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "week_start": pl.Date(),
    "benefit_group": pl.String(),
    "match_group": pl.String(),
    "status": pl.String(),
    "sex": pl.String(),
    "birth_year": pl.Int16(),
    "country_of_origin": pl.String(),
    "flexjob_hours": pl.Float64(),
    "team": pl.String(),
}


@dataclass(frozen=True)
class WeekTargets:
    """What one municipality's weekly records must give, per month of ``MONTHS``.

    ``ltu``: long-term unemployed full-time persons by benefit group (whole persons);
    ``insured`` and ``eastern``: insured unemployed at the start of the month, and of them
    Eastern Europeans (persons).
    """

    ltu: dict[str, list[int]]
    insured: list[int]
    eastern: list[int]


def _thursday(w: int) -> date:
    return FIRST_WEEK + timedelta(weeks=w, days=3)


WEEK_MONTH: tuple[int, ...] = tuple(
    MONTH_INDEX[f"{_thursday(w).year}M{_thursday(w).month:02d}"] for w in range(N_WEEKS)
)
"""Index in MONTHS of the month each week belongs to (the month of its Thursday)."""
FIRST_WEEKS: dict[int, int] = {WEEK_MONTH[w]: w for w in range(N_WEEKS) if _thursday(w).day <= 7}
"""Month index -> the month's first week (its Thursday is one of the first 7 days)."""
LTU_MONTHS: tuple[int, ...] = tuple(t for t, w in FIRST_WEEKS.items() if w >= LTU_WINDOW - 1)
"""Months whose first week has the full 52 weeks of history in the records (2022M01-)."""
INSURED_MONTHS: tuple[int, ...] = tuple(FIRST_WEEKS)


def _team(r: random.Random, code: str, birth_year: int) -> str:
    teams = TEAMS.get(code, DEFAULT_TEAMS)
    if 2022 - birth_year < 30:
        return YOUTH_TEAM
    return r.choice([t for t in teams if t != YOUTH_TEAM])


class _Spells:
    """Persons with one continuous spell each, expanded to weekly rows in Polars."""

    def __init__(self) -> None:
        self.cols: dict[str, list[object]] = {
            k: []
            for k in (
                "person_id", "benefit_group", "match_group", "sex", "birth_year",
                "country_of_origin", "team", "_first", "_last", "_act", "_n",
            )
        }  # fmt: skip

    def add(self, pid: str, benefit: str, match: str | None, sex: str, birth_year: int,
            origin: str, team: str, first: int, last: int) -> None:  # fmt: skip
        c = self.cols
        for k, v in (
            ("person_id", pid), ("benefit_group", benefit), ("match_group", match),
            ("sex", sex), ("birth_year", birth_year), ("country_of_origin", origin),
            ("team", team), ("_first", first), ("_last", last),
            ("_act", ACTIVATED[benefit]), ("_n", len(c["_n"])),
        ):  # fmt: skip
            c[k].append(v)

    def weeks(self, seed: int) -> pl.DataFrame:
        """One row per person and week; status from activation blocks (a fixed integer
        hash of person, block and seed, so the build is reproducible everywhere)."""
        df = pl.DataFrame(
            self.cols,
            schema={
                **{k: SCHEMA[k] for k in SCHEMA if k in self.cols},
                "_first": pl.Int64(),
                "_last": pl.Int64(),
                "_act": pl.Float64(),
                "_n": pl.Int64(),
            },
        )
        block = (pl.col("_w") + pl.col("_n") % ACTIVATION_BLOCK) // ACTIVATION_BLOCK
        x = (pl.col("_n") * 2_654_435_761 + block * 40_503 + seed * 97) % 1_000_003
        h = (x * x + 12_345) % 999_983 % 1000  # squared: blocks of a person look unrelated
        return (
            df.with_columns(pl.int_ranges("_first", pl.col("_last") + 1).alias("_w"))
            .explode("_w")
            .with_columns(
                (pl.lit(FIRST_WEEK) + pl.duration(weeks=pl.col("_w"))).alias("week_start"),
                pl.when(h < pl.col("_act") * 1000)
                .then(pl.lit("aktiveret"))
                .otherwise(pl.lit("ledig"))
                .alias("status"),
                pl.lit(None, pl.Float64).alias("flexjob_hours"),
            )
        )


def _short_length(r: random.Random) -> int:
    return max(1, min(LTU_MIN_WEEKS - 1, round(r.expovariate(1 / SHORT_SPELL_MEAN))))


@dataclass
class _Person:
    pid: str
    match: str | None
    sex: str
    birth_year: int
    origin: str
    east: bool
    team: str
    first: int


def _ltu_process(
    seed: int, code: str, targets: WeekTargets, spells: _Spells, presence: dict[bool, list[int]]
) -> None:
    """The long-term unemployed: per benefit group a stock equal to the month's target in
    every week from week 41 (the first that can have 42 weeks of history in the records).

    A person entering in week ``w`` is unemployed from week ``w - 41`` without a break; a
    person leaving in week ``w`` was last on benefit in week ``w - 1``. Persons on
    A-dagpenge are counted in ``presence`` (by Eastern European or not) for every week of
    their spell.
    """
    r = rng(seed, "ltu-persons", code)
    n = 0
    for group in BENEFIT_GROUPS_LTU:
        stock = targets.ltu[group]
        active: list[_Person] = []
        for w in range(LTU_MIN_WEEKS - 1, N_WEEKS + 1):
            want = stock[WEEK_MONTH[w]] if w < N_WEEKS else 0
            leave = [w == N_WEEKS or r.random() < LTU_EXIT_RATE for _ in active]
            stay = [a for a, out in zip(active, leave, strict=True) if not out]
            gone = [a for a, out in zip(active, leave, strict=True) if out]
            while len(stay) > want:
                gone.append(stay.pop(r.randrange(len(stay))))
            for a in gone:
                spells.add(a.pid, group, a.match, a.sex, a.birth_year, a.origin, a.team,
                           a.first, w - 1)  # fmt: skip
                if group == INSURED:
                    for k in range(a.first, w):
                        presence[a.east][k] += 1
            active = stay
            while len(active) < want:
                n += 1
                active.append(_new_ltu_person(r, code, group, targets, n, w - (LTU_MIN_WEEKS - 1)))


def _new_ltu_person(
    r: random.Random, code: str, group: str, targets: WeekTargets, n: int, first: int
) -> _Person:
    sex = "Kvinder" if r.random() < 0.45 else "Mænd"
    match: str | None = "Jobparat"
    if group == "Uddannelseshjælp":
        by = r.randint(1993, 2004)
        match = "Uddannelsesparat" if r.random() < 0.6 else "Åbenlyst uddannelsesparat"
    else:
        by = r.randint(1958, 2000)
    if group == INSURED:
        t = WEEK_MONTH[first]
        east = r.random() < targets.eastern[t] / max(1, targets.insured[t])
        origin = _insured_origin(r, east)
    elif group.startswith("Selvforsørgelses"):
        origin, east = r.choice(REFUGEE_ORIGINS), False
    else:
        origin = r.choices([c for c, _ in ORIGINS], weights=_ORIGIN_W)[0]
        east = origin in EASTERN_EUROPE
    pid = f"D{code}-{LTU_ID_OFFSET + n:06d}"
    return _Person(pid, match, sex, by, origin, east, _team(r, code, by), first)


def _insured_origin(r: random.Random, east: bool) -> str:
    if east:
        return r.choices(EASTERN_EUROPE, weights=_EAST_W)[0]
    return r.choice(OTHER_ORIGINS) if r.random() < 0.06 else "Danmark"


def _insured_process(
    seed: int, code: str, targets: WeekTargets, spells: _Spells, presence: dict[bool, list[int]]
) -> None:
    """Short spells on A-dagpenge keeping, in every week, the persons on A-dagpenge
    (Eastern European or not) at least a margin above the month's insured target."""
    r = rng(seed, "insured-persons", code)
    n = 0
    for east in (True, False):
        margin = EASTERN_MARGIN if east else INSURED_MARGIN
        for w in range(N_WEEKS):
            t = WEEK_MONTH[w]
            target = targets.eastern[t] if east else targets.insured[t] - targets.eastern[t]
            while presence[east][w] < math.ceil(target * margin):
                n += 1
                last = min(N_WEEKS - 1, w + _short_length(r) - 1)
                for k in range(w, last + 1):
                    presence[east][k] += 1
                sex = "Kvinder" if r.random() < 0.47 else "Mænd"
                by = r.randint(1958, 2001)
                spells.add(f"D{code}-{INSURED_ID_OFFSET + n:06d}", INSURED, "Jobparat", sex,
                           by, _insured_origin(r, east), _team(r, code, by), w, last)  # fmt: skip


def _first_week_status(
    seed: int, code: str, targets: WeekTargets, weeks: pl.DataFrame
) -> pl.DataFrame:
    """In each month's first week exactly ``insured`` persons on A-dagpenge are ledig,
    ``eastern`` of them Eastern European; the others on A-dagpenge that week aktiveret."""
    r = rng(seed, "insured-first-weeks", code)
    first = (
        weeks.filter(
            (pl.col("benefit_group") == INSURED) & pl.col("_w").is_in(list(FIRST_WEEKS.values()))
        )
        .select("person_id", "_w", pl.col("country_of_origin").is_in(EASTERN_EUROPE).alias("_e"))
        .sort("_w", "person_id")
    )
    ids: list[str] = []
    ws: list[int] = []
    status: list[str] = []
    by_week = first.partition_by("_w", "_e", as_dict=True)
    for t, w in FIRST_WEEKS.items():
        for east in (True, False):
            part = by_week.get((w, east))
            present = part.get_column("person_id").to_list() if part is not None else []
            want = targets.eastern[t] if east else targets.insured[t] - targets.eastern[t]
            if len(present) < want:
                raise ValueError(f"demo {code}: too few on A-dagpenge in week {w}")
            chosen = set(r.sample(present, want))
            ids += present
            ws += [w] * len(present)
            status += ["ledig" if p in chosen else "aktiveret" for p in present]
    return pl.DataFrame(
        {"person_id": ids, "_w": ws, "_status": status},
        schema={"person_id": pl.String(), "_w": pl.Int64(), "_status": pl.String()},
    )


def _sample_weeks(seed: int, code: str, sample: int) -> pl.DataFrame:
    """``sample`` persons on the other benefits (no A-dagpenge): kontanthjælp,
    uddannelseshjælp and selvforsørgelses- og hjemrejseydelse of any length for persons not
    job-ready and at most 41 weeks for the job-ready, flexjob with weekly hours,
    ledighedsydelse."""
    r = rng(seed, "benefit-weeks", code)
    cols: dict[str, list[object]] = {k: [] for k in SCHEMA}
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
            origin = r.choice(REFUGEE_ORIGINS)
        start = r.randrange(N_WEEKS)
        match = _pick(r, groups)
        length = _spell_weeks(r, benefit)
        if match in JOB_READY:  # the long-term unemployed are the process's own persons
            length = min(length, LTU_MIN_WEEKS - 1)
        hours = float(r.choice([3, 4, 5, 6, 8, 10, 12, 15, 20])) if benefit == "Fleksjob" else None
        team = _team(r, code, birth_year)
        active_block = -1
        for k in range(start, min(N_WEEKS, start + length)):
            if benefit == "Fleksjob":
                status = "øvrig"
                if hours is not None and r.random() < 0.01:  # hours move now and then
                    hours = float(min(37, max(1, hours + r.choice([-1, 1, 1, 2]))))
            else:
                if active_block < k and r.random() < activated / 6:
                    active_block = k + r.randint(2, 8)  # activation comes in blocks
                status = "aktiveret" if k <= active_block else "ledig"
            for key, v in (
                ("person_id", pid), ("week_start", FIRST_WEEK + timedelta(weeks=k)),
                ("benefit_group", benefit), ("match_group", match), ("status", status),
                ("sex", sex), ("birth_year", birth_year), ("country_of_origin", origin),
                ("flexjob_hours", hours), ("team", team),
            ):  # fmt: skip
                cols[key].append(v)
    return pl.DataFrame(cols, schema=SCHEMA)


def _pick(r: random.Random, items: tuple[tuple[str | None, float], ...]) -> str | None:
    return r.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _spell_weeks(r: random.Random, benefit: str) -> int:
    if benefit in ("Fleksjob", "Ledighedsydelse"):
        return r.randint(20, N_WEEKS)
    # A long tail: most spells are short, a fifth last more than a year.
    return max(2, min(N_WEEKS, round(r.expovariate(1 / 30)) + (60 if r.random() < 0.2 else 0)))


def benefit_weeks(seed: int, code: str, targets: WeekTargets) -> pl.DataFrame:
    """Municipality ``code``'s weekly records (BenefitWeekSchema plus ``team``)."""
    spells = _Spells()
    presence = {True: [0] * N_WEEKS, False: [0] * N_WEEKS}
    _ltu_process(seed, code, targets, spells, presence)
    _insured_process(seed, code, targets, spells, presence)
    weeks = spells.weeks(seed)
    fixed = _first_week_status(seed, code, targets, weeks)
    weeks = (
        weeks.join(fixed, on=["person_id", "_w"], how="left")
        .with_columns(pl.coalesce("_status", "status").alias("status"))
        .select(list(SCHEMA))
    )
    sample = _sample_weeks(seed, code, sample_size(seed, code))
    return pl.concat([weeks, sample]).with_columns(pl.lit(code).alias("municipality_code"))


def sample_size(seed: int, code: str) -> int:
    """About 5 persons per 1,000 inhabitants, at least 160 (the benefits not reconciled)."""
    return max(160, round(profiles(seed)[code].population * 0.005))


def all_benefit_weeks(
    seed: int, codes: tuple[str, ...], targets: dict[str, WeekTargets]
) -> pl.DataFrame:
    frames = [benefit_weeks(seed, c, targets[c]) for c in codes]
    return pl.concat(frames).select(COLUMNS)


# -- the aggregate figures, derived back from the records ------------------------------------
def _month_of(week_start: pl.Expr) -> pl.Expr:
    th = week_start + pl.duration(days=3)
    return th.dt.strftime("%YM%m")


def ltu_cells(weeks: pl.DataFrame) -> pl.DataFrame:
    """Long-term unemployed per municipality, month and benefit group: ``weeks`` (the
    person-weeks that count) and ``persons`` (persons with at least one), for the months
    with the full 52 weeks of history (``LTU_MONTHS``).

    A person-week counts when the person is on one of the four benefits, ledig or
    aktiveret, job-ready or education-ready (A-dagpenge without a match group is
    job-ready), and has 42 or more such weeks among the 52 up to and including this one:
    with one row per person and week, sorted, that is when the row 41 rows back is the
    same person's and at most 51 weeks earlier.
    """
    back = LTU_MIN_WEEKS - 1
    unemployed = (
        weeks.filter(
            pl.col("benefit_group").is_in(BENEFIT_GROUPS_LTU) & pl.col("status").is_in(UNEMPLOYED)
        )
        .with_columns(
            ((pl.col("week_start") - pl.lit(FIRST_WEEK)).dt.total_days() // 7).alias("_w")
        )
        .sort("person_id", "_w")
        .with_columns(
            (
                (pl.col("person_id").shift(back) == pl.col("person_id"))
                & (pl.col("_w") - pl.col("_w").shift(back) < LTU_WINDOW)
            )
            .fill_null(False)
            .alias("_long")
        )
    )
    ready = pl.col("match_group").is_in(JOB_READY) | (
        pl.col("match_group").is_null() & (pl.col("benefit_group") == INSURED)
    )
    months = [MONTHS[t] for t in LTU_MONTHS]
    return (
        unemployed.filter(ready & pl.col("_long"))
        .with_columns(_month_of(pl.col("week_start")).alias("period"))
        .filter(pl.col("period").is_in(months))
        .group_by("municipality_code", "period", "benefit_group")
        .agg(pl.len().alias("weeks"), pl.col("person_id").n_unique().alias("persons"))
    )


def insured_cells(weeks: pl.DataFrame) -> pl.DataFrame:
    """Insured unemployed at the start of each month (persons on A-dagpenge, ledig, in the
    month's first week) per municipality, month and origin (Danmark, the 13 Eastern
    European countries, Øvrige lande)."""
    first = (pl.col("week_start") + pl.duration(days=3)).dt.day() <= 7
    origin = (
        pl.when(pl.col("country_of_origin").is_in(["Danmark", *EASTERN_EUROPE]))
        .then(pl.col("country_of_origin"))
        .otherwise(pl.lit(OTHER_COUNTRY))
    )
    return (
        weeks.filter((pl.col("benefit_group") == INSURED) & (pl.col("status") == "ledig") & first)
        .with_columns(_month_of(pl.col("week_start")).alias("period"), origin.alias("origin"))
        .group_by("municipality_code", "period", "origin")
        .agg(pl.len().alias("persons"))
    )


def weeks_in_month(t: int) -> int:
    """The weeks (Thursdays) of month ``t`` of MONTHS."""
    y, m = int(MONTHS[t][:4]), int(MONTHS[t][5:])
    first = date(y, m, 1)
    nxt = date(y + m // 12, m % 12 + 1, 1)
    return sum(1 for d in range((nxt - first).days) if (first + timedelta(days=d)).weekday() == 3)


def check_targets(
    ltu_cells: pl.DataFrame, insured_cells: pl.DataFrame, targets: dict[str, WeekTargets]
) -> None:
    """Fail the build when the records' figures (``ltu_cells``, ``insured_cells`` of the
    weekly records) are not the targets (a generator bug)."""
    ltu = {(c, p, g): w for c, p, g, w, _n in ltu_cells.iter_rows()}
    insured: dict[tuple[str, str], list[int]] = {}
    for c, p, origin, n in insured_cells.iter_rows():
        cell = insured.setdefault((c, p), [0, 0])
        cell[0] += n
        cell[1] += n if origin in EASTERN_EUROPE else 0
    for code, tg in targets.items():
        for t in LTU_MONTHS:
            for g in BENEFIT_GROUPS_LTU:
                got = ltu.get((code, MONTHS[t], g), 0)
                if got != tg.ltu[g][t] * weeks_in_month(t):
                    raise ValueError(f"demo {code} {MONTHS[t]} {g}: {got} long-term weeks")
        for t in INSURED_MONTHS:
            got_i, got_e = insured.get((code, MONTHS[t]), [0, 0])
            if (got_i, got_e) != (tg.insured[t], tg.eastern[t]):
                raise ValueError(f"demo {code} {MONTHS[t]}: insured unemployed off target")
