"""Judging a plan's targets against the data (rules written out in docs/targets.md).

Status rule
-----------
* ``ingen data``: no figure for the metric up to ``as_of``, or the year's value is built
  on a period the publisher suppressed (a mean or sum over it, or a year-end /
  reference-month value that is itself suppressed once the year is over): that value
  cannot be formed, so it is neither shown, projected nor judged.
* The year is complete when ``as_of`` is at or after 31 December of the plan year, the
  data holds the year's last period (December, or the reference month for
  reference-month metrics; Q4 for quarterly ones) and no period the year's value is
  built from is suppressed by the publisher. Only then is a target ``nået`` (the year's
  value meets the target) or ``ikke nået``.
* Before that, the target is ``på rette vej`` when the projection to year-end meets the
  target, else ``i risiko``. A year not complete is never reported as met or missed.

"Meets" is value <= target for ``max``, >= for ``min``, > for ``increase`` and < for
``decrease`` (the latter two against the baseline unless a target level is given).

Projection to year-end (``projection_method`` names the one used)
-----------------------------------------------------------------
* yearly average (``mean``): the months seen this year plus the remaining months, each
  projected by ``project_months``: the level of the last 3 months seen plus a damped
  trend (least-squares slope of the last 6 months, each further month's step times
  ``DAMPING`` = 0.8), clamped to the range of the last 12 months seen; the latest value
  without trend when fewer than 3 months are seen; divided by 12.
* count in the year (``sum``): the count so far scaled to the full year (run rate); for
  a share the share so far.
* year-end value (``last``): the latest value plus the linear trend of the last 6
  months, carried forward to December (shares kept within 0-100).
* reference month (``ref_month``): the reference month's value once known, else the
  latest value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from domain.canonical import TOTAL
from domain.periods import parse_period
from domain.registry import MetricDef, get_metric
from domain.targets import Plan, Target
from metrics.danish import number, period_label
from metrics.kpis import MissingInput, compute_raw
from metrics.series import only_native_grain, protect, suppress_expr

Inputs = Mapping[str, pl.LazyFrame]

STATUSES = ("nået", "på rette vej", "i risiko", "ikke nået", "ingen data")

EVALUATION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "goal": pl.Int64(),
    "label": pl.String(),
    "metric_id": pl.String(),
    "kind": pl.String(),
    "value": pl.Float64(),
    "target": pl.Float64(),
    "gap": pl.Float64(),
    "status": pl.String(),
    "projection": pl.Float64(),
    "projection_method": pl.String(),
    "baseline": pl.Float64(),
    "baseline_stated": pl.Float64(),
    "baseline_period": pl.String(),
    "unit": pl.String(),
    "periods_covered": pl.String(),
    "periods_label": pl.String(),
    "n_periods": pl.Int64(),
    "year_complete": pl.Boolean(),
    "suppressed": pl.Boolean(),
    "explanation": pl.String(),
    "reduction_consistent": pl.Boolean(),
    "notes": pl.List(pl.String()),
    "wording": pl.String(),
}
EVALUATION_COLUMNS = tuple(EVALUATION_SCHEMA)

# Each further projected month's trend step is this fraction of the step before.
DAMPING = 0.8

METHODS = {
    "mean": "årets kendte måneder + resterende måneder fremskrevet med niveauet for de "
    "seneste 3 måneder og en dæmpet trend for de seneste 6 måneder, holdt inden for de "
    "seneste 12 måneders laveste og højeste tal; gennemsnit over 12 måneder",
    "sum": "antal indtil nu fremskrevet til hele året (samme tempo resten af året)",
    "sum_rate": "andelen indtil nu i året",
    "last": "seneste værdi + trenden for de seneste 6 måneder frem til december",
    "ref_month": "referencemånedens værdi",
    "ref_month_latest": "seneste værdi (referencemåneden er endnu ikke kendt)",
    "complete": "hele året er kendt",
}


def _decimals(spec: str) -> int:
    """Digits after the decimal point of a format spec (",.1f" -> 1, ".0f" -> 0)."""
    m = re.search(r"\.(\d+)f", spec)
    return int(m.group(1)) if m else 1


def _fmt(x: float | None, spec: str = ",.1f") -> str:
    """``x`` in Danish (``metrics.danish.number``) with the decimals of ``spec``."""
    return number(x, _decimals(spec))


def _unit_text(unit: str, x: float | None, spec: str) -> str:
    if unit == "pct":
        return f"{_fmt(x, spec)} %"
    if unit == "antal":
        return _fmt(x, spec)
    if unit == "placering":
        return f"nr. {_fmt(x, spec)}"
    return f"{_fmt(x, spec)} {unit}"


def _value(num: float | None, den: float | None, metric: MetricDef) -> float | None:
    if num is None:
        return None
    if metric.is_rate:
        return 100.0 * num / den if den else None
    return num


def _suppressed(num: float | None, den: float | None, metric: MetricDef) -> bool:
    """The small-number rule of ``series.suppress_expr``, applied to one figure."""
    one = pl.DataFrame(
        {"numerator": [num], "denominator": [den], "in_suppressed": [False]},
        schema={"numerator": pl.Float64, "denominator": pl.Float64, "in_suppressed": pl.Boolean},
    )
    return bool(one.select(suppress_expr(metric)).item())


def _labels(rows: pl.DataFrame) -> str:
    """The Danish labels of the periods in ``rows`` ("juni 2022, juli 2022")."""
    return ", ".join(period_label(p) for p in rows.get_column("period").to_list())


def project_months(history: list[float], remaining: int) -> list[float]:
    """The next ``remaining`` periods of a series, projected conservatively.

    With 3 or more periods seen: the level of the last 3 (their mean, centred one period
    before the last) plus a damped trend, the least-squares slope ``b`` of the last 6:
    the k-th period after the last seen is ``level + b * (1 + d + d**2 + ... + d**k)``
    with ``d = DAMPING``, clamped to the lowest and highest of the last 12 periods seen
    (and never below zero). With fewer than 3 periods seen: the latest value, no trend.
    """
    if remaining <= 0 or not history:
        return []
    if len(history) < 3:
        return [max(0.0, history[-1])] * remaining
    level = sum(history[-3:]) / 3
    slope = _slope(history[-6:])
    window = history[-12:]
    lo, hi = max(0.0, min(window)), max(0.0, max(window))
    out: list[float] = []
    steps = 1.0  # from the level's centre to the last period seen
    for k in range(1, remaining + 1):
        steps += DAMPING**k
        out.append(min(hi, max(lo, level + slope * steps)))
    return out


def _slope(ys: list[float]) -> float:
    n = len(ys)
    if n < 2:
        return 0.0
    xs = list(range(n))
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _meets(kind: str, v: float, target: float) -> bool:
    if kind == "max":
        return v <= target + 1e-9
    if kind == "min":
        return v >= target - 1e-9
    if kind == "increase":
        return v > target
    return v < target


def _periods_per_year(metric: MetricDef) -> int:
    return {"month": 12, "quarter": 4, "year": 1}[metric.grain]


def _agg(rows: pl.DataFrame, metric: MetricDef) -> tuple[float | None, float | None]:
    """Numerator and denominator of a run of periods by the metric's yearly aggregation."""
    rows = rows.filter(pl.col("numerator").is_not_null())
    if rows.is_empty():
        return None, None
    if metric.year_agg in ("last", "ref_month"):
        last = rows.sort("period_start").row(-1, named=True)
        return last["numerator"], last["denominator"]
    num = rows.get_column("numerator")
    den = rows.get_column("denominator").drop_nulls()
    if metric.year_agg == "mean":
        return float(num.mean()), (float(den.mean()) if len(den) else None)  # type: ignore[arg-type]
    return float(num.sum()), (float(den.sum()) if len(den) else None)


