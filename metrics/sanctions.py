"""Legal quality of sanction decisions: error rates from reviewed cases.

Feeds the case-review (ledelsestilsyn) screen. Counts are not suppressed here: the
screen exists to look at small samples; it never shows person or case ids.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.canonical import TOTAL
from metrics.kpis import ERROR_OUTCOMES
from metrics.stats import wilson_interval

CHECKLIST: dict[str, str] = {
    "p1": "1. Matchgruppen (jobparat/aktivitetsparat) er angivet",
    "p2": "2. Sagen er tilstrækkeligt oplyst (herunder oplyst sygdom undersøgt)",
    "p3": "3. Udeblivelse uden afbud er ikke alene bevis for manglende rimelig grund",
    "p4": "4. Det er vurderet, om borgeren havde en rimelig grund",
    "p5": "5. Aktivitetsparat: andre forhold end de rimelige grunde er vurderet",
    "p6": "6. Aktivitetsparat: det er vurderet og begrundet, om sanktionen fremmer rådigheden",
    "p7": "7. Aktivitetsparat: særlig partshøring og personlig kontakt (normalt hjemmebesøg)",
    "p8": "8. Afgørelsen begrunder, at hver betingelse for sanktionen er opfyldt",
}

QUALITY_COLUMNS = ("group", "n", "errors", "rate", "ci_low", "ci_high")
QUALITY_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "n": pl.Int64(),
    "errors": pl.Int64(),
    "rate": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
}


def _with_ci(counts: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for r in counts.iter_rows(named=True):
        n, k = int(r["n"]), int(r["errors"])
        lo, hi = wilson_interval(k, n)
        rows.append(
            {
                "group": r["group"],
                "n": n,
                "errors": k,
                "rate": 100.0 * k / n if n else None,
                "ci_low": 100.0 * lo if n else None,
                "ci_high": 100.0 * hi if n else None,
            }
        )
    return pl.DataFrame(rows, schema=QUALITY_SCHEMA, orient="row")


def sanction_quality(
    inputs: Mapping[str, pl.LazyFrame],
    *,
    municipality: str | None = None,
    by: str | None = None,
) -> pl.DataFrame:
    """Error rate of reviewed sanction cases with a Wilson 95 % interval (in percent).

    An error is a review outcome "Ændret" or "Hjemvist". ``by``: None (one row, group
    "I alt"), "match_group", "sanction_type" or "checklist_point" (for each point, n is
    the cases where it applies, errors the cases where it is not met).
    Columns: group, n, errors, rate, ci_low, ci_high. Empty when no reviews are loaded.
    """
    if by not in (None, "match_group", "sanction_type", "checklist_point"):
        raise ValueError(
            f"unknown breakdown {by!r}: use match_group, sanction_type or checklist_point"
        )
    if "sanction_reviews" not in inputs:
        return pl.DataFrame(schema=QUALITY_SCHEMA)
    lf = inputs["sanction_reviews"]
    if municipality is not None:
        lf = lf.filter(pl.col("municipality_code") == municipality)
    df = lf.collect()
    if by == "checklist_point":
        parts = [
            pl.DataFrame(
                {
                    "group": [label],
                    "n": [df.get_column(p).is_not_null().sum()],
                    "errors": [(df.get_column(p) == False).sum()],  # noqa: E712
                }
            )
            for p, label in CHECKLIST.items()
        ]
        counts = pl.concat(parts)
    else:
        err = pl.col("outcome").cast(pl.String).is_in(ERROR_OUTCOMES)
        group = pl.col(by).cast(pl.String) if by else pl.lit(TOTAL)
        counts = (
            df.with_columns(group.alias("group"), err.alias("_err"))
            .group_by("group")
            .agg(pl.len().alias("n"), pl.col("_err").sum().alias("errors"))
            .sort("group")
        )
    return _with_ci(counts)
