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


def _carried(breakdown: str | None) -> list[pl.Expr]:
    """The breakdown's source column, carried through the sort as ``_g`` (small types:
    the birth year for age bands, categories for text)."""
    if breakdown is None:
        return []
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {breakdown!r} (allowed: {', '.join(BREAKDOWNS)})")
    if breakdown == "age_band":
        return [pl.col("birth_year").alias("_g")]
    source = "country_of_origin" if breakdown == "origin" else breakdown
    text = pl.col(source).cast(pl.String)
    if breakdown != "origin":
        text = text.fill_null(UNKNOWN)
    return [text.cast(pl.Categorical(pl.Categories.random())).alias("_g")]


def ltu_week_counts(weeks: pl.LazyFrame, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Long-term unemployed person-weeks counted per municipality and week (and group).

    Columns: ``municipality_code`` (UInt16), ``_w`` (``week_index``), ``_g`` (the
    breakdown's source column, see ``_carried``; absent without a breakdown) and
    ``_weeks``. Every week is counted, also those of months without full history (the
    caller drops those).

    The weeks unemployed or activated on one of the benefits are sorted once on one
    integer key per person and week (``person code * 2**21 + week``; the person code is
    the person id's category number, so no text is sorted). A week is long-term when the
    row 41 places before it on that key is within the 52 weeks up to it: the 42 rows
    from there on are then 42 distinct weeks of this person in the window, and with 42 or
    more weeks in the window that row is always in it. So no window per person and no
    binary search is needed.
    """
    if breakdown == "team":
        weeks = with_team(weeks)
    person = pl.col("person_id").cast(pl.Categorical(pl.Categories.random())).to_physical()
    ready = pl.col("match_group").is_in(JOB_READY) | (
        pl.col("match_group").is_null() & (pl.col("benefit_group") == INSURED_BENEFIT)
    )
    key = pl.col("_k")
    return (
        weeks.filter(
            pl.col("status").is_in(UNEMPLOYED_STATUS)
            & pl.col("benefit_group").is_in(BENEFIT_GROUPS_LTU)
        )
        .select(
            (person.cast(pl.Int64) * _PERSON_SHIFT + week_index(pl.col("week_start"))).alias("_k"),
            pl.col("municipality_code").cast(pl.UInt16),
            ready.alias("_ready"),
            *_carried(breakdown),
        )
        .sort("_k")
        .filter(pl.col("_ready") & (key - key.shift(LTU_MIN_WEEKS - 1) < LTU_WINDOW_WEEKS))
        .group_by(
            "municipality_code",
            (key % _PERSON_SHIFT).alias("_w"),
            *(["_g"] if breakdown is not None else []),
        )
        .agg(pl.len().alias("_weeks"))
    )


def _first_monday(period_start: pl.Expr) -> pl.Expr:
    """The Monday of the first week of the month (the week of its first Thursday)."""
    return period_start + pl.duration(days=((4 - period_start.dt.weekday().cast(pl.Int32)) % 7) - 3)


def _week_start(index: pl.Expr) -> pl.Expr:
    return pl.lit(_EPOCH_MONDAY) + pl.duration(weeks=index)


def long_term_unemployed_persons(
    weeks: pl.LazyFrame, *, breakdown: str | None = None
) -> pl.LazyFrame:
    """Long-term unemployed full-time persons per municipality and month (raw frame).

    ``breakdown``: benefit_group, match_group, age_band (age reached in the month's
    year), sex, origin (country of origin) or team (the team of the week counted;
    "Uoplyst" where the records give none). Months the records cover with nobody
    long-term unemployed are zeros in the total (with a breakdown, only groups with
    someone in them appear).

    The two heavy parts, the long-term weeks (``ltu_week_counts``) and the municipalities
    and weeks the records cover (which also give the first week of the data), run on
    Polars' streaming engine in one go; what is left is small (municipalities x weeks)
    and returned as a lazy frame.
    """
    counts_plan = ltu_week_counts(weeks, breakdown=breakdown)
    covered_plan = weeks.group_by(
        pl.col("municipality_code").cast(pl.UInt16), week_index(pl.col("week_start")).alias("_w")
    ).agg()
    counts, covered = pl.collect_all([counts_plan, covered_plan], engine="streaming")
    first = covered["_w"].min()
    if first is None:  # no records at all
        return _to_raw(
            pl.LazyFrame(
                schema={
                    "municipality_code": pl.String,
                    "period": pl.String,
                    "period_start": pl.Date,
                    "group": pl.String,
                    "numerator": pl.Float64,
                    "denominator": pl.Float64,
                }
            )
        )
    key = ["municipality_code", "period", "period_start"]

    def by_month(lf: pl.LazyFrame) -> pl.LazyFrame:
        """Weeks -> months, only months whose first week has the full 52 weeks of data."""
        return (
            lf.with_columns(*_month_columns(_week_start(pl.col("_w"))))
            .filter(
                week_index(_first_monday(pl.col("period_start"))) - (LTU_WINDOW_WEEKS - 1) >= first
            )
            .with_columns(pl.col("municipality_code").cast(pl.String).str.zfill(3))
        )

    ltu = by_month(counts.lazy())
    if breakdown is None:
        months = by_month(covered.lazy()).select(key).unique()
        ltu = ltu.group_by(key).agg(pl.col("_weeks").sum())
        cells = months.join(ltu, on=key, how="left").with_columns(
            pl.col("_weeks").fill_null(0), pl.lit(TOTAL).alias("group")
        )
    else:
        group = (
            age_band(pl.col("period_start").dt.year(), pl.col("_g"))
            if breakdown == "age_band"
            else pl.col("_g").cast(pl.String)
        )
        cells = (
            ltu.with_columns(group.alias("group"))
            .group_by(*key, "group")
            .agg(pl.col("_weeks").sum())
        )
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
    # The portable step (``insured_eastern_cells``) holds the definition; the same filters
    # first, in Polars, let the scan skip most rows before any column is decoded as text.
    weeks = (
        weeks.filter(
            (pl.col("benefit_group") == INSURED_BENEFIT)
            & (pl.col("status") == "ledig")
            & (_thursday(pl.col("week_start")).dt.day() <= 7)
        )
        .select("municipality_code", "week_start", "benefit_group", "status", "country_of_origin")
        .with_columns(pl.col("status").cast(pl.String))
    )
    counted = (
        insured_eastern_cells(nw.from_native(weeks), east)
        .to_native()
        .collect(engine="streaming")
        .lazy()
    )
    start = pl.date(pl.col("year"), pl.col("month"), 1)
    cells = counted.with_columns(
        start.dt.strftime("%YM%m").alias("period"),
        start.alias("period_start"),
        pl.lit(TOTAL).alias("group"),
    )
    return _to_raw(cells)
