"""Typed columns from a RawTable, by a Template; the first bad cell raises ReadError.

Every cell of every column is checked for a CPR number first: a value of 10 digits (with
or without a dash after the sixth) whose first six digits are a valid ddmmyy date is
refused, and its value is never repeated in the message. Other problems name the file,
the row as the user sees it and the column's header, like the jobindsats readers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl

from data_connectors.jobindsats.mappings import norm_label
from data_connectors.local.spec import Column, Template
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import (
    NCELLS,
    ROW,
    RawTable,
    detect_decimal_series,
    number_col,
    parse_numbers,
    squash,
    text_col,
)
from domain.areas import UnknownArea, area, area_by_name
from domain.periods import month_code

CPR_MESSAGE = (
    "looks like a CPR number (10 digits beginning with a valid ddmmyy date): only "
    "pseudonymised ids are accepted, so replace it with the case system's pseudonym "
    "(the value is not shown)"
)
_CPR = r"^[0-9]{6}-?[0-9]{4}$"
_MAX_ID = 100
EXCEL_EPOCH = date(1899, 12, 30)


def cpr_like(text: pl.Expr) -> pl.Expr:
    """True where ``text`` looks like a CPR number (ddmmyy valid, 10 digits)."""
    digits = text.str.replace("-", "", literal=True)
    dd = digits.str.slice(0, 2).cast(pl.Int32, strict=False)
    mm = digits.str.slice(2, 2).cast(pl.Int32, strict=False)
    longest = pl.when(mm == 2).then(29).when(mm.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    return (text.str.contains(_CPR) & mm.is_between(1, 12) & (dd >= 1) & (dd <= longest)).fill_null(
        False
    )


# -- interpreting one distinct text -------------------------------------------------------
Interp = Callable[[str], tuple[Any, str | None]]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DK_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


def parse_date(text: str) -> date | None:
    """2022-03-15, 15-03-2022, 15.03.2022, 15/03/2022, an Excel date or serial number."""
    m = _ISO_DATE.match(text)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DK_DATE.match(text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if _SERIAL.match(text):
            n = int(float(text))
            if 20000 <= n <= 80000:  # 1954-2119
                return EXCEL_EPOCH + timedelta(days=n)
    except ValueError:
        return None
    return None


_MONTH_CODE = re.compile(r"^(\d{4})\s*M\s*(\d{1,2})$", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_WEEK = re.compile(r"^(\d{4})\s*-?\s*[WU]\s*(\d{1,2})$", re.IGNORECASE)


def parse_month(text: str) -> str | None:
    """2022M03, 2022-03, 03-2022 or any date in the month -> 2022M03."""
    for rx, y, m in ((_MONTH_CODE, 1, 2), (_YEAR_MONTH, 1, 2), (_MONTH_YEAR, 2, 1)):
        hit = rx.match(text)
        if hit:
            year, month = int(hit.group(y)), int(hit.group(m))
            if 1 <= month <= 12 and 1900 <= year <= 2100:
                return f"{year}M{month:02d}"
            return None
    d = parse_date(text)
    return month_code(d) if d else None


def parse_week(text: str) -> date | None:
    """2022-W05, 2022W05, 2022U05 or any date in the week -> the Monday of the ISO week."""
    hit = _WEEK.match(text)
    if hit:
        try:
            return date.fromisocalendar(int(hit.group(1)), int(hit.group(2)), 1)
        except ValueError:
            return None
    d = parse_date(text)
    return d - timedelta(days=d.weekday()) if d else None


def cvr_valid(digits: str) -> bool:
    """The CVR modulus-11 check: weights 2,7,6,5,4,3,2,1, the sum divisible by 11."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    if len(digits) != 8:
        return False
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _interp(col: Column) -> Interp | None:
    kind = col.kind
    if kind == "choice":
        accepted = ", ".join(sorted(set(col.choices.values())))

        def choice(t: str) -> tuple[Any, str | None]:
            v = col.choices.get(norm_label(t))
            if v:
                return v, None
            return None, f"unknown value {t[:40]!r}: expected one of {accepted}"

        return choice
    if kind == "yesno":
        yes = {"ja", "j", "1", "sand", "true", "opfyldt"}
        no = {"nej", "n", "0", "falsk", "false", "ikke opfyldt"}

        def yesno(t: str) -> tuple[Any, str | None]:
            n = norm_label(t)
            if n in yes:
                return True, None
            if n in no:
                return False, None
            return None, f"expected Ja, Nej or blank (not relevant), got {t[:40]!r}"

        return yesno
    if kind == "date":

        def a_date(t: str) -> tuple[Any, str | None]:
            d = parse_date(t)
            if d is None:
                return None, f"expected a date such as 2022-03-15 or 15-03-2022, got {t[:40]!r}"
            return d, None

        return a_date
    if kind == "month":

        def a_month(t: str) -> tuple[Any, str | None]:
            m = parse_month(t)
            if m is None:
                return None, f"expected a month such as 2022M03 or 2022-03, got {t[:40]!r}"
            return m, None

        return a_month
    if kind == "week":

        def a_week(t: str) -> tuple[Any, str | None]:
            w = parse_week(t)
            if w is None:
                return None, (
                    f"expected an ISO week such as 2022-W05 or a date in the week, got {t[:40]!r}"
                )
            return w, None

        return a_week
    if kind == "int":

        def an_int(t: str) -> tuple[Any, str | None]:
            s = t[:-2] if t.endswith(".0") else t
            if not re.fullmatch(r"\d{1,9}", s):
                return None, f"expected a whole number, got {t[:40]!r}"
            v = int(s)
            if (col.minimum is not None and v < col.minimum) or (
                col.maximum is not None and v > col.maximum
            ):
                return None, f"{v} is outside {col.minimum:g}-{col.maximum:g}"
            return v, None

        return an_int
    if kind == "area":

        def an_area(t: str) -> tuple[Any, str | None]:
            code = t[:-2] if t.endswith(".0") else t
            try:
                a = area(code.zfill(3)) if code.isdigit() and len(code) <= 3 else area_by_name(t)
            except UnknownArea:
                return None, (
                    f"unknown municipality {t[:40]!r}: expected a municipality code (e.g. 710) "
                    "or name (e.g. Favrskov) as in reference/municipalities.csv"
                )
            if a.level != "kommune":
                return None, f"{a.name} is not a municipality: expected one municipality"
            return a.code, None

        return an_area
    if kind == "cvr":

        def a_cvr(t: str) -> tuple[Any, str | None]:
            digits = re.sub(r"[\s-]", "", t)
            digits = digits[2:] if digits.upper().startswith("DK") else digits
            if not re.fullmatch(r"\d{8}", digits):
                return None, f"expected a CVR number of 8 digits, got {t[:40]!r}"
            if not cvr_valid(digits):
                return None, f"{digits} is not a valid CVR number (the modulus-11 check fails)"
            return digits, None

        return a_cvr
    return None


