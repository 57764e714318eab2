"""Good extracts in every accepted shape: CSV variants, Excel, saved v3 JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from data_connectors.readers import ReadError, read_file
from data_connectors.readers.tabular import detect_decimal, parse_number
from domain.canonical import TOTAL, AggregateSchema


def _values(df: pl.DataFrame) -> dict[tuple[str, str, str, str], float | None]:
    """(period, area_code, benefit_group, measure_id) -> value."""
    return {
        (r["period"], r["area_code"], r["benefit_group"], r["measure_id"]): r["value"]
        for r in df.iter_rows(named=True)
    }


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


API_CSV = (
    "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
    "Antal langtidsledige personer\n"
    "2021M08;Favrskov;Ydelsesgrupper i alt;118,5;140\n"
    "2021M07;Favrskov;A-dagpenge;9,08;\n"
    "2021M07;Hele landet;Ydelsesgrupper i alt;1.234,5;2.001\n"
)
EXPECTED = {
    ("2021M08", "710", TOTAL, "fuldtidspersoner"): 118.5,
    ("2021M08", "710", TOTAL, "personer"): 140.0,
    ("2021M07", "710", "A-dagpenge", "fuldtidspersoner"): 9.08,
    ("2021M07", "710", "A-dagpenge", "personer"): None,
    ("2021M07", "000", TOTAL, "fuldtidspersoner"): 1234.5,
    ("2021M07", "000", TOTAL, "personer"): 2001.0,
}


def test_api_style_csv_utf8_bom(tmp_path: Path) -> None:
    p = _write(tmp_path, "y25i09.csv", "\ufeff" + API_CSV)
    c = read_file(p)
    assert c.dataset_id == "y25i09"
    assert _values(c.df) == EXPECTED
    AggregateSchema.validate(c.df)  # canonical
    row = c.df.filter(pl.col("area_code") == "000").row(0, named=True)
    assert row["area_name"] == "Hele landet" and row["area_level"] == "land"
    assert row["period_start"] == date(2021, 7, 1) and row["period_end"] == date(2021, 7, 31)
    assert row["sex"] == TOTAL and row["match_group"] == TOTAL
    suppressed = c.df.filter(pl.col("value").is_null())
    assert suppressed["suppressed"].to_list() == [True]


def test_cp1252_with_title_footnotes_and_suppression_marks(tmp_path: Path) -> None:
    text = (
        "Langtidsledighed i Favrskov Kommune\r\n"
        "Udtrukket fra jobindsats.dk\r\n"
        "\r\n"
        "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
        "Antal langtidsledige personer;;\r\n"
        "2021M07;Favrskov Kommune;Kontanthjælp;..;-\r\n"
        "2021M07;Ærø;Kontanthjælp;.;1.234\r\n"
        "2021M07;Uoplyst område;Kontanthjælp;3;4\r\n"
        "\r\n"
        "Kilde: Jobindsats.dk\r\n"
        "Note: små tal er diskretioneret\r\n"
    )
    c = read_file(_write(tmp_path, "hand.csv", text, "cp1252"))
    assert c.skipped_unknown_area == 1
    assert _values(c.df) == {
        ("2021M07", "710", "Kontanthjælp", "fuldtidspersoner"): None,
        ("2021M07", "710", "Kontanthjælp", "personer"): None,
        ("2021M07", "492", "Kontanthjælp", "fuldtidspersoner"): None,
        ("2021M07", "492", "Kontanthjælp", "personer"): 1234.0,
    }


def test_comma_separated_with_decimal_point_and_thousands(tmp_path: Path) -> None:
    text = (
        "Periode,Område,Ydelsesgrupper,Antal langtidsledige fuldtidspersoner,"
        "Antal langtidsledige personer\n"
        '2021M07,Favrskov,A-dagpenge,"1,234.5",12\n'
        "2021M08,Favrskov,A-dagpenge,9.08,\n"
    )
    c = read_file(_write(tmp_path, "comma.csv", text))
    assert _values(c.df) == {
        ("2021M07", "710", "A-dagpenge", "fuldtidspersoner"): 1234.5,
        ("2021M07", "710", "A-dagpenge", "personer"): 12.0,
        ("2021M08", "710", "A-dagpenge", "fuldtidspersoner"): 9.08,
        ("2021M08", "710", "A-dagpenge", "personer"): None,
    }


def test_tab_separated_space_thousands_and_v2_quarter(tmp_path: Path) -> None:
    text = "Periode\tOmråde\tAntal personer\tAntal fuldtidspersoner\n2021Q1\tAarhus\t12 345\t9,5\n"
    c = read_file(_write(tmp_path, "tab.tsv", text), dataset_id="y09a02")
    assert c.dataset_id == "y09a02"
    assert _values(c.df) == {
        ("2021Q01", "751", TOTAL, "personer"): 12345.0,
        ("2021Q01", "751", TOTAL, "fuldtidspersoner"): 9.5,
    }
    assert c.df["period_type"].unique().to_list() == ["Q"]


def test_group_prefixed_labels_and_qmat_never_a_month(tmp_path: Path) -> None:
    group = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse"
    text = (
        f"Periode;Område;{group}: Forventet antal;{group}: Faktisk antal;"
        "Placering på benchmarkranglisten\n"
        "2022QMAT04;Favrskov;5.430;5.210;12\n"
    )
    c = read_file(_write(tmp_path, "bench.csv", text))
    assert c.dataset_id == "y30r21"
    got = {r["measure_id"]: r["value"] for r in c.df.iter_rows(named=True)}
    assert got == {
        "forventet_fuldtidspersoner": 5430.0,
        "faktisk_fuldtidspersoner": 5210.0,
        "placering": 12.0,
    }
    row = c.df.row(0, named=True)
    assert row["period_type"] == "QMAT"
    assert (row["period_start"], row["period_end"]) == (date(2022, 1, 1), date(2022, 12, 31))


def test_dimension_values_are_mapped(tmp_path: Path) -> None:
    text = (
        "Periode;Område;Visitationskategori;Antal fuldtidspersoner\n"
        "2021M07;Favrskov;Visitationskategorier i alt;226\n"
        "2021M07;Favrskov;Åbenlys uddannelsesparat;40\n"
        "2021M07;Favrskov;Aktivitetsparat;150\n"
    )
    c = read_file(_write(tmp_path, "y38a02-udh.csv", text))
    assert c.dataset_id == "y38a02"
    got = {r["match_group"]: r["value"] for r in c.df.iter_rows(named=True)}
    assert got == {TOTAL: 226.0, "Åbenlyst uddannelsesparat": 40.0, "Aktivitetsparat": 150.0}


def test_identical_duplicate_rows_are_kept_once(tmp_path: Path) -> None:
    text = (
        "Periode;Område;Antal personer;Antal fuldtidspersoner\n"
        "2021M07;Favrskov;12;10\n"
        "2021M07;Favrskov;12;10\n"
    )
    c = read_file(_write(tmp_path, "dup.csv", text), dataset_id="y11a02")
    assert c.df.height == 2


def test_excel_with_title_rows_and_suppressed(tmp_path: Path) -> None:
    p = tmp_path / "udtraek.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("Langtidsledige")
    ws.write(1, 0, "Langtidsledighed, Favrskov")
    ws.write_row(
        3, 0, ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige fuldtidspersoner"]
    )
    ws.write_row(4, 0, ["2021M07", "Favrskov", "Ydelsesgrupper i alt", 118.5])
    ws.write_row(5, 0, ["2021M08", "Favrskov", "Ydelsesgrupper i alt", ".."])
    ws.write(7, 0, "Kilde: jobindsats.dk")
    wb.close()
    c = read_file(p)
    assert _values(c.df) == {
        ("2021M07", "710", TOTAL, "fuldtidspersoner"): 118.5,
        ("2021M08", "710", TOTAL, "fuldtidspersoner"): None,
    }


def _xlsx(path: Path, rows: dict[tuple[int, int], list[object]]) -> Path:
    """A one-sheet workbook with ``rows`` written at (row, column), 0-based like xlsxwriter."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Ark1")
    for (r, c), values in rows.items():
        ws.write_row(r, c, values)
    wb.close()
    return path


