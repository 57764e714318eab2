"""Person-level KPIs from weekly benefit records, on hand-worked examples.

Week numbers below count Mondays from 2021-01-04 (week 0). Week 52 is 2022-01-03. The
weeks of a month are the weeks whose Thursday lies in it: January 2022 has the Thursdays
6, 13, 20, 27 (weeks 52-55, 4 weeks), February 2022 has 3, 10, 17, 24 (weeks 56-59: week
56 starts Monday 31 January), March 2022 has 3, 10, 17, 24, 31 (weeks 60-64, 5 weeks).
The data starts in week 0, so January 2022 is the first month whose first week (52) has
the full 52 weeks of history (weeks 1-52).
"""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from data_connectors.store import Store
from domain.canonical import BenefitWeekSchema
from metrics import api
from metrics.kpis import compute_raw
from metrics.person import insured_eastern_share, long_term_unemployed_persons

WEEK0 = date(2021, 1, 4)


def _rows(
    pid: str,
    weeks: range | list[int],
    *,
    muni: str = "710",
    status: str = "ledig",
    benefit: str = "A-dagpenge",
    match: str | None = "Jobparat",
    sex: str = "Kvinder",
    birth_year: int = 1980,
    country: str = "Danmark",
    team: str | None = None,
) -> list[dict[str, object]]:
    return [
        {
            "person_id": pid,
            "municipality_code": muni,
            "week_start": WEEK0 + timedelta(weeks=w),
            "benefit_group": benefit,
            "match_group": match,
            "status": status,
            "sex": sex,
            "birth_year": birth_year,
            "country_of_origin": country,
            "flexjob_hours": None,
            "team": team,
        }
        for w in weeks
    ]


def _frame(*parts: list[dict[str, object]]) -> pl.LazyFrame:
    rows = [r for p in parts for r in p]
    # Someone in flexjob from week 0 sets the start of the data (status "øvrig": no history).
    rows += _rows("flex", [0], status="øvrig", benefit="Fleksjob", match=None)
    df = pl.DataFrame(rows)
    return BenefitWeekSchema.validate(df.select(BenefitWeekSchema.column_names()), cast=True).lazy()


def _ltu(lf: pl.LazyFrame, breakdown: str | None = None) -> dict[tuple[str, str, str], float]:
    out = long_term_unemployed_persons(lf, breakdown=breakdown).collect()
    return {
        (r["area_code"], r["period"], r["group"]): r["numerator"] for r in out.iter_rows(named=True)
    }


def test_41_weeks_of_52_is_not_long_term_42_is() -> None:
    """80 % of 52 weeks is 41.6: 41 weeks are not enough, 42 are.

    A: unemployed weeks 12-52, in week 52 the window 1-52 holds 41 of them: never long-term.
    B: unemployed weeks 11-55: 42 in week 52 (11-52), 43, 44, 45 in weeks 53-55, so all
    four January weeks: 4 / 4 = 1.0 full-time person in January 2022.
    """
    got = _ltu(_frame(_rows("A", range(12, 53)), _rows("B", range(11, 56))))
    assert got[("710", "2022M01", "I alt")] == 1.0
    a_only = _ltu(_frame(_rows("A", range(12, 53))))
    assert a_only[("710", "2022M01", "I alt")] == 0.0


def test_week_spanning_two_months_counts_in_the_month_of_its_thursday() -> None:
    """C is unemployed weeks 0-56. Weeks 52-55 are January (4/4 = 1.0); week 56 starts
    Monday 31 January but its Thursday is 3 February: 1 of February's 4 weeks = 0.25.
    March has 5 weeks and nobody: 0 (the records reach into March through D below).
    D, unemployed weeks 0-60, adds 1.0 to January, 1.0 to February and week 60 (Thursday
    3 March) 1/5 = 0.2 to March."""
    got = _ltu(_frame(_rows("C", range(0, 57))))
    assert got[("710", "2022M01", "I alt")] == 1.0
    assert got[("710", "2022M02", "I alt")] == 0.25
    both = _ltu(_frame(_rows("C", range(0, 57)), _rows("D", range(0, 61))))
    assert both[("710", "2022M01", "I alt")] == 2.0
    assert both[("710", "2022M02", "I alt")] == 1.25
    assert both[("710", "2022M03", "I alt")] == pytest.approx(0.2)


