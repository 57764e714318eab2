"""Hand-made canonical frames for tests: one place that knows the canonical columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from domain import areas
from domain.canonical import DIMENSIONS, TOTAL, AggregateSchema, validate
from domain.periods import parse_period

RETRIEVED = datetime(2022, 1, 1, tzinfo=UTC)


def agg_row(
    dataset_id: str,
    period: str,
    area_code: str,
    measure_id: str,
    value: float | None,
    *,
    source: str = "test",
    retrieved_at: datetime = RETRIEVED,
    **dims: str,
) -> dict[str, Any]:
    """One canonical aggregate row; dimensions not given are the total ("I alt")."""
    p = parse_period(period)
    a = areas.area(area_code)
    return {
        "dataset_id": dataset_id,
        "period": p.code,
        "period_type": p.type,
        "period_start": p.start,
        "period_end": p.end,
        "area_code": a.code,
        "area_name": a.name,
        "area_level": a.level,
        **{d: dims.get(d, TOTAL) for d in DIMENSIONS},
        "measure_id": measure_id,
        "value": None if value is None else float(value),
        "suppressed": value is None,
        "source": source,
        "retrieved_at": retrieved_at,
    }


def make_agg(dataset_id: str, rows: list[dict[str, Any]], **kw: Any) -> pl.DataFrame:
    """Validated canonical rows: each dict gives period, measure_id, value, optionally
    area_code (default 710) and dimension values."""
    out = [
        agg_row(
            dataset_id,
            r["period"],
            r.get("area_code", "710"),
            r["measure_id"],
            r["value"],
            **kw,
            **{d: r[d] for d in DIMENSIONS if d in r},
        )
        for r in rows
    ]
    df = pl.DataFrame(out, schema_overrides={"value": pl.Float64})
    return validate(df, AggregateSchema, "test rows")


def inputs_of(**frames: pl.DataFrame) -> dict[str, pl.LazyFrame]:
    return {k: v.lazy() for k, v in frames.items()}


def monthly(
    dataset_id: str, measure: str, values: dict[str, float | None], area: str = "710", **dims: str
) -> pl.DataFrame:
    rows = [
        {"period": p, "area_code": area, "measure_id": measure, "value": v, **dims}
        for p, v in values.items()
    ]
    return make_agg(dataset_id, rows)


def self_support(period: str, total: float, women: float) -> list[dict[str, Any]]:
    """fasit_selvforsoergelse rows: persons into lasting self-support, all and women."""
    measure = "personer_varig_selvforsoergelse"
    return [
        {"period": period, "measure_id": measure, "value": total},
        {"period": period, "measure_id": measure, "sex": "Kvinder", "value": women},
    ]
