"""The Danish words of an evaluation: labels of the keys, the explanation, the notes.

The only module of ``metrics.evaluation`` with Danish text: logic compares the keys
(``Status``, ``Method``) and the typed step results; their labels are looked up here
when a result is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.registry import MetricDef
from domain.targets import Target
from metrics.danish import display_spec, number, period_label
from metrics.evaluation.checks import ExtractMismatch, Reduction, StatedMismatch
from metrics.evaluation.projection import Projection
from metrics.evaluation.result import Method, Status, TargetResult
from metrics.evaluation.steps import Baseline, Completeness, YearValue

STATUS_LABELS: dict[Status, str] = {
    Status.MET: "nået",
    Status.ON_TRACK: "på rette vej",
    Status.AT_RISK: "i risiko",
    Status.MISSED: "ikke nået",
    Status.NO_DATA: "ingen data",
}

METHOD_LABELS: dict[Method, str] = {
    Method.MEAN: "årets kendte måneder + resterende måneder fremskrevet med niveauet for de "
    "seneste 3 måneder og en dæmpet trend for de seneste 6 måneder, holdt inden for de "
    "seneste 12 måneders laveste og højeste tal; gennemsnit over 12 måneder",
    Method.SUM: "antal indtil nu fremskrevet til hele året (samme tempo resten af året)",
    Method.SUM_RATE: "andelen indtil nu i året",
    Method.LAST: "seneste værdi + trenden for de seneste 6 måneder frem til december",
    Method.REF_MONTH: "referencemånedens værdi",
    Method.REF_MONTH_LATEST: "seneste værdi (referencemåneden er endnu ikke kendt)",
    Method.COMPLETE: "hele året er kendt",
}

KIND_WORDS = {"max": "højst", "min": "mindst", "increase": "over", "decrease": "under"}


def decimals(spec: str) -> int:
    """Digits after the decimal point of a format spec (",.1f" -> 1, ".0f" -> 0)."""
    m = re.search(r"\.(\d+)f", spec)
    return int(m.group(1)) if m else 1


def fmt(x: float | None, spec: str = ",.1f") -> str:
    """``x`` in Danish (``metrics.danish.number``) with the decimals of ``spec``."""
    return number(x, decimals(spec))


def unit_text(unit: str, x: float | None, spec: str) -> str:
    """A figure with its unit: "12,6 %", "78" (a count), "nr. 3", "117 fuldtidspersoner"."""
    if unit == "pct":
        return f"{fmt(x, spec)} %"
    if unit == "antal":
        return fmt(x, spec)
    if unit == "placering":
        return f"nr. {fmt(x, spec)}"
    return f"{fmt(x, spec)} {unit}"


def labels(codes: Sequence[str]) -> str:
    """The Danish labels of period codes ("juni 2022, juli 2022")."""
    return ", ".join(period_label(p) for p in codes)


def subject(label: str, covered: str) -> str:
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


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the text starts with an abbreviation ("STAR")."""
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


@dataclass(frozen=True, slots=True)
class Facts:
    """What the explanation sentence is about (figures before the final hiding)."""

    status: Status
    value: float | None
    level: float | None
    projection: float | None
    method: Method | None
    covered: str  # Danish label of the periods the value is built from
    year: int
    suppressed: bool
    latest: str  # Danish label of the latest period seen
    source: str  # Danish labels of the periods suppressed at the source


def explanation(t: Target, metric: MetricDef, f: Facts) -> str:
    """One Danish sentence: where the target stands and why.

    Example: 78 company visits over January-December 2022 against at least 75 ->
    "Virksomhedsbesøg i året er 78 (januar-december 2022) mod et mål på mindst 75, så
    målet er nået."
    """
    spec = display_spec(metric.fmt, f.level)  # as the cards show the figures
    status = STATUS_LABELS[f.status]
    level = f"{KIND_WORDS[t.kind]} {unit_text(t.unit, f.level, spec)}"
    goal = f"et mål på {level}"
    if f.source and f.level is not None:
        # Built on a period the publisher suppressed: no value to show or judge.
        head = (
            f"{subject(t.label, f.covered)} kan ikke opgøres for {f.covered}, fordi udgiveren "
            f"har diskretioneret tallet for {f.source}"
        )
        if f.status is Status.NO_DATA:
            return f"{head}; med {goal} kan målet ikke vurderes."
        return f"{head}; med {goal} er målet {status} ud fra de seneste kendte tal."
    if f.status is Status.NO_DATA:
        return f"Der er ingen data for {lower_first(t.label)} i {f.year}."
    if f.suppressed:
        return (
            f"{subject(t.label, f.covered)} er diskretioneret for {f.covered} (færre end 5 "
            f"personer); med {goal} er målet {status}."
        )
    if f.value is None:
        when = str(f.year)
        if metric.year_agg == "ref_month" and metric.ref_month:
            when = period_label(f"{f.year}M{metric.ref_month:02d}")
        head = f"{subject(t.label, when)} er endnu ikke opgjort for {when}."
        if f.projection is None:
            return f"{head} Målet er {level}, og målet er {status}."
        shown = unit_text(t.unit, f.projection, spec)
        if f.method is Method.REF_MONTH_LATEST and f.latest:
            return f"{head} Seneste tal ({f.latest}) er {shown} mod {goal}, så målet er {status}."
        return (
            f"{head} Fremskrevet til årets udgang giver det {shown} mod {goal}, "
            f"så målet er {status}."
        )
    head = (
        f"{subject(t.label, f.covered)} er {unit_text(t.unit, f.value, spec)} ({f.covered}) "
        f"mod {goal}"
    )
    if f.status in (Status.MET, Status.MISSED):
        return f"{head}, så målet er {status}."
    if f.projection is None or f.method in (Method.REF_MONTH, Method.COMPLETE):
        # A reference month's value is already the year's figure: nothing to project.
        return f"{head}, så målet er {status}."
    proj = f"; fremskrevet til årets udgang giver det {unit_text(t.unit, f.projection, spec)}"
    return f"{head}{proj}, så målet er {status}."


