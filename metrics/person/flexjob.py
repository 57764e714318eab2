"""Flexjob hours since start from monthly person records (``person_flexjob_months``).

The plan's definitions (4.6, figures 11 and 12) are applied in ``metrics.kpis``
(``flex_from_persons``); this module gives it the reference-month rows with what each job
had registered up to then, without a window per person:

* A **job** is a person and start date. Every new-scheme row gets one integer key per job
  and month (the person id's category number, the start date's day and the month packed
  into 61 bits), so one sort of integers orders the rows by job and month; no text is
  sorted and no ``over`` window runs per person.
* **Registered months up to a month** (``_n_reg``): a running count of months with hours,
  restarted at each job's first row.
* **Hours at start** (``_at_start``): the job's first given ``start_hours``, otherwise the
  hours of its first registered month when its first row is the start month (the extract
  reaches back to the start), otherwise unknown (null).
"""

from __future__ import annotations

from datetime import date

import polars as pl

NEW_SCHEME = "Ny ordning"
_YEAR0 = 1900
_DAY0 = date(_YEAR0, 1, 1)
_MONTH_BITS = 12  # months since January 1900: < 4096 (until 2241)
_DAY_BITS = 17  # days since 1 January 1900: < 131072 (until 2258)


def _month_number(month: pl.Expr) -> pl.Expr:
    """``YYYYMmm`` -> months since January 1900 (0-based)."""
    return (
        (month.str.slice(0, 4).cast(pl.Int64) - _YEAR0) * 12
        + month.str.slice(5, 2).cast(pl.Int64)
        - 1
    )


def reference_month_rows(lf: pl.LazyFrame, ref_month: int) -> pl.LazyFrame:
    """The new-scheme rows of month ``ref_month`` (1-12) of every year, with ``_reg`` (hours
    registered that month), ``_n_reg`` (months with hours registered in the job up to and
    including this one) and ``_at_start`` (the job's weekly hours at start, null when
    unknown). Columns: person_id (the person's number, not the text id: enough to count
    distinct persons), municipality_code, month, weekly_hours, _reg, _n_reg, _at_start.

    Only integers and hours go through the sort (no text column): the municipality code
    as a number and the month as its index, turned back into text for the few rows
    returned."""
    person = pl.col("person_id").cast(pl.Categorical(pl.Categories.random())).to_physical()
    start_day = (pl.col("start_date") - pl.lit(_DAY0)).dt.total_days()
    start_month = (
        (pl.col("start_date").dt.year().cast(pl.Int64) - _YEAR0) * 12
        + pl.col("start_date").dt.month().cast(pl.Int64)
        - 1
    )
    job = pl.col("_job")
    reg = pl.col("weekly_hours").is_not_null()
    rows = (
        lf.filter(pl.col("scheme").cast(pl.String) == NEW_SCHEME)
        .select(
            person.alias("_p"),
            pl.col("municipality_code").cast(pl.UInt16),
            "weekly_hours",
            "start_hours",
            _month_number(pl.col("month")).alias("_i"),
            start_month.alias("_start_i"),
            (person.cast(pl.Int64) * (1 << _DAY_BITS) + start_day).alias("_job"),
        )
        .sort(job * (1 << _MONTH_BITS) + pl.col("_i"))
        .with_columns(
            (job != job.shift(1)).fill_null(True).alias("_new"),
            reg.cast(pl.Int64).cum_sum().alias("_cs"),
        )
    )
    new = pl.col("_new")
    jobs = rows.group_by("_job").agg(
        pl.col("start_hours").drop_nulls().first().alias("_given"),
        pl.col("weekly_hours").drop_nulls().first().alias("_first"),
        (pl.col("_i").first() == pl.col("_start_i").first()).alias("_covers"),
    )
    i = pl.col("_i")
    return (
        rows.with_columns(
            (
                pl.col("_cs") - pl.when(new).then(pl.col("_cs") - reg.cast(pl.Int64)).forward_fill()
            ).alias("_n_reg")
        )
        .filter(i % 12 == ref_month - 1)
        .join(jobs, on="_job", how="left")
        .select(
            pl.col("_p").alias("person_id"),
            pl.col("municipality_code").cast(pl.String).str.zfill(3),
            (
                (i // 12 + _YEAR0).cast(pl.String) + "M" + (i % 12 + 1).cast(pl.String).str.zfill(2)
            ).alias("month"),
            "weekly_hours",
            reg.alias("_reg"),
            "_n_reg",
            pl.coalesce("_given", pl.when(pl.col("_covers")).then(pl.col("_first"))).alias(
                "_at_start"
            ),
        )
    )