def test_months_without_52_weeks_of_history_are_not_given() -> None:
    """December 2021's first week (Thursday 2 Dec, Monday 29 Nov = week 47) has only 48
    weeks of data before and including it: no figure, though C is unemployed then."""
    got = _ltu(_frame(_rows("C", range(0, 57))))
    assert ("710", "2021M12", "I alt") not in got
    assert min(k[1] for k in got) == "2022M01"


def test_a_gap_counts_as_weeks_not_unemployed() -> None:
    """G10: weeks 0-30 and 41-60 (a gap of 10 weeks). In week w (52..60) the window
    w-51..w holds (30-(w-51)+1) + (w-41+1) = 82-w + w-40 = 42 weeks: long-term in weeks
    52-60: January 4/4, February 4/4, March 1/5.
    G11: weeks 0-30 and 42-60 (a gap of 11): 82-w + w-41 = 41: never long-term."""
    g10 = _ltu(_frame(_rows("G10", [*range(0, 31), *range(41, 61)])))
    assert g10[("710", "2022M01", "I alt")] == 1.0
    assert g10[("710", "2022M02", "I alt")] == 1.0
    assert g10[("710", "2022M03", "I alt")] == pytest.approx(0.2)
    g11 = _ltu(_frame(_rows("G11", [*range(0, 31), *range(42, 61)])))
    assert g11[("710", "2022M01", "I alt")] == 0.0
    assert g11[("710", "2022M03", "I alt")] == 0.0


def test_a_move_keeps_the_history_and_the_week_counts_where_it_is() -> None:
    """M is unemployed weeks 0-55: in Favrskov (710) weeks 0-53, in Syddjurs (706) weeks
    54-55. January: 710 has weeks 52-53 (2/4 = 0.5), 706 has weeks 54-55 (0.5): Syddjurs
    counts M although M has only 2 weeks there, because the 52 weeks count everywhere."""
    got = _ltu(_frame(_rows("M", range(0, 54)), _rows("M", range(54, 56), muni="706")))
    assert got[("710", "2022M01", "I alt")] == 0.5
    assert got[("706", "2022M01", "I alt")] == 0.5


def test_who_counts_benefit_match_group_and_status() -> None:
    """All unemployed weeks 0-55 (so long-term in every January week) unless stated:
    K: kontanthjælp, aktivitetsparat: history counts but K is not job-ready: 0.
    U: uddannelseshjælp, uddannelsesparat: 1.0.
    L: ledighedsydelse (not one of the benefits): 0.
    V: aktivitetsparat on kontanthjælp weeks 0-40, jobparat weeks 41-55: the 52 weeks
       count either way, V is job-ready in January: 1.0.
    O: status "øvrig" (not unemployed or activated): 0.
    X: A-dagpenge activated ("aktiveret") in every week, no match group: 1.0."""
    lf = _frame(
        _rows("K", range(56), benefit="Kontanthjælp", match="Aktivitetsparat"),
        _rows("U", range(56), benefit="Uddannelseshjælp", match="Uddannelsesparat"),
        _rows("L", range(56), benefit="Ledighedsydelse", match=None),
        _rows("V", range(41), benefit="Kontanthjælp", match="Aktivitetsparat")
        + _rows("V", range(41, 56), benefit="Kontanthjælp", match="Jobparat"),
        _rows("O", range(56), status="øvrig"),
        _rows("X", range(56), status="aktiveret", match=None),
    )
    assert _ltu(lf)[("710", "2022M01", "I alt")] == 3.0
    by_group = _ltu(lf, "benefit_group")
    assert by_group[("710", "2022M01", "Kontanthjælp")] == 1.0
    assert by_group[("710", "2022M01", "Uddannelseshjælp")] == 1.0
    assert by_group[("710", "2022M01", "A-dagpenge")] == 1.0