@dataclass(frozen=True, slots=True)
class Findings:
    """Everything the notes report, in the order they are written."""

    missing_input: str | None
    baseline: Baseline
    baseline_differs: bool
    stated: Sequence[StatedMismatch]
    extract: Sequence[ExtractMismatch]
    reduction: Reduction | None
    value: YearValue
    done: Completeness
    level_known: bool
    projection: Projection


def notes(t: Target, metric: MetricDef, f: Findings) -> tuple[str, ...]:
    """The Danish notes below a target: missing data, the plan's figures that the data
    or their own counts contradict, and why a figure is not shown or judged."""
    out: list[str] = []
    if f.missing_input is not None:
        out.append(f"Data mangler: {f.missing_input}.")
    if f.baseline.unknown_periods:
        out.append(
            "Basislinjen kan ikke beregnes, fordi udgiveren har diskretioneret tallet for "
            f"{labels(f.baseline.unknown_periods)}."
        )
    if f.baseline.hidden:
        out.append("Basislinjen er diskretioneret (færre end 5 personer).")
    if f.baseline_differs:
        out.append(
            f"Planen angiver basislinjen {unit_text(t.unit, t.baseline, metric.fmt)}, "
            f"men data giver {unit_text(t.unit, f.baseline.computed, metric.fmt)}."
        )
    for s in f.stated:
        out.append(
            f"Planen angiver {fmt(s.stated, '.1f')} % for {period_label(s.period)}, men "
            f"antallene ({fmt(s.numerator, ',.0f')} af {fmt(s.denominator, ',.0f')}) giver "
            f"{fmt(s.from_counts, '.1f')} %; målingen bruger antallene."
        )
    for m in f.extract:
        out.append(
            f"Udtrækket angiver {fmt(m.stated, '.1f')} % for {period_label(m.period)} "
            f"({m.hours_band}), men antallene giver {fmt(m.computed, '.1f')} %; "
            "målingen bruger antallene."
        )
    if f.reduction is not None:
        r = f.reduction
        unit_word = "%" if r.in_pct else "procentpoint"
        out.append(
            f"Planens mål og reduktion ({fmt(r.stated, '.1f')} {unit_word}) svarer til en "
            f"basislinje på {unit_text(t.unit, r.implied_baseline, '.1f')}."
        )
        if r.consistent is False:
            out.append(
                f"Data giver en basislinje på {unit_text(t.unit, f.baseline.computed, '.1f')}, "
                f"så målet svarer til et fald på {fmt(r.implied, '.1f')} {unit_word}, "
                f"ikke {fmt(r.stated, '.1f')} {unit_word}."
            )
    if f.value.lone_hidden:
        out.append(
            "Værdien indtil nu vises ikke: én af månederne er under 5 personer og ville "
            "kunne regnes ud af værdien og de andre måneder."
        )
    if f.done.last_missing:
        out.append(
            f"Data for {period_label(f.done.last_needed)} mangler, så året kan ikke afgøres endnu."
        )
    if f.done.undecidable:
        out.append(
            f"Udgiveren har diskretioneret tallet for {labels(f.value.unknown_periods)}, så "
            "årets værdi kan ikke opgøres, og målet kan ikke vurderes."
        )
    if not f.level_known:
        out.append("Målet har intet niveau: hverken mål eller basislinje kendes.")
    if f.projection.hidden:
        out.append(
            "Fremskrivningen vises ikke, fordi det seneste tal bygger på færre end 5 personer."
        )
    return tuple(out)


def row(result: TargetResult) -> dict[str, object]:
    """``result`` as a row of ``evaluate_plan`` (columns ``EVALUATION_COLUMNS``), with the
    Danish labels of its status and projection method ("" when not projected)."""
    return {
        "id": result.id,
        "goal": result.goal,
        "label": result.label,
        "metric_id": result.metric_id,
        "kind": result.kind,
        "value": result.value,
        "target": result.target,
        "gap": result.gap,
        "status": STATUS_LABELS[result.status],
        "projection": result.projection,
        "projection_method": METHOD_LABELS[result.method] if result.method is not None else "",
        "baseline": result.baseline,
        "baseline_stated": result.baseline_stated,
        "baseline_period": result.baseline_period,
        "unit": result.unit,
        "periods_covered": result.periods_covered,
        "periods_label": result.periods_label,
        "n_periods": result.n_periods,
        "year_complete": result.year_complete,
        "suppressed": result.suppressed,
        "explanation": result.explanation,
        "reduction_consistent": result.reduction_consistent,
        "notes": list(result.notes),
        "wording": result.wording,
    }
