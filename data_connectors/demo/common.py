"""Shared pieces of the demo generator: labels, periods, random streams, rounding, framing.

Every figure is generated as an integer in a fixed unit (tenths of a full-time person,
whole persons, tenths of a percentage point) so that totals, regions and the country are
exact integer sums of their parts; values become floats only when framed canonically.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import combinations, pairwise

import polars as pl

from domain.areas import COUNTRY_NAME, municipalities
from domain.canonical import (
    COUNTRY_CODE,
    DIMENSIONS,
    TOTAL,
    AggregateSchema,
)
from domain.periods import month_range, parse_period

DEMO_SOURCE_PREFIX = "demo"
"""Every demo row's ``source`` starts with this, so pages can label it as demo data."""

DEFAULT_SEED = 2022
FIRST_MONTH = "2019M01"
LAST_MONTH = "2023M12"
MONTHS: tuple[str, ...] = tuple(month_range(FIRST_MONTH, LAST_MONTH))
MONTH_INDEX: dict[str, int] = {m: i for i, m in enumerate(MONTHS)}
RETRIEVED_AT = datetime(2024, 1, 15, 6, 0, tzinfo=UTC)
"""Fixed so that two builds with the same seed are byte-identical."""

FAVRSKOV = "710"

# Units of the integer working values, by measure id: value = integer / scale.
SCALE: dict[str, int] = {
    "fuldtidspersoner": 10,
    "forventet_fuldtidspersoner": 1,
    "faktisk_fuldtidspersoner": 1,
    "andel_op": 10,
    "andel_ned": 10,
    "andel_uaendret": 10,
}


def is_demo_source(source: str) -> bool:
    """True when a ``source`` value marks synthetic demo data."""
    return source.strip().casefold().startswith(DEMO_SOURCE_PREFIX)


def source_label(seed: int) -> str:
    return f"{DEMO_SOURCE_PREFIX}: syntetiske data (seed {seed})"


