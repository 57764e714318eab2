"""What Ledelsestilsyn shows, built as typed data before anything is drawn.

``build(LedelseSelection)`` is the page's ``build`` half (``dashboard/views/ledelsestilsyn.py``
only lays it out); the page benchmark calls the same function. It is cached per store
version and municipality, and holds every breakdown and every case-work indicator, so
switching between them on the page is a lookup.

Ledelsestilsyn is an aggregate page: the municipality's own error rates come from
``metrics.sanctions.sanction_quality`` with the <5 rule (a group about fewer than 5
cases, or with 1-4 errors or non-errors, is hidden; a lone hidden group of a breakdown
that adds up takes the smallest shown group with it), the case-work shares from
``metrics.compliance`` with the same rule, and the cards hide what the rule hides
(``pagedata_review.ErrorRate``). No case or person id is in the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import export, loaders
from dashboard.pagedata_review import ErrorRate, RateBreakdown, rate_table
from metrics import compliance, danish

SOURCES = ("sanction_reviews",)
BREAKDOWNS = {
    "match_group": "Matchgruppe",
    "sanction_type": "Sanktionstype",
    "checklist_point": "Punkt på tjeklisten",
}

# Which of Ankestyrelsen's findings each group is set against (DOMAIN.md, seeds 000-002).
REFERENCE_FOR_GROUP = {
    "sanction_type": {
        "Udeblivelse fra tilbud (LAS § 36)": "Sanktioner for udeblivelse (LAS §§ 36-37), 3.",
        "Udeblivelse fra samtale (LAS § 37)": "Sanktioner for udeblivelse (LAS §§ 36-37), 3.",
        "Skærpet rådighedssanktion": "Skærpet rådighedssanktion, 2. undersøgelse",
    },
    "match_group": {
        "Aktivitetsparat": "Skærpet rådighedssanktion, 2. undersøgelse: aktivitetsparate",
    },
}
INTERVAL_NOTE = "Interval: Wilson 95 %. Reference: Ankestyrelsens praksisundersøgelser."


@dataclass(frozen=True)
class LedelseSelection:
    """The store version and the municipality (its code and name)."""

    key: loaders.StoreKey
    muni: str
    name: str


@dataclass(frozen=True)
class OwnReview:
    """The municipality's own reviewed sanction cases. When the total is hidden (<5)
    there is no sentence and no breakdown."""

    total: ErrorRate
    sentence: str | None
    breakdowns: tuple[RateBreakdown, ...]  # in BREAKDOWNS' order
    footnote: export.Footnote

    def breakdown(self, by: str) -> RateBreakdown:
        return next(b for b in self.breakdowns if b.by == by)


@dataclass(frozen=True)
class ComplianceCard:
    label: str
    value: str  # "67 %" or "<5"
    help: str  # STAR's national share and the number of cases


@dataclass(frozen=True)
class Indicator:
    """One case-work indicator: the monthly shares of the total, the same per team."""

    indicator: str
    label: str
    monthly: pl.DataFrame  # period, share, ... of team "I alt" (value = share)
    per_team: pl.DataFrame  # period, team, n, met, share, national, suppressed
    national: float | None
    table: pl.DataFrame  # per_team as shown
    footnote: export.Footnote


@dataclass(frozen=True)
class OwnCompliance:
    """The municipality's own case-work figures from its case events."""

    cards: tuple[ComplianceCard, ...]
    indicators: tuple[Indicator, ...]  # in compliance.INDICATORS' order

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.indicator == key)


@dataclass(frozen=True)
class LedelsePage:
    selection: LedelseSelection
    own: OwnReview | None  # None: no reviewed case for the municipality
    national: pl.DataFrame  # Ankestyrelsen's national findings, as shown
    compliance: OwnCompliance | None  # None: no case events for the municipality
    casework: pl.DataFrame  # STAR's focus audits, as shown


def pct_text(value: float | None) -> str:
    """A national share as Danish text; blank when the source gives none."""
    return (
        ""
        if value is None
        else danish.with_unit(value, "pct", ",.0f" if value == round(value) else ",.1f")
    )


def count_text(value: int | None) -> str:
    return "" if value is None else danish.number(value)


def _breakdown(sel: LedelseSelection, by: str, reference: pl.DataFrame) -> RateBreakdown:
    quality = loaders.sanction_quality(sel.key, sel.muni, by)
    groups = set(quality["group"].to_list())
    ref_rows = []
    for group, study_prefix in REFERENCE_FOR_GROUP.get(by, {}).items():
        hit = reference.filter(pl.col("study").str.starts_with(study_prefix))
        if hit.height and group in groups:
            ref_rows.append({"group": group, "share": hit["share"][0]})
    return RateBreakdown(
        by=by,
        label=BREAKDOWNS[by],
        title=f"Fejlandel efter {BREAKDOWNS[by].lower()}, {sel.name}",
        rates=quality,
        reference=pl.DataFrame(ref_rows, schema={"group": pl.String, "share": pl.Float64}),
        table=rate_table(quality),
    )


