"""Insured unemployed by country of origin (target 3) -> ``fasit_forsikrede_oprindelse``.

Two templates. ``fasit_forsikrede_oprindelse``: the long table ``Periode; Område;
Oprindelsesland; Antal fuldtidspersoner`` (one row per month, municipality and country;
an optional total row per month, ``I alt``). ``fasit_forsikrede_personer``: one row per
insured unemployed person and month (pseudonymised id), aggregated on import; the
person ids are never stored.

Every country is kept as its own row, ``Uoplyst`` included; the total (the denominator
of the Eastern European share) is the sum over all countries unless the file gives it.
Which countries are Eastern European is data (``datasets.EASTERN_EUROPE``, or the plan's
``countries``), never decided here; their names are written as in that list.
"""

from __future__ import annotations

import polars as pl

from data_connectors.jobindsats.mappings import norm_label
from data_connectors.local.common import LocalData, aggregate_rows, area_names
from data_connectors.local.parse import first_duplicate, parse_table
from data_connectors.local.spec import Column, Template
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import ROW, RawTable
from domain.canonical import TOTAL
from domain.datasets import EASTERN_EUROPE

DATASET = "fasit_forsikrede_oprindelse"
TOTAL_WORDS = {norm_label(x) for x in ("I alt", "Alle", "Alle lande", "Oprindelsesland i alt")}
KNOWN = {norm_label(c): c for c in (*EASTERN_EUROPE, "Danmark", "Uoplyst")}

_AREA = Column(
    "Område",
    "area",
    "area",
    "Kommunens navn (fx Favrskov) eller kode (fx 710).",
    "Favrskov",
    aliases=("Kommune", "Omraade"),
)
_COUNTRY = Column(
    "Oprindelsesland",
    "country",
    "text",
    "Oprindelsesland med dansk navn (fx Polen, Rumænien, Danmark). Ukendt land skrives "
    "Uoplyst; det tæller med i det samlede antal. En række med I alt er totalen for måneden "
    "(valgfri; ellers summeres landene).",
    "Polen",
    aliases=("Land", "Oprindelse"),
)

TEMPLATE = Template(
    id=DATASET,
    title="Forsikrede ledige efter oprindelsesland",
    target_kind="aggregate",
    target=DATASET,
    person_level=False,
    description="Én række pr. måned, kommune og oprindelsesland med antallet af forsikrede "
    "ledige (fuldtidspersoner) i starten af måneden. Alle lande skal med (også Danmark og "
    "Uoplyst), så totalen bliver rigtig; andelen med østeuropæisk baggrund beregnes af "
    "antallene.",
    origin="Fasit (kommunens ydelsesdata) eller Danmarks Statistik; udtrækket laves af "
    "kommunens analyse- eller økonomifunktion.",
    columns=(
        Column(
            "Periode",
            "period",
            "month",
            "Måneden som 2021M07 eller 2021-07.",
            "2021M07",
            aliases=("Måned", "Tid"),
        ),
        _AREA,
        _COUNTRY,
        Column(
            "Antal fuldtidspersoner",
            "value",
            "number",
            "Forsikrede ledige (A-dagpenge) i fuldtidspersoner, primo måneden; decimalkomma.",
            "12,4",
            minimum=0,
            aliases=("Fuldtidspersoner", "Antal"),
        ),
    ),
    examples=(
        ("2021M07", "Favrskov", "Danmark", "580,6"),
        ("2021M07", "Favrskov", "Uoplyst", "3"),
    ),
)

PERSON_TEMPLATE = Template(
    id="fasit_forsikrede_personer",
    title="Forsikrede ledige efter oprindelsesland (personniveau)",
    target_kind="aggregate",
    target=DATASET,
    description="Én række pr. forsikret ledig person og måned (pseudonymiseret id). Ved "
    "indlæsning summeres fuldtidsandelene pr. måned, kommune og oprindelsesland; "
    "person-id'erne gemmes ikke.",
    origin="Fasit eller DREAM-udtræk fra kommunens ydelsessystem.",
    columns=(
        Column(
            "Person-id",
            "person_id",
            "id",
            "Pseudonymiseret id (aldrig CPR-nummer).",
            "P-00017",
            aliases=("Personid", "Person id", "Pseudonym"),
        ),
        Column(
            "Måned",
            "period",
            "month",
            "Måneden som 2021M07 eller 2021-07.",
            "2021M07",
            aliases=("Periode",),
        ),
        Column(
            "Kommune",
            "area",
            "area",
            "Kommunens kode (fx 710) eller navn (fx Favrskov).",
            "710",
        ),
        _COUNTRY,
        Column(
            "Fuldtidsandel",
            "share",
            "number",
            "Personens andel af en fuldtidsperson i måneden, 0-1 (valgfri kolonne; tom = 1).",
            "1",
            required=False,
            nullable=True,
            minimum=0,
            maximum=1,
        ),
    ),
)


