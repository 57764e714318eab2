"""From a header and a body of cells (CSV, Excel, v3 JSON) to canonical aggregate rows.

Tolerant in what it reads (decimal comma or point, thousands separators, ``..``/``-``/
``.``/blank or null for suppressed cells, "... i alt" totals), strict in what it returns:
every value non-negative and finite, every period and area known, no two rows with the
same key and different values. The first problem (by row, then by column as the row is
read) raises ReadError naming file, row and column.

Everything runs over whole columns in Polars: numbers are parsed with string expressions,
periods, areas and breakdown values are interpreted once per distinct value and joined
back. Python touches single cells only to word the error message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from data_connectors.jobindsats.mappings import (
    MappingError,
    mapping,
    plan_columns,
    resolve_dataset,
)
from data_connectors.readers.errors import ReadError
from domain.areas import UnknownArea, area_by_name
from domain.canonical import DIMENSIONS, TOTAL, AggregateSchema
from domain.datasets import DATASETS, SUBTOTALS
from domain.periods import PeriodError, parse_period

Cell = str | int | float | None

SUPPRESSED_MARKS = frozenset({"", "..", "-", ".", "…"})
"""Cell texts that mean "suppressed or missing" (stored as null, ``suppressed`` True)."""

UNKNOWN_AREA_PREFIX = "uoplyst"

FORMULA_LIKE = re.compile(r"^\s*([=+@\t\r]|-(?![0-9]))")
"""A label a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``@SUM``, ``-cmd``)."""

WHOLE_UNITS = frozenset({"personer", "antal", "placering"})
"""Units counted in whole numbers: 15,5 persons is a misread (often "1,234" read as 1,234)."""

ROW = "__row"
"""Body column: the row number as the user sees it (line in the file, row in the sheet)."""
NCELLS = "__ncells"
"""Body column: how many values the row has (checked against the header)."""
MEASURE_COL = "__j"
"""Column of canonical rows read in chunks: the header column of the row's measure."""


def text_col(j: int) -> str:
    """Body column with the text of column ``j`` (null: no value)."""
    return f"__t{j}"


def number_col(j: int) -> str:
    """Optional body column with the value of column ``j`` when it is stored as a number."""
    return f"__n{j}"


@dataclass
class RawTable:
    """A table as read from a file or response, before any interpretation.

    ``body`` has ``ROW``, ``NCELLS`` and one ``text_col(j)`` per header column; readers of
    typed formats (Excel, JSON) add ``number_col(j)`` for cells stored as numbers, which
    keep their value and never go through the decimal-mark guess.
    """

    file: str  # how the user names the input (file path or API call)
    header: list[str]
    header_row: int | None  # line number of the header (None: JSON)
    body: pl.DataFrame
    source: str
    retrieved_at: datetime
    default_decimal: str = ","  # for text numbers when the file gives no evidence
    # (where, table id) the input itself names: its file name, a saved request
    hints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Converted:
    df: pl.DataFrame  # canonical AggregateSchema rows
    dataset_id: str
    rows_read: int
    skipped_unknown_area: int  # "Uoplyst område" rows: not a municipality
    warnings: tuple[str, ...] = ()  # what the user should know about what was stored


def body_from_rows(rows: Sequence[tuple[int, Sequence[Cell]]], ncols: int) -> pl.DataFrame:
    """A RawTable body from Python rows (saved JSON responses): text and typed numbers."""
    texts: list[list[str | None]] = [[] for _ in range(ncols)]
    numbers: list[list[float | None]] = [[] for _ in range(ncols)]
    for _, cells in rows:
        for j in range(ncols):
            cell = cells[j] if j < len(cells) else None
            if cell is None or isinstance(cell, str):
                texts[j].append(cell)
                numbers[j].append(None)
                continue
            texts[j].append(str(cell))
            try:
                numbers[j].append(float(cell))
            except OverflowError:  # an integer too large for a float
                numbers[j].append(float("inf"))
    columns: dict[str, pl.Series] = {
        ROW: pl.Series([r for r, _ in rows], dtype=pl.Int64),
        NCELLS: pl.Series([len(c) for _, c in rows], dtype=pl.Int64),
    }
    for j in range(ncols):
        columns[text_col(j)] = pl.Series(texts[j], dtype=pl.String)
        columns[number_col(j)] = pl.Series(numbers[j], dtype=pl.Float64)
    return pl.DataFrame(columns)


