"""A large CSV is read in chunks of lines (issue 14.3): the same rows and the same errors
(file, line, column) as the whole-file reader, whatever the chunk size, also when a
chunk boundary falls between two rows that belong together, in a Windows-1252 file, or
inside a quoted value."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from data_connectors.readers import ReadError, read_file, stage_file
from data_connectors.readers.csv_stream import blocks
from tests.test_readers_corpus import CASES, CORPUS

HEADER = (
    "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
    "Antal langtidsledige personer"
)
KEY = ["period", "area_code", "benefit_group", "measure_id"]
CHUNKS = (150, 1000, 1 << 20)  # a few lines, many lines, the whole file


def extract(lines: list[str]) -> str:
    """Two title lines, the header (line 3), the given rows, a blank line and a note."""
    return "\n".join(["Langtidsledige", "Kilde: jobindsats.dk", HEADER, *lines, "", "Note: x"])


def rows(n_years: int = 3) -> list[str]:
    """y25i09 rows: every month of 2019.. for Favrskov, Ærø and Høje-Taastrup, two
    groups; values vary with the row, some suppressed, full-time persons with decimals."""
    out: list[str] = []
    for y in range(2019, 2019 + n_years):
        for m in range(1, 13):
            for area in ("Favrskov", "Ærø", "Høje-Taastrup"):
                for g, group in enumerate(("A-dagpenge", "Kontanthjælp")):
                    i = len(out)
                    ft = ".." if i % 17 == 0 else f"{(i * 7) % 300},{i % 10}"
                    out.append(f"{y}M{m:02d};{area};{group};{ft};{(i * 13) % 400 + g}")
    return out


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "x.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def staged(path: Path, spill: Path, chunk: int, dataset: str | None = None) -> pl.DataFrame:
    s = stage_file(path, spill, dataset_id=dataset, stream_above=0, chunk_bytes=chunk)
    return s.frame.collect().sort(KEY)


def whole(path: Path, dataset: str | None = None) -> pl.DataFrame:
    return read_file(path, dataset_id=dataset).df.sort(KEY)


def error(path: Path, spill: Path, chunk: int) -> ReadError:
    with pytest.raises(ReadError) as info:
        stage_file(path, spill, stream_above=0, chunk_bytes=chunk)
    return info.value


def test_blocks_are_whole_lines_numbered_from_one(tmp_path: Path) -> None:
    path = write(tmp_path, "a\nbb\nccc\ndddd\ne")
    got = list(blocks(path, 4))
    # 4 bytes "a\nbb" -> cut after "a\n"; then "bb\ncc" ... every block ends at a line end
    assert [b for _, b in got] == [b"a\n", b"bb\n", b"ccc\n", b"dddd\n", b"e"]
    assert [line for line, _ in got] == [1, 2, 3, 4, 5]
    assert b"".join(b for _, b in got) == path.read_bytes()


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_rows_read_in_chunks_equal_the_whole_read(
    tmp_path: Path, chunk: int, encoding: str
) -> None:
    path = write(tmp_path, extract(rows()), encoding)
    expected = whole(path)
    # 3 years x 12 months x 3 areas x 2 groups = 216 rows, 2 measures each
    assert expected.height == 432
    assert set(expected["area_name"]) == {"Favrskov", "Ærø", "Høje-Taastrup"}
    got = staged(path, tmp_path / "spill", chunk)
    assert got.select(expected.columns).equals(expected)
    s = stage_file(path, tmp_path / "spill2", stream_above=0, chunk_bytes=chunk)
    c = read_file(path)
    assert (s.dataset_id, s.rows_read, s.skipped_unknown_area, s.warnings) == (
        c.dataset_id,
        c.rows_read,
        c.skipped_unknown_area,
        c.warnings,
    )
    # one spilled file per period year
    assert sorted(p.name for p in (tmp_path / "spill").iterdir()) == [
        "year=2019.parquet",
        "year=2020.parquet",
        "year=2021.parquet",
    ]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[0].endswith(".csv") and c[0] != "empty.csv"],
    ids=lambda c: f"{c[0]}-{c[1]}",
)
def test_every_corpus_error_is_the_same_read_line_by_line(
    tmp_path: Path, case: tuple[str, str | None, int | None, str | None, str]
) -> None:
    name, dataset, row, column, fragment = case
    with pytest.raises(ReadError) as info:  # 40 bytes: a chunk is about one line
        stage_file(CORPUS / name, tmp_path, dataset_id=dataset, stream_above=0, chunk_bytes=40)
    err = info.value
    assert (err.row, err.column) == (row, column)
    assert fragment in str(err) and str(CORPUS / name) in str(err)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_bad_number_far_down_names_its_line(tmp_path: Path, chunk: int) -> None:
    lines = rows()
    # data rows start on line 4 (two titles, the header): row index 150 is line 154
    lines[150] = lines[150].rsplit(";", 2)[0] + ";tolv;3"
    path = write(tmp_path, extract(lines))
    err = error(path, tmp_path / "spill", chunk)
    assert (err.row, err.column) == (154, "Antal langtidsledige fuldtidspersoner")
    assert "got 'tolv'" in str(err)
    with pytest.raises(ReadError) as info:
        read_file(path)
    assert str(err) == str(info.value)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_conflicting_repeat_in_another_chunk_names_both_lines(tmp_path: Path, chunk: int) -> None:
    lines = rows()
    period, area, group, _ft, persons = lines[2].split(";")  # line 6
    lines[190] = f"{period};{area};{group};999,5;{persons}"  # line 194, same key
    lines[191] = lines[3]  # line 195 repeats line 7 exactly: kept once, no error
    path = write(tmp_path, extract(lines))
    err = error(path, tmp_path / "spill", chunk)
    assert (err.row, err.column) == (194, "Antal langtidsledige fuldtidspersoner")
    assert "conflicts with row 6" in str(err) and "999.5" in str(err)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_identical_repeat_in_another_chunk_is_kept_once(tmp_path: Path, chunk: int) -> None:
    lines = rows()
    lines[191] = lines[3]  # replaces the row it overwrites: 215 distinct rows remain
    path = write(tmp_path, extract(lines))
    got = staged(path, tmp_path / "spill", chunk)
    assert got.height == 430 and got.equals(whole(path).select(got.columns))


@pytest.mark.parametrize("chunk", CHUNKS)
def test_data_below_a_note_in_an_earlier_chunk(tmp_path: Path, chunk: int) -> None:
    lines = rows(1)
    lines.insert(5, "Note: foreløbige tal")  # line 9
    path = write(tmp_path, extract(lines))
    err = error(path, tmp_path / "spill", chunk)
    assert err.row == 10 and "data row after the note on row 9" in str(err)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_windows_1252_error_line_counts_lines_with_letters_beyond_ascii(
    tmp_path: Path, chunk: int
) -> None:
    lines = rows()
    period, _area, group, ft, persons = lines[100].split(";")  # line 104
    lines[100] = f"{period};Ærøø;{group};{ft};{persons}"
    path = write(tmp_path, extract(lines), "cp1252")
    err = error(path, tmp_path / "spill", chunk)
    assert (err.row, err.column) == (104, "Område")
    assert "unknown area 'Ærøø'" in str(err)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_undecodable_byte_far_down_names_its_line(tmp_path: Path, chunk: int) -> None:
    data = extract(rows()).encode("cp1252")
    lines = data.split(b"\n")
    lines[120] = lines[120].replace(b"Kontanthj\xe6lp", b"Kontanthj\x9dlp")  # not in cp1252
    path = tmp_path / "x.csv"
    path.write_bytes(b"\n".join(lines))
    err = error(path, tmp_path / "spill", chunk)
    assert err.row == 121 and "cannot decode byte 0x9d" in str(err)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_decimal_point_seen_only_late_in_the_file(tmp_path: Path, chunk: int) -> None:
    """Whole numbers first, then 3 values with a decimal point: the whole file's evidence
    says point, so 12.5 is twelve and a half, in every chunk."""
    lines = [f"2021M{m:02d};Favrskov;A-dagpenge;{10 + m};{20 + m}" for m in range(1, 10)]
    lines += [f"2022M0{m};Favrskov;A-dagpenge;12.5;30" for m in range(1, 4)]
    path = write(tmp_path, extract(lines))
    got = staged(path, tmp_path / "spill", chunk)
    assert got.equals(whole(path).select(got.columns))
    ft = got.filter(pl.col("measure_id") == "fuldtidspersoner")
    assert ft.filter(pl.col("period") == "2022M02")["value"].to_list() == [12.5]


@pytest.mark.parametrize("chunk", CHUNKS)
def test_quoted_file_with_a_value_spanning_lines(tmp_path: Path, chunk: int) -> None:
    """A quoted title over two lines (lines 1-2) moves the header to line 4; quoted
    fields are split by the csv module, and line numbers stay the file's."""
    lines = [";".join(f'"{c}"' for c in r.split(";")) for r in rows(1)]
    lines[30] = lines[30].replace('"Favrskov"', '"Favrskow"')  # line 35
    text = "\n".join(['"Langtidsledige', 'fuldtidspersoner"', "", HEADER, *lines])
    path = write(tmp_path, text)
    err = error(path, tmp_path / "spill", chunk)
    assert (err.row, err.column) == (35, "Område")
    good = write(tmp_path, text.replace("Favrskow", "Favrskov"), name="good.csv")
    got = staged(good, tmp_path / "spill2", chunk)
    assert got.height == 144 and got.equals(whole(good).select(got.columns))