def test_breakdowns_by_sex_age_origin_and_match_group() -> None:
    """Two persons long-term unemployed all of January 2022 (weeks 0-55): a woman born
    1998 (24 in 2022: 16-24 år) from Poland, jobparat; a man born 1961 (61: 60 år og
    derover) from Denmark, uddannelsesparat on uddannelseshjælp."""
    lf = _frame(
        _rows("W", range(56), sex="Kvinder", birth_year=1998, country="Polen"),
        _rows(
            "Y",
            range(56),
            sex="Mænd",
            birth_year=1961,
            benefit="Uddannelseshjælp",
            match="Uddannelsesparat",
        ),
    )
    jan = "2022M01"
    assert _ltu(lf, "sex") == {("710", jan, "Kvinder"): 1.0, ("710", jan, "Mænd"): 1.0}
    assert _ltu(lf, "age_band") == {
        ("710", jan, "16-24 år"): 1.0,
        ("710", jan, "60 år og derover"): 1.0,
    }
    assert _ltu(lf, "origin") == {("710", jan, "Polen"): 1.0, ("710", jan, "Danmark"): 1.0}
    assert _ltu(lf, "match_group") == {
        ("710", jan, "Jobparat"): 1.0,
        ("710", jan, "Uddannelsesparat"): 1.0,
    }
    with pytest.raises(ValueError, match="akasse"):
        long_term_unemployed_persons(lf, breakdown="akasse")


def test_breakdown_by_team_uses_the_team_of_the_week_counted() -> None:
    """N is unemployed weeks 0-55 in team Nord until week 53 and team Syd from week 54:
    January's weeks 52-53 are Nord (2/4 = 0.5), 54-55 Syd (0.5). Z, unemployed weeks
    0-55 with no team given: 4/4 = 1.0 under "Uoplyst". E, unemployed weeks 0-55 in team
    Nord on kontanthjælp as aktivitetsparat, is not job-ready and adds nothing. The
    total is 2.0, the sum of the teams."""
    lf = _frame(
        _rows("N", range(54), team="Nord") + _rows("N", range(54, 56), team="Syd"),
        _rows("Z", range(56)),
        _rows("E", range(56), benefit="Kontanthjælp", match="Aktivitetsparat", team="Nord"),
    )
    jan = "2022M01"
    assert _ltu(lf, "team") == {
        ("710", jan, "Nord"): 0.5,
        ("710", jan, "Syd"): 0.5,
        ("710", jan, "Uoplyst"): 1.0,
    }
    assert _ltu(lf)[("710", jan, "I alt")] == 2.0


def test_records_without_a_team_column_break_down_as_unknown() -> None:
    """Records stored before the team column existed (no ``team`` column at all): the
    total is unchanged and the team breakdown puts everybody under "Uoplyst".
    C is long-term in all 4 weeks of January 2022 (weeks 52-55 of 0-56): 1.0."""
    lf = _frame(_rows("C", range(0, 57))).drop("team")
    assert _ltu(lf)[("710", "2022M01", "I alt")] == 1.0
    assert _ltu(lf, "team")[("710", "2022M01", "Uoplyst")] == 1.0


def test_eastern_share_counts_insured_unemployed_in_the_first_week_of_the_month() -> None:
    """The first week of a month is the one whose Thursday is among its first 7 days:
    January 2022 -> Monday 3 January (week 52), February 2022 -> Monday 31 January (56).
    Q, Danish, ledig on A-dagpenge in weeks 52 and 56: in both months.
    P, Polish, ledig on A-dagpenge in week 56: February only.
    R, Romanian, activated (not ledig) in week 56: not insured unemployed.
    S, Polish, on kontanthjælp in week 56: not insured.
    T, Polish, ledig on A-dagpenge in week 53 only: not a first week.
    January: 0 of 1; February: 1 (P) of 2 (P, Q) = 50 %."""
    lf = _frame(
        _rows("Q", [52, 56]),
        _rows("P", [56], country="Polen"),
        _rows("R", [56], country="Rumænien", status="aktiveret"),
        _rows("S", [56], country="Polen", benefit="Kontanthjælp"),
        _rows("T", [53], country="Polen"),
    )
    out = insured_eastern_share(lf).collect()
    got = {r["period"]: (r["numerator"], r["denominator"]) for r in out.iter_rows(named=True)}
    assert got["2022M01"] == (0.0, 1.0)
    assert got["2022M02"] == (1.0, 2.0)
    raw = compute_raw({"person_benefit_weeks": lf}, "andel_oesteuropaeiske_forsikrede_persondata")
    assert raw.filter(pl.col("period") == "2022M02")["numerator"].to_list() == [1.0]


