"""The aggregate datasets jobmaal knows, declared as data.

Each dataset names its jobindsats table (where one exists), the dimensions it is broken
down by, and its measures with stable ids. Readers map source labels to these ids; the
metrics read them. A dataset id that is not a jobindsats table id is a local extract
(Fasit, CRM) with the same canonical shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EASTERN_EUROPE: tuple[str, ...] = (
    "Hviderusland",
    "Bulgarien",
    "Tjekkiet",
    "Ungarn",
    "Moldova",
    "Polen",
    "Rumænien",
    "Rusland",
    "Slovakiet",
    "Ukraine",
    "Estland",
    "Letland",
    "Litauen",
)
"""The 13 Eastern European countries of the Favrskov plan (DOMAIN.md, target 3)."""


# Dimension values that are subtotals of other values of the same dimension, declared
# per dataset: dataset -> dimension -> {subtotal: its parts}. Real jobindsats y38a02
# extracts carry "Alle uddannelsesparate" (= uddannelsesparat + åbenlyst
# uddannelsesparat) beside its parts; a sum over the dimension or a breakdown by it must
# not count it next to them.
_EDUCATION_READY_SUBTOTAL: dict[str, dict[str, tuple[str, ...]]] = {
    "match_group": {
        "Alle uddannelsesparate": ("Uddannelsesparat", "Åbenlyst uddannelsesparat"),
    },
}
SUBTOTALS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "y38a02": _EDUCATION_READY_SUBTOTAL,
    "y60a02": _EDUCATION_READY_SUBTOTAL,
}
# Published spellings read as the canonical one (extracts read without the jobindsats
# mapping may keep jobindsats' "Åbenlys").
SPELLINGS: dict[str, dict[str, str]] = {
    "match_group": {"Åbenlys uddannelsesparat": "Åbenlyst uddannelsesparat"},
}


@dataclass(frozen=True)
class Measure:
    id: str
    label: str  # Danish label as published (without the measure-group prefix)
    unit: str  # "fuldtidspersoner", "personer", "pct", "antal", "placering"
    signed: bool = False  # a difference, legitimately negative (y30r21's "Forskel ...")


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    source: str
    dimensions: tuple[str, ...]
    measures: tuple[Measure, ...]
    periods: tuple[str, ...] = ("M",)
    note: str = ""
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The months the table covers, where it starts or ends with a break in the series:
    # rows outside are refused, so that one table is never read as another.
    first_period: str | None = None
    last_period: str | None = None

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(f"{self.id} has no measure {measure_id!r}")


PERSONS = Measure("personer", "Antal personer", "personer")
FULLTIME = Measure("fuldtidspersoner", "Antal fuldtidspersoner", "fuldtidspersoner")
PCT_LABOUR_FORCE = Measure("pct_arbejdsstyrken", "Fuldtidspersoner i pct. af arbejdsstyrken", "pct")
PCT_POPULATION = Measure("pct_befolkningen", "Fuldtidspersoner i pct. af befolkningen", "pct")

_USUAL = (PERSONS, FULLTIME, PCT_LABOUR_FORCE, PCT_POPULATION)
"""The usual measures of the ``..a02`` tables (JOBINDSATS.md)."""

_PERSON_DIMS = ("sex", "age_band", "origin")
"""Køn, Alder and Herkomst: the breakdowns the ``..a02`` tables offer besides the area."""

# y25i09's measures as the live v3 API labels them (JOBINDSATS.md, "Confirmed from public
# client code": AI-MichelKlos/Dashboard-dak-jur data/jur-api-probe.json).
LTU_FULLTIME = Measure(
    "fuldtidspersoner", "Antal langtidsledige fuldtidspersoner", "fuldtidspersoner"
)
LTU_PERSONS = Measure("personer", "Antal langtidsledige personer", "personer")
GROSS_UNEMPLOYED = Measure("bruttoledige_personer", "Antal bruttoledige personer", "personer")
LTU_SHARE = Measure(
    "andel_langtidsledige", "Andel langtidsledige personer ift. bruttoledige personer", "pct"
)

LAST_UDH_MONTH = "2025M06"
"""Uddannelseshjælp (y38a02) ends here: from July 2025 it is part of kontanthjælp (y60a02)."""
FIRST_KH_2025_MONTH = "2025M07"
"""The first month of kontanthjælp after the reform (y60a02)."""

BENEFIT_GROUPS_LTU = (
    "A-dagpenge",
    "Kontanthjælp",
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
    "Uddannelseshjælp",
)
VISITATION_UDH = ("Åbenlyst uddannelsesparat", "Uddannelsesparat", "Aktivitetsparat")
VISITATION_KH_2025 = (
    "Jobparat",
    "Aktivitetsparat",
    "Uddannelsesparat",
    "Åbenlyst uddannelsesparat",
    "Uoplyst visitationskategori",
)
"""y60a02's visitation categories (``_viskat_1int``), as public client code reads them from
jobindsats.dk (AI-MichelKlos/kommunal-beskaeftigelsesindsats scripts/update_dashboard.py);
not seen in a v3 API response: UNCONFIRMED for the API."""
BENEFIT_RATES = (
    "Forhøjet sats",
    "Grundsats",
    "Mindstesats omfattet af program",
    "Mindstesats øvrige",
)
"""y60a02's Kontanthjælpssats (``_kth_sats``), from a v2-style config in public client code
(Randers-Kommune-Digitalisering/airflow jobindsats_config.py): UNCONFIRMED for v3."""
BENEFIT_GROUPS_BENCHMARK = ("A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.")
"""y30r21's Ydelsesgrupper (v2 client code; Randers-Kommune-Digitalisering/etl)."""
HOURS_BANDS = ("1-5 timer", "6-10 timer", "Over 10 timer")
NO_HOURS = "Uden registrerede timer"
FLEX_HOURS_BANDS = (*HOURS_BANDS, NO_HOURS)
"""Hours bands of the municipality's flexjob data: persons without registered hours too."""
SCHEMES = ("Ny ordning", "Gammel ordning")
ROUTES = ("Job", "Uddannelse", "IGU")
SEXES = ("Mænd", "Kvinder")

