"""Counts set on one scale: per 100 in the labour force, or as an index.

A count of persons says more about a municipality's size than about its jobcenter:
København "ranks first" on long-term unemployment because it is large. Two ways to put
areas of any size on one scale:

* ``per_labour_force``: per 100 in the labour force aged 16-66. The labour force is not a
  table of its own: jobindsats publishes, beside the full-time persons of a benefit, the
  same full-time persons in percent of the labour force 16-66
  (``Fuldtidspersoner i pct. af arbejdsstyrken``, JOBINDSATS.md), so
  labour force = full-time persons * 100 / that percentage, per area and month, from
  any loaded table that has both measures for its total row.
* ``indexed``: each area's series over its value in the first period every area has
  (= 100), for trends of areas with no labour force figure.

Both only divide visible figures: a suppressed count stays suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.canonical import TOTAL
from domain.datasets import DATASETS

Inputs = Mapping[str, pl.LazyFrame]

FULLTIME = "fuldtidspersoner"
PCT_LABOUR_FORCE = "pct_arbejdsstyrken"
RATE_LABEL = "pr. 100 i arbejdsstyrken (16-66 år)"


def labour_force_sources() -> tuple[str, ...]:
    """The datasets that carry full-time persons and their percentage of the labour force."""
    out = []
    for ds in DATASETS.values():
        ids = {m.id for m in ds.measures}
        if {FULLTIME, PCT_LABOUR_FORCE} <= ids:
            out.append(ds.id)
    return tuple(sorted(out))


def labour_force(inputs: Inputs) -> pl.DataFrame:
    """The labour force 16-66 per area and month: columns area_code, period,
    labour_force. Derived from the first loaded table (``labour_force_sources``) that has
    both measures unsuppressed for the area's total row; empty when none is loaded."""
    frames = []
    for rank, ds_id in enumerate(labour_force_sources()):
        if ds_id not in inputs:
            continue
        ds = DATASETS[ds_id]
        totals = [pl.col(d) == TOTAL for d in ds.dimensions]
        lf = (
            inputs[ds_id]
            .filter(
                pl.col("measure_id").is_in([FULLTIME, PCT_LABOUR_FORCE]),
                pl.col("period").str.contains(r"^\d{4}M\d{2}$"),
                ~pl.col("suppressed").fill_null(False),
                *totals,
            )
            .group_by("area_code", "period")
            .agg(
                pl.col("value").filter(pl.col("measure_id") == FULLTIME).first().alias("ft"),
                pl.col("value")
                .filter(pl.col("measure_id") == PCT_LABOUR_FORCE)
                .first()
                .alias("pct"),
            )
            .filter(pl.col("pct") > 0)
            .select(
                "area_code",
                "period",
                (pl.col("ft") * 100.0 / pl.col("pct")).alias("labour_force"),
                pl.lit(rank).alias("rank"),
            )
        )
        frames.append(lf)
    if not frames:
        return pl.DataFrame(
            schema={"area_code": pl.String, "period": pl.String, "labour_force": pl.Float64}
        )
    return (
        pl.concat(frames)
        .sort("rank")
        .group_by("area_code", "period", maintain_order=True)
        .first()
        .drop("rank")
        .collect()
    )


def per_labour_force(df: pl.DataFrame, lf: pl.DataFrame) -> pl.DataFrame:
    """``df`` (a series, comparison or ranking frame with area_code and value, and either
    a ``period`` month or a ``year``) with ``value`` per 100 in the labour force and the
    count kept as ``count``. A year's figure is set against the year's average labour
    force. Areas without a labour force get a null value."""
    if "year" in df.columns:
        lf = lf.group_by(
            "area_code", pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year")
        ).agg(pl.col("labour_force").mean())
        on = ["area_code", "year"]
    else:
        on = ["area_code", "period"]
    return (
        df.join(lf, on=on, how="left")
        .with_columns(
            pl.col("value").alias("count"),
            (pl.col("value") * 100.0 / pl.col("labour_force")).alias("value"),
        )
        .drop("labour_force")
    )


def indexed(df: pl.DataFrame, *, by: str = "area_code") -> pl.DataFrame:
    """Each ``by``'s values over its value in the first period where every ``by`` with any
    figure has a visible, non-zero value (= 100); all null when there is no such period.
    Adds ``base_period``."""
    if df.is_empty():
        return df.with_columns(pl.lit(None, pl.String).alias("base_period"))
    visible = df.filter(pl.col("value").is_not_null() & (pl.col("value") != 0))
    n = visible[by].n_unique()  # areas with no figure at all stay blank
    full = (
        visible.group_by("period")
        .agg(pl.col(by).n_unique().alias("n"), pl.col("period_start").first())
        .filter(pl.col("n") == n)
        .sort("period_start")
    )
    if full.is_empty():
        return df.with_columns(
            pl.lit(None, pl.Float64).alias("value"), pl.lit(None, pl.String).alias("base_period")
        )
    base = str(full["period"][0])
    bases = df.filter(pl.col("period") == base).select(by, pl.col("value").alias("_base"))
    return (
        df.join(bases, on=by, how="left")
        .with_columns(
            (pl.col("value") * 100.0 / pl.col("_base")).alias("value"),
            pl.lit(base).alias("base_period"),
        )
        .drop("_base")
    )


def ranking_per_labour_force(
    ranking: pl.DataFrame, lf: pl.DataFrame, *, year: int, better: str
) -> pl.DataFrame:
    """A year's ranking (``metrics.api.ranking``) ranked again per 100 in the labour
    force: municipalities without a labour force figure drop out; ties share the best
    rank; ``count`` keeps the count."""
    rated = per_labour_force(ranking.with_columns(pl.lit(year, pl.Int32).alias("year")), lf)
    rated = rated.filter(pl.col("value").is_not_null()).drop("year")
    return rated.with_columns(
        pl.col("value")
        .rank(method="min", descending=better == "higher")
        .cast(pl.Int64)
        .alias("rank"),
        pl.lit(rated.height, pl.Int64).alias("n_areas"),
    ).sort("rank", "area_code")