def stated_vs_computed(
    target: Target, inputs: Inputs | None = None, *, municipality: str | None = None
) -> pl.DataFrame:
    """The plan's stated figures beside the ratio of their counts (and the data, if given).

    Columns: period, stated, numerator, denominator, computed_from_counts,
    computed_from_data, agrees (the stated figure equals the computed one rounded to one
    decimal; null when there is nothing to compare).
    """
    data_vals: dict[str, float | None] = {}
    if inputs is not None and municipality is not None:
        metric = get_metric(target.metric_id)
        try:
            raw = compute_raw(inputs, target.metric_id, countries=target.countries)
            raw = raw.filter((pl.col("area_code") == municipality) & (pl.col("group") == TOTAL))
            for r in raw.iter_rows(named=True):
                # A figure built on a suppressed cell is unknown, never a partial number.
                data_vals[r["period"]] = (
                    None if r["in_suppressed"] else _value(r["numerator"], r["denominator"], metric)
                )
        except MissingInput:
            pass
    rows = []
    for s in target.stated:
        counts = (
            100.0 * s.numerator / s.denominator
            if s.numerator is not None and s.denominator
            else None
        )
        ref = counts if counts is not None else data_vals.get(s.period)
        agrees = None if ref is None else abs(round(ref, 1) - s.stated) < 0.05 + 1e-9
        rows.append(
            {
                "period": s.period,
                "stated": s.stated,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "computed_from_counts": counts,
                "computed_from_data": data_vals.get(s.period),
                "agrees": agrees,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "period": pl.String,
            "stated": pl.Float64,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "computed_from_counts": pl.Float64,
            "computed_from_data": pl.Float64,
            "agrees": pl.Boolean,
        },
        orient="row",
    )


