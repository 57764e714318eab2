"""What every local converter returns, and canonical aggregate rows from plain counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from domain import areas
from domain.canonical import DIMENSIONS, TOTAL, AggregateSchema
from domain.periods import parse_period


@dataclass(frozen=True)
class LocalData:
    """One file read, checked and converted: the rows the store will get, nothing stored yet.

    ``df`` holds canonical ``AggregateSchema`` rows (``target_kind`` "aggregate") or the
    person table's rows ("person"). ``periods`` and ``areas`` describe what will be stored
    (for the preview); ``rows_read`` counts the data rows of the file.
    """

    template_id: str
    file: str
    target_kind: str
    target: str
    df: pl.DataFrame
    rows_read: int
    periods: tuple[str, ...]
    areas: tuple[str, ...]

    def summary(self) -> str:
        span = f"{self.periods[0]} til {self.periods[-1]}" if self.periods else "-"
        return (
            f"{self.file}: {self.rows_read} rows read, {self.df.height} rows for {self.target} "
            f"({span}; {', '.join(self.areas)})"
        )


def area_names(codes: list[str]) -> tuple[str, ...]:
    return tuple(sorted(areas.area(c).name for c in set(codes)))


def aggregate_rows(
    dataset_id: str, counts: pl.DataFrame, *, source: str, retrieved_at: datetime
) -> pl.DataFrame:
    """Canonical rows from ``period``, ``area_code``, some dimension columns, ``measure_id``
    and ``value`` (dimensions not given are the total)."""
    periods = counts["period"].unique().to_list()
    plook = pl.DataFrame(
        [
            {
                "period": p,
                "period_type": parse_period(p).type,
                "period_start": parse_period(p).start,
                "period_end": parse_period(p).end,
            }
            for p in periods
        ],
        schema={
            "period": pl.String,
            "period_type": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
        },
    )
    codes = counts["area_code"].unique().to_list()
    alook = pl.DataFrame(
        [
            {"area_code": c, "area_name": areas.area(c).name, "area_level": areas.area(c).level}
            for c in codes
        ],
        schema={"area_code": pl.String, "area_name": pl.String, "area_level": pl.String},
    )
    df = (
        counts.join(plook, on="period", how="left")
        .join(alook, on="area_code", how="left")
        .with_columns(
            pl.lit(dataset_id).alias("dataset_id"),
            *[pl.lit(TOTAL).alias(d) for d in DIMENSIONS if d not in counts.columns],
            pl.col("value").cast(pl.Float64),
            pl.col("value").is_null().alias("suppressed"),
            pl.lit(source).alias("source"),
            pl.lit(retrieved_at.astimezone(UTC)).dt.convert_time_zone("UTC").alias("retrieved_at"),
        )
        .select(AggregateSchema.column_names())
        .sort("period", "area_code", *DIMENSIONS, "measure_id")
    )
    return AggregateSchema.validate(df, cast=True)
