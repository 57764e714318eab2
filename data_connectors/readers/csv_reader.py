"""Tolerant CSV reader: ``;``, ``,`` or tab; title lines above, footnotes below."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from data_connectors.jobindsats.mappings import AREA_LABELS, PERIOD_LABELS, norm_label
from data_connectors.periods import PeriodError, parse_period
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import Cell, RawTable
from data_connectors.readers.text import decode_text

HEADER_SEARCH_ROWS = 60
DELIMITERS = (";", "\t", ",")
_PERIOD = {norm_label(x) for x in PERIOD_LABELS}
_AREA = {norm_label(x) for x in AREA_LABELS}

Record = tuple[int, list[str]]  # (first line number of the record, cells)


def _records(text: str, delimiter: str, limit: int | None = None) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[Record] = []
    start = 1
    try:
        for cells in reader:
            out.append((start, cells))
            start = reader.line_num + 1
            if limit is not None and len(out) >= limit:
                break
    except csv.Error as exc:
        raise ReadError("", f"cannot split into columns: {exc}", row=start) from None
    return out


def _header_score(cells: list[str]) -> tuple[int, int]:
    normed = {norm_label(c) for c in cells}
    return (bool(normed & _PERIOD) + bool(normed & _AREA), len(cells))


def find_header(records: list[Record]) -> tuple[int, int] | None:
    """(index in records, score) of the first line holding Periode and/or Område."""
    for idx, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        score, _n = _header_score(cells)
        if score and sum(1 for c in cells if c.strip()) >= 2:
            return idx, score
    return None


def _is_period(text: str) -> bool:
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True


def table_from_records(
    records: list[Record],
    file: str,
    *,
    source: str,
    retrieved_at: datetime,
    default_decimal: str,
) -> RawTable:
    """Find the header, drop title and footnote lines, and keep the data rows."""
    found = find_header(records)
    if found is None:
        raise ReadError(
            file,
            f"no header row with columns 'Periode' and 'Område' in the first "
            f"{HEADER_SEARCH_ROWS} rows: expected a jobindsats-style extract",
        )
    idx, score = found
    header_line, header = records[idx]
    while header and not header[-1].strip():  # trailing empty columns (Excel exports)
        header = header[:-1]
    if score < 2:
        normed = {norm_label(c) for c in header}
        missing = "Periode" if not normed & _PERIOD else "Område"
        raise ReadError(file, f"missing column {missing!r}", row=header_line, column=missing)
    ncols = len(header)
    rows: list[tuple[int, list[Cell]]] = []
    footnote: int | None = None
    for line, cells in records[idx + 1 :]:
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        extra = cells[ncols:]
        if any(c.strip() for c in extra):
            raise ReadError(
                file, f"{len(cells)} values but the header has {ncols} columns", row=line
            )
        cells = cells[:ncols]
        if len(filled) == 1 and cells[0].strip() and not _is_period(cells[0]) and ncols > 2:
            footnote = footnote or line  # a note or source line below the table
            continue
        if footnote is not None:
            raise ReadError(
                file,
                f"data row after the note on row {footnote}: expected notes only below the table",
                row=line,
            )
        rows.append((line, list(cells)))
    return RawTable(
        file=file,
        header=header,
        header_row=header_line,
        rows=rows,
        source=source,
        retrieved_at=retrieved_at,
        default_decimal=default_decimal,
    )


def read_csv(path: Path, data: bytes, *, file: str | None = None) -> RawTable:
    """Parse CSV bytes already read from ``path`` (size checked by the caller)."""
    name = file or str(path)
    if not data.strip():
        raise ReadError(name, "the file is empty, expected a header row and data rows")
    try:
        text = decode_text(data, name)
    except ReadError:
        raise
    best: tuple[tuple[int, int], str] | None = None
    for delim in DELIMITERS:
        try:
            head = _records(text, delim, HEADER_SEARCH_ROWS)
        except ReadError:
            continue
        found = find_header(head)
        if found is None:
            continue
        score = (found[1], len(head[found[0]][1]))
        if best is None or score > best[0]:
            best = (score, delim)
    delim = best[1] if best else ";"
    try:
        records = _records(text, delim)
    except ReadError as exc:
        raise ReadError(name, exc.problem, row=exc.row) from None
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return table_from_records(
        records,
        name,
        source=f"fil: {path.name}",
        retrieved_at=mtime,
        default_decimal="." if delim == "," else ",",
    )