def _extract_notes(inputs: Inputs, target: Target, municipality: str, year: int) -> list[str]:
    """Stated shares in the flexjob hours extract that disagree with their counts."""
    if not target.metric_id.startswith("fleksjob_andel_") or "fleksjob_timeudvikling" not in inputs:
        return []
    which = target.metric_id.removeprefix("fleksjob_andel_")
    if which not in ("op", "ned", "uaendret"):
        return []
    lf = inputs["fleksjob_timeudvikling"].filter(
        (pl.col("area_code") == municipality)
        & (pl.col("period_start").dt.year().is_between(year - 1, year))
    )
    if target.group is not None:
        lf = lf.filter(pl.col("hours_band") == target.group)
    wide = (
        lf.filter(
            pl.col("measure_id").str.starts_with("personer_")
            | (pl.col("measure_id") == f"andel_{which}")
        )
        .collect()
        .pivot(
            on="measure_id",
            index=["period", "hours_band"],
            values="value",
            aggregate_function="sum",
        )
    )
    need = {f"andel_{which}", "personer_op", "personer_ned", "personer_uaendret"}
    if not need <= set(wide.columns):
        return []
    notes = []
    for r in wide.sort("period", "hours_band").iter_rows(named=True):
        parts = [r["personer_op"], r["personer_ned"], r["personer_uaendret"]]
        if r[f"andel_{which}"] is None or any(p is None for p in parts) or not sum(parts):
            continue
        if _suppressed(r[f"personer_{which}"], sum(parts), get_metric(target.metric_id)):
            continue  # a share about fewer than 5 persons is never printed
        computed = 100.0 * r[f"personer_{which}"] / sum(parts)
        if abs(computed - r[f"andel_{which}"]) > 0.5 + 1e-9:
            notes.append(
                f"Udtrækket angiver {_fmt(r[f'andel_{which}'], '.1f')} % for "
                f"{period_label(r['period'])} "
                f"({r['hours_band']}), men antallene giver {_fmt(computed, '.1f')} %; "
                "målingen bruger antallene."
            )
    return notes