def _country(df: pl.DataFrame) -> pl.DataFrame:
    """Known country names spelt as in EASTERN_EUROPE; totals as TOTAL; others as given."""
    names = df["country"].unique().to_list()
    mapping = {}
    for n in names:
        key = norm_label(n)
        mapping[n] = TOTAL if key in TOTAL_WORDS else KNOWN.get(key, " ".join(n.split()))
    return df.with_columns(pl.col("country").replace_strict(mapping, return_dtype=pl.String))


def _with_totals(file: str, parts: pl.DataFrame) -> pl.DataFrame:
    """Country rows plus the total per period and area (given, or the sum of the countries)."""
    given = parts.filter(pl.col("country") == TOTAL)
    countries = parts.filter(pl.col("country") != TOTAL)
    summed = countries.group_by("period", "area").agg(
        pl.col("value").sum().alias("__sum"), pl.col(ROW).min().alias("__first")
    )
    check = given.join(summed, on=["period", "area"], how="left").filter(
        pl.col("value") < pl.col("__sum") - 1e-9
    )
    if not check.is_empty():
        r = check.sort(ROW).row(0, named=True)
        raise ReadError(
            file,
            f"the total {r['value']:g} is less than the sum of the countries "
            f"({r['__sum']:g}) for {r['period']}",
            row=r[ROW],
            column=_COUNTRY.label,
        )
    missing = summed.join(given, on=["period", "area"], how="anti").select(
        "period", "area", pl.lit(TOTAL).alias("country"), pl.col("__sum").alias("value")
    )
    return pl.concat(
        [parts.select("period", "area", "country", "value"), missing], how="vertical_relaxed"
    )


def _local(
    file: str, table: RawTable, tmpl: Template, rows: int, counts: pl.DataFrame
) -> LocalData:
    framed = counts.select(
        "period",
        pl.col("area").alias("area_code"),
        pl.col("country").alias("origin"),
        pl.lit("fuldtidspersoner").alias("measure_id"),
        "value",
    )
    df = aggregate_rows(DATASET, framed, source=table.source, retrieved_at=table.retrieved_at)
    return LocalData(
        tmpl.id,
        file,
        "aggregate",
        DATASET,
        df,
        rows,
        tuple(sorted(counts["period"].unique().to_list())),
        area_names(counts["area"].to_list()),
    )


def convert(table: RawTable) -> LocalData:
    rows = _country(parse_table(table, TEMPLATE))
    dup = first_duplicate(rows, ["period", "area", "country"])
    if dup:
        raise ReadError(
            table.file,
            f"the same month, area and country as row {dup[0]}: expected one row for each",
            row=dup[1],
            column=_COUNTRY.label,
        )
    return _local(table.file, table, TEMPLATE, rows.height, _with_totals(table.file, rows))


def convert_persons(table: RawTable) -> LocalData:
    rows = _country(parse_table(table, PERSON_TEMPLATE))
    if (rows["country"] == TOTAL).any():
        r = rows.filter(pl.col("country") == TOTAL).row(0, named=True)
        raise ReadError(
            table.file,
            "a total row in a person-level file: expected one row per person and month",
            row=r[ROW],
            column=_COUNTRY.label,
        )
    dup = first_duplicate(rows, ["person_id", "period"])
    if dup:
        raise ReadError(
            table.file,
            f"the same person and month as row {dup[0]}: expected one row per person and month",
            row=dup[1],
            column=PERSON_TEMPLATE.column("person_id").label,
        )
    parts = (
        rows.with_columns(pl.col("share").fill_null(1.0))
        .group_by("period", "area", "country")
        .agg(pl.col("share").sum().alias("value"), pl.col(ROW).min())
    )
    return _local(table.file, table, PERSON_TEMPLATE, rows.height, _with_totals(table.file, parts))
