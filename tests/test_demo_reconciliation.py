"""On the demo the person-level KPIs reconcile with the aggregate tables they imitate.

For each municipality with person records (Favrskov 710, Syddjurs 706, Randers 730,
Skanderborg 746) and each month both give, the difference is zero: long-term unemployment
from the weekly records against y25i09, the Eastern European share of the insured
unemployed against fasit_forsikrede_oprindelse (both on the Data page's reconciliation,
``metrics.api.reconciliation``), refugees' lasting self-support against
fasit_selvforsoergelse (from July 2019: see the bound below) and the flexjob hours figures
against fleksjob_timeudvikling. One month of each weekly KPI is worked by hand from the
records, in plain Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl
import pytest

from data_connectors.demo.aggregates import person_targets
from data_connectors.demo.persons import benefit_weeks
from data_connectors.store import Store
from domain.canonical import TOTAL
from metrics import api
from metrics.kpis import compute_raw

PERSON_MUNICIPALITIES = ("706", "710", "730", "746")
FAVRSKOV = "710"
EASTERN_EUROPE = (  # DOMAIN.md, target 3
    "Hviderusland", "Bulgarien", "Tjekkiet", "Ungarn", "Moldova", "Polen", "Rumænien",
    "Rusland", "Slovakiet", "Ukraine", "Estland", "Letland", "Litauen",
)  # fmt: skip
LTU_BENEFITS = (
    "A-dagpenge",
    "Kontanthjælp",
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
    "Uddannelseshjælp",
)
JOB_READY = ("Jobparat", "Uddannelsesparat", "Åbenlyst uddannelsesparat")


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y}M{m:02d}" <= last:
        out.append(f"{y}M{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@pytest.fixture(scope="module")
def inputs(demo_store: Store) -> dict[str, pl.LazyFrame]:
    return {k: v.collect().lazy() for k, v in demo_store.inputs().items()}


@pytest.mark.parametrize(
    ("person_metric", "aggregate_metric", "first", "last"),
    [
        # The weekly records start 2021-01-04: long-term unemployment needs 52 weeks of
        # history before the month's first week, so from January 2022.
        ("langtidsledige_persondata", "langtidsledige", "2022M01", "2023M12"),
        (
            "andel_oesteuropaeiske_forsikrede_persondata",
            "andel_oesteuropaeiske_forsikrede",
            "2021M01",
            "2023M12",
        ),
    ],
)
def test_data_page_reconciliation_is_zero_every_month(
    inputs: dict[str, pl.LazyFrame],
    person_metric: str,
    aggregate_metric: str,
    first: str,
    last: str,
) -> None:
    assert (person_metric, aggregate_metric) in api.RECONCILIATIONS
    rec = api.reconciliation(inputs, person_metric, aggregate_metric)
    for code in PERSON_MUNICIPALITIES:
        mine = rec.filter(pl.col("area_code") == code).sort("period_start")
        assert mine.get_column("period").to_list() == _months(first, last), code
        assert mine.get_column("difference").null_count() == 0, code
        assert (mine.get_column("difference") == 0).all(), code
    assert set(rec.get_column("area_code")) == set(PERSON_MUNICIPALITIES)


def test_long_term_unemployed_of_march_2022_worked_by_hand(
    demo_store: Store, inputs: dict[str, pl.LazyFrame]
) -> None:
    """Favrskov, March 2022. Its weeks are those whose Thursday is in March: Thursdays 3,
    10, 17, 24 and 31 March, i.e. the weeks starting Monday 28 February, 7, 14, 21 and 28
    March (5 weeks). A person-week counts when the person is on one of the four benefits,
    ledig or aktiveret, job-ready or education-ready, and has at least 42 such weeks
    (80 % of 52 = 41.6) among the 52 weeks ending with this one. Full-time persons = the
    counted person-weeks / 5. Plain Python over the records, no KPI code."""
    weeks = (
        demo_store.scan_person("person_benefit_weeks")
        .filter(
            (pl.col("municipality_code") == FAVRSKOV)
            & pl.col("benefit_group").is_in(LTU_BENEFITS)
            & pl.col("status").is_in(["ledig", "aktiveret"])
        )
        .select("person_id", "week_start", "match_group", "benefit_group")
        .collect()
    )
    unemployed: dict[str, set[date]] = defaultdict(set)
    ready: dict[tuple[str, date], bool] = {}
    for pid, monday, match, benefit in weeks.iter_rows():
        unemployed[pid].add(monday)
        ready[(pid, monday)] = match in JOB_READY or (match is None and benefit == "A-dagpenge")
    march = [date(2022, 2, 28) + timedelta(weeks=k) for k in range(5)]
    assert [(m + timedelta(days=3)).month for m in march] == [3] * 5
    counted = 0
    for pid, mondays in unemployed.items():
        for monday in march:
            if monday in mondays and ready[(pid, monday)]:
                window = {monday - timedelta(weeks=k) for k in range(52)}
                counted += len(window & mondays) >= 42
    by_hand = counted / 5

    published = (
        demo_store.scan("y25i09")
        .filter(
            (pl.col("area_code") == FAVRSKOV)
            & (pl.col("period") == "2022M03")
            & (pl.col("benefit_group") == TOTAL)
            & (pl.col("measure_id") == "fuldtidspersoner")
        )
        .collect()
        .get_column("value")
        .item()
    )
    assert by_hand == published
    assert 100 < by_hand < 200  # Favrskov's level in the plan years (DOMAIN.md: peak 199)
    rec = api.reconciliation(inputs, "langtidsledige_persondata", "langtidsledige")
    row = rec.filter((pl.col("area_code") == FAVRSKOV) & (pl.col("period") == "2022M03"))
    assert row.get_column("from_persons").item() == by_hand


def test_table_5_counted_by_hand_from_the_weekly_records(demo_store: Store) -> None:
    """DOMAIN.md, table 5: insured unemployed and Eastern Europeans at the start of Jan,
    Apr and Jul 2021 (882/82, 910/78, 716/90). The start of a month is its first week (the
    week whose Thursday is one of the first 7 days): the weeks starting 4 January, 29 March
    and 28 June 2021. Counted: persons on A-dagpenge with status ledig that week."""
    table5 = {
        date(2021, 1, 4): (882, 82),
        date(2021, 3, 29): (910, 78),
        date(2021, 6, 28): (716, 90),
    }
    weeks = (
        demo_store.scan_person("person_benefit_weeks")
        .filter(
            (pl.col("municipality_code") == FAVRSKOV)
            & pl.col("week_start").is_in(list(table5))
            & (pl.col("benefit_group") == "A-dagpenge")
            & (pl.col("status") == "ledig")
        )
        .select("person_id", "week_start", "country_of_origin")
        .collect()
    )
    for monday, (insured, eastern) in table5.items():
        rows = [r for r in weeks.iter_rows() if r[1] == monday]
        assert len({r[0] for r in rows}) == len(rows) == insured, monday
        assert sum(r[2] in EASTERN_EUROPE for r in rows) == eastern, monday


def _raw(inputs: dict[str, pl.LazyFrame], table: str, metric: str) -> pl.DataFrame:
    return (
        compute_raw({table: inputs[table]}, metric)
        .filter(pl.col("area_code").is_in(PERSON_MUNICIPALITIES) & (pl.col("group") == TOTAL))
        .select("area_code", "period", "numerator", "denominator")
        .sort("area_code", "period")
    )


@pytest.mark.parametrize("metric", ["flygtninge_varig_selvforsoergelse", "flygtninge_kvindeandel"])
def test_refugees_reconcile_from_july_2019(inputs: dict[str, pl.LazyFrame], metric: str) -> None:
    """The same counts (unsuppressed) from person_refugee_months alone and from
    fasit_selvforsoergelse alone, every month from 2019M07. The bound: the records begin
    2019M01, and a person counts only after having been on support before the 6
    self-supporting months, so the first 6 months can show nobody from the records
    (persons who left support in 2018 are not in them): there the difference is the
    published count itself."""
    persons = _raw(inputs, "person_refugee_months", metric)
    fasit = _raw(inputs, "fasit_selvforsoergelse", metric)
    key = ["area_code", "period"]
    joined = fasit.join(persons, on=key, how="full", coalesce=True, suffix="_p")
    assert joined.height == len(PERSON_MUNICIPALITIES) * 60
    late = joined.filter(pl.col("period") >= "2019M07")
    for col in ("numerator", "denominator"):
        a, b = late.get_column(col), late.get_column(f"{col}_p")
        assert a.null_count() == b.null_count()
        assert (a.fill_null(-1) == b.fill_null(-1)).all(), col
    assert late.get_column("numerator").sum() > 100  # not a reconciliation of zeros
    if metric == "flygtninge_varig_selvforsoergelse":
        early = joined.filter(pl.col("period") < "2019M07")
        assert (early.get_column("numerator_p") == 0).all()


@pytest.mark.parametrize(
    "metric",
    [
        "fleksjob_andel_op",
        "fleksjob_andel_ned",
        "fleksjob_andel_uaendret",
        "fleksjob_andel_over_10_timer",
    ],
)
def test_flexjob_hours_reconcile_every_june(inputs: dict[str, pl.LazyFrame], metric: str) -> None:
    """The same numerator and denominator from person_flexjob_months alone and from
    fleksjob_timeudvikling alone, in every June of 2019-2023 (the reference month)."""
    persons = _raw(inputs, "person_flexjob_months", metric)
    table = _raw(inputs, "fleksjob_timeudvikling", metric)
    assert persons.get_column("period").unique().sort().to_list() == [
        f"{y}M06" for y in range(2019, 2024)
    ]
    assert persons.equals(table)


def test_flexjob_june_2021_worked_by_hand(demo_store: Store) -> None:
    """Favrskov, June 2021, 1-5 hours at start: a job counts as up (down, unchanged) when
    it has registered hours in June and in at least 6 months up to it, and June's hours
    are above (below, equal to) those at start; hours at start are ``start_hours`` (every
    such demo job has them). Plain Python over the records against the published counts."""
    months = (
        demo_store.scan_person("person_flexjob_months")
        .filter(
            (pl.col("municipality_code") == FAVRSKOV)
            & pl.col("month").str.starts_with("2021")
            & (pl.col("scheme") == "Ny ordning")
        )
        .collect()
    )
    registered: dict[str, int] = defaultdict(int)
    for rec in months.iter_rows(named=True):
        if rec["month"] <= "2021M06" and rec["weekly_hours"] is not None:
            registered[rec["person_id"]] += 1
    counts = {"op": 0, "ned": 0, "uaendret": 0}
    for rec in months.filter(pl.col("month") == "2021M06").iter_rows(named=True):
        start, now = rec["start_hours"], rec["weekly_hours"]
        if start is None or now is None or not 0 < start <= 5:
            continue
        if registered[rec["person_id"]] >= 6:
            key = "op" if now > start else "ned" if now < start else "uaendret"
            counts[key] += 1
    published = {
        k: demo_store.scan("fleksjob_timeudvikling")
        .filter(
            (pl.col("area_code") == FAVRSKOV)
            & (pl.col("period") == "2021M06")
            & (pl.col("hours_band") == "1-5 timer")
            & (pl.col("measure_id") == f"personer_{k}")
        )
        .collect()
        .get_column("value")
        .item()
        for k in counts
    }
    assert counts == published
    assert counts["op"] > counts["ned"]  # DOMAIN.md target 6 / seed 003 fig. 12


def test_weekly_records_carry_invented_teams() -> None:
    """Every person-week has a team; "Unge" holds exactly the persons under 30 (age
    reached in 2022), the others are split over the municipality's other teams."""
    targets = person_targets(2022, ("710",))
    weeks = benefit_weeks(2022, "710", targets["710"])
    assert weeks.get_column("team").null_count() == 0
    persons = weeks.select("person_id", "team", "birth_year").unique()
    assert persons.get_column("person_id").is_unique().all()  # one team per person
    young = persons.filter(2022 - pl.col("birth_year") < 30)
    assert set(young.get_column("team")) == {"Unge"}
    others = persons.filter(2022 - pl.col("birth_year") >= 30).get_column("team")
    assert set(others) == {"Team Nord", "Team Syd"}
