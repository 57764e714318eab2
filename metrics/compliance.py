"""Case-work compliance from the case-event extract (``case_events``), against STAR's focus
audits (DOMAIN.md): pure Polars, no I/O.

Three indicators, each counted per unit of case work, in the month the requirement fell
due, per team and in all ("I alt"):

* ``samtaler_ressourceforloeb``: a ressourceforløb (its start event S) meets the
  requirement when the person had at least 6 follow-up conversations in the 12 months
  from S (S up to the day before S + 12 months). Counted in the month of that last day,
  once it lies on or before ``as_of``. National: 59 % (n = 313).
* ``cv_3_uger``: a start of ledighedsydelse (L) meets it when a CV was registered on
  Jobnet within 3 weeks, from L to L + 21 days. Counted in the month of L once L + 21
  days lies on or before ``as_of``. National: about half.
* ``rettidig_revurdering``: a re-assessment due date (D) is met when a re-assessment was
  made on or before D and at most 92 days (a quarter) before it. Counted in the month of
  D once D lies on or before ``as_of``. National: 65 %.

``as_of`` defaults to the extract's last event date. Figures follow the <5 rule of
``metrics.series``: n of 1-4 hidden; share and count met hidden when n < 5 or when met
or not met is 1-4.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from domain.canonical import TOTAL
from domain.periods import month_code
from metrics.references import national_casework_reference
from metrics.series import MIN_PERSONS

UNKNOWN_TEAM = "Uoplyst team"
CONVERSATIONS_NEEDED: Final = 6
CV_DAYS: Final = 21
REASSESSMENT_EARLY_DAYS: Final = 92

INDICATORS: Final[dict[str, str]] = {
    "samtaler_ressourceforloeb": "Mindst 6 opfølgningssamtaler inden for 12 måneder",
    "cv_3_uger": "CV på Jobnet inden for 3 uger efter start på ledighedsydelse",
    "rettidig_revurdering": "Rettidig revurdering af ledighedsydelse",
}
"""Indicator id -> label, the same words as STAR's reference rows (metrics.references)."""

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "label": pl.String(),
    "period": pl.String(),
    "team": pl.String(),
    "n": pl.Int64(),
    "met": pl.Int64(),
    "share": pl.Float64(),
    "suppressed": pl.Boolean(),
    "national": pl.Float64(),
}


def national_shares() -> dict[str, float | None]:
    """Indicator id -> STAR's national share in percent."""
    ref = national_casework_reference()
    by_label = dict(zip(ref["indicator"].to_list(), ref["share"].to_list(), strict=True))
    return {k: by_label.get(label) for k, label in INDICATORS.items()}


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%YM%m")