def test_person_metrics_are_in_the_api_with_suppression() -> None:
    """Through kpi_series the tiny figures above are suppressed (fewer than 5 persons)."""
    lf = _frame(_rows("C", range(0, 57)))
    out = api.kpi_series({"person_benefit_weeks": lf}, "langtidsledige_persondata")
    jan = out.filter(pl.col("period") == "2022M01")
    assert jan["suppressed"].to_list() == [True]
    assert jan["value"].to_list() == [None]


def test_reconciliation_gives_the_difference_per_month() -> None:
    """Six persons unemployed weeks 0-59 are long-term in every week of January (4/4) and
    February 2022 (4/4): 6.0 full-time persons each month from person data. The published
    y25i09 says 7 in January and 6 in February: differences -1.0 and 0.0. March (published
    only) is not in the reconciliation."""
    from tests.builders import monthly

    lf = _frame(*[_rows(f"P{i}", range(60)) for i in range(6)])
    published = monthly(
        "y25i09", "fuldtidspersoner", {"2022M01": 7, "2022M02": 6, "2022M03": 9}
    ).lazy()
    rec = api.reconciliation(
        {"person_benefit_weeks": lf, "y25i09": published},
        "langtidsledige_persondata",
        "langtidsledige",
    )
    assert rec.columns == list(api.RECONCILIATION_COLUMNS)
    assert rec.select("period", "published", "from_persons", "difference").rows() == [
        ("2022M01", 7.0, 6.0, -1.0),
        ("2022M02", 6.0, 6.0, 0.0),
    ]


def _bench_person() -> ModuleType:
    """``benchmarks/bench_person.py`` (not a package) loaded by path."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_person.py"
    spec = importlib.util.spec_from_file_location("bench_person", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_generator_writes_the_store_layout_block_by_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's generator writes 90,000 person-weeks in blocks of about 20,000 rows
    (20,000 // 45 = 444 persons a block, 90,000 // 45 = 2,000 persons: 5 blocks): every
    person's id is unique to one block, the same seed gives the same rows, each partition
    file holds only its own year and municipality, and the store reads the tables."""
    bench = _bench_person()
    monkeypatch.setattr(bench, "CHUNK_ROWS", 20_000)
    assert [n for _, n in bench._blocks(90_000, 45)] == [444, 444, 444, 444, 224]
    folders = [tmp_path / name / "store" / "person" for name in ("a", "b")]
    for folder in folders:
        folder.mkdir(parents=True)
        bench.build(folder, 90_000, seed=3)
    store = Store(tmp_path / "a")
    weeks = store.scan_person("person_benefit_weeks").collect()
    BenefitWeekSchema.validate(weeks)
    assert weeks.get_column("person_id").n_unique() == 2_000
    again = Store(tmp_path / "b").scan_person("person_benefit_weeks").collect()
    key = ["person_id", "week_start"]
    assert weeks.sort(key).equals(again.sort(key))
    files = sorted(folders[0].glob("person_benefit_weeks/year=*/municipality=*/*.parquet"))
    assert files and all(f.name == "person_benefit_weeks.parquet" for f in files)
    for f in files:
        part = pl.read_parquet(f, hive_partitioning=False)
        year = int(f.parent.parent.name.removeprefix("year="))
        muni = f.parent.name.removeprefix("municipality=")
        assert part.get_column("week_start").dt.year().unique().to_list() == [year]
        assert part.get_column("municipality_code").unique().to_list() == [muni]
    for table in ("person_refugee_months", "person_flexjob_months"):
        a = store.scan_person(table).collect()
        assert a.height > 0 and a.equals(Store(tmp_path / "b").scan_person(table).collect())
