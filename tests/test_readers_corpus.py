"""Every bad file in tests/corpus is refused with one line naming file, row and column."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_connectors.readers import ReadError, read_file
from domain.canonical import AggregateSchema

CORPUS = Path(__file__).parent / "corpus"

# file, --dataset, expected row, expected column, fragment of the message
CASES: list[tuple[str, str | None, int | None, str | None, str]] = [
    ("empty.csv", None, None, None, "the file is empty"),
    ("blank_lines.csv", None, None, None, "no header row with columns 'Periode' and 'Område'"),
    ("binary_renamed.csv", None, 3, None, "binary content (NUL bytes)"),
    ("xlsx_renamed.csv", None, 1, None, "this is an Excel (.xlsx) or zip file"),
    ("utf16.csv", None, 1, None, "the file is UTF-16"),
    ("cp850_undecodable.csv", None, 1, None, "cannot decode byte 0x9d as UTF-8 or Windows-1252"),
    ("cp850_nonsense.csv", None, 1, None, "reads as nonsense in Windows-1252"),
    ("missing_periode.csv", None, 1, "Periode", "missing column 'Periode'"),
    ("missing_omraade.csv", None, 2, "Område", "missing column 'Område'"),
    ("no_header.csv", None, None, None, "no header row"),
    (
        "duplicate_conflict.csv",
        None,
        3,
        "Antal langtidsledige fuldtidspersoner",
        "conflicts with row 2",
    ),
    ("negative_count.csv", None, 3, "Antal langtidsledige fuldtidspersoner", "negative value -3"),
    ("text_in_number.csv", None, 2, "Antal langtidsledige fuldtidspersoner", "got 'tolv'"),
    ("nan_in_number.csv", None, 2, "Antal langtidsledige fuldtidspersoner", "got 'NaN'"),
    ("unknown_area.csv", None, 3, "Område", "unknown area 'Favrskow'"),
    ("unknown_period.csv", None, 3, "Periode", "unknown period code '2021M13'"),
    ("period_as_text.csv", None, 2, "Periode", "unknown period code 'juli 2021'"),
    (
        "renamed_label.csv",
        None,
        1,
        "Antal langtidsledige fuldtidspersoner i alt",
        "unknown or renamed column label 'Antal langtidsledige fuldtidspersoner i alt'",
    ),
    (
        "renamed_label.csv",
        "y25i09",
        1,
        "Antal langtidsledige fuldtidspersoner i alt",
        "unknown column label 'Antal langtidsledige fuldtidspersoner i alt' for table y25i09",
    ),
    ("ambiguous_columns.csv", None, 1, None, "jobmaal does not guess"),
    ("too_many_values.csv", None, 3, None, "6 values but the header has 5 columns"),
    ("too_few_values.csv", None, 3, None, "4 values but the header has 5 columns"),
    ("data_after_footnote.csv", None, 4, None, "data row after the note on row 3"),
    ("empty_area.csv", None, 2, "Område", "empty area"),
    ("only_uoplyst.csv", None, 1, None, "only 'Uoplyst område' rows"),
    ("header_only.csv", None, 2, None, "no data rows below the header"),
    ("mixed_decimal.csv", None, 3, "Antal langtidsledige fuldtidspersoner", "got '9.5'"),
    ("empty_dimension.csv", None, 2, "Ydelsesgrupper", "empty value"),
    ("duplicate_measure_column.csv", None, 1, "Antal personer", "appears twice"),
    ("unlabelled_column.csv", None, 1, "#4", "column 4 has no label"),
    ("bad_json.json", None, 1, None, "not valid JSON"),
    ("json_wrong_shape.json", None, None, None, "with 'columns' and 'rows'"),
    ("json_negative.json", None, 2, "Antal langtidsledige fuldtidspersoner", "negative value -1"),
    (
        "json_object_cell.json",
        None,
        1,
        "Antal langtidsledige fuldtidspersoner",
        "expected a number, text or null",
    ),
    ("text_renamed.xlsx", None, None, None, "cannot open as an Excel .xlsx workbook"),
    # silent misreads (issue 11): each is refused with file, row and column
    (
        "thousands_comma_persons.csv",
        "y09a02",
        2,
        "Antal personer",
        "expected a whole number of persons, got '1,234' (the file's decimal mark was taken "
        "to be a comma",
    ),
    (
        "fractional_persons.csv",
        "y09a02",
        3,
        "Antal personer",
        "whole number of persons, got '15,5'",
    ),
    (
        "percent_over_100.csv",
        "y09a02",
        3,
        "Fuldtidspersoner i pct. af arbejdsstyrken",
        "a percentage of 250 is above 100",
    ),
    (
        "total_below_parts.csv",
        "y35a02",
        2,
        "Antal personer",
        "the total 100 ('Køn' i alt) is smaller than its parts, which sum to 130",
    ),
    ("future_period.csv", None, 3, "Periode", "2099M12 is in the future"),
    ("formula_label.csv", None, 3, "Ydelsesgrupper", "starts like a spreadsheet formula"),
    (
        "unknown_group.csv",
        None,
        3,
        "Ydelsesgrupper",
        "'Kontanthjlp' is not a value of this column in table y25i09",
    ),
    ("old_excel.xls", None, None, None, "old binary Excel (.xls)"),
]


def test_every_corpus_file_has_a_case() -> None:
    files = {p.name for p in CORPUS.iterdir()}
    assert files == {c[0] for c in CASES}
    assert len(files) >= 25


@pytest.mark.parametrize(("name", "dataset", "row", "column", "fragment"), CASES)
def test_corpus_file_is_refused(
    name: str, dataset: str | None, row: int | None, column: str | None, fragment: str
) -> None:
    path = CORPUS / name
    with pytest.raises(ReadError) as info:
        read_file(path, dataset_id=dataset)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert err.row == row
    assert err.column == column
    assert fragment in message
    where = ", ".join(
        ([f"row {row}"] if row is not None else []) + ([f"column {column!r}"] if column else [])
    )
    if where:
        assert f": {where}: " in message


def test_200_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: no 200 MB written to disk or memory
        fh.write(b"Periode;Omr\xc3\xa5de;Antal personer\n")
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(ReadError) as info:
        read_file(big)
    assert "the file is 200.0 MB, larger than the 100.0 MB limit" in str(info.value)
    assert "--max-size" in str(info.value)


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    p = tmp_path / "small.csv"
    p.write_text("Periode;Område;Antal personer;Antal fuldtidspersoner\n2021M07;Favrskov;1;1\n")
    with pytest.raises(ReadError, match=r"larger than the 0\.0 MB limit"):
        read_file(p, max_bytes=10)
    assert read_file(p, dataset_id="y09a02", max_bytes=1000).df.height == 2


def test_excel_with_text_in_number_column(tmp_path: Path) -> None:
    p = tmp_path / "tekst.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige personer"])
    ws.write_row(1, 0, ["2021M07", "Favrskov", "A-dagpenge", "mange"])
    wb.close()
    with pytest.raises(ReadError) as info:
        read_file(p)
    assert (info.value.row, info.value.column) == (2, "Antal langtidsledige personer")
    assert "got 'mange'" in str(info.value)


def test_excel_without_a_header(tmp_path: Path) -> None:
    p = tmp_path / "noheader.xlsx"
    wb = xlsxwriter.Workbook(p)
    wb.add_worksheet("Tom")
    ws = wb.add_worksheet("Noter")
    ws.write(0, 0, "Ingen data her")
    wb.close()
    with pytest.raises(ReadError, match="no sheet has a header row"):
        read_file(p)


GOOD_CSV = (
    "Titel\nPeriode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
    "Antal langtidsledige personer\n"
    "2021M07;Favrskov;Ydelsesgrupper i alt;118,5;140\n2021M08;Hele landet;A-dagpenge;..;12\n"
).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(GOOD_CSV) - 1), st.integers(0, 255), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    suffix=st.sampled_from([".csv", ".json", ".txt"]),
)
def test_damaged_files_never_crash(edits: list[tuple[int, int, bool]], suffix: str) -> None:
    """Any damage gives a one-line ReadError or canonical rows, never another exception."""
    data = bytearray(GOOD_CSV)
    for pos, byte, insert in edits:
        pos = min(pos, len(data) - 1)
        if insert:
            data.insert(pos, byte)
        else:
            data[pos] = byte
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"damaged{suffix}"
        p.write_bytes(bytes(data))
        try:
            c = read_file(p)
        except ReadError as exc:
            assert "\n" not in str(exc)
            assert str(exc).startswith(str(p))
        else:
            AggregateSchema.validate(c.df)


def test_excel_formula_cell_saved_without_its_value_is_refused(tmp_path: Path) -> None:
    """xlsxwriter saves a formula with the value 0 (it cannot calculate): 0 persons would
    be stored although the sheet shows 140 once Excel recalculates it."""
    p = tmp_path / "y09a02-formel.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("Ark1")
    ws.write_row(0, 0, ["Periode", "Område", "Antal personer"])
    ws.write_row(1, 0, ["2021M07", "Favrskov", 134])
    ws.write_row(2, 0, ["2021M08", "Favrskov"])
    ws.write_formula(2, 2, "=C2+6")
    wb.close()
    with pytest.raises(ReadError) as info:
        read_file(p)
    assert (info.value.row, info.value.column) == (3, "Antal personer")
    assert "cell C3 holds a formula whose saved value is 0 or missing" in str(info.value)


def test_excel_with_two_data_sheets_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "y09a02-to-ark.xlsx"
    wb = xlsxwriter.Workbook(p)
    for name, n in (("2021", 134), ("2022", 120)):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["Periode", "Område", "Antal personer"])
        ws.write_row(1, 0, [f"{name}M07", "Favrskov", n])
    wb.add_worksheet("Noter").write(0, 0, "Kilde: jobindsats.dk")
    wb.close()
    with pytest.raises(ReadError, match="the sheets '2021' and '2022' both hold a table"):
        read_file(p)