# -- numbers written as text ------------------------------------------------------------
_COMMA_DEC = r"^-?[0-9]+,[0-9]+$"
_POINT_DEC = r"^-?[0-9]+\.[0-9]+$"
_COMMA_THOUSANDS = r"^-?[0-9]{1,3}(,[0-9]{3})+$"
_POINT_THOUSANDS = r"^-?[0-9]{1,3}(\.[0-9]{3})+$"
_COMMA_AFTER_LAST_POINT = r",[^.]*$"
_NUM = {
    ",": r"^-?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$",
    ".": r"^-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$",
}
_INNER_SPACE = r"[0-9][ \u00a0\u202f][0-9]"
_SPACE_THOUSANDS = re.compile(r"(?<=[0-9])[ \u00a0\u202f](?=[0-9]{3}([^0-9]|$))")


def squash(texts: pl.Series) -> pl.Series:
    """Texts stripped, with space thousands separators (``12 345``) removed.

    The few distinct texts with a space between digits are rewritten in Python (the rule
    needs look-around, which Polars' regex engine lacks) and mapped back.
    """
    s = texts.str.strip_chars()
    spaced = s.filter(s.str.contains(_INNER_SPACE)).unique()
    if spaced.is_empty():
        return s
    return s.replace({t: _SPACE_THOUSANDS.sub("", t) for t in spaced.to_list()})


def detect_decimal_series(texts: pl.Series, default: str) -> str:
    """ "," or "." as the decimal mark of text numbers, by majority of evidence."""
    return decide_decimal(*decimal_evidence(texts), default)


def decide_decimal(n_comma: int, n_point: int, default: str) -> str:
    """The decimal mark the evidence (texts read with a comma / a point) points to."""
    if n_comma == n_point:
        return default
    return "," if n_comma > n_point else "."


def decimal_evidence(texts: pl.Series) -> tuple[int, int]:
    """How many of ``texts`` read as numbers with a decimal comma, how many with a point
    (evidence adds up: a file read in chunks sums its chunks' evidence)."""
    s = pl.col("s")
    both = s.str.contains(",", literal=True) & s.str.contains(".", literal=True)
    comma_last = s.str.contains(_COMMA_AFTER_LAST_POINT)
    comma = (both & comma_last) | (
        ~both & s.str.contains(_COMMA_DEC) & ~s.str.contains(_COMMA_THOUSANDS)
    )
    point = (both & ~comma_last) | (
        ~both & s.str.contains(_POINT_DEC) & ~s.str.contains(_POINT_THOUSANDS)
    )
    # Only texts with a comma or a point are evidence; each distinct one is looked at once.
    marked = texts.filter(texts.str.contains(r"[,.]")).drop_nulls()
    frame = squash(marked).value_counts(name="n").rename({marked.name: "s"})
    n_comma, n_point = frame.select(
        pl.col("n").filter(comma).sum().alias("comma"),
        pl.col("n").filter(point).sum().alias("point"),
    ).row(0)
    return int(n_comma), int(n_point)


def parse_numbers(squashed: pl.Series, decimal: str) -> pl.Series:
    """Numbers written with ``decimal`` as decimal mark (already squashed); null if not one."""
    thousands = "." if decimal == "," else ","
    frame = pl.DataFrame({"s": squashed})
    s = pl.col("s")
    value = (
        s.str.replace_all(thousands, "", literal=True)
        .str.replace(decimal, ".", literal=True)
        .cast(pl.Float64, strict=False)
    )
    return frame.select(pl.when(s.str.contains(_NUM[decimal])).then(value)).to_series()


def detect_decimal(cells: Iterable[str], default: str) -> str:
    """ "," or "." as the decimal mark of a file's text numbers, by majority of evidence."""
    return detect_decimal_series(pl.Series(list(cells), dtype=pl.String), default)


def parse_number(text: str, decimal: str) -> float | None:
    """A number written with ``decimal`` as decimal mark; None if it is not one."""
    value: float | None = parse_numbers(squash(pl.Series([text])), decimal)[0]
    return value


def _example(decimal: str) -> str:
    return "1.234,5" if decimal == "," else "1,234.5"


def _show(v: float | None) -> str:
    return "suppressed" if v is None else f"{v:g}"


# -- conversion -------------------------------------------------------------------------
Problem = Callable[[dict[str, Any]], ReadError]
"""Words the error for the first offending row (given that row's columns)."""


def _lookup(
    values: pl.Series, name: str, interpret: Callable[[str], dict[str, Any]]
) -> pl.DataFrame:
    """A frame keyed by ``name`` with ``interpret`` applied once to every distinct value."""
    keys = values.unique().to_list()
    rows = [{name: k, **interpret(k)} for k in keys]
    return pl.DataFrame(rows, infer_schema_length=None)