def test_staged_frame_imports_into_the_store(tmp_path: Path) -> None:
    from data_connectors.store import Store

    path = write(tmp_path, extract(rows()))
    s = stage_file(path, tmp_path / "spill", stream_above=0, chunk_bytes=97)
    store = Store(tmp_path / "data")
    r = store.import_aggregate(s.frame, origin=str(path), sha256="x")
    assert (r.rows_in, r.rows_added) == (432, 432)
    got = store.scan("y25i09").collect().sort(KEY)
    assert got.equals(whole(path).select(got.columns))


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_first_letter_beyond_ascii_in_a_late_chunk(tmp_path: Path, encoding: str) -> None:
    """36 ASCII rows (many chunks that would decode as UTF-8), then Ærø: the whole file
    is Windows-1252, decided before any chunk is read, so Ærø is Ærø, not an error."""
    ascii_rows = [r for r in rows() if ";Favrskov;A-dagpenge;" in r]  # 36 rows
    lines = ascii_rows + [r for r in rows() if ";Ærø;" in r][:10]
    text = extract(lines).replace("Område", "Omraade")  # the header in ASCII too
    path = write(tmp_path, text, encoding)
    assert min(path.read_bytes().find(c.encode(encoding)) for c in "Æø") > 36 * 30
    got = staged(path, tmp_path / "spill", 150)
    assert got.equals(whole(path).select(got.columns))
    assert got.filter(pl.col("area_name") == "Ærø").height == 20