_DTYPES: dict[str, pl.DataType] = {
    "id": pl.String(),
    "text": pl.String(),
    "choice": pl.String(),
    "date": pl.Date(),
    "month": pl.String(),
    "week": pl.Date(),
    "int": pl.Int64(),
    "number": pl.Float64(),
    "area": pl.String(),
    "yesno": pl.Boolean(),
    "cvr": pl.String(),
}


def _lookup(texts: pl.Series, fn: Interp, dtype: pl.DataType) -> pl.DataFrame:
    keys = [k for k in texts.unique().to_list() if k]
    vals, errs = [], []
    for k in keys:
        v, e = fn(k)
        vals.append(v)
        errs.append(e)
    return pl.DataFrame(
        {"__k": keys, "__v": vals, "__e": errs},
        schema={"__k": pl.String(), "__v": dtype, "__e": pl.String()},
    )


def missing_columns(table: RawTable, template: Template) -> dict[str, int]:
    """field -> column index; ReadError for a missing required or a repeated column."""
    found = template.match(table.header)
    normed = [norm_label(h) for h in table.header]
    for c in template.columns:
        hits = [i for i, n in enumerate(normed) if n in {norm_label(x) for x in c.labels()}]
        if len(hits) > 1:
            raise ReadError(
                table.file,
                f"column {c.label!r} appears {len(hits)} times: expected it once",
                row=table.header_row,
                column=c.label,
            )
        if c.required and c.field not in found:
            raise ReadError(
                table.file,
                f"missing column {c.label!r}: the template {template.id!r} has "
                + ", ".join(repr(x.label) for x in template.columns),
                row=table.header_row,
                column=c.label,
            )
    return found