class _Converter:
    def __init__(
        self,
        table: RawTable,
        dataset_id: str | None,
        extra_groups: Sequence[str],
        today: date | None = None,
        decimal: str | None = None,
    ):
        self.t = table
        try:
            ds = resolve_dataset(
                table.header, given=dataset_id, hints=table.hints, extra_groups=extra_groups
            )
            self.plan = plan_columns(table.header, ds, extra_groups)
        except MappingError as exc:
            raise ReadError(
                table.file, str(exc), row=table.header_row, column=exc.label or None
            ) from None
        self.mapping = mapping(self.plan.dataset_id)
        self.dataset = DATASETS[self.plan.dataset_id]
        self.today = today or date.today()
        if decimal is not None:  # decided from the whole file (a file read in chunks)
            self.decimal = decimal
            return
        self.decimal = detect_decimal_series(self.measure_texts(), table.default_decimal)

    def measure_texts(self) -> pl.Series:
        """The measure cells written as text: the evidence of the decimal mark."""
        body = self.t.body
        texts = [  # the decimal mark is guessed from text cells only, never from numbers
            body.filter(pl.col(number_col(i)).is_null())[text_col(i)]
            if number_col(i) in body.columns
            else body[text_col(i)]
            for i, _lbl, _m in self.plan.measures
        ]
        return pl.concat(texts) if texts else pl.Series([], dtype=pl.String)

    def err(self, row: int, col: int, problem: str) -> ReadError:
        return ReadError(self.t.file, problem, row=row, column=self.t.header[col].strip())

    # -- interpreting distinct values ---------------------------------------------------
    def _period(self, text: str) -> dict[str, Any]:
        try:
            p = parse_period(text)
        except PeriodError as exc:
            return {"period": None, "period_type": None, "period_start": None,
                    "period_end": None, "__period_error": str(exc)}  # fmt: skip
        outside = self._outside(p.code, p.start, p.end)
        return {"period": p.code, "period_type": p.type, "period_start": p.start,
                "period_end": p.end, "__period_error": outside}  # fmt: skip

    def _outside(self, code: str, start: Any, end: Any) -> str | None:
        """Why a period cannot be in this table: it lies in the future, or after (before)
        the series break the table ends (starts) with."""
        if start > self.today:
            return f"{code} is in the future (today is {self.today:%Y-%m-%d}): check the period"
        ds = self.dataset
        if ds.last_period and start > parse_period(ds.last_period).end:
            return (
                f"{code} is after {ds.last_period}, the last period of {ds.id} ({ds.title}); "
                f"later figures are in another table ({ds.note}): check which table the "
                "file holds"
            )
        if ds.first_period and end < parse_period(ds.first_period).start:
            return (
                f"{code} is before {ds.first_period}, the first period of {ds.id} "
                f"({ds.title}): check which table the file holds"
            )
        return None

    @staticmethod
    def _area(text: str) -> dict[str, Any]:
        none = {"area_code": None, "area_name": None, "area_level": None}
        if not text:
            return {
                **none,
                "__skip": False,
                "__area_error": "empty area, expected a municipality name",
            }
        if text.casefold().startswith(UNKNOWN_AREA_PREFIX):
            return {**none, "__skip": True, "__area_error": None}
        try:
            a = area_by_name(text)
        except UnknownArea:
            return {
                **none,
                "__skip": False,
                "__area_error": f"unknown area {text!r}: expected a municipality name as in "
                "reference/municipalities.csv (e.g. 'Favrskov'), a region or 'Hele landet'",
            }
        return {"area_code": a.code, "area_name": a.name, "area_level": a.level,
                "__skip": False, "__area_error": None}  # fmt: skip

    def _dimension_values(self, texts: pl.Series, dimension: str, name: str) -> pl.DataFrame:
        def stored(text: str) -> dict[str, Any]:
            if not text:
                return {name: None, f"{name}_error": None}
            if FORMULA_LIKE.match(text):
                error: str | None = (
                    f"the value {text[:40]!r} starts like a spreadsheet formula; a category "
                    "never does: check the file (it may be tampered with)"
                )
            else:
                error = self.mapping.disallowed(dimension, text)
            return {name: self.mapping.value(dimension, text), f"{name}_error": error}

        return _lookup(texts, f"{name}_text", stored)

    def _value_columns(self, k: int, j: int) -> list[pl.Series]:
        """Value, and the flags bad text / not finite / negative, of measure ``k`` (column j)."""
        body = self.t.body
        raw = body[text_col(j)]
        stripped = raw.str.strip_chars()
        typed = (
            body[number_col(j)]
            if number_col(j) in body.columns
            else pl.Series([None] * body.height, dtype=pl.Float64)
        )
        suppressed = stripped.is_null() | stripped.is_in(list(SUPPRESSED_MARKS))
        parsed = parse_numbers(squash(stripped), self.decimal)
        frame = pl.DataFrame({"typed": typed, "suppressed": suppressed, "parsed": parsed})
        out = frame.select(
            pl.when(pl.col("typed").is_not_null())
            .then(pl.col("typed"))
            .when(~pl.col("suppressed"))
            .then(pl.col("parsed"))
            .alias(f"__v{k}"),
            (pl.col("typed").is_null() & ~pl.col("suppressed") & pl.col("parsed").is_null()).alias(
                f"__bad{k}"
            ),
        ).with_columns(
            (pl.col(f"__v{k}").is_not_null() & ~pl.col(f"__v{k}").is_finite()).alias(f"__inf{k}"),
            (pl.col(f"__v{k}") < 0).fill_null(False).alias(f"__neg{k}"),
        )
        measure = self.dataset.measure(self.plan.measures[k][2])
        v = pl.col(f"__v{k}")
        whole = measure.unit in WHOLE_UNITS
        out = out.with_columns(
            pl.lit(False).alias(f"__neg{k}") if measure.signed else pl.col(f"__neg{k}"),
            (whole & v.is_finite() & (v != v.round(0))).fill_null(False).alias(f"__frac{k}"),
            (pl.lit(measure.unit == "pct" and not measure.signed) & v.is_finite() & (v > 100))
            .fill_null(False)
            .alias(f"__over{k}"),
        )
        return [*out.get_columns(), typed.is_not_null().alias(f"__typed{k}")]

    # -- the whole table ----------------------------------------------------------------
    def _wide(self) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
        """One row per body row: its period, area, breakdown and values interpreted, with
        a flag per check (``_raise_first_problem``)."""
        t, plan = self.t, self.plan
        body = t.body

        def text(j: int) -> pl.Expr:
            return pl.col(text_col(j)).fill_null("").str.strip_chars()

        dims = [(i, d, f"__dim{n}") for n, (i, d) in enumerate(plan.dimensions)]
        wide = body.select(
            ROW,
            NCELLS,
            text(plan.period).alias("__p"),
            text(plan.area).alias("__a"),
            *[text(i).alias(f"{name}_text") for i, _d, name in dims],
        )
        wide = wide.join(
            _lookup(wide["__p"], "__p", self._period), on="__p", how="left", maintain_order="left"
        ).join(_lookup(wide["__a"], "__a", self._area), on="__a", how="left", maintain_order="left")
        for _i, d, name in dims:
            wide = wide.join(
                self._dimension_values(wide[f"{name}_text"], d, name),
                on=f"{name}_text",
                how="left",
                maintain_order="left",
            )
        wide = wide.with_columns(
            [s for k, (j, _l, _m) in enumerate(plan.measures) for s in self._value_columns(k, j)]
        )
        return wide, dims

    def _explode(self, rows: pl.DataFrame, dims: list[tuple[int, str, str]]) -> pl.DataFrame:
        """Canonical rows (one per measure) of interpreted rows, with ``ROW`` and ``__j``
        (the measure's column) to name a later problem."""
        t, plan = self.t, self.plan
        present = {d for _i, d, _name in dims}
        return (
            rows.select(
                ROW,
                pl.lit(plan.dataset_id).alias("dataset_id"),
                "period",
                "period_type",
                "period_start",
                "period_end",
                "area_code",
                "area_name",
                "area_level",
                *[pl.col(name).alias(d) for _i, d, name in dims],
                pl.concat_list(pl.lit(mid) for _j, _l, mid in plan.measures).alias("measure_id"),
                pl.concat_list(f"__v{k}" for k in range(len(plan.measures))).alias("value"),
                pl.concat_list(pl.lit(j, dtype=pl.Int32) for j, _l, _m in plan.measures).alias(
                    MEASURE_COL
                ),
            )
            .explode("measure_id", "value", MEASURE_COL)
            .with_columns(
                *[pl.lit(TOTAL).alias(d) for d in DIMENSIONS if d not in present],
                pl.col("value").is_null().alias("suppressed"),
                pl.lit(t.source).alias("source"),
                pl.lit(t.retrieved_at.astimezone(UTC))
                .dt.convert_time_zone("UTC")
                .alias("retrieved_at"),
            )
        )

    def chunk_rows(self) -> tuple[pl.DataFrame, int]:
        """Canonical rows of one chunk of a file read in chunks, and its skipped rows.

        Every check of a single row is made here, in row order; what needs the whole file
        (repeated keys, totals against their parts) is left to ``finish`` on the rows of a
        period year. The rows keep ``ROW`` and ``MEASURE_COL``.
        """
        wide, dims = self._wide()
        wide = wide.with_columns(
            pl.lit(False).alias(f"__conflict{k}") for k in range(len(self.plan.measures))
        )
        no_conflicts = pl.DataFrame()
        self._raise_first_problem(wide, no_conflicts, dims, len(self.t.header))
        kept = wide.filter(~pl.col("__skip"))
        return self._explode(kept, dims), int(wide["__skip"].sum())

    def finish(self, df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
        """The rows of one period year of a file read in chunks (``chunk_rows``): a key
        with two different values is an error naming the later row; identical repeats are
        kept once; totals are checked against their parts. Returns the canonical rows and,
        per breakdown, the cells whose total is unknown (``_missing_totals``)."""
        key = ["period", "area_code", *DIMENSIONS, "measure_id"]
        if df.select(pl.struct(key).n_unique()).item() < df.height:  # repeats: find them
            df = self._without_repeats(df, key)
        dims = [(i, d) for i, d in self.plan.dimensions]
        for i, d in dims:
            self._check_total_not_below_parts(df, d, i)
        missing = {d: self._missing_total_cells(df, d) for _i, d in dims}
        return df.select(AggregateSchema.column_names()), missing

    def _without_repeats(self, df: pl.DataFrame, key: list[str]) -> pl.DataFrame:
        """``df`` with each key once (its first row); an error if a repeat differs."""
        df = df.sort(ROW, MEASURE_COL)
        first = df.with_columns(
            pl.col("value").first().over(key).alias("__first_value"),
            pl.col(ROW).first().over(key).alias("__first_row"),
        )
        bad = first.filter(~pl.col("value").eq_missing(pl.col("__first_value"))).head(1)
        if not bad.is_empty():
            r = bad.row(0, named=True)
            raise self.err(
                r[ROW],
                r[MEASURE_COL],
                f"conflicts with row {r['__first_row']}: same period, area and breakdown "
                f"but value {_show(r['value'])} here and {_show(r['__first_value'])} there",
            )
        return df.filter(pl.struct(key).is_first_distinct())

    def missing_totals_warning(self, dim: str, unknown: int) -> str | None:
        """The warning ``_missing_totals`` gives, for ``unknown`` cells of a whole file."""
        if not unknown:
            return None
        label = next(self.t.header[i].strip() for i, d in self.plan.dimensions if d == dim)
        hierarchy = next((h for h, d in self.mapping.hierarchies.items() if d == dim), None)
        ask = f" (hierarchy.{hierarchy}=/)" if hierarchy else ""
        return (
            f"{self.plan.dataset_id}: the file has no total rows for {label!r} and a part is "
            f"suppressed in {unknown} period/area/measure cell(s): those totals are unknown "
            f"and shown as such, never as the sum of the visible parts; fetch the total "
            f"rows too{ask}"
        )

    def convert(self, *, check_schema: bool = True) -> Converted:
        t, plan = self.t, self.plan
        body = t.body
        ncols = len(t.header)
        if body.is_empty():
            raise ReadError(
                t.file, "no data rows below the header: nothing to import", row=t.header_row
            )
        wide, dims = self._wide()

        # Rows with the same period, area and breakdown: a measure whose value differs from
        # the first such row's is a conflict; identical repeats are kept once.
        kept = wide.filter(~pl.col("__skip"))
        row_key = ["period", "area_code", *[name for _i, _d, name in dims]]
        repeated = kept.filter(pl.struct(row_key).is_duplicated())
        conflicts = (
            pl.concat(
                [
                    repeated.select(
                        ROW,
                        *row_key,
                        pl.col(f"__v{k}").alias("value"),
                        pl.lit(k, dtype=pl.Int32).alias("__k"),
                    )
                    for k in range(len(plan.measures))
                ]
            )
            .sort(ROW, "__k")
            .with_columns(
                pl.col("value").first().over(*row_key, "__k").alias("__first_value"),
                pl.col(ROW).first().over(*row_key, "__k").alias("__first_row"),
            )
            .filter(~pl.col("value").eq_missing(pl.col("__first_value")))
        )
        wide = wide.with_columns(
            pl.col(ROW)
            .is_in(conflicts.filter(pl.col("__k") == k)[ROW].implode())
            .alias(f"__conflict{k}")
            for k in range(len(plan.measures))
        )
        self._raise_first_problem(wide, conflicts, dims, ncols)

        skipped = int(wide["__skip"].sum())
        firsts = kept.filter(pl.struct(row_key).is_first_distinct())
        if firsts.is_empty():
            what = "only 'Uoplyst område' rows" if skipped else "no data rows below the header"
            raise ReadError(t.file, f"{what}: nothing to import", row=t.header_row)
        df = self._explode(firsts, dims)
        for i, d, _name in dims:
            self._check_total_not_below_parts(df, d, i)
        df = df.select(AggregateSchema.column_names())
        if check_schema:
            df = _validated(df)
        warnings = tuple(self._missing_totals(df, d) for _i, d, _name in dims)
        return Converted(df, plan.dataset_id, body.height, skipped, tuple(w for w in warnings if w))

    def _check_total_not_below_parts(self, df: pl.DataFrame, dim: str, col: int) -> None:
        """A published total smaller than the sum of its shown parts is a misread file.

        Counts only (not shares, ranks or differences); declared subtotals ("Alle
        uddannelsesparate") are not parts; a rounding slack of half a unit per part or
        1 % of the total, whichever is larger (y30r21 rounds to tens).
        """
        counts = [
            m.id
            for m in self.dataset.measures
            if m.unit in ("personer", "fuldtidspersoner", "antal") and not m.signed
        ]
        subtotals = list(SUBTOTALS.get(self.dataset.id, {}).get(dim, {}))
        others = [c for c in ("period", "area_code", "measure_id", *DIMENSIONS) if c != dim]
        rows = df.filter(pl.col("measure_id").is_in(counts) & ~pl.col(dim).is_in(subtotals))
        parts = (
            rows.filter(pl.col(dim) != TOTAL)
            .group_by(others)
            .agg(pl.col("value").sum().alias("__parts"), pl.len().alias("__n"))
        )
        bad = (
            rows.filter((pl.col(dim) == TOTAL) & pl.col("value").is_not_null())
            .join(parts, on=others, how="inner", nulls_equal=True)
            .filter(
                pl.col("__parts")
                > pl.col("value") + pl.max_horizontal(0.5 * pl.col("__n"), 0.01 * pl.col("value"))
            )
            .with_columns(
                pl.col("measure_id")
                .replace_strict({mid: j for j, _l, mid in self.plan.measures}, default=None)
                .alias("__j")
            )
            .sort(ROW, "__j")  # the first row, then its leftmost column, as a user reads
        )
        if bad.is_empty():
            return
        r = bad.row(0, named=True)
        j, label = next((j, lbl) for j, lbl, mid in self.plan.measures if mid == r["measure_id"])
        raise self.err(
            r[ROW],
            j,
            f"the total {r['value']:g} ('{self.t.header[col].strip()}' i alt) is smaller than "
            f"its parts, which sum to {r['__parts']:g} ({label.strip()}): the file is cut or "
            "mixes extracts",
        )

    def _missing_totals(self, df: pl.DataFrame, dim: str) -> str | None:
        """A warning when the file has no total rows for ``dim`` where a part is suppressed.

        Such a total is unknown: the metrics never show the sum of the visible parts as
        the total (``metrics.kpis.pick`` marks it), so the user should fetch the totals.
        """
        return self.missing_totals_warning(dim, self._missing_total_cells(df, dim))

    @staticmethod
    def _missing_total_cells(df: pl.DataFrame, dim: str) -> int:
        cells = df.group_by("period", "area_code", "measure_id").agg(
            (pl.col(dim) == TOTAL).any().alias("has_total"),
            pl.col("suppressed").any().alias("part_suppressed"),
        )
        return cells.filter(~pl.col("has_total") & pl.col("part_suppressed")).height

    def _raise_first_problem(
        self,
        wide: pl.DataFrame,
        conflicts: pl.DataFrame,
        dims: list[tuple[int, str, str]],
        ncols: int,
    ) -> None:
        """Raise the error the first offending row gives, checks in the order a row is read."""
        plan = self.plan
        checks: list[tuple[pl.Expr, Problem]] = [
            (
                pl.col(NCELLS) != ncols,
                lambda r: ReadError(
                    self.t.file,
                    f"{r[NCELLS]} values but the header has {ncols} columns",
                    row=r[ROW],
                ),
            ),
            (
                pl.col("__period_error").is_not_null(),
                lambda r: self.err(r[ROW], plan.period, r["__period_error"]),
            ),
            (
                pl.col("__area_error").is_not_null(),
                lambda r: self.err(r[ROW], plan.area, r["__area_error"]),
            ),
        ]
        kept = ~pl.col("__skip").fill_null(False)
        for i, _d, name in dims:
            checks += [
                (
                    kept & (pl.col(f"{name}_text") == ""),
                    lambda r, i=i: self.err(  # type: ignore[misc]
                        r[ROW], i, "empty value, expected a category or '... i alt'"
                    ),
                ),
                (
                    kept & pl.col(f"{name}_error").is_not_null(),
                    lambda r, i=i, name=name: self.err(r[ROW], i, r[f"{name}_error"]),  # type: ignore[misc]
                ),
            ]
        mark = "comma" if self.decimal == "," else "point"
        for k, (j, _label, _mid) in enumerate(plan.measures):
            checks += [
                (
                    kept & pl.col(f"__bad{k}"),
                    lambda r, j=j: self.err(  # type: ignore[misc]
                        r[ROW],
                        j,
                        f"expected a number (decimal {mark}, e.g. {_example(self.decimal)}) or "
                        "a suppression mark (.., -, . or blank), got "
                        f"{r[text_col(j)].strip()[:40]!r}",
                    ),
                ),
                (
                    kept & pl.col(f"__inf{k}"),
                    lambda r, j=j, k=k: self.err(  # type: ignore[misc]
                        r[ROW],
                        j,
                        "expected a finite number, got "
                        + (r[text_col(j)] if r[f"__typed{k}"] else repr(r[text_col(j)])),
                    ),
                ),
                (
                    kept & pl.col(f"__neg{k}"),
                    lambda r, j=j, k=k: self.err(  # type: ignore[misc]
                        r[ROW],
                        j,
                        f"negative value {r[f'__v{k}']:g}: counts and rates must be 0 or more",
                    ),
                ),
                (
                    kept & pl.col(f"__frac{k}"),
                    lambda r, j=j, k=k: self.err(  # type: ignore[misc]
                        r[ROW],
                        j,
                        f"expected a whole number of {self._unit(k)}, got "
                        f"{(r[text_col(j)] or '').strip()[:40]!r}"
                        + self._thousands_hint(r[text_col(j)]),
                    ),
                ),
                (
                    kept & pl.col(f"__over{k}"),
                    lambda r, j=j, k=k: self.err(  # type: ignore[misc]
                        r[ROW],
                        j,
                        f"a percentage of {r[f'__v{k}']:g} is above 100: check the column "
                        "and the decimal mark",
                    ),
                ),
                (
                    kept & pl.col(f"__conflict{k}"),
                    lambda r, j=j, k=k: self._conflict(conflicts, r[ROW], j, k),  # type: ignore[misc]
                ),
            ]
        flags = wide.with_columns(
            [expr.fill_null(False).alias(f"__check{n}") for n, (expr, _p) in enumerate(checks)]
        )
        names = [f"__check{n}" for n in range(len(checks))]
        first = flags.filter(pl.any_horizontal(names)).head(1)
        if first.is_empty():
            return
        row = first.join(self.t.body, on=ROW, how="left", suffix="_body").row(0, named=True)
        for n, (_expr, problem) in enumerate(checks):
            if row[f"__check{n}"]:
                raise problem(row)

    def _unit(self, k: int) -> str:
        unit = self.dataset.measure(self.plan.measures[k][2]).unit
        return {"antal": "items", "placering": "ranks"}.get(unit, "persons")

    def _thousands_hint(self, text: str | None) -> str:
        """Say so when a count looks like a number with a thousands separator."""
        t = (text or "").strip()
        if re.fullmatch(r"-?[0-9]{1,3}([.,][0-9]{3})+", t):
            mark = "comma" if self.decimal == "," else "point"
            return (
                f" (the file's decimal mark was taken to be a {mark}; if {t} means a whole "
                "number with a thousands separator, the rest of the file says otherwise: "
                "check the column)"
            )
        return ""

    def _conflict(self, conflicts: pl.DataFrame, row: int, col: int, k: int) -> ReadError:
        hit = conflicts.filter((pl.col(ROW) == row) & (pl.col("__k") == k)).row(0, named=True)
        return self.err(
            row,
            col,
            f"conflicts with row {hit['__first_row']}: same period, area and breakdown "
            f"but value {_show(hit['value'])} here and {_show(hit['__first_value'])} there",
        )


VALIDATE_ROWS = 100_000
"""Rows validated at a time: dataframely's checks take several times a frame's memory."""


def _validated(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` checked against ``AggregateSchema``, in slices to bound the memory it takes.

    The key is unique across slices by construction: one row per distinct period, area
    and breakdown (``is_first_distinct``), one value per measure column, one dataset.
    """
    return pl.concat(
        [AggregateSchema.validate(part, cast=True) for part in df.iter_slices(VALIDATE_ROWS)],
        rechunk=False,
    )


def to_aggregate(
    table: RawTable,
    dataset_id: str | None = None,
    extra_groups: Sequence[str] = (),
    *,
    today: date | None = None,
    check_schema: bool = True,
) -> Converted:
    """Canonical aggregate rows of ``table`` (dataset detected from the header if not given).

    ``today`` (default: the real date) bounds the periods: none may start after it.
    ``check_schema=False`` leaves the ``AggregateSchema`` validation to the store, which
    validates every row it imports (so an import validates each row once).
    """
    return _Converter(table, dataset_id, extra_groups, today).convert(check_schema=check_schema)


@dataclass(frozen=True)
class Staged:
    """Canonical rows of a file read in chunks, spilled to Parquet files (one per period
    year) in a folder the caller owns and removes: ``frame`` scans them lazily, so the
    store can take them one partition at a time. Not yet validated against
    ``AggregateSchema``: the store does that, once per row, as it imports them."""

    frame: pl.LazyFrame
    dataset_id: str
    rows_read: int
    skipped_unknown_area: int
    warnings: tuple[str, ...] = ()


def stage_chunks(
    chunks: Callable[[], Iterable[RawTable]],
    spill_dir: Path,
    *,
    header_table: RawTable,
    dataset_id: str | None = None,
    extra_groups: Sequence[str] = (),
    today: date | None = None,
) -> Staged:
    """``to_aggregate`` of a table given as chunks of its body, in bounded memory.

    ``chunks()`` yields the table's body in row order, as RawTables with the same header;
    it is called twice: once to gather the evidence of the decimal mark over the whole
    file, once to convert. Every row is checked as ``to_aggregate`` checks it (each chunk
    in row order); converted rows are spilled per period year, then each year's rows are
    checked for repeated keys with different values and totals below their parts, and
    written to ``spill_dir/year=<Y>.parquet``. ``header_table`` (an empty body) names the
    file, header and hints when the file has no data rows.
    """
    spill_dir.mkdir(parents=True, exist_ok=True)
    first = _Converter(header_table, dataset_id, extra_groups, today, decimal=",")
    ds = first.plan.dataset_id
    n_comma = n_point = 0
    for chunk in chunks():
        conv = _Converter(chunk, ds, extra_groups, today, decimal=",")
        c, p = decimal_evidence(conv.measure_texts())
        n_comma, n_point = n_comma + c, n_point + p
    decimal = decide_decimal(n_comma, n_point, header_table.default_decimal)
    rows_read = skipped = 0
    pieces: dict[int, list[Path]] = {}
    for n, chunk in enumerate(chunks()):
        conv = _Converter(chunk, ds, extra_groups, today, decimal=decimal)
        rows, chunk_skipped = conv.chunk_rows()
        rows_read += chunk.body.height
        skipped += chunk_skipped
        keyed = rows.with_columns(pl.col("period_start").dt.year().alias("__year"))
        for (year,), part in keyed.partition_by("__year", as_dict=True).items():
            piece = spill_dir / f".chunk-{n:06d}-{year}.parquet"
            part.drop("__year").write_parquet(piece)
            pieces.setdefault(int(str(year)), []).append(piece)
    if rows_read == 0:
        raise ReadError(
            header_table.file,
            "no data rows below the header: nothing to import",
            row=header_table.header_row,
        )
    final = _Converter(header_table, ds, extra_groups, today, decimal=decimal)
    missing: dict[str, int] = {}
    files: list[Path] = []
    for year, paths in sorted(pieces.items()):
        df, unknown = final.finish(pl.read_parquet(paths))
        for dim, cells in unknown.items():
            missing[dim] = missing.get(dim, 0) + cells
        out = spill_dir / f"year={year}.parquet"
        df.write_parquet(out)
        files.append(out)
        for piece in paths:
            piece.unlink()
    if not files:
        what = "only 'Uoplyst område' rows" if skipped else "no data rows below the header"
        raise ReadError(
            header_table.file, f"{what}: nothing to import", row=header_table.header_row
        )
    warnings = (final.missing_totals_warning(d, n) for d, n in missing.items())
    return Staged(pl.scan_parquet(files), ds, rows_read, skipped, tuple(w for w in warnings if w))
