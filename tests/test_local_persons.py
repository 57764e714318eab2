"""Refugees' months (target 4), sanction cases and reviews (Ledelsestilsyn) and weekly
benefit records: person- and case-level templates. Counts worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from data_connectors.local import read_local, store_local
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from metrics import api
from metrics.kpis import compute_raw

REF_HEAD = "Person-id;Måned;Kommune;Køn;Fødselsår;Status;Vej\n"


def refugee_rows(pid: str, sex: str, months: list[tuple[str, str, str]]) -> list[str]:
    return [f"{pid};{m};Favrskov;{sex};1990;{s};{r}" for m, s, r in months]


def months(first: int, last: int, status: str, route: str = "", year: int = 2021) -> list:
    return [(f"{year}M{m:02d}", status, route) for m in range(first, last + 1)]


def refugee_file(tmp_path: Path) -> Path:
    rows = []
    # R1 (woman): on support Jan-Feb, job Mar-Aug: the 6th month is Aug -> reached in Aug.
    rows += refugee_rows(
        "R1", "Kvinde", months(1, 2, "Ydelse") + months(3, 8, "Selvforsørgende", "Job")
    )
    # R2 (man): 5 self-supporting months, back on support, 5 again: never 6 in a row.
    rows += refugee_rows(
        "R2", "Mand",
        months(1, 1, "Ydelse") + months(2, 6, "Selvforsørgende", "Job") + months(7, 7, "Ydelse")
        + months(8, 12, "Selvforsørgende", "Job"),
    )  # fmt: skip
    # R3 (woman): education Mar-Aug after support in Feb -> reached in Aug, route Uddannelse.
    rows += refugee_rows(
        "R3", "K", months(2, 2, "Ydelse") + months(3, 8, "Selvforsørgende", "Uddannelse")
    )
    # R4 (man): self-supporting Jan-Jun but never on support before: not counted.
    rows += refugee_rows("R4", "M", months(1, 6, "Selvforsørgende", "Job"))
    # R5 (woman): IGU Feb-Jul with April missing: no 6 consecutive months.
    igu = [m for m in months(2, 7, "Selvforsørgende", "IGU") if m[0] != "2021M04"]
    rows += refugee_rows("R5", "Kvinde", months(1, 1, "Ydelse") + igu)
    # R6 (man): on support Dec 2020, another benefit Dec 2021, IGU Jan-Jun 2022 -> June 2022.
    rows += refugee_rows(
        "R6", "Mand", months(12, 12, "Andet") + months(12, 12, "Ydelse", year=2020)
        + months(1, 6, "Selvforsørgende", "IGU", 2022),
    )  # fmt: skip
    p = tmp_path / "flygtninge.csv"
    p.write_text(REF_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_lasting_self_support_is_computed_from_the_months(tmp_path: Path, store: Store) -> None:
    p = refugee_file(tmp_path)
    data = read_local(p)
    assert data.template_id == "person_refugee_months"
    assert "birth_year" not in data.df.columns  # checked, not stored
    store_local(store, [(data, str(p), None)])
    ins = store.inputs()
    raw = compute_raw(ins, "flygtninge_varig_selvforsoergelse", breakdown="route")
    got = {(r["period"], r["group"]): r["numerator"] for r in raw.iter_rows(named=True)}
    # R1 (Job) and R3 (Uddannelse) in Aug 2021; R6 (IGU) in June 2022.
    assert got == {("2021M08", "Job"): 1.0, ("2021M08", "Uddannelse"): 1.0, ("2022M06", "IGU"): 1.0}
    women = compute_raw(ins, "flygtninge_kvindeandel")
    w = {r["period"]: (r["numerator"], r["denominator"]) for r in women.iter_rows(named=True)}
    # Every month the records cover (Dec 2020 - Jun 2022) has a figure, 0 of 0 mostly.
    assert len(w) == 19
    assert {m: v for m, v in w.items() if v != (0.0, 0.0)} == {
        "2021M08": (2.0, 2.0),
        "2022M06": (0.0, 1.0),
    }
    total = compute_raw(ins, "flygtninge_varig_selvforsoergelse")
    assert total["numerator"].sum() == 3


def test_refugee_rows_checked(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(REF_HEAD + "R1;2021M01;710;Kvinde;1990;Selvforsørgende;\n", "utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert str(e.value) == (
        f"{p}: row 2, column 'Vej': empty route: a self-supporting month needs Job, "
        "Uddannelse or IGU"
    )
    p.write_text(REF_HEAD + "R1;2021M01;710;Kvinde;1990;Ydelse;Job\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Vej': a route is given"):
        read_local(p)
    p.write_text(REF_HEAD + "R1;2021M01;710;Ukendt;1990;Ydelse;\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Køn': unknown value 'Ukendt'"):
        read_local(p)
    p.write_text(REF_HEAD + "R1;2021M01;710;Kvinde;1850;Ydelse;\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Fødselsår': 1850 is outside"):
        read_local(p)
    p.write_text(REF_HEAD + "311299-1234;2021M01;710;Kvinde;1990;Ydelse;\n", "utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert e.value.column == "Person-id" and "311299" not in str(e.value)
    # Not a date (month 13): a ten-digit pseudonym that is no CPR number is accepted.
    p.write_text(REF_HEAD + "0113991234;2021M01;710;Kvinde;1990;Ydelse;\n", "utf-8")
    assert read_local(p).df["person_id"].to_list() == ["0113991234"]


CASE_HEAD = "Sags-id;Person-id;Kommune;Afgørelsesdato;Matchgruppe;Sanktionstype;Beløb\n"
REV_HEAD = (
    "Sags-id;Kommune;Gennemgangsdato;Gennemgået af;Matchgruppe;Sanktionstype;"
    + ";".join(f"Punkt {k}" for k in range(1, 9))
    + ";Udfald\n"
)


def review_line(i: int, match: str, outcome: str, fail: int | None = None) -> str:
    points = []
    for k in range(1, 9):
        if match == "Jobparat" and k in (5, 6, 7):
            points.append("")
        else:
            points.append("Nej" if k == fail else "Ja")
    return f"S{i:03d};Favrskov;2022-06-{i + 1:02d};Team A;{match};§ 36;{';'.join(points)};{outcome}"


def test_sanction_cases_and_reviews_error_rate(tmp_path: Path, store: Store) -> None:
    cases = tmp_path / "sager.csv"
    cases.write_text(
        CASE_HEAD
        + "\n".join(
            f"S{i:03d};P{i};710;2022-03-{i + 1:02d};{'Aktivitetsparat' if i < 6 else 'Jobparat'};"
            f"§ 36;{1000 + i}"
            for i in range(10)
        )
        + "\n",
        "utf-8",
    )
    # 6 aktivitetsparate: 4 changed or sent back (point 7 not met); 4 jobparate: 1 sent
    # back (point 4): 5 errors in 10 reviews = 50 %.
    lines = [
        review_line(i, "Aktivitetsparat", "Ændret" if i < 2 else "Hjemvist", 7) for i in range(4)
    ]
    lines += [review_line(i, "Aktivitetsparat", "Stadfæstet") for i in range(4, 6)]
    lines += [review_line(6, "Jobparat", "Hjemvist", 4)]
    lines += [review_line(i, "Jobparat", "Stadfæstet") for i in range(7, 10)]
    reviews = tmp_path / "gennemgang.csv"
    reviews.write_text(REV_HEAD + "\n".join(lines) + "\n", "utf-8")
    a, b = read_local(cases), read_local(reviews)
    assert (a.template_id, b.template_id) == ("sanction_cases", "sanction_reviews")
    assert a.df["sanction_type"].unique().to_list() == ["Udeblivelse fra tilbud (LAS § 36)"]
    store_local(store, [(a, "sager", None), (b, "gennemgang", None)])
    q = api.sanction_quality(store.inputs(), municipality="710")
    row = q.row(0, named=True)
    assert (row["n"], row["errors"], row["rate"]) == (10, 5, pytest.approx(50.0))
    by = api.sanction_quality(store.inputs(), municipality="710", by="match_group", suppress=False)
    rates = {r["group"]: (r["errors"], r["n"]) for r in by.iter_rows(named=True)}
    assert rates == {"Aktivitetsparat": (4, 6), "Jobparat": (1, 4)}
    raw = compute_raw(store.inputs(), "sanktion_fejlrate")
    assert raw.select("period", "numerator", "denominator").row(0) == ("2022Q02", 5.0, 10.0)
    stored = store.scan_person("sanction_reviews").collect()
    assert stored.filter(pl.col("match_group") == "Jobparat")["p5"].null_count() == 4


def test_review_rules(tmp_path: Path) -> None:
    p = tmp_path / "g.csv"
    line = review_line(1, "Jobparat", "Stadfæstet").replace(
        ";Ja;Ja;Ja;Ja;;;;Ja;", ";Ja;Ja;Ja;Ja;Ja;;;Ja;"
    )
    p.write_text(REV_HEAD + line + "\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Punkt 5': point 5 applies to aktiv"):
        read_local(p)
    p.write_text(REV_HEAD + review_line(1, "Aktivitetsparat", "Stadfæstet", 2) + "\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Udfald': Stadfæstet although"):
        read_local(p)
    p.write_text(
        REV_HEAD + review_line(1, "Aktivitetsparat", "Ændret", 2).replace("Nej", "Måske") + "\n",
        "utf-8",
    )
    with pytest.raises(ReadError, match=r"row 2, column 'Punkt 2': expected Ja, Nej or blank"):
        read_local(p)


WEEK_HEAD = (
    "Person-id;Kommune;Uge;Ydelsesgruppe;Matchgruppe;Status;Køn;Fødselsår;Oprindelsesland;"
    "Fleksjobtimer\n"
)


def test_benefit_weeks_are_stored_for_later_kpis(tmp_path: Path, store: Store) -> None:
    p = tmp_path / "uger.csv"
    p.write_text(
        WEEK_HEAD
        + "D1;710;2022-W05;Kontanthjælp;Jobparat;ledig;Mand;1980;Danmark;\n"
        + "D1;710;2022-02-09;Kontanthjælp;Jobparat;aktiveret;Mand;1980;Danmark;\n"
        + "D2;Favrskov;2022U05;Fleksjob;;øvrig;Kvinde;1970;Polen;12,5\n",
        "utf-8",
    )
    data = read_local(p)
    assert data.template_id == "person_benefit_weeks"
    # 2022-W05 starts Monday 31 January; Wednesday 9 February is in the week of 7 February.
    assert data.df["week_start"].to_list() == [
        date(2022, 1, 31),
        date(2022, 2, 7),
        date(2022, 1, 31),
    ]
    assert data.df["flexjob_hours"].to_list() == [None, None, 12.5]
    assert data.df["team"].to_list() == [None, None, None]  # no Team column in the file
    assert data.df["match_group"].to_list() == ["Jobparat", "Jobparat", None]  # blank: null
    store_local(store, [(data, str(p), None)])
    assert store.scan_person("person_benefit_weeks").collect().height == 3
    p.write_text(
        WEEK_HEAD + "D1;710;2022-W05;Kontanthjælp;;ledig;Mand;1980;Danmark;\n"
        "D1;710;2022-02-01;Kontanthjælp;;ledig;Mand;1980;Danmark;\n",
        "utf-8",
    )
    with pytest.raises(
        ReadError, match=r"row 3, column 'Person-id': the same person and week as row 2"
    ):
        read_local(p)
    p.write_text(WEEK_HEAD + "D1;710;2022-W54;Kontanthjælp;;ledig;Mand;1980;Danmark;\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Uge': expected an ISO week"):
        read_local(p)


def test_benefit_weeks_with_a_team_column(tmp_path: Path, store: Store) -> None:
    """The optional Team column is stored (blank -> null); without it (the test above)
    the column is null in every row. D1 in team Nord, D2 without a team."""
    p = tmp_path / "uger_team.csv"
    p.write_text(
        WEEK_HEAD.rstrip("\n") + ";Team\n"
        "D1;710;2022-W05;Kontanthjælp;Jobparat;ledig;Mand;1980;Danmark;;Nord\n"
        "D2;710;2022-W05;Kontanthjælp;Jobparat;ledig;Kvinde;1981;Danmark;;\n",
        "utf-8",
    )
    data = read_local(p)
    assert data.df["team"].to_list() == ["Nord", None]
    store_local(store, [(data, str(p), None)])
    got = store.scan_person("person_benefit_weeks").sort("person_id").collect()
    assert got["team"].to_list() == ["Nord", None]


def test_a_store_written_before_the_team_column_still_reads_and_merges(
    tmp_path: Path, store: Store
) -> None:
    """A partition stored without ``team`` (as before the column existed) reads as null
    next to a new partition with teams, and an import into the old partition keeps its
    rows (team null) and adds the new one with its team. A in 710 (old file), B in 706
    (team Nord), then C in 710 (team Syd)."""
    p = tmp_path / "uger.csv"
    p.write_text(WEEK_HEAD + "A;710;2022-W05;Kontanthjælp;Jobparat;ledig;Mand;1980;Danmark;\n")
    store_local(store, [(read_local(p), str(p), None)])
    (old,) = [f for f in (store.root / "person").rglob("*.parquet") if "710" in str(f)]
    pl.read_parquet(old).drop("team").write_parquet(old)  # as stored before the column
    head = WEEK_HEAD.rstrip("\n") + ";Team\n"
    p.write_text(head + "B;706;2022-W05;Kontanthjælp;Jobparat;ledig;Mand;1980;Danmark;;Nord\n")
    store_local(store, [(read_local(p), str(p), None)])
    got = store.scan_person("person_benefit_weeks").sort("person_id").collect()
    assert got.select("person_id", "team").rows() == [("A", None), ("B", "Nord")]
    p.write_text(head + "C;710;2022-W05;Kontanthjælp;Jobparat;ledig;Mand;1980;Danmark;;Syd\n")
    store_local(store, [(read_local(p), str(p), None)])
    got = store.scan_person("person_benefit_weeks").sort("person_id").collect()
    assert got.select("person_id", "team").rows() == [("A", None), ("B", "Nord"), ("C", "Syd")]
