"""KPIs from weekly benefit records (``person_benefit_weeks``, DREAM style).

Conventions (docs/scale.md, "Person-level KPIs"):

* **Weeks and months.** A week (Monday ``week_start``) belongs to the month that holds its
  Thursday (the ISO rule), so a week spanning two months counts once, in one month. The
  weeks of a month are the weeks whose Thursday falls in it (4 or 5).
* **Full-time persons** of a month: person-weeks in the month divided by the weeks of the
  month (DOMAIN.md, "fuldtidspersoner").
* **Long-term unemployed** (jobindsats, y25i09): in a week, a person on A-dagpenge,
  kontanthjælp, selvforsørgelses- og hjemrejseydelse/overgangsydelse or uddannelseshjælp,
  unemployed or activated (status ``ledig`` or ``aktiveret``), job-ready or education-ready
  (match group Jobparat, Uddannelsesparat or Åbenlyst uddannelsesparat; A-dagpenge without a
  match group counts as job-ready), who was unemployed or activated on one of these
  benefits in at least 80 % of the last 52 weeks, this week included: 80 % of 52 is 41.6,
  so 42 weeks or more. Weeks in any municipality count towards the 52 (a person who
  moves keeps the history); the week counts in the municipality of that week. A missing
  week (a gap) is a week not unemployed. A month is only given when the data reaches
  back the full 52 weeks before its first week; earlier months would undercount.
* **Insured unemployed**, start of month: persons on A-dagpenge with status ``ledig`` in
  the first week of the month (the week whose Thursday is one of the month's first seven
  days), one full-time person each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import narwhals as nw
import polars as pl

from domain import areas
from domain.canonical import TOTAL
from domain.datasets import BENEFIT_GROUPS_LTU, EASTERN_EUROPE
from metrics.person.portable import insured_eastern_cells

LTU_WINDOW_WEEKS = 52
LTU_MIN_WEEKS = 42  # at least 80 % of 52 weeks (41.6), in whole weeks
UNEMPLOYED_STATUS = ("ledig", "aktiveret")
JOB_READY = ("Jobparat", "Uddannelsesparat", "Åbenlyst uddannelsesparat")
INSURED_BENEFIT = "A-dagpenge"
UNKNOWN = "Uoplyst"
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 24, "16-24 år"),
    (25, 29, "25-29 år"),
    (30, 39, "30-39 år"),
    (40, 49, "40-49 år"),
    (50, 59, "50-59 år"),
    (60, None, "60 år og derover"),
)
BREAKDOWNS = ("benefit_group", "match_group", "age_band", "sex", "origin", "team")
_EPOCH_MONDAY = date(1970, 1, 5)
_PERSON_SHIFT = 1 << 21  # week numbers stay far below this: one key per person and week


def week_index(col: pl.Expr) -> pl.Expr:
    """Consecutive integer per Monday (weeks since 1970-01-05)."""
    return ((col - pl.lit(_EPOCH_MONDAY)).dt.total_days() // 7).cast(pl.Int64)


def _thursday(col: pl.Expr) -> pl.Expr:
    return col + pl.duration(days=3)


def age_band(year: pl.Expr, birth_year: pl.Expr) -> pl.Expr:
    """Jobindsats' age bands from the age reached in ``year``."""
    age = year.cast(pl.Int32) - birth_year.cast(pl.Int32)
    expr: pl.Expr = pl.lit(AGE_BANDS[-1][2])
    for _lo, hi, label in reversed(AGE_BANDS[:-1]):
        assert hi is not None
        expr = pl.when(age <= hi).then(pl.lit(label)).otherwise(expr)
    return expr


def _month_columns(week_start: pl.Expr) -> list[pl.Expr]:
    th = _thursday(week_start)
    start = pl.date(th.dt.year(), th.dt.month(), 1)
    return [th.dt.strftime("%YM%m").alias("period"), start.alias("period_start")]


