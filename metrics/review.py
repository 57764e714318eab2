"""Review rounds of sanction decisions: the sample and the results (pure, no I/O).

The sample: the population is the imported sanction cases a round's parameters select
(municipality, decision period, sanction types, match groups, teams); it is split into
strata (default match group x sanction type) and each stratum gets its proportional
share of the sample by the largest-remainder method. Within a stratum the cases are
drawn with ``random.Random(seed)`` from the case ids in sorted order, so the same seed
and the same data give the same sample whatever the row order of the extract.

The results: the error rate (verdict "ville blive ændret" or "ville blive hjemvist")
with a Wilson 95 % interval, per round, match group, sanction type, team or checklist
point (a point's n is the cases where it applies, its errors those answered "nej").
Outside the review form every figure follows the <5 rule of ``metrics.series``: a count
of 1-4 cases is suppressed, and so is a rate whose n is below 5 or whose errors or
non-errors are 1-4.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping

import polars as pl

from domain.review import ERROR_VERDICTS, POINTS, SAMPLE_COLUMNS, RoundSpec
from metrics.references import national_sanction_reference
from metrics.sanctions import CHECKLIST, QUALITY_SCHEMA
from metrics.series import MIN_PERSONS
from metrics.stats import wilson_interval

UNKNOWN_TEAM = "Uoplyst team"
BREAKDOWNS: dict[str, str] = {
    "round": "Runde",
    "match_group": "Matchgruppe",
    "sanction_type": "Sanktionstype",
    "team": "Team",
    "checklist_point": "Punkt på tjeklisten",
}
RESULT_SCHEMA = QUALITY_SCHEMA  # the same error-rate table as Ledelsestilsyn's


# -- the sample ------------------------------------------------------------------------------
def population(cases: pl.DataFrame, spec: RoundSpec) -> pl.DataFrame:
    """The sanction cases a round's parameters select, sorted by case id.

    ``cases`` has the columns of the ``sanction_cases`` person table; a ``team`` column
    is optional (absent: every case's team is unknown and a team filter selects none).
    """
    df = cases if "team" in cases.columns else cases.with_columns(team=pl.lit(None, pl.String))
    df = df.filter(
        (pl.col("municipality_code") == spec.municipality_code)
        & pl.col("decision_date").is_between(spec.period_start, spec.period_end)
    )
    for column, wanted in (
        ("sanction_type", spec.sanction_types),
        ("match_group", spec.match_groups),
        ("team", spec.teams),
    ):
        if wanted:
            df = df.filter(pl.col(column).cast(pl.String).is_in(list(wanted)))
    return df.with_columns(
        pl.col("match_group", "sanction_type").cast(pl.String), pl.col("team").cast(pl.String)
    ).sort("case_id")


def population_fingerprint(pop: pl.DataFrame) -> str:
    """SHA-256 of the population's case ids and strata fields: stored with the round so a
    redraw can show it used the same data."""
    h = hashlib.sha256()
    cols = ["case_id", "decision_date", "match_group", "sanction_type", "team"]
    for row in pop.sort("case_id").select(cols).iter_rows():
        h.update(("\x1f".join("" if v is None else str(v) for v in row) + "\n").encode())
    return h.hexdigest()


def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of ``n`` over strata of the given sizes (largest remainder;
    ties to the larger stratum, then the stratum name). ``n`` above the total takes all."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    quotas = {k: n * v / total for k, v in sizes.items()}
    out = {k: int(q) for k, q in quotas.items()}
    left = n - sum(out.values())
    order = sorted(sizes, key=lambda k: (-(quotas[k] - out[k]), -sizes[k], k))
    for k in order[:left]:
        out[k] += 1
    return out


def _stratum(row: Mapping[str, object], strata: tuple[str, ...]) -> str:
    parts = [str(row[c]) if row[c] is not None else UNKNOWN_TEAM for c in strata]
    return " / ".join(parts) if parts else "Alle"


def draw_sample(
    pop: pl.DataFrame, *, size: int, seed: int, strata: tuple[str, ...]
) -> pl.DataFrame:
    """A stratified random sample of ``size`` cases (columns ``SAMPLE_COLUMNS``)."""
    if size < 1:
        raise ValueError("the sample size must be at least 1")
    rows = sorted(pop.select(SAMPLE_COLUMNS[2:]).iter_rows(named=True), key=lambda r: r["case_id"])
    by_stratum: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_stratum.setdefault(_stratum(r, strata), []).append(r)
    quota = allocate({k: len(v) for k, v in by_stratum.items()}, size)
    rng = random.Random(seed)
    drawn = []
    for name in sorted(by_stratum):
        members = by_stratum[name]
        for r in rng.sample(members, quota[name]):
            drawn.append({"stratum": name, **r})
    schema = {
        "draw_order": pl.Int64(),
        "stratum": pl.String(),
        "case_id": pl.String(),
        "decision_date": pl.Date(),
        "match_group": pl.String(),
        "sanction_type": pl.String(),
        "team": pl.String(),
    }
    return pl.DataFrame(
        [{"draw_order": i, **r} for i, r in enumerate(drawn, start=1)],
        schema=schema,
        orient="row",
    ).select(SAMPLE_COLUMNS)


# -- the results -----------------------------------------------------------------------------
def _suppressed(n: int, k: int) -> bool:
    return n < MIN_PERSONS or 0 < k < MIN_PERSONS or 0 < n - k < MIN_PERSONS


def _rates(counts: list[tuple[str, int, int]], suppress: bool) -> pl.DataFrame:
    rows = []
    for group, n, k in counts:
        hidden = suppress and _suppressed(n, k)
        lo, hi = wilson_interval(k, n)
        known = n > 0 and not hidden
        rows.append(
            {
                "group": group,
                "n": None if suppress and 0 < n < MIN_PERSONS else n,
                "errors": k if known else None,
                "rate": 100.0 * k / n if known else None,
                "ci_low": 100.0 * lo if known else None,
                "ci_high": 100.0 * hi if known else None,
                "suppressed": hidden,
            }
        )
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def error_rates(
    reviews: pl.DataFrame, by: str | None = None, *, suppress: bool = True
) -> pl.DataFrame:
    """Error rate in percent with a Wilson 95 % interval, overall (group "I alt") or by
    ``round``, ``match_group``, ``sanction_type``, ``team`` or ``checklist_point``.

    ``reviews``: saved reviews (the register's ``reviews_frame``: verdict, p1..p8,
    match_group, sanction_type, team, round_name). Columns: group, n, errors, rate,
    ci_low, ci_high, suppressed. ``suppress=False`` only on the review screens.
    """
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}: use one of {', '.join(BREAKDOWNS)}")
    err = pl.col("verdict").is_in(list(ERROR_VERDICTS))
    if by == "checklist_point":
        counts = [
            (
                CHECKLIST[p],
                int(reviews[p].is_in(["ja", "nej"]).sum()),
                int((reviews[p] == "nej").sum()),
            )
            for p in POINTS
        ]
        return _rates(counts, suppress)
    if by == "round":
        per_round = (
            reviews.with_columns(err.alias("_e"))
            .group_by("round_id", maintain_order=True)
            .agg(pl.col("round_name").first(), pl.len().alias("n"), pl.col("_e").sum().alias("k"))
        )
        return _rates([(str(g), int(n), int(k)) for _r, g, n, k in per_round.iter_rows()], suppress)
    if by is None:
        key = pl.lit("I alt")
    elif by == "team":
        key = pl.col("team").fill_null(UNKNOWN_TEAM)
    else:
        key = pl.col(by)
    grouped = (
        reviews.with_columns(key.cast(pl.String).alias("_g"), err.alias("_e"))
        .group_by("_g", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("_e").sum().alias("k"))
    )
    grouped = grouped.sort("_g")
    if by is None and grouped.is_empty():
        grouped = pl.DataFrame({"_g": ["I alt"], "n": [0], "k": [0]})
    return _rates([(str(g), int(n), int(k)) for g, n, k in grouped.iter_rows()], suppress)


def trend(reviews: pl.DataFrame, *, suppress: bool = True) -> pl.DataFrame:
    """Error rate per round in the order the rounds were created (group = round name)."""
    ordered = reviews.sort("round_created_at", "round_id")
    return error_rates(ordered, "round", suppress=suppress)


def progress(n_cases: int, n_reviewed: int) -> float:
    """Share of a round's cases reviewed, in percent."""
    return 100.0 * n_reviewed / n_cases if n_cases else 0.0


# Which of Ankestyrelsen's findings (metrics.references) each group is set against.
_STUDY_ABSENCE = "Sanktioner for udeblivelse (LAS §§ 36-37), 3."
_STUDY_SKAERPET = "Skærpet rådighedssanktion, 2. undersøgelse"
_REFERENCE_FOR_GROUP: dict[str | None, dict[str, str]] = {
    None: {"I alt": _STUDY_ABSENCE},
    "sanction_type": {
        "Udeblivelse fra tilbud (LAS § 36)": _STUDY_ABSENCE,
        "Udeblivelse fra samtale (LAS § 37)": _STUDY_ABSENCE,
        "Skærpet rådighedssanktion": _STUDY_SKAERPET,
    },
    "match_group": {"Aktivitetsparat": _STUDY_SKAERPET + ": aktivitetsparate"},
}


def national_reference(by: str | None) -> pl.DataFrame:
    """Ankestyrelsen's national share (percent) for each group it covers: columns group,
    share, study. Overall ("I alt") the third absence study (about a third)."""
    ref = national_sanction_reference()
    rows = []
    for group, prefix in _REFERENCE_FOR_GROUP.get(by, {}).items():
        hits = ref.filter(pl.col("study").str.starts_with(prefix)).sort(
            pl.col("study").str.len_chars()
        )
        if hits.height:
            rows.append({"group": group, "share": hits["share"][0], "study": hits["study"][0]})
    return pl.DataFrame(
        rows, schema={"group": pl.String, "share": pl.Float64, "study": pl.String}, orient="row"
    )
