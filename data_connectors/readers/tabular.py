"""From a header and rows of cells (CSV, Excel, v3 JSON) to canonical aggregate rows.

Tolerant in what it reads (decimal comma or point, thousands separators, ``..``/``-``/
``.``/blank or null for suppressed cells, "... i alt" totals), strict in what it returns:
every value non-negative and finite, every period and area known, no two rows with the
same key and different values. The first problem raises ReadError naming file, row and
column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl

from data_connectors.areas import Area, UnknownArea, area_by_name
from data_connectors.canonical import DIMENSIONS, TOTAL, AggregateSchema
from data_connectors.jobindsats.mappings import (
    MappingError,
    detect_dataset,
    mapping,
    plan_columns,
)
from data_connectors.periods import Period, PeriodError, parse_period
from data_connectors.readers.errors import ReadError

Cell = str | int | float | None

SUPPRESSED_MARKS = frozenset({"", "..", "-", ".", "…"})
"""Cell texts that mean "suppressed or missing" (stored as null, ``suppressed`` True)."""

UNKNOWN_AREA_PREFIX = "uoplyst"


@dataclass
class RawTable:
    """A table as read from a file or response, before any interpretation."""

    file: str  # how the user names the input (file path or API call)
    header: list[str]
    header_row: int | None  # line number of the header (None: JSON)
    rows: list[tuple[int, list[Cell]]]  # (row number as the user sees it, cells)
    source: str
    retrieved_at: datetime
    default_decimal: str = ","  # for text numbers when the file gives no evidence


@dataclass(frozen=True)
class Converted:
    df: pl.DataFrame  # canonical AggregateSchema rows
    dataset_id: str
    rows_read: int
    skipped_unknown_area: int  # "Uoplyst område" rows: not a municipality


_COMMA_DEC = re.compile(r"^-?\d+,\d+$")
_POINT_DEC = re.compile(r"^-?\d+\.\d+$")
_COMMA_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_POINT_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_NUM = {
    ",": re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"),
    ".": re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"),
}
_SPACE_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(\D|$))")


def _squash(s: str) -> str:
    return _SPACE_THOUSANDS.sub("", s.strip())


def detect_decimal(cells: Iterable[str], default: str) -> str:
    """ "," or "." as the decimal mark of a file's text numbers, by majority of evidence."""
    comma = point = 0
    for raw in cells:
        s = _squash(raw)
        if "," in s and "." in s:
            if s.rfind(",") > s.rfind("."):
                comma += 1
            else:
                point += 1
        elif _COMMA_DEC.match(s) and not _COMMA_THOUSANDS.match(s):
            comma += 1
        elif _POINT_DEC.match(s) and not _POINT_THOUSANDS.match(s):
            point += 1
    if comma == point:
        return default
    return "," if comma > point else "."


def parse_number(text: str, decimal: str) -> float | None:
    """A number written with ``decimal`` as decimal mark; None if it is not one."""
    s = _squash(text)
    if not _NUM[decimal].match(s):
        return None
    thousands = "." if decimal == "," else ","
    return float(s.replace(thousands, "").replace(decimal, "."))


def _example(decimal: str) -> str:
    return "1.234,5" if decimal == "," else "1,234.5"