def _subject(label: str, covered: str) -> str:
    """The target's label as the subject of a sentence about ``covered``.

    A trailing parenthesis that only repeats the period ("(juni)" beside "juni 2022") is
    dropped, and a label ending in a relative clause ("..., der er gået op i timer") gets
    the closing comma Danish needs before the verb.
    """
    m = re.fullmatch(r"(.*\S)\s+\(([^()]*)\)", label)
    if m and covered and m.group(2).lower() in covered.split():
        label = m.group(1)
    if re.search(r", (der|som) ", label) and not label.endswith(")"):
        label += ","
    return label


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _explain(
    t: Target,
    metric: MetricDef,
    status: str,
    value: float | None,
    target: float | None,
    projection: float | None,
    covered: str,
    year: int,
    suppressed: bool,
    method: str = "",
    latest: str = "",
    source: str = "",
) -> str:
    spec = metric.fmt
    word = {"max": "højst", "min": "mindst", "increase": "over", "decrease": "under"}[t.kind]
    level = f"{word} {_unit_text(t.unit, target, spec)}"
    goal = f"et mål på {level}"
    if source and target is not None:
        # Built on a period the publisher suppressed: no value to show or judge.
        head = (
            f"{_subject(t.label, covered)} kan ikke opgøres for {covered}, fordi udgiveren "
            f"har diskretioneret tallet for {source}"
        )
        if status == "ingen data":
            return f"{head}; med {goal} kan målet ikke vurderes."
        return f"{head}; med {goal} er målet {status} ud fra de seneste kendte tal."
    if status == "ingen data":
        return f"Der er ingen data for {_lower_first(t.label)} i {year}."
    if suppressed:
        return (
            f"{_subject(t.label, covered)} er diskretioneret for {covered} (færre end 5 "
            f"personer); med {goal} er målet {status}."
        )
    if value is None:
        when = str(year)
        if metric.year_agg == "ref_month" and metric.ref_month:
            when = period_label(f"{year}M{metric.ref_month:02d}")
        head = f"{_subject(t.label, when)} er endnu ikke opgjort for {when}."
        if projection is None:
            return f"{head} Målet er {level}, og målet er {status}."
        shown = _unit_text(t.unit, projection, spec)
        if method == METHODS["ref_month_latest"] and latest:
            return f"{head} Seneste tal ({latest}) er {shown} mod {goal}, så målet er {status}."
        return (
            f"{head} Fremskrevet til årets udgang giver det {shown} mod {goal}, "
            f"så målet er {status}."
        )
    head = (
        f"{_subject(t.label, covered)} er {_unit_text(t.unit, value, spec)} ({covered}) mod {goal}"
    )
    if status == "nået":
        return f"{head}, så målet er nået."
    if status == "ikke nået":
        return f"{head}, så målet er ikke nået."
    if projection is None or method in (METHODS["ref_month"], METHODS["complete"]):
        # A reference month's value is already the year's figure: nothing to project.
        return f"{head}, så målet er {status}."
    proj = f"; fremskrevet til årets udgang giver det {_unit_text(t.unit, projection, spec)}"
    return f"{head}{proj}, så målet er {status}."