def _weeks_in_month(period_start: pl.Expr) -> pl.Expr:
    """Thursdays in the month of ``period_start`` (4 or 5)."""
    days = period_start.dt.month_end().dt.day().cast(pl.Int32)
    offset = (4 - period_start.dt.weekday().cast(pl.Int32)) % 7  # first Thursday - 1st
    return ((days - 1 - offset) // 7 + 1).cast(pl.Float64)


def _group(breakdown: str | None) -> pl.Expr:
    if breakdown is None:
        return pl.lit(TOTAL)
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {breakdown!r} (allowed: {', '.join(BREAKDOWNS)})")
    if breakdown == "age_band":
        return age_band(pl.col("period_start").dt.year(), pl.col("birth_year"))
    if breakdown == "origin":
        return pl.col("country_of_origin").cast(pl.String)
    return pl.col(breakdown).cast(pl.String).fill_null(UNKNOWN)


def with_team(weeks: pl.LazyFrame) -> pl.LazyFrame:
    """``weeks`` with a ``team`` column: null when the records have none (files imported
    before the column existed, or without it)."""
    if "team" in weeks.collect_schema().names():
        return weeks
    return weeks.with_columns(pl.lit(None, pl.String).alias("team"))


def _to_raw(cells: pl.LazyFrame) -> pl.LazyFrame:
    """``municipality_code, period, period_start, group, numerator, denominator`` as the
    raw frame of ``metrics.kpis`` (``RAW_COLUMNS``)."""
    mun = (
        areas.municipalities()
        .lazy()
        .select(pl.col("code").alias("area_code"), pl.col("name").alias("area_name"))
    )
    return (
        cells.rename({"municipality_code": "area_code"})
        .with_columns(pl.col("area_code").cast(pl.String))
        .join(mun, on="area_code", how="left")
        .select(
            "period",
            "period_start",
            pl.col("period_start").dt.month_end().alias("period_end"),
            "area_code",
            pl.col("area_name").fill_null(pl.col("area_code")),
            pl.lit("kommune").alias("area_level"),
            "group",
            pl.col("numerator").cast(pl.Float64),
            pl.col("denominator").cast(pl.Float64),
            pl.lit(False).alias("in_suppressed"),
        )
    )


def ltu_person_weeks(weeks: pl.LazyFrame) -> pl.LazyFrame:
    """The person-weeks that count as long-term unemployed (one row each).

    Columns: person_id, municipality_code, week_start, benefit_group, match_group, sex,
    birth_year, country_of_origin, team (null where unknown) and ``weeks_52`` (the weeks
    unemployed or activated in the 52 weeks up to and including this one). Only weeks with
    full history are kept (see the module doc).

    One sort by person and week; the 52-week count is a binary search on a key that is
    unique per person and week, so no window per person is needed.
    """
    cols = [
        "person_id",
        "municipality_code",
        "week_start",
        "benefit_group",
        "match_group",
        "status",
        "sex",
        "birth_year",
        "country_of_origin",
        "team",
    ]
    weeks = with_team(weeks)
    first_week = weeks.select(week_index(pl.col("week_start")).min().alias("_first"))
    unemployed = (
        weeks.select(cols)
        .filter(
            pl.col("status").cast(pl.String).is_in(UNEMPLOYED_STATUS)
            & pl.col("benefit_group").is_in(BENEFIT_GROUPS_LTU)
        )
        .with_columns(week_index(pl.col("week_start")).alias("_w"))
        .sort("person_id", "_w")
        .with_columns(
            (pl.col("person_id") != pl.col("person_id").shift(1))
            .fill_null(True)
            .cum_sum()
            .cast(pl.Int64)
            .alias("_p")
        )
        .with_columns((pl.col("_p") * _PERSON_SHIFT + pl.col("_w")).alias("_k"))
        .with_columns(
            (
                pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
                - pl.col("_k")
                .search_sorted(pl.col("_k") - LTU_WINDOW_WEEKS, side="right")
                .cast(pl.Int64)
            ).alias("weeks_52")
        )
    )
    ready = pl.col("match_group").is_in(JOB_READY) | (
        pl.col("match_group").is_null() & (pl.col("benefit_group") == INSURED_BENEFIT)
    )
    # The first week of the month the week belongs to must have 52 weeks of history.
    th = _thursday(pl.col("week_start"))
    month_first_thursday = pl.date(th.dt.year(), th.dt.month(), 1)
    month_first_monday = month_first_thursday + pl.duration(
        days=((4 - month_first_thursday.dt.weekday().cast(pl.Int32)) % 7) - 3
    )
    return (
        unemployed.filter(ready & (pl.col("weeks_52") >= LTU_MIN_WEEKS))
        .join(first_week, how="cross")
        .filter(week_index(month_first_monday) - (LTU_WINDOW_WEEKS - 1) >= pl.col("_first"))
        .select(*[c for c in cols if c != "status"], "weeks_52")
    )


def _covered_months(weeks: pl.LazyFrame, *, full_history: bool) -> pl.LazyFrame:
    """Every municipality and month the records cover (a month with no one is a zero)."""
    out = weeks.select("municipality_code", *_month_columns(pl.col("week_start"))).unique()
    if not full_history:
        return out
    first = weeks.select(week_index(pl.col("week_start")).min().alias("_first"))
    first_monday = pl.col("period_start") + pl.duration(
        days=((4 - pl.col("period_start").dt.weekday().cast(pl.Int32)) % 7) - 3
    )
    return (
        out.join(first, how="cross")
        .filter(week_index(first_monday) - (LTU_WINDOW_WEEKS - 1) >= pl.col("_first"))
        .drop("_first")
    )


def long_term_unemployed_persons(
    weeks: pl.LazyFrame, *, breakdown: str | None = None
) -> pl.LazyFrame:
    """Long-term unemployed full-time persons per municipality and month (raw frame).

    ``breakdown``: benefit_group, match_group, age_band (age reached in the month's
    year), sex, origin (country of origin) or team (the team of the week counted;
    "Uoplyst" where the records give none). Months the records cover with nobody
    long-term unemployed are zeros in the total (with a breakdown, only groups with
    someone in them appear).
    """
    group = _group(breakdown)
    ltu = (
        ltu_person_weeks(weeks)
        .with_columns(*_month_columns(pl.col("week_start")))
        .with_columns(group.alias("group"))
        .group_by("municipality_code", "period", "period_start", "group")
        .agg(pl.len().alias("_weeks"))
    )
    if breakdown is None:
        cells = (
            _covered_months(weeks, full_history=True)
            .with_columns(pl.lit(TOTAL).alias("group"))
            .join(ltu, on=["municipality_code", "period", "period_start", "group"], how="left")
            .with_columns(pl.col("_weeks").fill_null(0))
        )
    else:
        cells = ltu
    return _to_raw(
        cells.with_columns(
            (pl.col("_weeks") / _weeks_in_month(pl.col("period_start"))).alias("numerator"),
            pl.lit(None, pl.Float64).alias("denominator"),
        )
    )


def insured_eastern_share(
    weeks: pl.LazyFrame, *, countries: Sequence[str] | None = None
) -> pl.LazyFrame:
    """Eastern European insured unemployed as a share of all insured unemployed, at the
    start of each month (raw frame: numerator and denominator in full-time persons)."""
    east = tuple(countries) if countries else EASTERN_EUROPE
    weeks = weeks.select(
        "municipality_code", "week_start", "benefit_group", "status", "country_of_origin"
    ).with_columns(pl.col("status").cast(pl.String))
    counted = insured_eastern_cells(nw.from_native(weeks), east).to_native()
    start = pl.date(pl.col("year"), pl.col("month"), 1)
    cells = counted.with_columns(
        start.dt.strftime("%YM%m").alias("period"),
        start.alias("period_start"),
        pl.lit(TOTAL).alias("group"),
    )
    return _to_raw(cells)