def test_excel_number_cell_is_not_read_with_the_texts_decimal_comma(tmp_path: Path) -> None:
    # The text cells use a decimal comma; the number cell 1.234 is a number, not 1.234 thousand.
    p = _xlsx(
        tmp_path / "blandet.xlsx",
        {
            (0, 0): ["Periode", "Område", "Antal fuldtidspersoner"],
            (1, 0): ["2021M07", "Favrskov", "2,5"],
            (2, 0): ["2021M08", "Favrskov", "3,5"],
            (3, 0): ["2021M09", "Favrskov", 1.234],
        },
    )
    c = read_file(p, dataset_id="y09a02")
    assert _values(c.df) == {
        ("2021M07", "710", TOTAL, "fuldtidspersoner"): 2.5,
        ("2021M08", "710", TOTAL, "fuldtidspersoner"): 3.5,
        ("2021M09", "710", TOTAL, "fuldtidspersoner"): 1.234,
    }


def test_excel_number_cell_next_to_thousands_text(tmp_path: Path) -> None:
    # 118.5 is a number cell; only the text "1.234,5" decides the decimal mark (comma).
    p = _xlsx(
        tmp_path / "tusind.xlsx",
        {
            (0, 0): ["Periode", "Område", "Antal fuldtidspersoner"],
            (1, 0): ["2021M07", "Favrskov", 118.5],
            (2, 0): ["2021M08", "Favrskov", "1.234,5"],
        },
    )
    c = read_file(p, dataset_id="y09a02")
    assert _values(c.df) == {
        ("2021M07", "710", TOTAL, "fuldtidspersoner"): 118.5,
        ("2021M08", "710", TOTAL, "fuldtidspersoner"): 1234.5,
    }