def rng(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream for one purpose (str seeds hash stably)."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def poisson(r: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, rounded normal for large)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(r.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def split_int(total: int, weights: Sequence[float]) -> list[int]:
    """Split a non-negative integer into parts proportional to ``weights``, summing exactly.

    Largest-remainder rounding; ties go to the earlier part, so the result is deterministic.
    """
    wsum = float(sum(weights))
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    parts = [math.floor(x) for x in raw]
    rest = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def interpolate(anchors: dict[str, float]) -> list[float]:
    """A monthly series over MONTHS, linear between anchor months, flat beyond the ends."""
    points = sorted((MONTH_INDEX[m], v) for m, v in anchors.items())
    out: list[float] = []
    for t in range(len(MONTHS)):
        if t <= points[0][0]:
            out.append(points[0][1])
            continue
        if t >= points[-1][0]:
            out.append(points[-1][1])
            continue
        for (t0, v0), (t1, v1) in pairwise(points):
            if t0 <= t <= t1:
                out.append(v0 + (v1 - v0) * (t - t0) / (t1 - t0))
                break
    return out


@lru_cache(maxsize=1)
def region_of_municipality() -> dict[str, str]:
    return {r["code"]: r["region_code"] for r in municipalities().iter_rows(named=True)}


@lru_cache(maxsize=1)
def municipality_codes() -> tuple[str, ...]:
    return tuple(municipalities().get_column("code").to_list())


def _area_frame() -> pl.DataFrame:
    m = municipalities()
    regions = m.select(
        pl.col("region_code").alias("area_code"), pl.col("region_name").alias("area_name")
    ).unique()
    return pl.concat(
        [
            m.select(
                pl.col("code").alias("area_code"),
                pl.col("name").alias("area_name"),
                pl.lit("kommune").alias("area_level"),
            ),
            regions.with_columns(pl.lit("region").alias("area_level")),
            pl.DataFrame(
                {"area_code": [COUNTRY_CODE], "area_name": [COUNTRY_NAME], "area_level": ["land"]}
            ),
        ]
    )


def leaf_frame(rows: dict[str, list[object]], dims: Sequence[str]) -> pl.DataFrame:
    """Municipality-level leaf rows: area_code, period, the dataset's dims, measure_id, v."""
    schema: dict[str, pl.DataType] = {"area_code": pl.String(), "period": pl.String()}
    schema.update({d: pl.String() for d in dims})
    schema.update({"measure_id": pl.String(), "v": pl.Int64()})
    return pl.DataFrame(rows, schema=schema)


def with_totals(leaf: pl.DataFrame, dims: Sequence[str]) -> pl.DataFrame:
    """Add the "I alt" rows for every subset of ``dims`` (integer sums of the leaves)."""
    keys = ["area_code", "period", "measure_id"]
    parts = [leaf.select(*keys, *dims, "v")]
    for k in range(len(dims)):
        for kept in combinations(dims, k):
            agg = leaf.group_by([*keys, *kept]).agg(pl.col("v").sum())
            agg = agg.with_columns(pl.lit(TOTAL).alias(d) for d in dims if d not in kept)
            parts.append(agg.select(*keys, *dims, "v"))
    return pl.concat(parts)


def with_areas(df: pl.DataFrame, dims: Sequence[str]) -> pl.DataFrame:
    """Add region and country rows, the integer sums of their municipalities."""
    keys = ["period", *dims, "measure_id"]
    regions = pl.DataFrame(
        {
            "area_code": list(region_of_municipality()),
            "region_code": list(region_of_municipality().values()),
        }
    )
    reg = (
        df.join(regions, on="area_code")
        .group_by(["region_code", *keys])
        .agg(pl.col("v").sum())
        .rename({"region_code": "area_code"})
    )
    land = df.group_by(keys).agg(pl.col("v").sum()).with_columns(area_code=pl.lit(COUNTRY_CODE))
    cols = ["area_code", *keys, "v"]
    return pl.concat([df.select(cols), reg.select(cols), land.select(cols)])


def canonical(dataset_id: str, df: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Frame rows (area_code, period, some dims, measure_id, value) as AggregateSchema rows.

    Missing dimension columns get "I alt"; ``v`` integers are divided by the measure's scale
    when no ``value`` column is given. Rows are sorted so output is reproducible.
    """
    if "value" not in df.columns:
        scale = pl.col("measure_id").replace_strict(SCALE, default=1, return_dtype=pl.Int64)
        df = df.with_columns((pl.col("v") / scale).cast(pl.Float64).alias("value")).drop("v")
    df = df.with_columns(pl.lit(TOTAL).alias(d) for d in DIMENSIONS if d not in df.columns)
    periods = sorted(set(df.get_column("period").to_list()))
    parsed = [parse_period(p) for p in periods]
    pframe = pl.DataFrame(
        {
            "period": periods,
            "period_type": [p.type for p in parsed],
            "period_start": [p.start for p in parsed],
            "period_end": [p.end for p in parsed],
        }
    )
    out = (
        df.join(pframe, on="period", how="left")
        .join(_area_frame(), on="area_code", how="left")
        .with_columns(
            pl.lit(dataset_id).alias("dataset_id"),
            pl.col("value").cast(pl.Float64),
            pl.lit(False).alias("suppressed"),
            pl.lit(source_label(seed)).alias("source"),
            pl.lit(RETRIEVED_AT).dt.convert_time_zone("UTC").alias("retrieved_at"),
        )
    )
    cols = AggregateSchema.column_names()
    return out.select(cols).sort(["period", "area_code", *DIMENSIONS, "measure_id"])


def aggregate(dataset_id: str, leaf: pl.DataFrame, dims: Sequence[str], seed: int) -> pl.DataFrame:
    """Leaves -> totals -> regions and country -> canonical frame."""
    return canonical(dataset_id, with_areas(with_totals(leaf, dims), dims), seed)
