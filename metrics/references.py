"""National reference figures published by Ankestyrelsen and STAR (DOMAIN.md).

Constant tables, no inputs: the dashboard shows them beside the municipality's own
figures. Shares are in percent.
"""

from __future__ import annotations

import polars as pl

SANCTION_REFERENCE_SCHEMA: dict[str, pl.DataType] = {
    "study": pl.String(),
    "n": pl.Int64(),
    "errors": pl.Int64(),
    "share": pl.Float64(),
    "note": pl.String(),
}

CASEWORK_REFERENCE_SCHEMA: dict[str, pl.DataType] = {
    "area": pl.String(),
    "indicator": pl.String(),
    "share": pl.Float64(),
    "n": pl.Int64(),
    "source": pl.String(),
    "note": pl.String(),
}

RESSOURCEFORLOB = "Ressourceforløb"
FLEKSJOB = "Fleksjob og ledighedsydelse"
_SOURCE_RF = "STAR fokusaudit, ressourceforløb"
_SOURCE_FJ = "STAR fokusaudit, fleksjob og ledighedsydelse"


def national_sanction_reference() -> pl.DataFrame:
    """Ankestyrelsen's published findings on sanction decisions (DOMAIN.md, seeds 000-002).

    Columns: study, n, errors, share (percent; for studies that publish only a share),
    note. ``errors`` is null where the study gives only a share.
    """
    rows = [
        {
            "study": "Sanktioner for udeblivelse (LAS §§ 36-37), 3. undersøgelse",
            "n": 96,
            "errors": None,
            "share": 100.0 / 3,
            "note": "Knap en tredjedel ville være ændret eller hjemvist; de fleste vedrører "
            "aktivitetsparate borgere.",
        },
        {
            "study": "Skærpet rådighedssanktion, 2. undersøgelse",
            "n": 61,
            "errors": 52,
            "share": 100.0 * 52 / 61,
            "note": "61 sager fra 14 kommuner; 52 ville være ændret eller hjemvist.",
        },
        {
            "study": "Skærpet rådighedssanktion, 2. undersøgelse: aktivitetsparate",
            "n": 26,
            "errors": 26,
            "share": 100.0,
            "note": "Alle 26 sager med en aktivitetsparat borger ville være ændret eller hjemvist.",
        },
        {
            "study": "Sanktioner for udeblivelse, 1. undersøgelse",
            "n": None,
            "errors": None,
            "share": 50.0,
            "note": "Mere end halvdelen ville være ændret eller hjemvist (andelen er en "
            "nedre grænse).",
        },
    ]
    return pl.DataFrame(rows, schema=SANCTION_REFERENCE_SCHEMA, orient="row")


def national_casework_reference() -> pl.DataFrame:
    """STAR's focus audits: national reference rates for case-work indicators.

    Source: STAR fokusaudits of ressourceforløb and of fleksjob/ledighedsydelse
    (DOMAIN.md, "Focus audits by STAR", seeds 001 and 002). Columns: area
    ("Ressourceforløb" / "Fleksjob og ledighedsydelse"), indicator (Danish label), share
    (percent of audited cases; where the audit gives only words, the share is the
    rounded reading of those words and the note says so; null where no share can be
    read), n (audited cases where the audit states it, else null), source, note.
    """
    rows = [
        (
            RESSOURCEFORLOB,
            "Mindst 6 opfølgningssamtaler inden for 12 måneder",
            59.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            RESSOURCEFORLOB,
            "Borgerens perspektiv i den forberedende del",
            98.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            RESSOURCEFORLOB,
            "Borgerens perspektiv i indstillingen",
            81.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            RESSOURCEFORLOB,
            "Borgerens perspektiv i indsatsdelen",
            37.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            RESSOURCEFORLOB,
            "Kompetencefokuseret CV",
            18.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            RESSOURCEFORLOB,
            "Dato for næste opfølgning er fastsat",
            25.0,
            313,
            _SOURCE_RF,
            "Andel af de gennemgåede sager.",
        ),
        (
            FLEKSJOB,
            "CV på Jobnet inden for 3 uger efter start på ledighedsydelse",
            50.0,
            None,
            _SOURCE_FJ,
            "STAR skriver kun, at det sker i halvdelen af sagerne; 50 % er en aflæsning "
            "af den formulering.",
        ),
        (
            FLEKSJOB,
            "Rettidig revurdering af ledighedsydelse",
            65.0,
            None,
            _SOURCE_FJ,
            "Andel af de gennemgåede sager; antallet af sager er ikke oplyst.",
        ),
        (
            FLEKSJOB,
            "Fokus på progression i timetal i fleksjob",
            33.3,
            None,
            _SOURCE_FJ,
            "STAR skriver cirka hvert tredje fleksjob; 33,3 % er en aflæsning af den formulering.",
        ),
        (
            FLEKSJOB,
            "Ledelsesinformation om ventetid til rehabiliteringsteam, kompetence-CV og "
            "progression i timetal",
            None,
            None,
            _SOURCE_FJ,
            "Andel af kommunerne, ikke af sagerne: de fleste følger revurderinger og "
            "refusion, omkring halvdelen også disse tal. STAR angiver ingen præcis andel.",
        ),
    ]
    return pl.DataFrame(rows, schema=CASEWORK_REFERENCE_SCHEMA, orient="row")
