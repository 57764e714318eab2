"""The public face of ``metrics``: the only module the dashboard and the CLI import.

Everything here is pure: frames in, frames out, no I/O. ``Inputs`` maps a dataset id
(``domain.datasets``) or a person table name (``canonical.PERSON_TABLES``) to its
canonical LazyFrame; a missing key means the data is not loaded.

Every frame returned by ``kpi_series``, ``comparison``, ``ranking`` and ``evaluate_plan``
has figures about fewer than 5 persons suppressed (value null, ``suppressed`` True; see
``metrics.series``), and so has ``sanction_quality`` (see ``metrics.sanctions``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from domain import areas
from domain.canonical import COUNTRY_CODE, TOTAL
from domain.registry import MetricDef, get_metric, list_metrics
from domain.targets import ComparisonGroup, Plan, StatedFigure, Target, parse_plan
from metrics.danish import period_label
from metrics.evaluate import (
    EVALUATION_COLUMNS,
    evaluate_plan,
    evaluate_targets,
    stated_vs_computed,
)
from metrics.evaluation.explain import METHOD_LABELS, STATUS_LABELS
from metrics.evaluation.result import RESULT_SCHEMA, Method, Status, TargetResult
from metrics.kpis import RAW_SCHEMA, MissingInput, VersionedInputs, compute_raw, memoized
from metrics.references import national_casework_reference, national_sanction_reference
from metrics.sanctions import CHECKLIST, sanction_quality
from metrics.series import (
    SERIES_COLUMNS,
    aggregate_areas,
    aggregate_year,
    filter_periods,
    finalize,
    only_native_grain,
    protect,
    protected_key,
    restrict_areas,
    suppress_expr,
)
from metrics.stats import wilson_interval

Inputs = Mapping[str, pl.LazyFrame]

GROUP_CODE = "GRP"
GROUP_LEVEL = "gruppe"

RANKING_COLUMNS = ("area_code", "area_name", "value", "rank", "n_areas")
COMPARISON_COLUMNS = (*SERIES_COLUMNS, "note")

__all__ = [
    "CHECKLIST",
    "COMPARISON_COLUMNS",
    "EVALUATION_COLUMNS",
    "GROUP_CODE",
    "METHOD_LABELS",
    "RANKING_COLUMNS",
    "RECONCILIATIONS",
    "RECONCILIATION_COLUMNS",
    "RESULT_SCHEMA",
    "SERIES_COLUMNS",
    "STATUS_LABELS",
    "ComparisonGroup",
    "Inputs",
    "Method",
    "MetricDef",
    "MissingInput",
    "Plan",
    "StatedFigure",
    "Status",
    "Target",
    "TargetResult",
    "VersionedInputs",
    "comparison",
    "evaluate_plan",
    "evaluate_targets",
    "get_metric",
    "kpi_series",
    "list_metrics",
    "national_casework_reference",
    "national_sanction_reference",
    "parse_plan",
    "period_label",
    "ranking",
    "reconciliation",
    "require_inputs",
    "sanction_quality",
    "stated_vs_computed",
    "wilson_interval",
]


def require_inputs(inputs: Inputs, metric_id: str) -> None:
    """Raise ``MissingInput`` (a LookupError) naming the datasets when none is loaded.

    A metric can be computed from any one of its ``sources`` (the refugee metrics from the
    Fasit extract or from person data).
    """
    metric = get_metric(metric_id)
    if not any(s in inputs for s in metric.sources):
        raise MissingInput(
            f"no data loaded for {metric_id}: it needs {' or '.join(metric.sources)}"
        )


def _raw(
    inputs: Inputs,
    metric: MetricDef,
    breakdown: str | None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    if breakdown is not None and breakdown not in metric.breakdowns:
        allowed = ", ".join(metric.breakdowns) or "ingen"
        raise ValueError(
            f"metric {metric.id} cannot be broken down by {breakdown!r} (allowed: {allowed})"
        )
    try:
        raw = compute_raw(inputs, metric.id, breakdown=breakdown, countries=countries)
    except MissingInput:
        return pl.DataFrame(schema=RAW_SCHEMA)
    return only_native_grain(raw, metric)


def _protected(
    inputs: Inputs,
    metric: MetricDef,
    breakdown: str | None,
    countries: Sequence[str] | None,
) -> pl.DataFrame:
    """``protect`` of the raw frame (all areas and months): once per data version, the
    same entry as ``series.protected`` (which the target evaluation reads)."""
    key = protected_key(metric, breakdown, countries)
    return memoized(
        inputs, key, lambda: protect(_raw(inputs, metric, breakdown, countries), metric)
    )


def kpi_series(
    inputs: Inputs,
    metric_id: str,
    *,
    area_codes: Sequence[str] | None = None,
    breakdown: str | None = None,
    start: str | None = None,
    end: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The metric per period (native grain), area and group.

    Columns: metric_id, period, period_start, area_code, area_name, area_level, group
    ("I alt" without breakdown), value, numerator, denominator, suppressed; sorted by
    area_code, group, period_start. Shares are in percent (value = 100 * num / den).
    ``start``/``end`` are period codes (inclusive; ValueError when start is after end).
    ``countries`` overrides the country list of the Eastern European share. Empty (with
    these columns) when the metric's inputs are not loaded (``require_inputs`` says so).
    """
    metric = get_metric(metric_id)
    raw = _protected(inputs, metric, breakdown, countries)  # all areas and months
    raw = restrict_areas(filter_periods(raw, start, end), area_codes)
    return finalize(raw, metric)


