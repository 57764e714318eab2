"""Insured unemployed by country of origin (target 3): the plan's table 5 for Favrskov.

DOMAIN.md, table 5: insured unemployed (full-time persons, start of month) and of them
Eastern European. The split by country below is made up by hand so that the Eastern
European countries sum to the plan's figure and all countries (Danmark, other countries
and Uoplyst) sum to the total; the expected shares are the plan's counts divided by hand.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from data_connectors.local import read_local, store_local
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from domain.canonical import TOTAL
from metrics import api

# month: (Polen, Rumænien, Litauen, Bulgarien) and (Danmark, Tyskland, Syrien, Uoplyst)
TABLE_5 = {
    "2020M01": ((20, 15, 8, 5), (560, 40, 10, 3)),  # 48 of 661
    "2020M04": ((30, 20, 11, 10), (720, 55, 12, 5)),  # 71 of 863
    "2020M07": ((40, 25, 14, 10), (850, 60, 20, 6)),  # 89 of 1025
    "2020M10": ((35, 25, 12, 10), (780, 45, 20, 6)),  # 82 of 933
    "2021M01": ((35, 25, 12, 10), (735, 40, 20, 5)),  # 82 of 882
    "2021M04": ((33, 22, 13, 10), (760, 45, 22, 5)),  # 78 of 910
    "2021M07": ((40, 25, 15, 10), (575, 30, 17, 4)),  # 90 of 716
}
PLAN_COUNTS = {  # DOMAIN.md table 5: (insured unemployed, of which Eastern European)
    "2020M01": (661, 48), "2020M04": (863, 71), "2020M07": (1025, 89), "2020M10": (933, 82),
    "2021M01": (882, 82), "2021M04": (910, 78), "2021M07": (716, 90),
}  # fmt: skip
EAST = ("Polen", "Rumænien", "Litauen", "Bulgarien")
OTHER = ("Danmark", "Tyskland", "Syrien", "Uoplyst")


def table5_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for month, (east, other) in TABLE_5.items():
        for country, n in (*zip(EAST, east, strict=True), *zip(OTHER, other, strict=True)):
            rows.append((month, "Favrskov", country, str(n)))
    return rows


def test_hand_split_matches_the_plan() -> None:
    for month, (east, other) in TABLE_5.items():
        assert (sum(east) + sum(other), sum(east)) == PLAN_COUNTS[month], month


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_table_5_share_computed_from_counts(tmp_path: Path, store: Store, fmt: str) -> None:
    head = ("Periode", "Område", "Oprindelsesland", "Antal fuldtidspersoner")
    if fmt == "csv":
        p = tmp_path / "origin.csv"
        text = ";".join(head) + "\n" + "\n".join(";".join(r) for r in table5_rows()) + "\n"
        p.write_text("Forsikrede ledige efter oprindelsesland\n\n" + text, encoding="cp1252")
    else:
        p = tmp_path / "origin.xlsx"
        wb = xlsxwriter.Workbook(p)
        ws = wb.add_worksheet("Udtræk")
        ws.write_row(0, 0, head)
        for i, (m, a, c, n) in enumerate(table5_rows(), start=1):
            ws.write_row(i, 0, (m, a, c))
            ws.write_number(i, 3, int(n))
        wb.close()
    data = read_local(p)
    assert data.template_id == "fasit_forsikrede_oprindelse"
    assert data.periods == tuple(TABLE_5)
    store_local(store, [(data, str(p), None)])
    df = store.scan("fasit_forsikrede_oprindelse").collect()
    totals = dict(df.filter(pl.col("origin") == TOTAL).select("period", "value").iter_rows())
    assert totals == {m: float(n) for m, (n, _e) in PLAN_COUNTS.items()}
    assert set(df["origin"]) == {TOTAL, *EAST, *OTHER}
    share = api.kpi_series(store.inputs(), "andel_oesteuropaeiske_forsikrede", area_codes=["710"])
    got = dict(zip(share["period"], share["value"], strict=True))
    # 48/661 = 7.26 %, 71/863 = 8.23 %, 89/1025 = 8.68 %, 82/933 = 8.79 %, 82/882 = 9.30 %,
    # 78/910 = 8.57 %, 90/716 = 12.57 % (the plan states 11.6 % for July 2021).
    expected = {"2020M01": 7.2617, "2020M04": 8.2271, "2020M07": 8.6829, "2020M10": 8.7889,
                "2021M01": 9.2971, "2021M04": 8.5714, "2021M07": 12.5698}  # fmt: skip
    assert got == {m: pytest.approx(v, abs=1e-4) for m, v in expected.items()}


def test_uoplyst_and_other_countries_stay_in_the_denominator(tmp_path: Path, store: Store) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "Periode;Kommune;Oprindelsesland;Antal fuldtidspersoner\n"
        "2022M12;710;POLEN;35\n2022M12;710;Uoplyst;100\n2022M12;710;Sverige;65\n",
        encoding="utf-8",
    )
    store_local(store, [(read_local(p), str(p), None)])
    out = api.kpi_series(store.inputs(), "andel_oesteuropaeiske_forsikrede", area_codes=["710"])
    assert out["value"].to_list() == [
        pytest.approx(100 * 35 / 200)
    ]  # 17.5 % (fewer than 5 would be suppressed)
    # The plan's list is data: with Sweden counted as well (100 of 200) 50 %.
    other = api.kpi_series(
        store.inputs(), "andel_oesteuropaeiske_forsikrede", area_codes=["710"],
        countries=["Polen", "Sverige"],
    )  # fmt: skip
    assert other["value"].to_list() == [pytest.approx(50.0)]


def test_person_level_extract_is_aggregated_and_ids_dropped(tmp_path: Path) -> None:
    p = tmp_path / "persons.csv"
    p.write_text(
        "Person-id;Måned;Kommune;Oprindelsesland;Fuldtidsandel\n"
        "A1;2022-12;Favrskov;Polen;1\n"
        "A2;2022-12;Favrskov;Polen;0,5\n"
        "A3;2022-12;Favrskov;Danmark;\n"  # blank: a whole full-time person
        "A4;2022-12;Favrskov;Uoplyst;0,25\n"
        "A1;2022-11;Favrskov;Polen;1\n",
        encoding="utf-8",
    )
    data = read_local(p)
    assert data.template_id == "fasit_forsikrede_personer"
    assert data.target == "fasit_forsikrede_oprindelse"
    assert "person_id" not in data.df.columns
    got = {(m, o): v for m, o, v in data.df.select("period", "origin", "value").iter_rows()}
    assert got == {
        ("2022M11", "Polen"): 1.0, ("2022M11", TOTAL): 1.0,
        ("2022M12", "Polen"): 1.5, ("2022M12", "Danmark"): 1.0,
        ("2022M12", "Uoplyst"): 0.25, ("2022M12", TOTAL): 2.75,
    }  # fmt: skip


def test_bad_rows_name_file_row_and_column(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    head = "Periode;Område;Oprindelsesland;Antal fuldtidspersoner\n"
    p.write_text(head + "2021M07;Favrskov;Polen;40\n2021M07;Favrskov;Polen;41\n", "utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert str(e.value) == (
        f"{p}: row 3, column 'Oprindelsesland': the same month, area and country as row 2: "
        "expected one row for each"
    )
    p.write_text(head + "2021M07;Favrskov;Polen;-4\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Antal fuldtidspersoner': value -4"):
        read_local(p)
    p.write_text(head + "2021M07;Favrskov;Polen;mange\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Antal fuldtidspersoner': expected a"):
        read_local(p)
    p.write_text(head + "2021M07;Favrskov;Polen;40\n2021M07;Favrskov;I alt;30\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 3, column 'Oprindelsesland': the total 30 is less"):
        read_local(p)
    p.write_text(head + "2021M13;Favrskov;Polen;40\n", "utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Periode': expected a month"):
        read_local(p)


def test_corrected_month_without_a_country_zeroes_it(tmp_path: Path, store: Store) -> None:
    head = "Periode;Område;Oprindelsesland;Antal fuldtidspersoner\n"
    a = tmp_path / "a.csv"
    a.write_text(head + "2022M12;Favrskov;Polen;4\n2022M12;Favrskov;Danmark;16\n", "utf-8")
    store_local(store, [(read_local(a), "a", None)])
    b = tmp_path / "b.csv"  # Polen was a mistake
    b.write_text(head + "2022M12;Favrskov;Danmark;20\n", "utf-8")
    store_local(store, [(read_local(b), "b", None)])
    out = api.kpi_series(store.inputs(), "andel_oesteuropaeiske_forsikrede", area_codes=["710"])
    assert out["value"].to_list() == [0.0]