def _evaluate_target(inputs: Inputs, plan: Plan, t: Target, as_of: str | None) -> dict[str, Any]:
    metric = get_metric(t.metric_id)
    year = plan.year
    notes: list[str] = []
    try:
        raw = compute_raw(inputs, t.metric_id, breakdown=t.breakdown, countries=t.countries)
    except MissingInput as exc:
        notes.append(f"Data mangler: {exc}.")
        raw = None
    if raw is not None:
        # complementary suppression needs every area and every month: before filtering
        raw = protect(only_native_grain(raw, metric), metric).filter(
            (pl.col("area_code") == plan.municipality_code)
            & (pl.col("group") == (t.group or TOTAL))
        )
        if as_of is not None:
            raw = raw.filter(pl.col("period_end") <= parse_period(as_of).end)
        # A period whose figure the publisher suppressed (or that is built on a suppressed
        # cell) is unknown: no partial number from it enters a value, baseline or trend.
        unknown = pl.col("in_suppressed").fill_null(False) | pl.col("numerator").is_null()
        raw = (
            raw.with_columns(unknown.alias("_unknown"))
            .with_columns(
                pl.when(pl.col("_unknown")).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("numerator", "denominator")
            )
            .sort("period_start")
        )
    cut = parse_period(as_of).end if as_of else None
    seen = raw.filter(~pl.col("_unknown")) if raw is not None else None
    if cut is None and raw is not None and not raw.is_empty():
        cut = raw.get_column("period_end").max()  # type: ignore[assignment]

    # Baseline from the data.
    baseline = None
    baseline_hidden = False
    rng = t.baseline_range()
    if rng and raw is not None:
        lo, hi = parse_period(rng[0]).start, parse_period(rng[1]).end
        brows = raw.filter((pl.col("period_start") >= lo) & (pl.col("period_end") <= hi))
        if metric.year_agg == "ref_month" and metric.ref_month:
            ref = brows.filter(pl.col("period_start").dt.month() == metric.ref_month)
            brows = ref if not ref.is_empty() else brows
        if metric.year_agg in ("last", "ref_month"):
            brows = brows.tail(1)
        if brows.get_column("_unknown").any():
            notes.append(
                "Basislinjen kan ikke beregnes, fordi udgiveren har diskretioneret tallet for "
                f"{_labels(brows.filter(pl.col('_unknown')))}."
            )
        else:
            bn, bd = _agg(brows, metric)
            baseline = _value(bn, bd, metric)
            if baseline is not None and _suppressed(bn, bd, metric):
                baseline = None
                baseline_hidden = True
                notes.append("Basislinjen er diskretioneret (færre end 5 personer).")
    # The plan's own stated baseline stands in for a missing one, but never for one hidden
    # by the small-number rule (it would show the same figure).
    baseline_used: float | None = (
        None if baseline_hidden else baseline if baseline is not None else t.baseline
    )
    if t.baseline is not None and baseline is not None:
        tol = t.reduction_tolerance or (1.0 if metric.unit != "pct" else 0.1)
        if abs(round(baseline, 1) - t.baseline) > tol:
            notes.append(
                f"Planen angiver basislinjen {_unit_text(t.unit, t.baseline, metric.fmt)}, "
                f"men data giver {_unit_text(t.unit, baseline, metric.fmt)}."
            )

    target_level = t.target if t.target is not None else baseline_used

    # Stated figures vs their counts.
    if t.stated:
        svc = stated_vs_computed(t, inputs, municipality=plan.municipality_code)
        for s in svc.filter(pl.col("agrees") == False).iter_rows(named=True):  # noqa: E712
            notes.append(
                f"Planen angiver {_fmt(s['stated'], '.1f')} % for "
                f"{period_label(s['period'])}, men "
                f"antallene ({_fmt(s['numerator'], ',.0f')} af "
                f"{_fmt(s['denominator'], ',.0f')}) giver "
                f"{_fmt(s['computed_from_counts'], '.1f')} %; målingen bruger antallene."
            )
    notes.extend(_extract_notes(inputs, t, plan.municipality_code, year))

    # Reduction consistency.
    reduction_consistent = None
    if t.stated_reduction is not None and t.target is not None:
        r = t.stated_reduction
        implied_base = t.target / (1 - r / 100) if t.reduction_unit == "pct" else t.target + r
        notes.append(
            f"Planens mål og reduktion ({_fmt(r, '.1f')} "
            f"{'%' if t.reduction_unit == 'pct' else 'procentpoint'}) svarer til en "
            f"basislinje på {_unit_text(t.unit, implied_base, '.1f')}."
        )
        if baseline is not None:
            if t.reduction_unit == "pct":
                implied = (1 - t.target / baseline) * 100 if baseline else None
                tol = t.reduction_tolerance or 1.0
            else:
                implied = baseline - t.target
                tol = t.reduction_tolerance or 0.1
            if implied is not None:
                reduction_consistent = abs(implied - r) <= tol + 1e-9
                unit_word = "%" if t.reduction_unit == "pct" else "procentpoint"
                if not reduction_consistent:
                    notes.append(
                        f"Data giver en basislinje på {_unit_text(t.unit, baseline, '.1f')}, "
                        f"så målet svarer til et fald på {_fmt(implied, '.1f')} {unit_word}, "
                        f"ikke {_fmt(r, '.1f')} {unit_word}."
                    )

    # Value so far this year: every period of the year seen, known or suppressed.
    year_rows = (
        # A period belongs to the year it ends in (a rolling year 2022QMAT02 to 2022).
        raw.filter(pl.col("period_end").dt.year() == year) if raw is not None else pl.DataFrame()
    )
    if metric.year_agg == "ref_month" and metric.ref_month and not year_rows.is_empty():
        vrows = year_rows.filter(pl.col("period_start").dt.month() == metric.ref_month)
    else:
        vrows = year_rows
    n_year = year_rows.height
    # The periods the value is built from: all of the year's periods seen for a mean or
    # a sum, the latest one for a year-end value, the reference month for a
    # reference-month metric.
    used = vrows.sort("period_start") if not vrows.is_empty() else vrows
    if metric.year_agg in ("last", "ref_month") and not used.is_empty():
        used = used.tail(1)
    n_periods = used.height
    covered = label = ""
    if n_periods:
        first, last = used.get_column("period")[0], used.get_column("period")[-1]
        covered = first if first == last else f"{first}-{last}"
        label = period_label(first, last)
    # Built on a cell the publisher suppressed: the year's value cannot be formed (a mean
    # over the other months would silently treat the missing month as average).
    at_source = n_periods > 0 and bool(used.get_column("_unknown").any())
    source_periods = _labels(used.filter(pl.col("_unknown"))) if at_source else ""
    vn, vd = (None, None) if at_source or used.is_empty() else _agg(used, metric)
    value = _value(vn, vd, metric)
    suppressed = at_source or (value is not None and _suppressed(vn, vd, metric))
    # A mean or sum so far over exactly one month hidden by the small-number rule would
    # give that month away (the value so far minus the shown months): not shown either.
    # Over the whole year ``protect`` has hidden a second month wherever one was alone.
    hidden_months = (
        int((used.get_column("suppressed") & ~used.get_column("_unknown")).sum())
        if (metric.year_agg in ("mean", "sum") and metric.person_based and n_periods > 1)
        else 0
    )
    if hidden_months == 1 and not suppressed:
        suppressed = True
        notes.append(
            "Værdien indtil nu vises ikke: én af månederne er under 5 personer og ville "
            "kunne regnes ud af værdien og de andre måneder."
        )

    # Completeness.
    year_end = date(year, 12, 31)
    last_needed = None
    if metric.grain == "month":
        last_needed = (
            f"{year}M{metric.ref_month:02d}"
            if metric.year_agg == "ref_month" and metric.ref_month
            else f"{year}M12"
        )
    elif metric.grain == "quarter":
        last_needed = f"{year}QMAT04" if metric.rolling_year else f"{year}Q04"
    else:
        last_needed = f"{year}Y01"
    has_last = raw is not None and last_needed in set(raw.get_column("period").to_list())
    year_over = bool(cut is not None and cut >= year_end and has_last)
    # Complete only when the year's value is known: never on a suppressed period.
    complete = year_over and not at_source
    if cut is not None and cut >= year_end and not has_last and n_year:
        notes.append(
            f"Data for {period_label(last_needed)} mangler, så året kan ikke afgøres endnu."
        )
    # A mean or a sum over a suppressed period can neither be judged nor projected; a
    # year-end or reference-month value can still be projected until its period is in.
    undecidable = at_source and (metric.year_agg in ("mean", "sum") or year_over)
    if undecidable:
        notes.append(
            f"Udgiveren har diskretioneret tallet for {source_periods}, så årets værdi kan "
            "ikke opgøres, og målet kan ikke vurderes."
        )

    # Projection.
    projection: float | None = None
    method = ""
    history = (
        [
            v
            for v in (
                _value(r["numerator"], r["denominator"], metric) for r in seen.iter_rows(named=True)
            )
            if v is not None
        ]
        if seen is not None
        else []
    )
    per_year = _periods_per_year(metric)
    if undecidable:
        pass
    elif complete:
        projection, method = value, METHODS["complete"]
    elif metric.year_agg == "mean" and history:
        known = [
            v
            for v in (
                _value(r["numerator"], r["denominator"], metric)
                for r in year_rows.iter_rows(named=True)
            )
            if v is not None
        ]
        proj = project_months(history, per_year - len(known))
        projection, method = (sum(known) + sum(proj)) / per_year, METHODS["mean"]
    elif metric.year_agg == "sum" and not year_rows.is_empty():
        if metric.is_rate:
            projection, method = value, METHODS["sum_rate"]
        elif vn is not None:
            projection, method = vn * per_year / n_year, METHODS["sum"]
    elif metric.year_agg == "last" and history and seen is not None:
        ends = seen.get_column("period_end").to_list()
        last_end = ends[-1]
        months = max(0, (year - last_end.year) * 12 + 12 - last_end.month)
        # The trend is per published period: step by the months between the last two
        # periods seen (a rolling year published for Q2 and Q4 steps 6 months).
        step = 12 / per_year
        if len(ends) >= 2:
            prev = ends[-2]
            step = max(1, (last_end.year - prev.year) * 12 + last_end.month - prev.month)
        p = history[-1] + _slope(history[-6:]) * (months / step)
        if metric.is_rate:
            p = min(100.0, p)
        projection, method = max(0.0, p), METHODS["last"]
    elif metric.year_agg == "ref_month" and history:
        if value is not None:
            projection, method = value, METHODS["ref_month"]
        else:
            projection, method = history[-1], METHODS["ref_month_latest"]
    # A projection carried from the latest figure must not reveal a figure about fewer
    # than 5 persons: it still sets the status, but it is not shown.
    hide_projection = False
    if method in (METHODS["last"], METHODS["ref_month_latest"]) and seen is not None:
        last_row = seen.row(-1, named=True)
        hide_projection = _suppressed(last_row["numerator"], last_row["denominator"], metric)

    # Status.
    if target_level is None:
        status = "ingen data"
        notes.append("Målet har intet niveau: hverken mål eller basislinje kendes.")
    elif complete and value is not None:
        status = "nået" if _meets(t.kind, value, target_level) else "ikke nået"
    elif projection is not None:
        status = "på rette vej" if _meets(t.kind, projection, target_level) else "i risiko"
    else:
        status = "ingen data"

    if hide_projection:
        projection = None
        notes.append(
            "Fremskrivningen vises ikke, fordi det seneste tal bygger på færre end 5 personer."
        )
    gap = value - target_level if value is not None and target_level is not None else None
    latest = ""
    if seen is not None and not seen.is_empty():
        latest = period_label(seen.get_column("period")[-1])
    explanation = _explain(
        t,
        metric,
        status,
        value,
        target_level,
        projection,
        label,
        year,
        suppressed,
        method=method,
        latest=latest,
        source=source_periods,
    )
    if suppressed:
        value = gap = projection = None
    return {
        "id": t.id,
        "goal": t.goal,
        "label": t.label,
        "metric_id": t.metric_id,
        "kind": t.kind,
        "value": value,
        "target": target_level,
        "gap": gap,
        "status": status,
        "projection": projection,
        "projection_method": method,
        "baseline": baseline_used,
        "baseline_stated": None if baseline_hidden else t.baseline,
        "baseline_period": t.baseline_period,
        "unit": t.unit,
        "periods_covered": covered,
        "periods_label": label,
        "n_periods": n_periods,
        "year_complete": complete,
        "suppressed": suppressed,
        "explanation": explanation,
        "reduction_consistent": reduction_consistent,
        "notes": notes,
        "wording": t.wording,
    }


def evaluate_plan(inputs: Inputs, plan: Plan, *, as_of: str | None = None) -> pl.DataFrame:
    """One row per target: value so far, target, gap, status, projection and notes.

    ``as_of`` (a month code like ``2022M06``) limits the data used to periods ending by
    then; without it all loaded data is used. Columns: ``EVALUATION_COLUMNS``. ``gap`` is
    value minus target, in the target's unit (persons, or points for shares).
    """
    if as_of is not None:
        parse_period(as_of)
    rows = [_evaluate_target(inputs, plan, t, as_of) for t in plan.targets]
    return pl.DataFrame(rows, schema=EVALUATION_SCHEMA, orient="row")
