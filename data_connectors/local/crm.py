"""Company contacts from the jobcenter's CRM -> ``crm_virksomhedsservice`` per month.

One row per contact: date, CVR number (8 digits, modulus-11 checked), contact type,
team, municipality and, for campaigns, the campaign's name. No person data. On import
the rows are counted per municipality and month: visits (type besøg), campaigns
(distinct campaigns, each counted in the month of its first contact; a campaign row
without a name is one campaign per date) and other contacts (every other type is kept
and counted). Every month from the file's first to its last contact gets all three
counts, zeros included, so a file replaces the months it covers.
"""

from __future__ import annotations

import polars as pl

from data_connectors.jobindsats.mappings import norm_label
from data_connectors.local.common import LocalData, aggregate_rows, area_names
from data_connectors.local.parse import parse_table
from data_connectors.local.spec import Column, Template
from data_connectors.readers.tabular import RawTable
from domain.periods import month_range

VISIT = "besøg"
CAMPAIGN = "kampagne"
VISIT_WORDS = {norm_label(x) for x in ("besøg", "besoeg", "virksomhedsbesøg", "virksomhedsbesoeg")}
CAMPAIGN_WORDS = {norm_label(x) for x in ("kampagne", "virksomhedskampagne")}

TEMPLATE = Template(
    id="crm_virksomhedsservice",
    title="Virksomhedskontakter fra jobcentrets CRM",
    target_kind="aggregate",
    target="crm_virksomhedsservice",
    person_level=False,
    description="Én række pr. kontakt med en virksomhed. Ved indlæsning tælles pr. kommune og "
    "måned: virksomhedsbesøg (kontakttype besøg), virksomhedskampagner (antal forskellige "
    "kampagner, talt i måneden for kampagnens første kontakt) og øvrige kontakter (alle andre "
    "kontakttyper). Filen erstatter de måneder, den dækker (fra første til sidste dato).",
    origin="Udtræk fra jobcentrets CRM (virksomhedsservice).",
    columns=(
        Column(
            "Dato",
            "date",
            "date",
            "Datoen for kontakten (fx 2022-03-15 eller 15-03-2022).",
            "2022-03-15",
        ),
        Column(
            "CVR-nummer",
            "cvr",
            "cvr",
            "Virksomhedens CVR-nummer: 8 cifre (kontrolleres med modulus 11).",
            "10150817",
            aliases=("CVR", "CVR-nr.", "CVR nr"),
        ),
        Column(
            "Kontakttype",
            "type",
            "text",
            "besøg, kampagne eller en anden type (fx telefon, "
            "mail); andre typer tælles som øvrige kontakter.",
            "besøg",
        ),
        Column(
            "Team",
            "team",
            "text",
            "Det team, der havde kontakten (må være tom).",
            "Virksomhedsservice",
            nullable=True,
        ),
        Column(
            "Kommune",
            "area",
            "area",
            "Kommunens kode (fx 710) eller navn (fx Favrskov).",
            "Favrskov",
        ),
        Column(
            "Kampagne",
            "campaign",
            "text",
            "Kampagnens navn ved kontakttype kampagne (valgfri "
            "kolonne); uden navn tæller hver dato som én kampagne.",
            "",
            required=False,
            nullable=True,
        ),
    ),
    examples=(
        (
            "2022-03-22",
            "25313763",
            "kampagne",
            "Virksomhedsservice",
            "Favrskov",
            "Rekruttering til byggeriet",
        ),
    ),
)

MEASURES = ("virksomhedsbesoeg", "kampagner", "oevrige_kontakter")


def convert(table: RawTable) -> LocalData:
    rows = parse_table(table, TEMPLATE)
    kind = pl.col("type").str.to_lowercase().str.strip_chars()
    rows = rows.with_columns(
        pl.when(kind.is_in(list(VISIT_WORDS)))
        .then(pl.lit(VISIT))
        .when(kind.is_in(list(CAMPAIGN_WORDS)))
        .then(pl.lit(CAMPAIGN))
        .otherwise(pl.lit("andet"))
        .alias("__kind"),
        (pl.col("date").dt.year().cast(pl.String) + "M" + pl.col("date").dt.strftime("%m")).alias(
            "period"
        ),
    )
    visits = (
        rows.filter(pl.col("__kind") == VISIT)
        .group_by("area", "period")
        .agg(pl.len().alias("virksomhedsbesoeg"))
    )
    others = (
        rows.filter(pl.col("__kind") == "andet")
        .group_by("area", "period")
        .agg(pl.len().alias("oevrige_kontakter"))
    )
    campaign_key = pl.coalesce(
        pl.col("campaign").str.to_lowercase(), pl.col("date").cast(pl.String)
    )
    campaigns = (
        rows.filter(pl.col("__kind") == CAMPAIGN)
        .with_columns(campaign_key.alias("__key"))
        .group_by("area", "__key")
        .agg(pl.col("period").min())
        .group_by("area", "period")
        .agg(pl.len().alias("kampagner"))
    )
    first, last = rows["period"].min(), rows["period"].max()
    assert isinstance(first, str) and isinstance(last, str)
    months = month_range(first, last)
    grid = pl.DataFrame({"area": rows["area"].unique().sort()}).join(
        pl.DataFrame({"period": months}), how="cross"
    )
    wide = (
        grid.join(visits, on=["area", "period"], how="left")
        .join(campaigns, on=["area", "period"], how="left")
        .join(others, on=["area", "period"], how="left")
        .fill_null(0)
    )
    counts = wide.unpivot(
        index=["area", "period"], on=list(MEASURES), variable_name="measure_id", value_name="value"
    ).rename({"area": "area_code"})
    df = aggregate_rows(
        TEMPLATE.target, counts, source=table.source, retrieved_at=table.retrieved_at
    )
    return LocalData(
        TEMPLATE.id,
        table.file,
        "aggregate",
        TEMPLATE.target,
        df,
        rows.height,
        tuple(months),
        area_names(rows["area"].to_list()),
    )
