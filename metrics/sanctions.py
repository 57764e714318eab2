"""Legal quality of sanction decisions: error rates from reviewed cases.

Feeds the Ledelsestilsyn page, an aggregate view: a group's figures about fewer than 5
cases are suppressed (``suppressed``; n < 5, or errors or non-errors 1-4), and where a
breakdown's groups add up to the total, a lone suppressed group takes the smallest shown
group with it, so that the total minus the others never gives it back. The review form
itself (``metrics.review``, ``suppress=False``) is the only screen with small counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.canonical import TOTAL
from metrics.kpis import ERROR_OUTCOMES
from metrics.series import MIN_PERSONS
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

QUALITY_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "n": pl.Int64(),
    "errors": pl.Int64(),
    "rate": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "suppressed": pl.Boolean(),
}
PARTITIONS = ("match_group", "sanction_type")
"""Breakdowns whose groups add up to the total (every case in exactly one group)."""


def small(n: int, errors: int) -> bool:
    """A group's figures say something about fewer than 5 cases."""
    return n < MIN_PERSONS or 0 < errors < MIN_PERSONS or 0 < n - errors < MIN_PERSONS


def _hidden(counts: list[tuple[str, int, int]], partition: bool) -> set[str]:
    """Groups to suppress: the small ones, and where the groups add up to a total, the
    smallest shown group beside a lone small one (complementary suppression)."""
    hidden = {g for g, n, k in counts if small(n, k)}
    shown = sorted((n, g) for g, n, _k in counts if g not in hidden and n > 0)
    if partition and len(hidden) == 1 and shown:
        hidden.add(shown[0][1])
    return hidden


def _with_ci(counts: pl.DataFrame, *, suppress: bool, partition: bool) -> pl.DataFrame:
    triples = [
        (str(r["group"]), int(r["n"]), int(r["errors"])) for r in counts.iter_rows(named=True)
    ]
    hidden = _hidden(triples, partition) if suppress else set()
    rows = []
    for group, n, k in triples:
        lo, hi = wilson_interval(k, n)
        h = group in hidden
        rows.append(
            {
                "group": group,
                "n": None if h and 0 < n < MIN_PERSONS else n,
                "errors": None if h else k,
                "rate": None if h or not n else 100.0 * k / n,
                "ci_low": None if h or not n else 100.0 * lo,
                "ci_high": None if h or not n else 100.0 * hi,
                "suppressed": h,
            }
        )
    return pl.DataFrame(rows, schema=QUALITY_SCHEMA, orient="row")


def sanction_quality(
    inputs: Mapping[str, pl.LazyFrame],
    *,
    municipality: str | None = None,
    by: str | None = None,
    suppress: bool = True,
) -> pl.DataFrame:
    """Error rate of reviewed sanction cases with a Wilson 95 % interval (in percent).

    An error is a review outcome "Ændret" or "Hjemvist". ``by``: None (one row, group
    "I alt"), "match_group", "sanction_type" or "checklist_point" (for each point, n is
    the cases where it applies, errors the cases where it is not met).
    Columns: group, n, errors, rate, ci_low, ci_high, suppressed (figures about fewer
    than 5 cases blank, see the module; ``suppress=False`` only for the review form).
    Empty when no reviews are loaded.
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
    return _with_ci(counts, suppress=suppress, partition=by in PARTITIONS)
