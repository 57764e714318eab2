"""Person-level KPIs: figures recomputed from the person tables (DREAM / Fasit style).

Every function takes and returns LazyFrames (pure Polars, no I/O) so that a scan of the
hive-partitioned store reads only the columns and partitions the plan needs, and the same
plan can be handed to another engine (see docs/distributed.md).
"""

from metrics.person.benefit_weeks import (
    LTU_MIN_WEEKS,
    LTU_WINDOW_WEEKS,
    age_band,
    insured_eastern_share,
    long_term_unemployed_persons,
    ltu_week_counts,
)

__all__ = [
    "LTU_MIN_WEEKS",
    "LTU_WINDOW_WEEKS",
    "age_band",
    "insured_eastern_share",
    "long_term_unemployed_persons",
    "ltu_week_counts",
]