def test_excel_number_cells_in_a_table_away_from_a1(tmp_path: Path) -> None:
    # Title in D2, table from C4: number cells are found at their place; a year typed as the
    # number 2024 is the period 2024Y01; the error row is the spreadsheet's row 8.
    rows: dict[tuple[int, int], list[object]] = {
        (1, 3): ["Langtidsledighed"],
        (3, 2): ["Periode", "Område", "Antal fuldtidspersoner", "Antal personer"],
        (4, 2): ["2021M07", "Favrskov", "1.234,5", 5],
        (5, 2): [2024, "Aarhus", 0.5, "7"],
    }
    c = read_file(_xlsx(tmp_path / "forskudt.xlsx", rows), dataset_id="y09a02")
    assert _values(c.df) == {
        ("2021M07", "710", TOTAL, "fuldtidspersoner"): 1234.5,
        ("2021M07", "710", TOTAL, "personer"): 5.0,
        ("2024Y01", "751", TOTAL, "fuldtidspersoner"): 0.5,
        ("2024Y01", "751", TOTAL, "personer"): 7.0,
    }
    rows[(7, 2)] = ["2021M08", "Favrskov", -1.5, "3"]
    with pytest.raises(ReadError) as info:
        read_file(_xlsx(tmp_path / "negativ.xlsx", rows), dataset_id="y09a02")
    assert (info.value.row, info.value.column) == (8, "Antal fuldtidspersoner")
    assert "negative value -1.5" in str(info.value)


def test_excel_error_names_the_spreadsheet_row(tmp_path: Path) -> None:
    p = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("Ark1")
    ws.write(2, 0, "Titel")  # row 3 in Excel; rows 1-2 are empty
    ws.write_row(
        4, 0, ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige fuldtidspersoner"]
    )
    ws.write_row(5, 0, ["2021M07", "Favrskov", "A-dagpenge", 10])
    ws.write_row(6, 0, ["2021M08", "Favrskov", "A-dagpenge", -4])
    wb.close()
    with pytest.raises(ReadError) as info:
        read_file(p)
    assert info.value.row == 7
    assert info.value.column == "Antal langtidsledige fuldtidspersoner"
    assert str(info.value).startswith(
        f"{p} [Ark1]: row 7, column 'Antal langtidsledige fuldtidspersoner':"
    )


def test_saved_v3_json_response_with_bom_and_nulls(tmp_path: Path) -> None:
    body = {
        "columns": ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige fuldtidspersoner"],
        "rows": [
            ["2026M04", "Favrskov", "Ydelsesgrupper i alt", 118],
            ["2026M04", "Favrskov", "A-dagpenge", None],
        ],
    }
    p = tmp_path / "resp.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(body, ensure_ascii=False).encode())
    c = read_file(p)
    assert _values(c.df) == {
        ("2026M04", "710", TOTAL, "fuldtidspersoner"): 118.0,
        ("2026M04", "710", "A-dagpenge", "fuldtidspersoner"): None,
    }
    assert c.df.filter(pl.col("value").is_null())["suppressed"].to_list() == [True]


