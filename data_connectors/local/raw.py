"""Bytes -> header and cells for the local templates, reusing the jobindsats readers' parts.

The jobindsats readers find their header by the columns ``Periode`` and ``Område``; a
CRM or case-system extract has neither, so here the header is the first row holding at
least two of the template's column labels. Everything else (decoding, splitting, title
and note lines, Excel number cells) is done by ``csv_reader`` and ``excel_reader``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from data_connectors.jobindsats.mappings import norm_label
from data_connectors.readers import check_file
from data_connectors.readers.csv_reader import (
    DELIMITERS,
    HEADER_SEARCH_ROWS,
    Record,
    cells_from_records,
    records_of,
    table_from_cells,
)
from data_connectors.readers.errors import ReadError
from data_connectors.readers.excel_reader import sheet_table, sheets
from data_connectors.readers.tabular import RawTable
from data_connectors.readers.text import decode_text

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
HELP_SHEET = "Kolonner"
"""The template sheet explaining each column; never read as data."""

HeaderScore = Callable[[list[str]], int]
"""How many of a template's labels a row holds (0: not a header)."""


def label_score(labels: Iterable[str]) -> HeaderScore:
    known = {norm_label(x) for x in labels}

    def score(cells: list[str]) -> int:
        return len({norm_label(c) for c in cells if c.strip()} & known)

    return score


def _find(records: list[Record], score: HeaderScore) -> tuple[int, int] | None:
    """(index, score) of the first of the top rows holding at least two known labels."""
    for idx, (_line, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        s = score(cells)
        if s >= 2:
            return idx, s
    return None


def _trim(header: list[str]) -> list[str]:
    header = list(header)
    while header and not header[-1].strip():
        header = header[:-1]
    return header


def _no_header(file: str, expected: str) -> ReadError:
    return ReadError(
        file,
        f"no header row with the template's columns in the first {HEADER_SEARCH_ROWS} rows: "
        f"expected {expected}",
    )


def read_local_raw(
    path: Path,
    score: HeaderScore,
    expected: str,
    *,
    file: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RawTable:
    """The header and rows of a CSV or .xlsx file in one of the local templates.

    ``score`` recognises the header row; ``expected`` words the columns for the error.
    ``file`` is how the user names the file (default the path).
    """
    path = Path(path)
    name = file or str(path)
    check_file(path, name, max_bytes, split="by year")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ReadError(name, "old binary Excel (.xls) is not supported: save it as .xlsx")
    data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm") or (
        suffix not in (".csv", ".txt", ".tsv") and data.startswith(b"PK\x03\x04")
    ):
        return _read_excel(path, name, score, expected)
    return _read_csv(path, name, data, score, expected)


def _read_csv(path: Path, name: str, data: bytes, score: HeaderScore, expected: str) -> RawTable:
    if not data.strip():
        raise ReadError(name, "the file is empty, expected a header row and data rows")
    text = decode_text(data, name)
    best: tuple[tuple[int, int], str, list[Record], int] | None = None
    for delim in DELIMITERS:
        try:
            head = records_of(text, delim, HEADER_SEARCH_ROWS, name)
        except ReadError:
            continue
        found = _find(head, score)
        if found is None:
            continue
        rank = (found[1], len(head[found[0]][1]))
        if best is None or rank > best[0]:
            best = (rank, delim, head, found[0])
    if best is None:
        raise _no_header(name, expected)
    _rank, delim, _head, idx = best
    records = records_of(text, delim, None, name)
    header_line, header = records[idx]
    header = _trim(header)
    cells = cells_from_records(records[idx + 1 :], len(header))
    return table_from_cells(
        cells,
        name,
        header=header,
        header_row=header_line,
        source=f"fil: {path.name}",
        retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        default_decimal="." if delim == "," else ",",
    )


def _read_excel(path: Path, name: str, score: HeaderScore, expected: str) -> RawTable:
    for sheet in sheets(path, name):
        if norm_label(sheet.name) == norm_label(HELP_SHEET):
            continue
        found = _find(sheet.head, score)
        if found is None:
            continue
        at = found[0]
        return sheet_table(path, sheet, at, sheet.head[at][0], _trim(sheet.head[at][1]))
    raise _no_header(name, expected)
