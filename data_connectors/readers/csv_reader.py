"""Tolerant CSV reader: ``;``, ``,`` or tab; title lines above, footnotes below."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from data_connectors.jobindsats.mappings import AREA_LABELS, PERIOD_LABELS, norm_label
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import NCELLS, ROW, RawTable, text_col
from data_connectors.readers.text import decode_text
from domain.periods import PeriodError, parse_period

HEADER_SEARCH_ROWS = 60
DELIMITERS = (";", "\t", ",")
_PERIOD = {norm_label(x) for x in PERIOD_LABELS}
_AREA = {norm_label(x) for x in AREA_LABELS}

Record = tuple[int, list[str]]  # (first line number of the record, cells)


def records_of(text: str, delimiter: str, limit: int | None = None, file: str = "") -> list[Record]:
    """The CSV records of ``text`` (at most ``limit``), each with its first line number."""
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
        raise ReadError(file, f"cannot split into columns: {exc}", row=start) from None
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


NVALUES = "__nvalues"
"""Cells frame column: how many values the record has (header width or not)."""
EXTRA = "__extra"
"""Cells frame column: the record has a non-empty value beyond the header's columns."""
_NOT_BLANK = r"\S"


def header_of(records: list[Record], file: str) -> tuple[int, int, list[str]]:
    """(index in records, line, labels) of the header; ReadError if there is none."""
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
    return idx, header_line, list(header)


def cells_from_records(records: list[Record], ncols: int) -> pl.DataFrame:
    """Records (csv module) as the cells frame ``table_from_cells`` takes."""
    lists = pl.DataFrame(
        {ROW: [line for line, _ in records], "cells": [cells for _, cells in records]},
        schema={ROW: pl.Int64, "cells": pl.List(pl.String)},
    )
    cells = pl.col("cells")
    return lists.select(
        ROW,
        cells.list.len().cast(pl.Int64).alias(NVALUES),
        cells.list.slice(ncols)
        .list.eval(pl.element().str.contains(_NOT_BLANK))
        .list.any()
        .alias(EXTRA),
        *[cells.list.get(j, null_on_oob=True).alias(text_col(j)) for j in range(ncols)],
    )


def cells_from_lines(lines: pl.Series, first_row: int, delimiter: str, ncols: int) -> pl.DataFrame:
    """Lines that are one record each (no quoting) as the cells frame, split in Polars."""
    parts = (
        lines.str.strip_suffix("\r")
        .str.splitn(delimiter, ncols + 1)
        .struct.rename_fields([text_col(j) for j in range(ncols)] + ["__rest"])
        .struct.unnest()
    )
    rest = pl.col("__rest")
    present = pl.sum_horizontal(pl.col(text_col(j)).is_not_null() for j in range(ncols))
    return parts.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias(ROW),
        pl.when(rest.is_null())
        .then(present)
        .otherwise(ncols + 1 + rest.str.count_matches(delimiter, literal=True))
        .cast(pl.Int64)
        .alias(NVALUES),
        rest.str.replace_all(delimiter, "", literal=True)
        .str.contains(_NOT_BLANK)
        .fill_null(False)
        .alias(EXTRA),
        *[text_col(j) for j in range(ncols)],
    )


def table_from_cells(
    cells: pl.DataFrame,
    file: str,
    *,
    header: list[str],
    header_row: int,
    source: str,
    retrieved_at: datetime,
    default_decimal: str,
) -> RawTable:
    """Drop blank lines and the notes below the table, check the records' widths.

    ``cells`` holds the records below the header in order: ``ROW``, ``NVALUES``, ``EXTRA``
    and ``text_col(j)`` for each header column (null where the record has no value).
    Errors: a record with more values than the header (unless the extra ones are empty),
    a data row below a note.
    """
    body, _note = body_of_cells(cells, file, len(header))
    return RawTable(
        file=file,
        header=header,
        header_row=header_row,
        body=body,
        source=source,
        retrieved_at=retrieved_at,
        default_decimal=default_decimal,
    )