def test_dataset_option_names_the_unknown_label(tmp_path: Path) -> None:
    text = "Periode;Område;Antal personer;Langtidsledige i pct.\n2021M07;Favrskov;1;2\n"
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "x.csv", text), dataset_id="y09a02")
    assert info.value.row == 1
    assert "'Langtidsledige i pct.'" in str(info.value)
    assert "y09a02" in str(info.value)


@pytest.mark.parametrize(
    ("cells", "default", "expected"),
    [
        (["9,08", "1.234"], ".", ","),
        (["9.08", "1,234"], ",", "."),
        (["1.234", "12"], ",", ","),  # only ambiguous evidence: the default
        (["1.234", "12"], ".", "."),
        (["1.234,5", "9.5", "0.25"], ",", "."),  # majority wins
    ],
)
def test_detect_decimal(cells: list[str], default: str, expected: str) -> None:
    assert detect_decimal(cells, default) == expected


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1.234,5", ",", 1234.5),
        ("1.234.567", ",", 1234567.0),
        ("9,08", ",", 9.08),
        ("1,234.5", ".", 1234.5),
        ("12 345", ",", 12345.0),
        ("1 234 567", ",", 1234567.0),  # every space group, not every other one
        ("1 234 5678", ",", None),  # a space before four digits is no thousands separator
        ("12\u00a0345,5", ",", 12345.5),
        ("1.23", ",", None),  # not a thousands group
        ("12a", ",", None),
        ("1,2,3", ".", None),
    ],
)
def test_parse_number(text: str, decimal: str, expected: float | None) -> None:
    assert parse_number(text, decimal) == expected


def test_first_problem_by_row_then_by_column(tmp_path: Path) -> None:
    head = (
        "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
        "Antal langtidsledige personer\n"
    )
    ok = "2021M07;Favrskov;A-dagpenge;1;2\n"
    bad_value = "2021M08;Favrskov;A-dagpenge;abc;-1\n"  # two problems: the left one counts
    bad_period = "2021M13;Favrskov;A-dagpenge;1;2\n"
    p = _write(tmp_path, "a.csv", head + ok + bad_value + bad_period)
    with pytest.raises(ReadError) as info:
        read_file(p)
    assert (info.value.row, info.value.column) == (3, "Antal langtidsledige fuldtidspersoner")
    assert "got 'abc'" in str(info.value)
    p = _write(tmp_path, "b.csv", head + ok + bad_period + bad_value)
    with pytest.raises(ReadError) as info:
        read_file(p)
    assert (info.value.row, info.value.column) == (3, "Periode")


def test_conflict_names_the_first_row_with_that_key(tmp_path: Path) -> None:
    text = (
        "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
        "Antal langtidsledige personer\n"
        "2021M07;Favrskov;A-dagpenge;1;2\n"
        "2021M07;Aarhus;A-dagpenge;5;6\n"
        "2021M07;Favrskov Kommune;A-dagpenge;1;2\n"  # same key, same values: kept once
        "2021M07;Favrskov;A-dagpenge;1;3\n"  # same key, other persons: conflict with row 2
    )
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "dup.csv", text))
    assert (info.value.row, info.value.column) == (5, "Antal langtidsledige personer")
    assert "conflicts with row 2: same period, area and breakdown but value 3 here and 2 there" in (
        str(info.value)
    )


def test_old_mac_line_endings_and_quoted_fields(tmp_path: Path) -> None:
    # Lone carriage returns and quotes take the csv-module path; same rows, same numbers.
    text = 'Titel\rPeriode;Område;Antal personer\r2021M07;"Favrskov";"1.234"\r2021M08;Favrskov;-3\r'
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "mac.csv", text), dataset_id="y09a02")
    assert (info.value.row, info.value.column) == (4, "Antal personer")
    c = read_file(_write(tmp_path, "mac2.csv", text.replace("-3", "7")), dataset_id="y09a02")
    assert _values(c.df) == {
        ("2021M07", "710", TOTAL, "personer"): 1234.0,
        ("2021M08", "710", TOTAL, "personer"): 7.0,
    }


def test_json_true_is_not_a_number(tmp_path: Path) -> None:
    body = {
        "columns": ["Periode", "Område", "Antal personer"],
        "rows": [["2021M07", "Favrskov", 3], ["2021M08", "Favrskov", True]],
    }
    p = tmp_path / "bool.json"
    p.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_file(p, dataset_id="y09a02")
    assert (info.value.row, info.value.column) == (2, "Antal personer")
    assert "expected a number, text or null, got True" in str(info.value)