def _units(events: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """One row per unit of case work: indicator, period, team, met (bool)."""
    ev = events.with_columns(
        pl.col("event").cast(pl.String), pl.col("team").cast(pl.String).fill_null(UNKNOWN_TEAM)
    )

    def of(kind: str) -> pl.DataFrame:
        return ev.filter(pl.col("event") == kind).select(
            "person_id", "team", pl.col("event_date").alias("at")
        )

    def hits(units: pl.DataFrame, kind: str, lo: pl.Expr, hi: pl.Expr) -> pl.DataFrame:
        """units (person_id, team, at, due) with ``n``: events of ``kind`` in [lo, hi]."""
        units = units.with_row_index("_unit")
        other = ev.filter(pl.col("event") == kind).select(
            "person_id", pl.col("event_date").alias("_d")
        )
        counted = (
            units.join(other, on="person_id", how="inner")
            .filter(pl.col("_d").is_between(lo, hi))
            .group_by("_unit")
            .agg(pl.len().alias("n_events"))
        )
        return (
            units.join(counted, on="_unit", how="left")
            .with_columns(pl.col("n_events").fill_null(0))
            .drop("_unit")
        )

    parts = []
    rf = of("ressourceforloeb_start").with_columns(
        (pl.col("at").dt.offset_by("12mo") - pl.duration(days=1)).alias("due")
    )
    rf = hits(rf, "opfoelgningssamtale", pl.col("at"), pl.col("due"))
    parts.append(
        rf.filter(pl.col("due") <= as_of).select(
            pl.lit("samtaler_ressourceforloeb").alias("indicator"),
            _month("due").alias("period"),
            "team",
            (pl.col("n_events") >= CONVERSATIONS_NEEDED).alias("met"),
        )
    )
    ly = of("ledighedsydelse_start").with_columns(
        (pl.col("at") + pl.duration(days=CV_DAYS)).alias("due")
    )
    ly = hits(ly, "cv_jobnet", pl.col("at"), pl.col("due"))
    parts.append(
        ly.filter(pl.col("due") <= as_of).select(
            pl.lit("cv_3_uger").alias("indicator"),
            _month("at").alias("period"),
            "team",
            (pl.col("n_events") > 0).alias("met"),
        )
    )
    rv = of("revurdering_frist").with_columns(pl.col("at").alias("due"))
    rv = hits(
        rv, "revurdering", pl.col("due") - pl.duration(days=REASSESSMENT_EARLY_DAYS), pl.col("due")
    )
    parts.append(
        rv.filter(pl.col("due") <= as_of).select(
            pl.lit("rettidig_revurdering").alias("indicator"),
            _month("due").alias("period"),
            "team",
            (pl.col("n_events") > 0).alias("met"),
        )
    )
    return pl.concat(parts)


def _finish(counts: pl.DataFrame, suppress: bool) -> pl.DataFrame:
    national = national_shares()
    n, k = pl.col("n"), pl.col("met")
    small = (
        (n < MIN_PERSONS) | ((k > 0) & (k < MIN_PERSONS)) | ((n - k > 0) & (n - k < MIN_PERSONS))
    )
    hidden = small if suppress else pl.lit(False)
    return (
        counts.with_columns(hidden.alias("suppressed"))
        .with_columns(
            pl.col("indicator").replace_strict(INDICATORS, return_dtype=pl.String).alias("label"),
            pl.when(pl.col("suppressed")).then(None).otherwise(100.0 * k / n).alias("share"),
            pl.when(pl.col("suppressed")).then(None).otherwise(k).alias("met"),
            pl.when(pl.lit(suppress) & (n < MIN_PERSONS)).then(None).otherwise(n).alias("n"),
            pl.col("indicator")
            .replace_strict(national, return_dtype=pl.Float64, default=None)
            .alias("national"),
        )
        .select(list(RESULT_SCHEMA))
        .cast(RESULT_SCHEMA)  # type: ignore[arg-type]
    )


def _municipality_units(
    events: pl.DataFrame, municipality: str | None, as_of: date | None
) -> pl.DataFrame:
    """The units due of one municipality (or all), judged at ``as_of`` (default: the
    last event's date); empty when there are no events."""
    if municipality is not None:
        events = events.filter(pl.col("municipality_code") == municipality)
    if events.is_empty():
        return pl.DataFrame()
    last = events["event_date"].max()
    assert isinstance(last, date)
    return _units(events, as_of or last)


def compliance(
    events: pl.DataFrame,
    *,
    municipality: str | None = None,
    as_of: date | None = None,
    suppress: bool = True,
) -> pl.DataFrame:
    """Per indicator, month and team (and team "I alt"): n units due, met, share (percent)
    with the <5 rule, and STAR's national share. Columns: ``RESULT_SCHEMA``."""
    units = _municipality_units(events, municipality, as_of)
    if units.is_empty():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    agg = [pl.len().alias("n"), pl.col("met").sum().cast(pl.Int64).alias("met")]
    per_team = units.group_by("indicator", "period", "team").agg(agg)
    total = units.group_by("indicator", "period").agg(agg).with_columns(pl.lit(TOTAL).alias("team"))
    counts = pl.concat([per_team, total.select(per_team.columns)]).with_columns(
        (pl.col("team") == TOTAL).alias("_total")
    )
    order = {k: i for i, k in enumerate(INDICATORS)}
    counts = counts.sort(
        pl.col("indicator").replace_strict(order, return_dtype=pl.Int64),
        "period",
        pl.col("_total").not_(),
        "team",
    ).drop("_total")
    return _finish(counts, suppress)


def compliance_total(
    events: pl.DataFrame,
    *,
    municipality: str | None = None,
    as_of: date | None = None,
    start: date | None = None,
) -> pl.DataFrame:
    """Per indicator over all months (from ``start``): n, met, share with the <5 rule, and
    the national share; the summary set beside STAR's figures. Columns: ``RESULT_SCHEMA``
    with period "I alt" and team "I alt"."""
    units = _municipality_units(events, municipality, as_of)
    if units.is_empty():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    if start is not None:
        units = units.filter(pl.col("period") >= month_code(start))
    counts = units.group_by("indicator").agg(
        pl.len().alias("n"), pl.col("met").sum().cast(pl.Int64).alias("met")
    )
    order = {k: i for i, k in enumerate(INDICATORS)}
    counts = counts.with_columns(pl.lit(TOTAL).alias("period"), pl.lit(TOTAL).alias("team")).sort(
        pl.col("indicator").replace_strict(order, return_dtype=pl.Int64)
    )
    return _finish(counts.select("indicator", "period", "team", "n", "met"), True)