def body_of_cells(
    cells: pl.DataFrame, file: str, ncols: int, earlier_note: int | None = None
) -> tuple[pl.DataFrame, int | None]:
    """The body of ``table_from_cells`` and the line of the first note (None: none yet).

    ``earlier_note``: the first note of the lines before these (a file read in chunks),
    below which every data row is an error.
    """
    filled = pl.sum_horizontal(
        pl.col(text_col(j)).str.contains(_NOT_BLANK).fill_null(False) for j in range(ncols)
    ) + pl.col(EXTRA).cast(pl.Int64)
    rows = cells.with_columns(filled.alias("__filled")).filter(pl.col("__filled") > 0)
    single = rows.filter(pl.col("__filled") == 1)[text_col(0)].str.strip_chars()
    notes = [x for x in single.unique().to_list() if x and not _is_period(x)] if ncols > 2 else []
    rows = rows.with_columns(
        ((pl.col("__filled") == 1) & pl.col(text_col(0)).str.strip_chars().is_in(notes)).alias(
            "__note"
        )
    )
    notes_at = rows.filter("__note")[ROW]
    first_note = earlier_note
    if first_note is None and len(notes_at):
        first_note = int(notes_at[0])
    after_note = (
        ~pl.col("__note") & (pl.col(ROW) > first_note) if first_note is not None else pl.lit(False)
    )
    bad = rows.filter(pl.col(EXTRA) | after_note).head(1)
    if not bad.is_empty():
        row = bad.row(0, named=True)
        if row[EXTRA]:
            raise ReadError(
                file, f"{row[NVALUES]} values but the header has {ncols} columns", row=row[ROW]
            )
        raise ReadError(
            file,
            f"data row after the note on row {first_note}: expected notes only below the table",
            row=row[ROW],
        )
    body = rows.filter(~pl.col("__note")).select(
        ROW,
        pl.min_horizontal(NVALUES, pl.lit(ncols, dtype=pl.Int64)).cast(pl.Int64).alias(NCELLS),
        *[text_col(j) for j in range(ncols)],
    )
    return body, first_note


def _head(text: str) -> str:
    """The start of ``text``: enough lines for the header search, without copying it all."""
    pos = 0
    for _ in range(4 * HEADER_SEARCH_ROWS):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return text
    return text[:pos]


def _layout(top: str, name: str) -> tuple[str, int, int, list[str]]:
    """Delimiter, index of the header record, its line and labels, found in ``top`` (the
    file's first lines)."""
    best: tuple[tuple[int, int], str, list[Record]] | None = None
    for delim in DELIMITERS:
        try:
            head = records_of(top, delim, HEADER_SEARCH_ROWS)
        except ReadError:
            continue
        found = find_header(head)
        if found is None:
            continue
        score = (found[1], len(head[found[0]][1]))
        if best is None or score > best[0]:
            best = (score, delim, head)
    if best is None:  # no header with any delimiter: say why, as the whole file splits
        try:
            header_of(records_of(top, ";", HEADER_SEARCH_ROWS), name)
        except ReadError as exc:
            raise ReadError(name, exc.problem, row=exc.row, column=exc.column) from None
        raise AssertionError("unreachable: header_of found a header")  # pragma: no cover
    _score, delim, head = best
    idx, header_line, header = header_of(head, name)
    return delim, idx, header_line, header


def read_csv(path: Path, data: bytes, *, file: str | None = None) -> RawTable:
    """Parse CSV bytes already read from ``path`` (size checked by the caller)."""
    name = file or str(path)
    if not data.strip():
        raise ReadError(name, "the file is empty, expected a header row and data rows")
    text = decode_text(data, name)
    delim, idx, header_line, header = _layout(_head(text), name)
    if '"' not in text and text.count("\r") == text.count("\r\n"):
        # Every line is one record: split the lines below the header in Polars.
        # Split in Polars (one string buffer), never into a Python list of line objects.
        lines = pl.Series([text], dtype=pl.String).str.split("\n").explode()
        del text
        cells = cells_from_lines(lines.slice(header_line), header_line + 1, delim, len(header))
        del lines
    else:
        records = records_of(text, delim, file=name)
        cells = cells_from_records(records[idx + 1 :], len(header))
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return table_from_cells(
        cells,
        name,
        header=header,
        header_row=header_line,
        source=f"fil: {path.name}",
        retrieved_at=mtime,
        default_decimal="." if delim == "," else ",",
    )
