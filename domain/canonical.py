"""Canonical tables: the contract between the connectors and the metrics.

Every reader (jobindsats API, CSV/Excel extracts, demo generator) produces these frames;
every metric reads them. They are validated on write with dataframely.

* ``AggregateSchema``: the long ("tidy") table of published statistics, one row per
  dataset x period x area x dimension combination x measure.
* Person-level tables (``PERSON_TABLES``): case-system style extracts. They hold person
  ids and must never be shown unaggregated outside the case-review screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dataframely as dy
import polars as pl

from domain.review import CaseEventSchema

TOTAL = "I alt"
"""The value of a dimension column when a row is not broken down by that dimension."""

DIMENSIONS: tuple[str, ...] = (
    "benefit_group",  # ydelsesgruppe: A-dagpenge, Kontanthjælp, ...
    "match_group",  # matchgruppe / visitationskategori: Jobparat, Aktivitetsparat, ...
    "sex",  # Mænd / Kvinder
    "age_band",  # e.g. 16-29 år
    "origin",  # herkomst or country of origin: Danmark, Polen, ...
    "hours_band",  # flexjob weekly hours: 1-5 timer, 6-10 timer, Over 10 timer
    "scheme",  # flexjob scheme: Ny ordning / Gammel ordning
    "route",  # route into self-support: Job, Uddannelse, IGU
    "akasse",  # unemployment insurance fund (A-kasse), y25i09
    "benefit_rate",  # kontanthjælpssats (rate of kontanthjælp after July 2025), y60a02
)

AREA_LEVELS = ("land", "region", "kommune")
COUNTRY_CODE = "000"


class AggregateSchema(dy.Schema):
    """Long table of aggregate statistics (jobindsats-style)."""

    dataset_id = dy.String(primary_key=True, min_length=1)
    period = dy.String(primary_key=True, regex=r"^\d{4}(M\d{2}|Q0[1-4]|QMAT0[1-4]|Y01|MYTD\d{2})$")
    period_type = dy.Enum(["M", "Q", "QMAT", "Y", "MYTD"])
    period_start = dy.Date()
    period_end = dy.Date()
    area_code = dy.String(primary_key=True, regex=r"^\d{3}$")
    area_name = dy.String(min_length=1)
    area_level = dy.Enum(list(AREA_LEVELS))
    benefit_group = dy.String(primary_key=True)
    match_group = dy.String(primary_key=True)
    sex = dy.String(primary_key=True)
    age_band = dy.String(primary_key=True)
    origin = dy.String(primary_key=True)
    hours_band = dy.String(primary_key=True)
    scheme = dy.String(primary_key=True)
    route = dy.String(primary_key=True)
    akasse = dy.String(primary_key=True)
    benefit_rate = dy.String(primary_key=True)
    measure_id = dy.String(primary_key=True, min_length=1)
    value = dy.Float64(nullable=True, allow_nan=False)
    suppressed = dy.Bool()
    source = dy.String(min_length=1)
    retrieved_at = dy.Datetime(time_zone="UTC")

    @dy.rule()
    def suppressed_iff_null(cls) -> pl.Expr:
        return pl.col("suppressed") == pl.col("value").is_null()

    @dy.rule()
    def start_before_end(cls) -> pl.Expr:
        return pl.col("period_start") <= pl.col("period_end")


AGGREGATE_KEY: tuple[str, ...] = tuple(AggregateSchema.primary_key())


def with_all_dimensions(lf: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Aggregate rows stored before a dimension existed, read as that dimension's total.

    ``columns`` are the columns ``lf`` has. A dataset stored before ``akasse`` or
    ``benefit_rate`` were added is not broken down by them: every row is their total.
    """
    missing = [d for d in DIMENSIONS if d not in columns]
    if not missing:
        return lf
    return lf.with_columns(pl.lit(TOTAL).alias(d) for d in missing).select(
        AggregateSchema.column_names()
    )