DATASETS: dict[str, Dataset] = {
    d.id: d
    for d in (
        Dataset(
            "y25i09",
            "Langtidsledighed",
            "Jobindsats",
            ("benefit_group", "akasse", "sex", "age_band", "origin"),
            (LTU_FULLTIME, LTU_PERSONS, GROSS_UNEMPLOYED, LTU_SHARE),
            note="Jobparate og uddannelsesparate bruttoledige, ledige/aktiverede mindst 80 % "
            "af de seneste 52 uger.",
            values={"benefit_group": BENEFIT_GROUPS_LTU},
        ),
        Dataset(
            "y25i01",
            "Ledighed",
            "Jobindsats",
            ("benefit_group", "akasse", "sex", "age_band", "origin"),
            (
                Measure("ledige_personer", "Antal ledige personer", "personer"),
                Measure(
                    "ledige_fuldtidspersoner", "Antal ledige fuldtidspersoner", "fuldtidspersoner"
                ),
                Measure(
                    "pct_arbejdsstyrken",
                    "Ledige fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
                    "pct",
                ),
                Measure(
                    "pct_befolkningen",
                    "Ledige fuldtidspersoner i pct. af befolkningen 16-66 år",
                    "pct",
                ),
            ),
            note="Bruttoledige (ledige og aktiverede jobparate).",
        ),
        Dataset(
            "fasit_forsikrede_oprindelse",
            "Forsikrede ledige efter oprindelsesland",
            "Fasit / Danmarks Statistik",
            ("origin",),
            (FULLTIME,),
            note="Forsikrede ledige (A-dagpenge) i starten af måneden efter oprindelsesland. "
            "Kommunens udtræk kan have alle lande (også Uoplyst); I alt er summen af dem.",
            values={"origin": ("Danmark", *EASTERN_EUROPE, "Øvrige lande")},
        ),
        Dataset(
            "y35a02",
            "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
            "Jobindsats",
            ("sex", "age_band", "origin"),
            _USUAL,
            values={"sex": SEXES},
        ),
        Dataset(
            "fasit_selvforsoergelse",
            "Flygtninge i varig selvforsørgelse",
            "Fasit",
            ("sex", "route"),
            (
                Measure(
                    "personer_varig_selvforsoergelse",
                    "Personer i varig selvforsørgelse",
                    "personer",
                ),
            ),
            note="Personer der i måneden har nået 6 sammenhængende måneder som selvforsørgende.",
            values={"sex": SEXES, "route": ROUTES},
        ),
        Dataset(
            "y38a02",
            "Uddannelseshjælp",
            "Jobindsats",
            ("match_group", "sex", "age_band", "origin"),
            _USUAL,
            note="Erstattet af y60a02 (kontanthjælp) fra juli 2025: databrud.",
            values={"match_group": VISITATION_UDH},
            last_period=LAST_UDH_MONTH,
        ),
        Dataset(
            "y60a02",
            "Kontanthjælp (fra juli 2025)",
            "Jobindsats",
            ("match_group", "benefit_rate", "sex", "age_band", "origin"),
            _USUAL,
            note="Kontanthjælp efter reformen 1. juli 2025, som også omfatter den tidligere "
            "uddannelseshjælp.",
            values={"match_group": VISITATION_KH_2025, "benefit_rate": BENEFIT_RATES},
            first_period=FIRST_KH_2025_MONTH,
        ),
        Dataset(
            "y08a02",
            "Fleksjob",
            "Jobindsats",
            ("hours_band", "scheme"),
            (PERSONS, FULLTIME, PCT_LABOUR_FORCE, PCT_POPULATION),
            values={"hours_band": HOURS_BANDS, "scheme": SCHEMES},
        ),
        Dataset(
            "fleksjob_timeudvikling",
            "Udvikling i timer i fleksjob",
            "Kommunens fleksjobdata",
            ("hours_band",),
            (
                Measure("andel_op", "Andel gået op i timer", "pct"),
                Measure("andel_ned", "Andel gået ned i timer", "pct"),
                Measure("andel_uaendret", "Andel uændret i timer", "pct"),
                Measure("personer_op", "Antal gået op i timer", "personer"),
                Measure("personer_ned", "Antal gået ned i timer", "personer"),
                Measure("personer_uaendret", "Antal uændret i timer", "personer"),
                Measure("personer", "Personer i fleksjob (ny ordning) efter timer", "personer"),
            ),
            note="Beregnet af kommunens egne timetal pr. person (person_flexjob_months): ny "
            "ordning (fra 2013), registrerede timer i mindst seks måneder; op/ned/uændret "
            "efter timer ved start, personer efter månedens timer; juni er referencemåned. "
            "Jobindsats' y08a02 har ingen opdeling på timer eller ordning.",
            values={"hours_band": FLEX_HOURS_BANDS},
        ),
        Dataset("y09a02", "Ledighedsydelse", "Jobindsats", _PERSON_DIMS, _USUAL),
        Dataset("y11a02", "Ressourceforløb", "Jobindsats", _PERSON_DIMS, _USUAL),
        Dataset(
            "y01a02",
            "A-dagpenge",
            "Jobindsats",
            _PERSON_DIMS,
            _USUAL,
            note="Herkomst uden opdeling på lande.",
        ),
        Dataset(
            "y30r21",
            "STAR's benchmark: forventet og faktisk offentlig forsørgelse",
            "Jobindsats (STAR)",
            ("benefit_group",),
            (
                Measure("forventet_fuldtidspersoner", "Forventet antal", "fuldtidspersoner"),
                Measure("faktisk_fuldtidspersoner", "Faktisk antal", "fuldtidspersoner"),
                Measure(
                    "forskel_fuldtidspersoner",
                    "Forskel mellem forventet og faktisk antal",
                    "fuldtidspersoner",
                    signed=True,
                ),
                Measure("forventet_andel", "Forventet andel (pct.)", "pct"),
                Measure("faktisk_andel", "Faktisk andel (pct.)", "pct"),
                Measure(
                    "forskel_andel",
                    "Forskel mellem forventet og faktisk andel (pct. point)",
                    "pct",
                    signed=True,
                ),
                Measure("placering", "Placering på benchmarkranglisten", "placering"),
            ),
            periods=("QMAT",),
            note="Fuldtidspersoner afrundet til nærmeste 10. Placering 1-98 (1 er bedst).",
            values={"benefit_group": BENEFIT_GROUPS_BENCHMARK},
        ),
        Dataset(
            "crm_virksomhedsservice",
            "Virksomhedsbesøg og kampagner",
            "Jobcentrets CRM",
            (),
            (
                Measure("virksomhedsbesoeg", "Virksomhedsbesøg", "antal"),
                Measure("kampagner", "Virksomhedskampagner", "antal"),
                Measure("oevrige_kontakter", "Øvrige virksomhedskontakter", "antal"),
            ),
            note="Tælles ved indlæsning af CRM-udtræk med én række pr. kontakt "
            "(skabelonen crm_virksomhedsservice).",
        ),
    )
}


def dataset(dataset_id: str) -> Dataset:
    try:
        return DATASETS[dataset_id]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise KeyError(f"unknown dataset {dataset_id!r}; known: {known}") from None
