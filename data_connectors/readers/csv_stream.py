"""A large CSV read in chunks of lines, in memory bounded by the chunk, not the file.

``stage_csv`` gives what ``read_csv`` + ``to_aggregate`` give (the same rows, the same
checks, errors naming the same file, line and column), but never holds the file's bytes,
its decoded text or its converted rows at once:

1. a survey of the bytes in blocks of whole lines: binary content, UTF-8 or not (then
   Windows-1252, as ``decode_text``), quotes, lone carriage returns;
2. the header and delimiter from the first lines, as ``read_csv`` finds them;
3. the lines below the header in chunks (``CHUNK_BYTES`` of the file each, cut at a line
   end): each chunk is decoded and checked (control characters, Windows-1252 nonsense)
   and split into cells in Polars, or, if the file has quotes, by the ``csv`` module
   reading the decoded chunks as one stream (a quoted value may span lines and chunks);
4. ``tabular.stage_chunks`` converts the chunks and spills the rows per period year.

Row numbers are the file's line numbers throughout: each chunk knows its first line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from data_connectors.readers.csv_reader import (
    Record,
    _head,
    _layout,
    body_of_cells,
    cells_from_lines,
    cells_from_records,
)
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import RawTable, Staged, stage_chunks
from data_connectors.readers.text import check_text, decode_block, sniff_binary

CHUNK_BYTES = 16 * 1024 * 1024
"""Bytes of the file per chunk (cut at the last line end in it)."""
HEAD_BYTES = 1024 * 1024
"""Bytes read to find the header (``HEADER_SEARCH_ROWS`` records fit in them)."""
RECORDS_PER_CHUNK = 200_000
"""Records per chunk of a quoted file (split by the ``csv`` module)."""


def blocks(path: Path, size: int) -> Iterator[tuple[int, bytes]]:
    """(first line number, bytes) of ``path`` in blocks of whole lines of about ``size``.

    Every block but the last ends with ``\\n``; a line longer than ``size`` is one block.
    """
    line = 1
    rest = b""
    with path.open("rb") as fh:
        while data := fh.read(size):
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                continue
            block, rest = data[:cut], data[cut:]
            yield line, block
            line += block.count(b"\n")
    if rest:
        yield line, rest


@dataclass(frozen=True)
class _Survey:
    encoding: str  # "utf-8-sig" or "cp1252"
    not_utf8: int | None  # the first byte that is not UTF-8 (cp1252 files)
    one_record_per_line: bool  # no quotes, every \r part of a \r\n


def survey(path: Path, name: str, size: int) -> _Survey:
    """One pass over the bytes: what ``decode_text`` and ``read_csv`` decide on the whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    not_utf8: int | None = None
    quoted = lone_cr = False
    content = False
    for line, block in blocks(path, size):
        if line == 1:
            sniff_binary(block, name)
        content = content or bool(block.strip())
        quoted = quoted or b'"' in block
        lone_cr = lone_cr or block.count(b"\r") != block.count(b"\r\n")
        if not_utf8 is None:
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                not_utf8 = exc.object[exc.start]
    if not_utf8 is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:  # the file ends inside a character
            not_utf8 = exc.object[exc.start] if exc.object else 0
    if not content:
        raise ReadError(name, "the file is empty, expected a header row and data rows")
    return _Survey(
        "cp1252" if not_utf8 is not None else "utf-8-sig", not_utf8, not (quoted or lone_cr)
    )


def _texts(path: Path, name: str, s: _Survey, size: int) -> Iterator[tuple[int, str]]:
    """(first line, decoded and checked text) of each block."""
    for line, block in blocks(path, size):
        encoding = "utf-8" if s.encoding == "utf-8-sig" and line > 1 else s.encoding
        text = decode_block(block, name, encoding, line)
        check_text(text, name, first_line=line, not_utf8=s.not_utf8)
        yield line, text


def _line_chunks(
    path: Path, name: str, s: _Survey, size: int, delim: str, header_line: int, ncols: int
) -> Iterator[pl.DataFrame]:
    for line, text in _texts(path, name, s, size):
        lines = pl.Series([text], dtype=pl.String).str.split("\n").explode()
        if text.endswith("\n"):
            lines = lines.head(len(lines) - 1)  # the block ends at a line end
        skip = max(0, header_line - line + 1)  # title lines and the header
        if skip >= len(lines):
            continue
        yield cells_from_lines(lines.slice(skip), line + skip, delim, ncols)


def _record_chunks(
    path: Path, name: str, s: _Survey, size: int, delim: str, idx: int, ncols: int
) -> Iterator[pl.DataFrame]:
    def lines() -> Iterator[str]:
        for _line, text in _texts(path, name, s, size):
            yield from io.StringIO(text, newline="")

    reader = csv.reader(lines(), delimiter=delim)
    batch: list[Record] = []
    start, n = 1, 0
    try:
        for cells in reader:
            if n > idx:  # below the header
                batch.append((start, cells))
            n += 1
            start = reader.line_num + 1
            if len(batch) >= RECORDS_PER_CHUNK:
                yield cells_from_records(batch, ncols)
                batch = []
    except csv.Error as exc:
        raise ReadError(name, f"cannot split into columns: {exc}", row=start) from None
    if batch:
        yield cells_from_records(batch, ncols)


def stage_csv(
    path: Path,
    spill_dir: Path,
    *,
    file: str | None = None,
    dataset_id: str | None = None,
    extra_groups: tuple[str, ...] = (),
    hints: tuple[tuple[str, str], ...] = (),
    chunk_bytes: int = CHUNK_BYTES,
) -> Staged:
    """The canonical rows of a CSV extract, read in chunks and spilled to ``spill_dir``."""
    name = file or str(path)
    s = survey(path, name, chunk_bytes)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if len(head) == HEAD_BYTES and b"\n" in head:
        head = head[: head.rfind(b"\n") + 1]
    top = _head(decode_block(head, name, s.encoding))
    check_text(top, name, not_utf8=s.not_utf8)
    delim, idx, header_line, header = _layout(top, name)
    ncols = len(header)

    def table(body: pl.DataFrame) -> RawTable:
        return RawTable(
            file=name,
            header=header,
            header_row=header_line,
            body=body,
            source=f"fil: {path.name}",
            retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            default_decimal="." if delim == "," else ",",
            hints=hints,
        )

    def chunks() -> Iterator[RawTable]:
        cells = (
            _line_chunks(path, name, s, chunk_bytes, delim, header_line, ncols)
            if s.one_record_per_line
            else _record_chunks(path, name, s, chunk_bytes, delim, idx, ncols)
        )
        note: int | None = None
        for chunk in cells:
            body, note = body_of_cells(chunk, name, ncols, note)
            if not body.is_empty():
                yield table(body)

    empty = table(body_of_cells(cells_from_records([], ncols), name, ncols)[0])
    return stage_chunks(
        chunks, spill_dir, header_table=empty, dataset_id=dataset_id, extra_groups=extra_groups
    )