def _summed(
    raw: pl.DataFrame,
    code: str,
    name: str,
    level: str,
    members: list[str],
    metric: MetricDef,
) -> pl.DataFrame:
    """An area summed from its members, with a Danish note where the sum is not given."""
    agg = aggregate_areas(raw, members, code=code, name=name, level=level, metric=metric)
    n = len(set(members))
    note = (
        pl.when(pl.col("members_missing") > 0)
        .then(
            pl.format(
                "Ikke opgjort: {} af {} kommuner mangler tal for perioden",
                pl.col("members_missing"),
                pl.lit(n),
            )
        )
        .when(pl.col("in_suppressed"))
        .then(pl.lit("Diskretioneret: mindst én kommunes tal er diskretioneret"))
        .otherwise(None)
    )
    return agg.with_columns(note.alias("note")).drop("members_missing")


def _area_rows(raw: pl.DataFrame, code: str, members: list[str], metric: MetricDef) -> pl.DataFrame:
    """Rows of an area: as published where the data has them, else summed from members.

    Published rows win per period and group; the other periods are summed from the
    members (only when every member has a figure: see ``aggregate_areas``).
    """
    own = raw.filter(pl.col("area_code") == code).with_columns(
        pl.lit(None, pl.String).alias("note")
    )
    a = areas.area(code)
    summed = _summed(raw, code, a.name, a.level, members, metric).join(
        own.select("period", "group"), on=["period", "group"], how="anti"
    )
    return pl.concat([own, summed], how="diagonal_relaxed")


