"""Excel (.xlsx) extracts via fastexcel: the first sheet holding a Periode/Område header.

fastexcel gives every cell as text; which cells are stored as numbers (and where the used
range starts) is read from the worksheet XML, so a number keeps its value instead of
being re-read with the decimal mark guessed for the file's text cells.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import fastexcel
import polars as pl

from data_connectors.readers.csv_reader import (
    EXTRA,
    HEADER_SEARCH_ROWS,
    NVALUES,
    Record,
    find_header,
    header_of,
    table_from_cells,
)
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import ROW, RawTable, number_col, text_col

_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


@dataclass(frozen=True)
class SheetCells:
    """What the worksheet XML says that fastexcel's all-text frame cannot.

    ``first_row``/``first_col``: 1-based sheet position of the frame's first cell (the
    first row and column holding a value, where fastexcel's range starts). ``numbers``:
    every cell stored as a number, by (row, column), with its value.
    """

    first_row: int
    first_col: int
    numbers: dict[tuple[int, int], float]
    # cells holding a formula whose saved value is missing or 0: values a program wrote
    # without calculating them (xlsxwriter, openpyxl); (row, column) -> "A1"-style ref
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)


def _sheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """Worksheet part names in workbook order (the order of fastexcel's sheet names)."""
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    parts = []
    for el in workbook.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        parts.append(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    return parts


def scan_sheet(path: Path, sheet_index: int) -> SheetCells:
    """Number cells and the start of the used range of one sheet, read from its XML."""
    with zipfile.ZipFile(path) as zf:
        part = _sheet_parts(zf)[sheet_index]
        numbers: dict[tuple[int, int], float] = {}
        uncalculated: dict[tuple[int, int], str] = {}
        first_row = first_col = 0
        row = col = 0
        with zf.open(part) as fh:
            for event, el in ET.iterparse(fh, events=("start", "end")):
                tag = _local(el.tag)
                if event == "start":
                    if tag == "row":
                        r = el.get("r")
                        row, col = (int(r) if r else row + 1), 0
                    elif tag == "c":
                        m = _CELL_REF.match(el.get("r") or "")
                        if m:
                            col, row = _column_number(m.group(1)), int(m.group(2))
                        else:
                            col += 1
                    continue
                if tag == "row":
                    el.clear()
                if tag != "c":
                    continue
                kind = el.get("t", "n")
                value: str | None = None
                inline = formula = False
                for child in el:
                    name = _local(child.tag)
                    if name == "v":
                        value = child.text
                    elif name == "is":
                        inline = True
                    elif name == "f":
                        formula = True
                if formula and (value is None or value.strip() in ("", "0")):
                    uncalculated[(row, col)] = el.get("r") or f"R{row}C{col}"
                if value or inline:
                    first_row = min(first_row, row) if first_row else row
                    first_col = min(first_col, col) if first_col else col
                if kind == "n" and value:
                    numbers[(row, col)] = float(value)
                el.clear()
    return SheetCells(first_row or 1, first_col or 1, numbers, uncalculated)


def use_number_cells(table: RawTable, cells: SheetCells) -> RawTable:
    """Give the data rows' number cells their stored value (``number_col``).

    fastexcel loads every cell as text (a column mixes labels, numbers and suppression
    marks), so a number cell 1.234 would read like the text "1.234". Number cells keep
    their value here and never go through the decimal-mark guess, which then sees text
    cells only. A number cell shown as something else (a date format) keeps its text.
    """
    if not cells.numbers:
        return table
    ncols = len(table.header)
    first, last = cells.first_col, cells.first_col + ncols - 1
    picked = [(r, c, v) for (r, c), v in cells.numbers.items() if first <= c <= last]
    numbers = pl.DataFrame(
        {
            ROW: [r for r, _, _ in picked],
            "col": [c for _, c, _ in picked],
            "value": [v for _, _, v in picked],
        },
        schema={ROW: pl.Int64, "col": pl.Int64, "value": pl.Float64},
    )
    body = table.body
    for j in range(ncols):
        in_col = numbers.filter(pl.col("col") == first + j).select(
            ROW, pl.col("value").alias(number_col(j))
        )
        body = body.join(in_col, on=ROW, how="left", maintain_order="left")
        text = pl.col(text_col(j)).str.strip_chars()
        shown = text.cast(pl.Float64, strict=False)
        as_text = shown.is_null() & (text.fill_null("") != "")  # a date or time format
        body = body.with_columns(
            pl.when(~as_text).then(pl.col(number_col(j))).alias(number_col(j)),
            (pl.col(number_col(j)).is_not_null() & ~as_text & (shown != pl.col(number_col(j))))
            .fill_null(True)
            .alias("__mismatch"),
        )
        bad = body.filter(pl.col("__mismatch") & pl.col(number_col(j)).is_not_null())
        if not bad.is_empty():
            raise ReadError(
                table.file,
                "cannot match the sheet's number cells to its text (an unusual .xlsx "
                "layout): save the sheet as CSV (UTF-8) and import that",
                row=bad[ROW][0],
            )
        body = body.drop("__mismatch")
    return replace(table, body=body)


def _refuse_uncalculated(table: RawTable, cells: SheetCells, header_row: int) -> None:
    """A formula cell in the table whose saved value is 0 or missing was never calculated
    (the file was written by a program): its 0 is not data."""
    ncols = len(table.header)
    hits = sorted(
        (r, c, ref)
        for (r, c), ref in cells.uncalculated.items()
        if r > header_row and cells.first_col <= c < cells.first_col + ncols
    )
    if hits:
        r, c, ref = hits[0]
        raise ReadError(
            table.file,
            f"cell {ref} holds a formula whose saved value is 0 or missing: the "
            "workbook was saved without calculating it; open and save it in Excel, or paste "
            "the values, and import again",
            row=r,
            column=table.header[c - cells.first_col].strip(),
        )


def cells_below(frame: pl.DataFrame, at: int, header_row: int, ncols: int) -> pl.DataFrame:
    """The sheet rows below the header as the cells frame ``table_from_cells`` takes."""
    names = frame.columns
    extra = [pl.col(c).fill_null("").str.contains(r"\S") for c in names[ncols:]]
    return frame.slice(at + 1).select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + header_row + 1).alias(ROW),
        pl.lit(len(names), dtype=pl.Int64).alias(NVALUES),
        (pl.any_horizontal(extra) if extra else pl.lit(False)).alias(EXTRA),
        *[
            pl.col(c).cast(pl.String).fill_null("").alias(text_col(j))
            for j, c in enumerate(names[:ncols])
        ],
    )


