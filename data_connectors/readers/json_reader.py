"""Saved jobindsats v3 ``/v3/data`` responses: ``{"columns": [...], "rows": [[...]]}``."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from data_connectors.jobindsats.mappings import table_id_in
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import Cell, RawTable, body_from_rows


def table_from_payload(payload: Any, file: str, *, source: str, retrieved_at: datetime) -> RawTable:
    """A v3 data response (or a cached snapshot wrapping one under ``body``) as a RawTable.

    v3 responses do not name their table; a snapshot saved by ``jobmaal fetch`` does, in
    its ``request`` (``GET /data/y25i09?...``), which becomes the table's hint.
    """
    hints: tuple[tuple[str, str], ...] = ()
    if isinstance(payload, dict) and "body" in payload and "columns" not in payload:
        request = payload.get("request")
        named = table_id_in(request) if isinstance(request, str) else None
        if named and isinstance(request, str) and "/data/" in request:
            hints = (("the saved request", named),)
        payload = payload["body"]
    if not isinstance(payload, dict) or "columns" not in payload or "rows" not in payload:
        raise ReadError(file, "expected a jobindsats v3 data response with 'columns' and 'rows'")
    columns, rows = payload["columns"], payload["rows"]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ReadError(file, "'columns' must be a list of labels")
    if not isinstance(rows, list):
        raise ReadError(file, "'rows' must be a list of rows")
    out: list[tuple[int, list[Cell]]] = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, list):
            raise ReadError(file, "expected a list of values", row=i)
        for j, cell in enumerate(row):
            if isinstance(cell, bool) or not (cell is None or isinstance(cell, str | int | float)):
                col = columns[j] if j < len(columns) else None
                raise ReadError(
                    file, f"expected a number, text or null, got {cell!r}", row=i, column=col
                )
        out.append((i, list(row)))
    return RawTable(
        file=file,
        header=list(columns),
        header_row=None,
        body=body_from_rows(out, len(columns)),
        source=source,
        retrieved_at=retrieved_at,
        default_decimal=",",
        hints=hints,
    )


def read_json(path: Path, data: bytes, *, file: str | None = None) -> RawTable:
    name = file or str(path)
    if not data.strip():
        raise ReadError(name, "the file is empty, expected a jobindsats v3 JSON response")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            name,
            f"cannot decode byte 0x{data[exc.start]:02x} as UTF-8: a saved JSON response is UTF-8",
            row=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            name, f"not valid JSON: {exc.msg} (column {exc.colno})", row=exc.lineno
        ) from None
    retrieved = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if isinstance(payload, dict) and isinstance(payload.get("fetched_at"), str):
        with contextlib.suppress(ValueError):
            retrieved = datetime.fromisoformat(payload["fetched_at"]).astimezone(UTC)
    return table_from_payload(payload, name, source=f"fil: {path.name}", retrieved_at=retrieved)
