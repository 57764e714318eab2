"""Case events from the case system -> the ``case_events`` person table.

One row per dated event of case work: the start of a ressourceforløb, a follow-up
conversation, the start of ledighedsydelse, a CV registered on Jobnet, a re-assessment's
due date and a re-assessment. The compliance indicators of STAR's focus audits are counted
from these rows by ``metrics.compliance``; the rows themselves are never shown.
"""

from __future__ import annotations

import polars as pl

from data_connectors.local.common import LocalData, area_names
from data_connectors.local.parse import first_duplicate, parse_table
from data_connectors.local.persons import PERSON_ID
from data_connectors.local.spec import Column, Template, choices
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import RawTable
from domain.canonical import PERSON_TABLES
from domain.review import CASE_EVENTS

TEMPLATE = Template(
    id="case_events",
    title="Sagshændelser (samtaler, CV, revurderinger)",
    target_kind="person",
    target="case_events",
    description="Én række pr. hændelse i en sag med dato: start på ressourceforløb, "
    "opfølgningssamtaler, start på ledighedsydelse, CV registreret på Jobnet, frist for "
    "revurdering og revurdering. Bruges til sagsbehandlingskravene fra STAR's fokusaudits "
    "(mindst 6 samtaler på 12 måneder i ressourceforløb, CV inden for 3 uger, rettidig "
    "revurdering). Samme person, hændelse og dato tælles én gang.",
    origin="Udtræk fra kommunens sagssystem (hændelser/aktiviteter).",
    columns=(
        PERSON_ID,
        Column(
            "Kommune",
            "municipality_code",
            "area",
            "Kommunens kode (fx 710) eller navn (fx Favrskov).",
            "710",
        ),
        Column(
            "Team",
            "team",
            "text",
            "Det team, der har sagen (må være tom).",
            "Team Ressource",
            required=False,
            nullable=True,
        ),
        Column(
            "Hændelse",
            "event",
            "choice",
            "En af: " + ", ".join(CASE_EVENTS.values()) + ".",
            "Opfølgningssamtale",
            choices=choices(
                ("ressourceforloeb_start", ("Ressourceforløb start", "Start ressourceforløb")),
                ("opfoelgningssamtale", ("Opfølgningssamtale", "Samtale")),
                ("ledighedsydelse_start", ("Ledighedsydelse start", "Start ledighedsydelse")),
                ("cv_jobnet", ("CV registreret på Jobnet", "CV på Jobnet", "CV")),
                ("revurdering_frist", ("Frist for revurdering", "Revurderingsfrist")),
                ("revurdering", ("Revurdering", "Revurdering foretaget")),
            ),
        ),
        Column("Dato", "event_date", "date", "Datoen for hændelsen.", "2022-03-15"),
    ),
    examples=(
        ("P-00017", "710", "Team Ressource", "Ressourceforløb start", "2022-01-10"),
        ("P-00042", "710", "Team Fleksjob", "Ledighedsydelse start", "2022-02-01"),
        ("P-00042", "710", "Team Fleksjob", "CV registreret på Jobnet", "2022-02-14"),
    ),
)


def convert(table: RawTable) -> LocalData:
    rows = parse_table(table, TEMPLATE)
    dup = first_duplicate(rows, ["person_id", "event", "event_date"])
    if dup:
        raise ReadError(
            table.file,
            f"the same person, event and date as row {dup[0]}: expected one row for each",
            row=dup[1],
            column=TEMPLATE.column("person_id").label,
        )
    schema = PERSON_TABLES[TEMPLATE.target].schema
    df = rows.select(schema.column_names())
    dates = rows["event_date"].drop_nulls().sort()
    periods = (dates[0].isoformat(), dates[-1].isoformat()) if len(dates) else ()
    return LocalData(
        TEMPLATE.id,
        table.file,
        "person",
        TEMPLATE.target,
        df.with_columns(pl.col("team").cast(pl.String).replace("", None)),
        rows.height,
        periods,
        area_names(rows["municipality_code"].to_list()),
    )