@dataclass(frozen=True)
class Sheet:
    """One non-empty sheet: its cells as text, its number cells and its top rows."""

    name: str
    file: str  # "<file> [<sheet>]", how errors name it
    frame: pl.DataFrame
    cells: SheetCells
    head: list[Record]


def sheets(path: Path, name: str) -> Iterator[Sheet]:
    """The workbook's non-empty sheets in order; ReadError if it cannot be read."""
    try:
        reader = fastexcel.read_excel(path)
    except (fastexcel.FastExcelError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReadError(name, f"cannot open as an Excel .xlsx workbook ({first})") from None
    for idx, sheet_name in enumerate(reader.sheet_names):
        sheet_file = f"{name} [{sheet_name}]"
        try:
            frame = reader.load_sheet(idx, header_row=None, dtypes="string").to_polars()
        except (fastexcel.FastExcelError, pl.exceptions.PolarsError, ValueError) as exc:
            raise ReadError(sheet_file, f"cannot read the sheet ({exc})") from None
        if frame.is_empty():
            continue
        try:
            cells = scan_sheet(path, idx)
        except (KeyError, IndexError, ValueError, ET.ParseError, zipfile.BadZipFile) as exc:
            raise ReadError(sheet_file, f"cannot read the sheet's cells ({exc})") from None
        head: list[Record] = [
            (cells.first_row + i, ["" if c is None else str(c) for c in row])
            for i, row in enumerate(frame.head(HEADER_SEARCH_ROWS).iter_rows())
        ]
        yield Sheet(sheet_name, sheet_file, frame, cells, head)


def sheet_table(path: Path, sheet: Sheet, at: int, header_row: int, header: list[str]) -> RawTable:
    """The table below the header at ``head[at]``: number cells keep their value; a
    formula saved without its value is refused."""
    table = table_from_cells(
        cells_below(sheet.frame, at, header_row, len(header)),
        sheet.file,
        header=header,
        header_row=header_row,
        source=f"fil: {path.name}",
        retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        default_decimal=".",
    )
    _refuse_uncalculated(table, sheet.cells, header_row)
    return use_number_cells(table, sheet.cells)


def read_excel(path: Path, *, file: str | None = None) -> RawTable:
    name = file or str(path)
    found: tuple[str, RawTable] | None = None
    for sheet in sheets(path, name):
        if find_header(sheet.head) is None:
            continue
        at, header_row, header = header_of(sheet.head, sheet.file)
        table = sheet_table(path, sheet, at, header_row, header)
        if found is not None:
            raise ReadError(
                name,
                f"the sheets {found[0]!r} and {sheet.name!r} both hold a table with 'Periode' "
                "and 'Område': jobmaal reads one table per file, never one sheet in silence; "
                "save each sheet as its own file",
            )
        found = (sheet.name, table)
    if found is not None:
        return found[1]
    raise ReadError(
        name,
        "no sheet has a header row with columns 'Periode' and 'Område': "
        "expected a jobindsats-style extract",
    )