class BenefitWeekSchema(dy.Schema):
    """DREAM-style weekly benefit records: one row per person and week on a benefit."""

    person_id = dy.String(primary_key=True, min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    week_start = dy.Date(primary_key=True)  # the Monday of the ISO week
    benefit_group = dy.String(min_length=1)
    match_group = dy.String(nullable=True)
    status = dy.Enum(["ledig", "aktiveret", "øvrig"])
    sex = dy.Enum(["Mænd", "Kvinder"])
    birth_year = dy.Int16(min=1900, max=2100)
    country_of_origin = dy.String(min_length=1)
    flexjob_hours = dy.Float64(nullable=True, min=0, max=37)
    team = dy.String(nullable=True)  # the jobcenter team of the person (optional column)


class RefugeeMonthSchema(dy.Schema):
    """Monthly self-support status of refugees and family-reunified (Fasit style)."""

    person_id = dy.String(primary_key=True, min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    month = dy.String(primary_key=True, regex=r"^\d{4}M\d{2}$")
    sex = dy.Enum(["Mænd", "Kvinder"])
    on_support = dy.Bool()  # on selvforsørgelses- og hjemrejseydelse or overgangsydelse
    self_supporting = dy.Bool()
    route = dy.Enum(["Job", "Uddannelse", "IGU"], nullable=True)

    @dy.rule()
    def route_only_when_self_supporting(cls) -> pl.Expr:
        return pl.col("route").is_null() | pl.col("self_supporting")


SANCTION_TYPES = (
    "Udeblivelse fra tilbud (LAS § 36)",
    "Udeblivelse fra samtale (LAS § 37)",
    "Skærpet rådighedssanktion",
)
REVIEW_OUTCOMES = ("Stadfæstet", "Ændret", "Hjemvist")
MATCH_GROUPS_KH = ("Jobparat", "Aktivitetsparat")


class SanctionCaseSchema(dy.Schema):
    """Sanction decisions from the case system."""

    case_id = dy.String(primary_key=True, min_length=1)
    person_id = dy.String(min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    decision_date = dy.Date()
    match_group = dy.Enum(list(MATCH_GROUPS_KH))
    sanction_type = dy.Enum(list(SANCTION_TYPES))
    amount_dkk = dy.Float64(nullable=True, min=0)


class SanctionReviewSchema(dy.Schema):
    """Reviewed sanction cases scored on the 8-point checklist (DOMAIN.md).

    ``p1``..``p8`` are True when the decision meets the point, False when it does not,
    null when the point does not apply (points 5-7 apply to aktivitetsparate only).
    """

    case_id = dy.String(primary_key=True, min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    review_date = dy.Date()
    reviewer = dy.String(min_length=1)
    match_group = dy.Enum(list(MATCH_GROUPS_KH))
    sanction_type = dy.Enum(list(SANCTION_TYPES))
    p1 = dy.Bool(nullable=True)
    p2 = dy.Bool(nullable=True)
    p3 = dy.Bool(nullable=True)
    p4 = dy.Bool(nullable=True)
    p5 = dy.Bool(nullable=True)
    p6 = dy.Bool(nullable=True)
    p7 = dy.Bool(nullable=True)
    p8 = dy.Bool(nullable=True)
    outcome = dy.Enum(list(REVIEW_OUTCOMES))


@dataclass(frozen=True)
class PersonTable:
    name: str
    schema: type[dy.Schema]
    title: str
    # Stored as one Parquet file per (year of this date column, municipality), hive-style
    # folders (``year=2022/municipality=710``): an import rewrites only what it touches.
    partition_date: str | None = None


PERSON_TABLES: dict[str, PersonTable] = {
    t.name: t
    for t in (
        PersonTable(
            "person_benefit_weeks",
            BenefitWeekSchema,
            "Ugentlige ydelsesforløb",
            partition_date="week_start",
        ),
        PersonTable("person_refugee_months", RefugeeMonthSchema, "Flygtninges selvforsørgelse"),
        PersonTable("sanction_cases", SanctionCaseSchema, "Sanktionssager"),
        PersonTable("sanction_reviews", SanctionReviewSchema, "Gennemgåede sanktionssager"),
        PersonTable("case_events", CaseEventSchema, "Sagshændelser (sagsbehandlingskrav)"),
    )
}


class SchemaViolation(ValueError):
    """A frame that does not meet its canonical schema; names row and column."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


def validate(df: pl.DataFrame, schema: type[dy.Schema], what: str) -> pl.DataFrame:
    """Validate ``df`` against ``schema``; raise SchemaViolation naming the first bad row.

    Rows are numbered from 1 in the order of ``df``. Missing columns are reported first.
    """
    missing = [c for c in schema.column_names() if c not in df.columns]
    if missing:
        raise SchemaViolation(f"{what}: missing column(s) {', '.join(missing)}", column=missing[0])
    df = df.select(schema.column_names())
    try:
        return schema.validate(df, cast=True)
    except dy.exc.ValidationError:
        pass
    except pl.exceptions.PolarsError as exc:  # cast failures (text in a number column, ...)
        raise SchemaViolation(f"{what}: {exc}") from exc
    indexed = df.with_row_index("__row", offset=1)
    _, failure = schema.filter(indexed.drop("__row"), cast=True)
    details: pl.DataFrame = failure.details()
    rule_cols = [c for c in details.columns if c not in df.columns]
    bad = (
        details.with_row_index("__i")
        .filter(pl.any_horizontal(pl.col(c) == "invalid" for c in rule_cols))
        .head(1)
    )
    if bad.is_empty():  # pragma: no cover - validate() and filter() disagree
        raise SchemaViolation(f"{what}: does not meet the canonical schema")
    first = bad.row(0, named=True)
    failed = [c for c in rule_cols if first[c] == "invalid"]
    rule = failed[0]
    column = rule.split("|", 1)[0] if "|" in rule else None
    # Locate the offending row in the original order by matching the failing row's values.
    key = {c: first[c] for c in df.columns}
    row = _find_row(indexed, key)
    where = f"row {row}" + (f", column {column}" if column else "")
    if rule == "primary_key":
        keys = ", ".join(schema.primary_key())
        problem = f"more than one row with the same key ({keys})"
    else:
        value = f" (value {key[column]!r})" if column else ""
        problem = f"rule {rule!r} failed{value}"
    raise SchemaViolation(f"{what}: {where}: {problem}", row=row, column=column)


def _find_row(indexed: pl.DataFrame, key: dict[str, Any]) -> int | None:
    cond = pl.lit(True)
    for c, v in key.items():
        cond = cond & (pl.col(c).is_null() if v is None else pl.col(c) == v)
    try:
        hit = indexed.filter(cond).get_column("__row")
    except pl.exceptions.PolarsError:  # pragma: no cover - dtype mismatch after cast
        return None
    return int(hit[0]) if len(hit) else None


class FlexjobMonthSchema(dy.Schema):
    """Monthly effective weekly hours per person in flexjob (the municipality's own data).

    One row per person and month in flexjob; ``weekly_hours`` is the month's effective
    hours per week (null: no hours registered). ``start_date`` and ``scheme`` describe the
    flexjob the person holds that month (new scheme from 2013 or old).
    ``start_hours`` is the weekly hours at the start when the extract does not reach back
    to it (null: taken from the first registered month on or after the start).
    """

    person_id = dy.String(primary_key=True, min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    month = dy.String(primary_key=True, regex=r"^\d{4}M\d{2}$")
    start_date = dy.Date()
    scheme = dy.Enum(["Ny ordning", "Gammel ordning"])
    weekly_hours = dy.Float64(nullable=True, min=0, max=37)
    start_hours = dy.Float64(nullable=True, min=0, max=37)


PERSON_TABLES["person_flexjob_months"] = PersonTable(
    "person_flexjob_months", FlexjobMonthSchema, "Timer i fleksjob"
)
