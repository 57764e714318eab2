"""Excel (.xlsx) extracts via fastexcel: the first sheet holding a Periode/Område header."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import fastexcel

from data_connectors.readers.csv_reader import Record, find_header, table_from_records
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import RawTable

_FIRST_CELL = re.compile(rb'<c r="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*<(?:v|is|f)\b')


def _first_used_row(path: Path, sheet_index: int) -> int:
    """1-based row of the first cell with a value (fastexcel starts its range there).

    Best effort: the worksheet part is found by position; 1 if anything is unusual.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = sorted(
                (n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[1])),
            )
            with zf.open(names[sheet_index]) as fh:
                chunk = fh.read(1 << 20)
        m = _FIRST_CELL.search(chunk)
        return int(m.group(1)) if m else 1
    except Exception:
        return 1


def read_excel(path: Path, *, file: str | None = None) -> RawTable:
    name = file or str(path)
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReadError(name, f"cannot open as an Excel .xlsx workbook ({first})") from None
    problems: list[ReadError] = []
    for idx, sheet_name in enumerate(reader.sheet_names):
        try:
            sheet = reader.load_sheet(idx, header_row=None, dtypes="string")
            frame = sheet.to_polars()
        except Exception as exc:
            raise ReadError(f"{name} [{sheet_name}]", f"cannot read the sheet ({exc})") from None
        if frame.is_empty():
            continue
        offset = _first_used_row(path, idx)
        records: list[Record] = [
            (offset + i, ["" if c is None else str(c) for c in row])
            for i, row in enumerate(frame.iter_rows())
        ]
        if find_header(records) is None:
            continue
        try:
            return table_from_records(
                records,
                f"{name} [{sheet_name}]",
                source=f"fil: {path.name}",
                retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
                default_decimal=".",
            )
        except ReadError as exc:
            problems.append(exc)
            break
    if problems:
        raise problems[0]
    raise ReadError(
        name,
        "no sheet has a header row with columns 'Periode' and 'Område': "
        "expected a jobindsats-style extract",
    )
