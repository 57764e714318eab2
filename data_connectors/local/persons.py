"""Person- and case-level templates stored as they are: refugees' months, sanction cases,
reviewed sanction cases, weekly benefit records, flexjob hours.

Ids must be pseudonyms (a CPR-like value is refused, see ``parse``); they are stored in
the person tables and only ever leave them aggregated (counts of 5 or more persons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import polars as pl

from data_connectors.local.common import LocalData, area_names
from data_connectors.local.parse import first_duplicate, parse_table
from data_connectors.local.spec import Column, Template, choices
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import ROW, RawTable
from domain.canonical import PERSON_TABLES, REVIEW_OUTCOMES, SANCTION_TYPES

PERSON_ID = Column(
    "Person-id",
    "person_id",
    "id",
    "Pseudonymiseret id, det samme for personen i alle rækker (aldrig CPR-nummer).",
    "P-00017",
    aliases=("Personid", "Person id", "Pseudonym"),
)
MONTH = Column(
    "Måned", "month", "month", "Måneden som 2022M03 eller 2022-03.", "2022M03", aliases=("Periode",)
)
MUNICIPALITY = Column(
    "Kommune",
    "municipality_code",
    "area",
    "Kommunens kode (fx 710) eller navn (fx Favrskov).",
    "710",
)
SEX = Column(
    "Køn",
    "sex",
    "choice",
    "Mand eller Kvinde (M/K).",
    "Kvinde",
    choices=choices(("Mænd", ("Mand", "M")), ("Kvinder", ("Kvinde", "K"))),
)
BIRTH_YEAR = Column(
    "Fødselsår", "birth_year", "int", "Fødselsår, fx 1990.", "1990", minimum=1900, maximum=2100
)
MATCH_KH = Column(
    "Matchgruppe",
    "match_group",
    "choice",
    "Jobparat eller Aktivitetsparat.",
    "Aktivitetsparat",
    choices=choices(("Jobparat", ()), ("Aktivitetsparat", ())),
)
SANCTION = Column(
    "Sanktionstype",
    "sanction_type",
    "choice",
    "Udeblivelse fra tilbud (LAS § 36), Udeblivelse fra samtale (LAS § 37) eller Skærpet "
    "rådighedssanktion (også: § 36, § 37, skærpet).",
    SANCTION_TYPES[0],
    choices=choices(
        (SANCTION_TYPES[0], ("§ 36", "§36", "LAS § 36", "Udeblivelse fra tilbud")),
        (SANCTION_TYPES[1], ("§ 37", "§37", "LAS § 37", "Udeblivelse fra samtale")),
        (SANCTION_TYPES[2], ("Skærpet", "Skærpet rådighed")),
    ),
)

REFUGEES = Template(
    id="person_refugee_months",
    title="Flygtninges selvforsørgelse pr. måned",
    target_kind="person",
    target="person_refugee_months",
    description="Én række pr. person og måned for flygtninge og familiesammenførte, der har "
    "været på selvforsørgelses- og hjemrejseydelse eller overgangsydelse. Varig "
    "selvforsørgelse (6 sammenhængende måneder som selvforsørgende efter en periode på "
    "ydelse) beregnes af rækkerne; et færdigt antal indlæses aldrig. Fødselsår kontrolleres "
    "men gemmes ikke.",
    origin="Fasit eller kommunens ydelsessystem (udtræk pr. måned).",
    columns=(
        PERSON_ID,
        MONTH,
        MUNICIPALITY,
        SEX,
        replace(BIRTH_YEAR, required=False, nullable=True),
        Column(
            "Status",
            "status",
            "choice",
            "Ydelse (på selvforsørgelses- og hjemrejseydelse eller overgangsydelse), "
            "Selvforsørgende, eller Andet (fx anden ydelse).",
            "Selvforsørgende",
            choices=choices(
                ("Ydelse", ("På ydelse", "Offentlig forsørgelse")),
                ("Selvforsørgende", ("Selvforsørget",)),
                ("Andet", ()),
            ),
        ),
        Column(
            "Vej",
            "route",
            "choice",
            "Ved Selvforsørgende: Job (ordinært job), Uddannelse (ordinær uddannelse) eller "
            "IGU; tom ellers.",
            "Job",
            nullable=True,
            choices=choices(
                ("Job", ("Ordinært job", "Beskæftigelse")),
                ("Uddannelse", ("Ordinær uddannelse",)),
                ("IGU", ("Integrationsgrunduddannelse",)),
            ),
        ),
    ),
    examples=(("P-00017", "2022M02", "710", "Kvinde", "1990", "Ydelse", ""),),
)

CASE_ID = Column(
    "Sags-id",
    "case_id",
    "id",
    "Pseudonymiseret sagsnummer.",
    "S-2022-0001",
    aliases=("Sagsid", "Sag"),
)

CASES = Template(
    id="sanction_cases",
    title="Sanktionssager",
    target_kind="person",
    target="sanction_cases",
    description="Én række pr. sanktionsafgørelse (kontanthjælpsområdet).",
    origin="Udtræk fra kommunens sagssystem (sanktioner).",
    columns=(
        CASE_ID,
        PERSON_ID,
        MUNICIPALITY,
        Column("Afgørelsesdato", "decision_date", "date", "Datoen for afgørelsen.", "2022-02-14"),
        MATCH_KH,
        SANCTION,
        Column(
            "Beløb",
            "amount_dkk",
            "number",
            "Sanktionens beløb i kr. (valgfri kolonne).",
            "1250",
            required=False,
            nullable=True,
            minimum=0,
            aliases=("Beløb (kr.)",),
        ),
    ),
)

POINTS = tuple(
    Column(
        f"Punkt {k}",
        f"p{k}",
        "yesno",
        text + " Ja, Nej eller tom (ikke relevant).",
        "Ja" if k not in (5, 6, 7) else "Nej" if k == 7 else "Ja",
        nullable=True,
        aliases=(f"P{k}",),
    )
    for k, text in enumerate(
        (
            "Borgerens matchgruppe er angivet.",
            "Sagen er tilstrækkeligt oplyst (fx sygdom undersøgt).",
            "Udeblivelse uden afbud er ikke i sig selv lagt til grund.",
            "Det er vurderet, om borgeren havde en rimelig grund.",
            "Aktivitetsparat: andre forhold end de rimelige grunde er vurderet.",
            "Aktivitetsparat: det er vurderet, om sanktionen fremmer rådigheden.",
            "Aktivitetsparat: den særlige partshøring er brugt (personlig kontakt).",
            "Afgørelsen begrunder hver betingelse for sanktionen.",
        ),
        start=1,
    )
)

REVIEWS = Template(
    id="sanction_reviews",
    title="Gennemgåede sanktionssager (ledelsestilsyn)",
    target_kind="person",
    target="sanction_reviews",
    description="Én række pr. gennemgået sanktionssag, scoret på tjeklistens 8 punkter (se "
    "Ledelsestilsyn). Punkt 5-7 gælder kun aktivitetsparate og skal være tomme for jobparate.",
    origin="Kommunens eget ledelsestilsyn (stikprøve af sanktionssager).",
    columns=(
        CASE_ID,
        MUNICIPALITY,
        Column("Gennemgangsdato", "review_date", "date", "Datoen for gennemgangen.", "2022-05-02"),
        Column(
            "Gennemgået af",
            "reviewer",
            "text",
            "Team eller initialer (ikke fulde navne).",
            "Team Kontanthjælp",
            aliases=("Gennemgaaet af", "Reviewer"),
        ),
        MATCH_KH,
        SANCTION,
        *POINTS,
        Column(
            "Udfald",
            "outcome",
            "choice",
            "Stadfæstet, Ændret eller Hjemvist (som Ankestyrelsen ville have afgjort).",
            "Ændret",
            choices=choices(
                (REVIEW_OUTCOMES[0], ("Stadfaestet", "OK")),
                (REVIEW_OUTCOMES[1], ("Aendret",)),
                (REVIEW_OUTCOMES[2], ("Hjemvist til fornyet behandling",)),
            ),
        ),
    ),
)

WEEKS = Template(
    id="person_benefit_weeks",
    title="Ugentlige ydelsesforløb (DREAM/Fasit)",
    target_kind="person",
    target="person_benefit_weeks",
    description="Én række pr. person og uge på en ydelse (DREAM-/Fasit-stil). Gemmes til "
    "senere nøgletal; vises aldrig på personniveau.",
    origin="DREAM-udtræk eller kommunens ydelsessystem (Fasit).",
    columns=(
        PERSON_ID,
        MUNICIPALITY,
        Column(
            "Uge", "week_start", "week", "ISO-uge som 2022-W05 (eller en dato i ugen).", "2022-W05"
        ),
        Column(
            "Ydelsesgruppe",
            "benefit_group",
            "text",
            "Fx A-dagpenge, Kontanthjælp, Uddannelseshjælp, Fleksjob.",
            "Kontanthjælp",
        ),
        Column(
            "Matchgruppe",
            "match_group",
            "text",
            "Fx Jobparat, Aktivitetsparat, Uddannelsesparat (valgfri; tom hvis ikke relevant).",
            "Jobparat",
            required=False,
            nullable=True,
        ),
        Column(
            "Status",
            "status",
            "choice",
            "ledig, aktiveret eller øvrig.",
            "ledig",
            choices=choices(("ledig", ()), ("aktiveret", ()), ("øvrig", ("oevrig", "andet"))),
        ),
        SEX,
        BIRTH_YEAR,
        Column(
            "Oprindelsesland",
            "country_of_origin",
            "text",
            "Oprindelsesland (dansk navn; Uoplyst hvis ukendt).",
            "Danmark",
        ),
        Column(
            "Fleksjobtimer",
            "flexjob_hours",
            "number",
            "Effektive timer pr. uge i fleksjob (valgfri; tom ellers).",
            "",
            required=False,
            nullable=True,
            minimum=0,
            maximum=37,
        ),
        Column(
            "Team",
            "team",
            "text",
            "Jobcentrets team, der har borgeren i ugen (valgfri kolonne; tom hvis ukendt). "
            "Giver langtidsledigheden fordelt på team.",
            "Team Nord",
            required=False,
            nullable=True,
            aliases=("Sagsbehandlerteam",),
        ),
    ),
)

FLEXJOB = Template(
    id="person_flexjob_months",
    title="Timer i fleksjob pr. måned",
    target_kind="person",
    target="person_flexjob_months",
    description="Én række pr. person i fleksjob og måned med de effektive ugentlige timer. "
    "Andelene, der er gået op, ned eller er uændret i timer siden start (1-5 og 6-10 timer), "
    "og andelen over 10 timer beregnes efter planens definition: ny ordning, registrerede "
    "timer i mindst seks måneder, juni som referencemåned.",
    origin="Kommunens fleksjobdata (lønrefusion/timeregistrering i fagsystemet).",
    columns=(
        PERSON_ID,
        MONTH,
        MUNICIPALITY,
        Column("Startdato", "start_date", "date", "Fleksjobbets startdato.", "2019-09-01"),
        Column(
            "Ordning",
            "scheme",
            "choice",
            "Ny (ny ordning fra 2013) eller Gammel (før 2013).",
            "Ny ordning",
            choices=choices(
                ("Ny ordning", ("Ny", "Fra 2013", "Ny ordning (fra 2013)")),
                ("Gammel ordning", ("Gammel", "Før 2013", "Gammel ordning (før 2013)")),
            ),
        ),
        Column(
            "Effektive timer pr. uge",
            "weekly_hours",
            "number",
            "Månedens effektive "
            "arbejdstimer pr. uge (decimalkomma); tom hvis ingen timer er registreret.",
            "4,5",
            nullable=True,
            minimum=0,
            maximum=37,
            aliases=("Timer pr. uge", "Effektive timer", "Timer"),
        ),
        Column(
            "Timer ved start",
            "start_hours",
            "number",
            "Ugentlige timer ved start "
            "(valgfri kolonne; bruges når udtrækket ikke når tilbage til starten).",
            "3",
            required=False,
            nullable=True,
            minimum=0,
            maximum=37,
        ),
    ),
)


def _row_error(table: RawTable, rows: pl.DataFrame, cond: pl.Expr, col: str, msg: str) -> None:
    bad = rows.filter(cond).sort(ROW).head(1)
    if not bad.is_empty():
        raise ReadError(table.file, msg, row=int(bad[ROW][0]), column=col)


def _dupes(table: RawTable, rows: pl.DataFrame, key: list[str], tmpl: Template, what: str) -> None:
    dup = first_duplicate(rows, key)
    if dup:
        raise ReadError(
            table.file,
            f"the same {what} as row {dup[0]}: expected one row for each",
            row=dup[1],
            column=tmpl.column(key[0]).label,
        )


def _periods(df: pl.DataFrame, col: str) -> tuple[str, ...]:
    s = df[col]
    if s.dtype == pl.Date:
        s = s.dt.strftime("%Y-%m-%d")
    vals = sorted(s.unique().to_list())
    return (vals[0], vals[-1]) if vals else ()


def _done(tmpl: Template, table: RawTable, rows: pl.DataFrame, period_col: str) -> LocalData:
    schema = PERSON_TABLES[tmpl.target].schema
    df = rows.select(schema.column_names())
    return LocalData(
        tmpl.id,
        table.file,
        "person",
        tmpl.target,
        df,
        rows.height,
        _periods(rows, period_col),
        area_names(rows["municipality_code"].to_list()),
    )


def convert_refugees(table: RawTable) -> LocalData:
    rows = parse_table(table, REFUGEES)
    _dupes(table, rows, ["person_id", "month"], REFUGEES, "person and month")
    selfsup = pl.col("status") == "Selvforsørgende"
    route = REFUGEES.column("route").label
    _row_error(
        table,
        rows,
        selfsup & pl.col("route").is_null(),
        route,
        "empty route: a self-supporting month needs Job, Uddannelse or IGU",
    )
    _row_error(
        table,
        rows,
        ~selfsup & pl.col("route").is_not_null(),
        route,
        "a route is given but the status is not Selvforsørgende: leave it blank",
    )
    rows = rows.with_columns(
        (pl.col("status") == "Ydelse").alias("on_support"), selfsup.alias("self_supporting")
    )
    return _done(REFUGEES, table, rows, "month")


def convert_cases(table: RawTable) -> LocalData:
    rows = parse_table(table, CASES)
    _dupes(table, rows, ["case_id"], CASES, "case id")
    return _done(CASES, table, rows, "decision_date")


def convert_reviews(table: RawTable) -> LocalData:
    rows = parse_table(table, REVIEWS)
    _dupes(table, rows, ["case_id"], REVIEWS, "case id")
    for k in (5, 6, 7):
        _row_error(
            table,
            rows,
            (pl.col("match_group") == "Jobparat") & pl.col(f"p{k}").is_not_null(),
            REVIEWS.column(f"p{k}").label,
            f"point {k} applies to aktivitetsparate only: leave it blank for Jobparat",
        )
    points = [f"p{k}" for k in range(1, 9)]
    any_no = pl.any_horizontal(pl.col(p) == False for p in points).fill_null(False)  # noqa: E712
    _row_error(
        table,
        rows,
        (pl.col("outcome") == REVIEW_OUTCOMES[0]) & any_no,
        REVIEWS.column("outcome").label,
        "Stadfæstet although a checklist point is Nej: a decision failing a point would "
        "be changed or sent back",
    )
    return _done(REVIEWS, table, rows, "review_date")


def convert_weeks(table: RawTable) -> LocalData:
    rows = parse_table(table, WEEKS)
    _dupes(table, rows, ["person_id", "week_start"], WEEKS, "person and week")
    # A blank match group or team is unknown (null), not a group called "".
    rows = rows.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in ("match_group", "team")
    )
    return _done(WEEKS, table, rows, "week_start")


def convert_flexjob(table: RawTable) -> LocalData:
    rows = parse_table(table, FLEXJOB)
    _dupes(table, rows, ["person_id", "month"], FLEXJOB, "person and month")
    start_month = (
        pl.col("start_date").dt.year().cast(pl.String)
        + "M"
        + pl.col("start_date").dt.strftime("%m")
    )
    _row_error(
        table,
        rows,
        pl.col("month") < start_month,
        MONTH.label,
        "a month before the flexjob's start date: expected months from the start on",
    )
    return _done(FLEXJOB, table, rows, "month")


CONVERTERS: dict[str, Callable[[RawTable], LocalData]] = {
    REFUGEES.id: convert_refugees,
    CASES.id: convert_cases,
    REVIEWS.id: convert_reviews,
    WEEKS.id: convert_weeks,
    FLEXJOB.id: convert_flexjob,
}
TEMPLATES = (REFUGEES, CASES, REVIEWS, WEEKS, FLEXJOB)