def comparison(
    inputs: Inputs,
    metric_id: str,
    *,
    municipality: str,
    start: str | None = None,
    end: str | None = None,
    group: ComparisonGroup | None = None,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The municipality against its region, the country and (optionally) a group.

    Columns: ``COMPARISON_COLUMNS`` (``SERIES_COLUMNS`` plus ``note``). Region and country
    come from the published rows where the data holds them, otherwise they are summed
    from the municipalities; the group (area_code "GRP", area_level "gruppe") is always
    summed from its members, only for periods inside its validity. A sum is only given
    when every member has a figure for the period (otherwise value null, ``suppressed``
    False and ``note`` "Ikke opgjort: N af M kommuner mangler tal for perioden") and no
    member's figure is suppressed (otherwise suppressed, ``note`` "Diskretioneret: ...").
    ``note`` is null on every other row. Shares are always ratios of sums.
    """
    metric = get_metric(metric_id)
    mun = areas.area(municipality)
    if mun.level != "kommune":
        raise LookupError(f"{municipality} is not a municipality code")
    region = areas.region_of(municipality)
    ref = areas.municipalities()
    in_region = ref.filter(pl.col("region_code") == region.code).get_column("code").to_list()
    everyone = ref.get_column("code").to_list()
    raw = filter_periods(_protected(inputs, metric, breakdown, countries), start, end)
    parts = [
        raw.filter(pl.col("area_code") == municipality).with_columns(
            pl.lit(None, pl.String).alias("note")
        ),
        _area_rows(raw, region.code, in_region, metric),
        _area_rows(raw, COUNTRY_CODE, everyone, metric),
    ]
    if group is not None:
        g = _summed(raw, GROUP_CODE, group.name, GROUP_LEVEL, group.members, metric)
        valid_to = group.valid_to or date.max
        g = g.filter(
            (pl.col("period_end") >= group.valid_from) & (pl.col("period_start") <= valid_to)
        )
        parts.append(g)
    schema = {**RAW_SCHEMA, "note": pl.String(), "suppressed": pl.Boolean()}
    raw_all = pl.concat(
        [
            p.with_columns(
                pl.col("suppressed")
                if "suppressed" in p.columns
                else pl.lit(None, pl.Boolean).alias("suppressed")
            ).select([pl.col(c).cast(t) for c, t in schema.items()])
            for p in parts
        ]
    )
    # summed rows: the small-number rule on the sum (members were protected before)
    raw_all = raw_all.with_columns(pl.coalesce("suppressed", suppress_expr(metric)))
    return finalize(raw_all, metric, extra=("note",))


def benchmark_table(inputs: Inputs, *, municipality: str) -> pl.DataFrame:
    """STAR's benchmark for one municipality, one row per published rolling year.

    Columns: period, area_code, area_name, faktisk and forventet (full-time persons as
    published), forskel (metric ``benchmark_forskel_pct``: (faktisk - forventet) /
    forventet * 100), placering (metric ``benchmark_placering``, 1 = best) and n_ranked
    (how many municipalities have a rank that period). Sorted by period.
    """
    diff = kpi_series(inputs, "benchmark_forskel_pct", area_codes=[municipality])
    ranks = kpi_series(inputs, "benchmark_placering")
    n_ranked = ranks.group_by("period").agg(
        pl.col("value").is_not_null().sum().cast(pl.Int64).alias("n_ranked")
    )
    own = ranks.filter(pl.col("area_code") == municipality).select(
        "period", pl.col("value").cast(pl.Int64).alias("placering")
    )
    return (
        diff.select(
            "period",
            "area_code",
            "area_name",
            # The metric's numerator is faktisk - forventet and its denominator forventet.
            (pl.col("numerator") + pl.col("denominator")).alias("faktisk"),
            pl.col("denominator").alias("forventet"),
            pl.col("value").alias("forskel"),
        )
        .join(own, on="period", how="left")
        .join(n_ranked, on="period", how="left")
        .sort("period")
    )


def ranking(
    inputs: Inputs,
    metric_id: str,
    *,
    period: str | None = None,
    year: int | None = None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Rank the municipalities (1 = best by the metric's ``better``).

    ``period``: one native period; ``year``: the year's value by the metric's yearly
    aggregation (average, sum, year-end or reference month); neither: the latest period
    in the data. Suppressed or missing values are not ranked. Columns: area_code,
    area_name, value, rank, n_areas, period. Ties share the best rank.
    """
    metric = get_metric(metric_id)
    raw = _raw(inputs, metric, None, countries).filter(pl.col("area_level") == "kommune")
    if year is not None:
        raw = aggregate_year(raw, metric, year).select(
            [pl.col(c).cast(t) for c, t in RAW_SCHEMA.items()]
        )
    else:
        if period is None and not raw.is_empty():
            period = raw.sort("period_start").get_column("period")[-1]
        raw = raw.filter(pl.col("period") == period)
    s = finalize(raw, metric).filter(pl.col("value").is_not_null())
    desc = metric.better == "higher"
    out = s.with_columns(
        pl.col("value").rank(method="min", descending=desc).cast(pl.Int64).alias("rank"),
        pl.lit(s.height, pl.Int64).alias("n_areas"),
    )
    return out.select(*RANKING_COLUMNS, "period").sort("rank", "area_code")


RECONCILIATIONS: tuple[tuple[str, str], ...] = (
    ("langtidsledige_persondata", "langtidsledige"),
    ("andel_oesteuropaeiske_forsikrede_persondata", "andel_oesteuropaeiske_forsikrede"),
)
"""Person-level metric and the published aggregate metric it imitates."""

RECONCILIATION_COLUMNS = (
    "period",
    "period_start",
    "area_code",
    "area_name",
    "published",
    "from_persons",
    "difference",
)


def reconciliation(
    inputs: Inputs,
    person_metric: str,
    aggregate_metric: str,
    *,
    area_codes: Sequence[str] | None = None,
) -> pl.DataFrame:
    """A person-level metric beside the published figure it imitates, per month and area.

    Only months and municipalities both give (person data covers a few municipalities).
    ``difference`` is ``from_persons - published``; null where either is suppressed.
    Both figures are the suppressed series of ``kpi_series``: nothing about fewer than 5
    persons. Empty (with ``RECONCILIATION_COLUMNS``) when either is not loaded.
    """
    persons = kpi_series(inputs, person_metric, area_codes=area_codes)
    published = kpi_series(inputs, aggregate_metric, area_codes=area_codes)
    on = ["period", "period_start", "area_code", "area_name"]
    joined = (
        published.filter(pl.col("group") == TOTAL)
        .select(*on, pl.col("value").alias("published"))
        .join(
            persons.filter(pl.col("group") == TOTAL).select(
                *on, pl.col("value").alias("from_persons")
            ),
            on=on,
            how="inner",
        )
        .with_columns((pl.col("from_persons") - pl.col("published")).alias("difference"))
    )
    return joined.select(RECONCILIATION_COLUMNS).sort("area_code", "period_start")
