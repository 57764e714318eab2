"""Readers for extracts analysts already have: CSV, Excel (.xlsx) and saved v3 JSON.

``read_file(path)`` returns canonical aggregate rows (``AggregateSchema``) or raises
``ReadError`` naming file, row and column. Nothing here writes to the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from data_connectors.jobindsats.mappings import table_id_in
from data_connectors.readers import csv_stream
from data_connectors.readers.csv_reader import read_csv
from data_connectors.readers.errors import ReadError
from data_connectors.readers.excel_reader import read_excel
from data_connectors.readers.json_reader import read_json
from data_connectors.readers.tabular import Converted, RawTable, Staged, to_aggregate

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
"""Files larger than this are refused before reading (``jobmaal import --max-size``)."""
STREAM_ABOVE = 32 * 1024 * 1024
"""CSV files larger than this are read in chunks by ``stage_file`` (``csv_stream``)."""
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")

__all__ = [
    "DEFAULT_MAX_BYTES",
    "STREAM_ABOVE",
    "Converted",
    "RawTable",
    "ReadError",
    "Staged",
    "check_file",
    "read_file",
    "read_raw",
    "stage_file",
    "to_aggregate",
]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_file(path: Path, name: str, max_bytes: int, split: str = "by period") -> None:
    """ReadError unless ``path`` is a file with content, at most ``max_bytes``."""
    if not path.is_file():
        raise ReadError(name, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(name, "the file is empty, expected a header row and data rows")
    if size > max_bytes:
        raise ReadError(
            name,
            f"the file is {_mb(size)}, larger than the {_mb(max_bytes)} limit: "
            f"split it (e.g. {split}) or raise the limit with --max-size",
        )


def read_raw(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawTable:
    """The header and rows of a file, whatever its format; ReadError if unreadable."""
    path = Path(path)
    name = str(path)
    check_file(path, name, max_bytes)
    table = _read_raw(path, name, path.suffix.lower())
    named = table_id_in(path.name)
    if named:  # the table id in the file name ("y25i09-favrskov.json") says which table
        table = dataclasses.replace(table, hints=(("the file name", named), *table.hints))
    return table


def _read_raw(path: Path, name: str, suffix: str) -> RawTable:
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path)
    if suffix == ".xls":
        raise ReadError(name, "old binary Excel (.xls) is not supported: save it as .xlsx")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(name, f"cannot read the file ({exc.strerror})") from None
    text_suffix = suffix in _TEXT_SUFFIXES
    if suffix == ".json" or (not text_suffix and data.lstrip()[:1] in (b"{", b"[")):
        return read_json(path, data)
    if not text_suffix and data.startswith(b"PK\x03\x04"):
        return read_excel(path)
    return read_csv(path, data)


def read_file(
    path: Path,
    *,
    dataset_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extra_groups: Sequence[str] = (),
) -> Converted:
    """Canonical aggregate rows of one extract (dataset detected from its columns if not given)."""
    return to_aggregate(read_raw(path, max_bytes=max_bytes), dataset_id, extra_groups)


def stage_file(
    path: Path,
    spill_dir: Path,
    *,
    dataset_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extra_groups: Sequence[str] = (),
    stream_above: int | None = None,
    chunk_bytes: int | None = None,
) -> Staged:
    """``read_file`` for an import: a CSV file above ``stream_above`` bytes is read in
    chunks of ``chunk_bytes`` and its rows spilled to ``spill_dir`` (which the caller
    removes), so its size is bounded by the disk, not the memory. Other files (Excel,
    JSON, smaller CSV) are read whole as ``read_file`` reads them; their rows stay in
    memory. Either way the rows are not yet validated against ``AggregateSchema``: the
    store validates every row it imports.
    Defaults: ``STREAM_ABOVE`` and ``csv_stream.CHUNK_BYTES``.
    """
    stream_above = STREAM_ABOVE if stream_above is None else stream_above
    path = Path(path)
    name = str(path)
    check_file(path, name, max_bytes)
    if path.suffix.lower() in _TEXT_SUFFIXES and path.stat().st_size > stream_above:
        named = table_id_in(path.name)
        return csv_stream.stage_csv(
            path,
            spill_dir,
            file=name,
            dataset_id=dataset_id,
            extra_groups=tuple(extra_groups),
            hints=(("the file name", named),) if named else (),
            chunk_bytes=csv_stream.CHUNK_BYTES if chunk_bytes is None else chunk_bytes,
        )
    # The store validates every row it imports: not here too.
    raw = read_raw(path, max_bytes=max_bytes)
    c = to_aggregate(raw, dataset_id, extra_groups, check_schema=False)
    return Staged(c.df.lazy(), c.dataset_id, c.rows_read, c.skipped_unknown_area, c.warnings)