def parse_table(table: RawTable, template: Template) -> pl.DataFrame:
    """ROW plus one typed column per template field found (absent optional ones: null)."""
    found = missing_columns(table, template)
    body = table.body
    if body.is_empty():
        raise ReadError(
            table.file, "no data rows below the header: nothing to import", row=table.header_row
        )
    ncols = len(table.header)

    def text(j: int) -> pl.Expr:
        return pl.col(text_col(j)).fill_null("").str.strip_chars()

    out = body.select(ROW, NCELLS)
    # error message per header column (null: fine); a CPR-like cell wins over every check
    errors: list[pl.Series] = []
    for j in range(ncols):
        errors.append(
            body.select(
                pl.when(cpr_like(text(j))).then(pl.lit(CPR_MESSAGE)).alias(f"__err{j}")
            ).to_series()
        )
    numbers = [c for c in template.columns if c.kind == "number" and c.field in found]
    texts = [
        body.filter(pl.col(number_col(found[c.field])).is_null())[text_col(found[c.field])]
        if number_col(found[c.field]) in body.columns
        else body[text_col(found[c.field])]
        for c in numbers
    ]
    decimal = detect_decimal_series(
        pl.concat(texts) if texts else pl.Series([], dtype=pl.String), table.default_decimal
    )
    for c in template.columns:
        dtype = _DTYPES[c.kind]
        if c.field not in found:
            out = out.with_columns(pl.lit(None, dtype).alias(c.field))
            continue
        j = found[c.field]
        t = body.select(text(j).alias("__t")).to_series()
        blank = t == ""
        err = pl.Series([None] * body.height, dtype=pl.String)
        if c.kind in ("id", "text"):
            value = pl.Series(c.field, t, dtype=pl.String)
            too_long = t.str.len_chars() > _MAX_ID
            err = pl.select(
                pl.when(pl.lit(too_long)).then(pl.lit(f"longer than {_MAX_ID} characters"))
            ).to_series()
        elif c.kind == "number":
            typed = (
                body[number_col(j)]
                if number_col(j) in body.columns
                else pl.Series([None] * body.height, dtype=pl.Float64)
            )
            parsed = parse_numbers(squash(t), decimal)
            value = pl.select(pl.coalesce(pl.lit(typed), pl.lit(parsed))).to_series()
            lo, hi = c.minimum, c.maximum
            bad_text = ~blank & value.is_null()
            out_of = pl.select(
                pl.lit(value).is_not_null()
                & (
                    ~pl.lit(value).is_finite()
                    | (pl.lit(value) < (lo if lo is not None else float("-inf")))
                    | (pl.lit(value) > (hi if hi is not None else float("inf")))
                )
            ).to_series()
            mark = "comma" if decimal == "," else "point"
            err = pl.select(
                pl.when(pl.lit(bad_text))
                .then(
                    pl.lit(f"expected a number (decimal {mark}), got ") + pl.lit(t).str.slice(0, 40)
                )
                .when(pl.lit(out_of))
                .then(
                    pl.lit("value ")
                    + pl.lit(value).round(4).cast(pl.String)
                    + pl.lit(_range_text(lo, hi))
                )
            ).to_series()
            value = value.alias(c.field)
        else:
            fn = _interp(c)
            assert fn is not None, c.kind
            look = _lookup(t, fn, dtype)
            joined = pl.DataFrame({"__k": t}).join(
                look, on="__k", how="left", maintain_order="left"
            )
            value = joined["__v"].alias(c.field)
            err = joined["__e"]
        if not c.nullable:
            err = pl.select(
                pl.when(pl.lit(blank))
                .then(pl.lit(f"empty value, expected {_what(c)}"))
                .otherwise(pl.lit(err))
            ).to_series()
        else:
            err = pl.select(pl.when(~pl.lit(blank)).then(pl.lit(err))).to_series()
        errors[j] = pl.select(pl.coalesce(pl.lit(errors[j]), pl.lit(err))).to_series()
        out = out.with_columns(value)
    flags = pl.DataFrame(
        {ROW: body[ROW], NCELLS: body[NCELLS], **{f"__err{j}": errors[j] for j in range(ncols)}}
    )
    bad = flags.filter(
        (pl.col(NCELLS) != ncols)
        | pl.any_horizontal(pl.col(f"__err{j}").is_not_null() for j in range(ncols))
    ).head(1)
    if not bad.is_empty():
        r = bad.row(0, named=True)
        if r[NCELLS] != ncols:
            raise ReadError(
                table.file, f"{r[NCELLS]} values but the header has {ncols} columns", row=r[ROW]
            )
        for j in range(ncols):
            if r[f"__err{j}"] is not None:
                raise ReadError(
                    table.file, r[f"__err{j}"], row=r[ROW], column=table.header[j].strip()
                )
    return out.drop(NCELLS)


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" is outside {lo:g}-{hi:g}"
    if lo is not None:
        return f" is below {lo:g}"
    return f" is above {hi:g}" if hi is not None else " is not a finite number"


def _what(c: Column) -> str:
    return {
        "id": "a pseudonymised id",
        "text": "a text",
        "choice": "one of " + ", ".join(sorted(set(c.choices.values()))),
        "date": "a date",
        "month": "a month such as 2022M03",
        "week": "an ISO week such as 2022-W05",
        "int": "a whole number",
        "number": "a number",
        "area": "a municipality code or name",
        "yesno": "Ja or Nej",
        "cvr": "a CVR number of 8 digits",
    }[c.kind]


def first_duplicate(df: pl.DataFrame, key: list[str]) -> tuple[int, int] | None:
    """(first row, repeated row) of the first key that occurs twice, by the user's rows."""
    dup = df.filter(pl.struct(key).is_duplicated()).sort(ROW)
    if dup.is_empty():
        return None
    later = dup.filter(~pl.struct(key).is_first_distinct()).head(1)
    rep = later.row(0, named=True)
    first = dup.filter(pl.all_horizontal(pl.col(k).eq_missing(rep[k]) for k in key))[ROW][0]
    return int(first), int(rep[ROW])
