"""KPI steps written once in narwhals: the same lazy plan runs on Polars (here) and on an
established distributed engine (PySpark, DuckDB, Dask ...) where one machine is not enough.

Only expressions every narwhals lazy backend supports are used (filters, date parts,
``is_in``, group-by sums and counts). jobmaal runs these functions on Polars LazyFrames;
``tests/test_person_distributed.py`` runs the same function, unchanged, on a local PySpark
session and gets the same figures. See docs/distributed.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

INSURED_BENEFIT = "A-dagpenge"


def insured_eastern_cells(weeks: nw.LazyFrame, countries: Sequence[str]) -> nw.LazyFrame:
    """Insured unemployed at the start of each month, and how many of them come from
    ``countries``: per municipality_code, year and month, ``numerator`` and
    ``denominator`` (persons on A-dagpenge with status ``ledig`` in the month's first week,
    the week whose Thursday is one of the month's first seven days)."""
    thursday = nw.col("week_start").dt.offset_by("3d")
    return (
        weeks.filter(
            (thursday.dt.day() <= 7)
            & (nw.col("benefit_group") == INSURED_BENEFIT)
            & (nw.col("status") == "ledig")
        )
        .with_columns(
            thursday.dt.year().cast(nw.Int32).alias("year"),
            thursday.dt.month().cast(nw.Int32).alias("month"),
            nw.col("country_of_origin").is_in(list(countries)).cast(nw.Int64).alias("_east"),
        )
        .group_by("municipality_code", "year", "month")
        .agg(
            nw.col("_east").sum().cast(nw.Float64).alias("numerator"),
            nw.len().cast(nw.Float64).alias("denominator"),
        )
    )