def own_review(sel: LedelseSelection, reference: pl.DataFrame) -> OwnReview | None:
    """The municipality's own error rates (None when it has no reviewed case)."""
    overall = loaders.sanction_quality(sel.key, sel.muni, None)
    if overall.is_empty() or int(overall["n"].fill_null(0).sum()) == 0:
        return None
    total = ErrorRate.from_rates(overall)
    footnote = loaders.footnote(sel.key, SOURCES, None, notes=(INTERVAL_NOTE,))
    if total.suppressed:
        return OwnReview(total=total, sentence=None, breakdowns=(), footnote=footnote)
    sentence = (
        "Ankestyrelsens praksisundersøgelser fandt fejl i knap en tredjedel af sagerne om "
        "udeblivelse og i 52 af 61 sager om skærpet rådighedssanktion. "
        f"{danish.genitive(sel.name)} egen "
        f"gennemgang giver {danish.with_unit(total.rate, 'pct', '.0f')} "
        f"({danish.number(total.errors)} af {danish.number(total.n)} sager)."
    )
    return OwnReview(
        total=total,
        sentence=sentence,
        breakdowns=tuple(_breakdown(sel, by, reference) for by in BREAKDOWNS),
        footnote=footnote,
    )


def _indicator(own: pl.DataFrame, indicator: str) -> Indicator:
    monthly = own.filter(
        (pl.col("indicator") == indicator) & (pl.col("team") == "I alt")
    ).with_columns(pl.col("share").alias("value"))
    per_team = own.filter(pl.col("indicator") == indicator).select(
        "period", "team", "n", "met", "share", "national", "suppressed"
    )
    table = export.prepare(
        per_team,
        {
            "team": "Team",
            "n": "Forløb",
            "met": "Opfyldt",
            "share": "Andel opfyldt",
            "national": "Landsplan",
        },
    ).with_columns(
        pl.col("Andel opfyldt", "Landsplan").map_elements(pct_text, return_dtype=pl.String)
    )
    return Indicator(
        indicator=indicator,
        label=compliance.INDICATORS[indicator],
        monthly=monthly,
        per_team=per_team,
        national=monthly["national"][0] if monthly.height else None,
        table=table,
        footnote=export.Footnote(
            source="Kommunens sagshændelser (skabelonen case_events)",
            table_ids=("case_events",),
            first_period=str(monthly["period"].min()) if monthly.height else None,
            last_period=str(monthly["period"].max()) if monthly.height else None,
            notes=("Reference: STAR's fokusaudits (landsplan).",),
        ),
    )


def own_compliance(sel: LedelseSelection) -> OwnCompliance | None:
    """The municipality's own case-work shares (None when it has no case events)."""
    events_lf = loaders.inputs(sel.key).get("case_events")
    events = events_lf.collect() if events_lf is not None else pl.DataFrame()
    if events.is_empty():
        return None
    own = compliance.compliance(events, municipality=sel.muni)
    if own.is_empty():
        return None
    total = compliance.compliance_total(events, municipality=sel.muni)
    cards = tuple(
        ComplianceCard(
            label=r["label"],
            value=(
                danish.with_unit(r["share"], "pct", ".0f")
                if r["share"] is not None
                else danish.SUPPRESSED_TEXT
            ),
            help=f"Landsplan (STAR): {pct_text(r['national'])}; {danish.number(r['n'])} forløb",
        )
        for r in total.iter_rows(named=True)
    )
    return OwnCompliance(
        cards=cards, indicators=tuple(_indicator(own, i) for i in compliance.INDICATORS)
    )


def national_table(reference: pl.DataFrame) -> pl.DataFrame:
    """Ankestyrelsen's national findings as shown."""
    return export.prepare(
        reference,
        {
            "study": "Undersøgelse",
            "n": "Antal sager",
            "errors": "Ændret/hjemvist",
            "share": "Andel ændret/hjemvist",
            "note": "Note",
        },
    ).with_columns(
        pl.col("Antal sager", "Ændret/hjemvist").map_elements(count_text, return_dtype=pl.String),
        pl.col("Andel ændret/hjemvist").map_elements(pct_text, return_dtype=pl.String),
    )


def casework_table(casework: pl.DataFrame) -> pl.DataFrame:
    """STAR's focus audits as shown."""
    return casework.select(
        pl.col("area").alias("Område"),
        pl.col("indicator").alias("Indikator"),
        pl.col("share").map_elements(pct_text, return_dtype=pl.String).alias("Landsplan"),
        pl.col("n").map_elements(count_text, return_dtype=pl.String).alias("Antal sager"),
        pl.col("source").alias("Kilde"),
        pl.col("note").alias("Note"),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def build(sel: LedelseSelection) -> LedelsePage:
    """Ledelsestilsyn's data for a municipality."""
    reference = loaders.national_sanction_reference()
    return LedelsePage(
        selection=sel,
        own=own_review(sel, reference),
        national=national_table(reference),
        compliance=own_compliance(sel),
        casework=casework_table(loaders.national_casework_reference()),
    )