class _Converter:
    def __init__(self, table: RawTable, dataset_id: str | None, extra_groups: Sequence[str]):
        self.t = table
        try:
            ds = dataset_id or detect_dataset(table.header)
            self.plan = plan_columns(table.header, ds, extra_groups)
        except MappingError as exc:
            raise ReadError(
                table.file, str(exc), row=table.header_row, column=exc.label or None
            ) from None
        self.mapping = mapping(self.plan.dataset_id)
        self.periods: dict[str, Period] = {}
        self.areas: dict[str, Area | None] = {}
        text_cells = (
            c
            for _, cells in table.rows
            for i, _lbl, _m in self.plan.measures
            if i < len(cells) and isinstance(c := cells[i], str)
        )
        self.decimal = detect_decimal(text_cells, table.default_decimal)

    def err(self, row: int, col: int, problem: str) -> ReadError:
        return ReadError(self.t.file, problem, row=row, column=self.t.header[col].strip())

    def period(self, row: int, cell: Cell) -> Period:
        text = "" if cell is None else str(cell).strip()
        p = self.periods.get(text)
        if p is None:
            try:
                p = parse_period(text)
            except PeriodError as exc:
                raise self.err(row, self.plan.period, str(exc)) from None
            self.periods[text] = p
        return p

    def area(self, row: int, cell: Cell) -> Area | None:
        text = "" if cell is None else str(cell).strip()
        if text in self.areas:
            return self.areas[text]
        if not text:
            raise self.err(row, self.plan.area, "empty area, expected a municipality name")
        found: Area | None
        if text.casefold().startswith(UNKNOWN_AREA_PREFIX):
            found = None
        else:
            try:
                found = area_by_name(text)
            except UnknownArea:
                raise self.err(
                    row,
                    self.plan.area,
                    f"unknown area {text!r}: expected a municipality name as in "
                    "reference/municipalities.csv (e.g. 'Favrskov'), a region or 'Hele landet'",
                ) from None
        self.areas[text] = found
        return found

    def value(self, row: int, col: int, label: str, cell: Cell) -> float | None:
        if cell is None:
            return None
        if isinstance(cell, bool):
            raise self.err(row, col, f"expected a number, got {cell!r}")
        if isinstance(cell, int | float):
            v = float(cell)
        else:
            text = cell.strip()
            if text in SUPPRESSED_MARKS:
                return None
            parsed = parse_number(text, self.decimal)
            if parsed is None:
                mark = "comma" if self.decimal == "," else "point"
                raise self.err(
                    row,
                    col,
                    f"expected a number (decimal {mark}, e.g. {_example(self.decimal)}) or a "
                    f"suppression mark (.., -, . or blank), got {text[:40]!r}",
                )
            v = parsed
        if not math.isfinite(v):
            raise self.err(row, col, f"expected a finite number, got {cell!r}")
        if v < 0:
            raise self.err(row, col, f"negative value {v:g}: counts and rates must be 0 or more")
        return v

    def convert(self) -> Converted:
        t, plan = self.t, self.plan
        ncols = len(t.header)
        cols: dict[str, list[Any]] = {
            c: []
            for c in (
                "period",
                "period_type",
                "period_start",
                "period_end",
                "area_code",
                "area_name",
                "area_level",
                *DIMENSIONS,
                "measure_id",
                "value",
            )
        }
        seen: dict[tuple[Any, ...], tuple[float | None, int]] = {}
        skipped = 0
        dim_index = dict(plan.dimensions)
        for row, cells in t.rows:
            if len(cells) != ncols:
                raise ReadError(
                    t.file,
                    f"{len(cells)} values but the header has {ncols} columns",
                    row=row,
                )
            p = self.period(row, cells[plan.period])
            a = self.area(row, cells[plan.area])
            if a is None:
                skipped += 1
                continue
            dims = {d: TOTAL for d in DIMENSIONS}
            for i, d in dim_index.items():
                raw = cells[i]
                text = "" if raw is None else str(raw).strip()
                if not text:
                    raise self.err(row, i, "empty value, expected a category or '... i alt'")
                dims[d] = self.mapping.value(d, text)
            for i, label, mid in plan.measures:
                v = self.value(row, i, label, cells[i])
                key = (p.code, a.code, *dims.values(), mid)
                if key in seen:
                    old, old_row = seen[key]
                    if old != v:
                        raise self.err(
                            row,
                            i,
                            f"conflicts with row {old_row}: same period, area and breakdown "
                            f"but value {_show(v)} here and {_show(old)} there",
                        )
                    continue
                seen[key] = (v, row)
                cols["period"].append(p.code)
                cols["period_type"].append(p.type)
                cols["period_start"].append(p.start)
                cols["period_end"].append(p.end)
                cols["area_code"].append(a.code)
                cols["area_name"].append(a.name)
                cols["area_level"].append(a.level)
                for d in DIMENSIONS:
                    cols[d].append(dims[d])
                cols["measure_id"].append(mid)
                cols["value"].append(v)
        if not cols["period"]:
            what = "only 'Uoplyst område' rows" if skipped else "no data rows below the header"
            raise ReadError(t.file, f"{what}: nothing to import", row=t.header_row)
        n = len(cols["period"])
        df = pl.DataFrame(
            {
                "dataset_id": [plan.dataset_id] * n,
                **cols,
            },
            schema_overrides={"value": pl.Float64},
        ).with_columns(
            pl.col("value").is_null().alias("suppressed"),
            pl.lit(t.source).alias("source"),
            pl.lit(t.retrieved_at.astimezone(UTC))
            .dt.convert_time_zone("UTC")
            .alias("retrieved_at"),
        )
        df = AggregateSchema.validate(df.select(AggregateSchema.column_names()), cast=True)
        return Converted(df, plan.dataset_id, len(t.rows), skipped)


def _show(v: float | None) -> str:
    return "suppressed" if v is None else f"{v:g}"


def to_aggregate(
    table: RawTable, dataset_id: str | None = None, extra_groups: Sequence[str] = ()
) -> Converted:
    """Canonical aggregate rows of ``table`` (dataset detected from the header if not given)."""
    return _Converter(table, dataset_id, extra_groups).convert()


def now_utc() -> datetime:
    return datetime.now(UTC)
