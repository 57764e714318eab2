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


@dataclass(frozen=True)
class Measure:
    id: str
    label: str  # Danish label as published (without the measure-group prefix)
    unit: str  # "fuldtidspersoner", "personer", "pct", "antal", "placering"


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

BENEFIT_GROUPS_LTU = (
    "A-dagpenge",
    "Kontanthjælp",
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
    "Uddannelseshjælp",
)
VISITATION_UDH = ("Åbenlyst uddannelsesparat", "Uddannelsesparat", "Aktivitetsparat")
HOURS_BANDS = ("1-5 timer", "6-10 timer", "Over 10 timer")
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
            ("benefit_group",),
            (FULLTIME, PERSONS),
            note="Jobparate og uddannelsesparate bruttoledige, ledige/aktiverede mindst 80 % "
            "af de seneste 52 uger.",
            values={"benefit_group": BENEFIT_GROUPS_LTU},
        ),
        Dataset(
            "fasit_forsikrede_oprindelse",
            "Forsikrede ledige efter oprindelsesland",
            "Fasit / Danmarks Statistik",
            ("origin",),
            (FULLTIME,),
            note="Forsikrede ledige (A-dagpenge) i starten af måneden efter oprindelsesland.",
            values={"origin": ("Danmark", *EASTERN_EUROPE, "Øvrige lande")},
        ),
        Dataset(
            "y35a02",
            "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
            "Jobindsats",
            ("sex",),
            (PERSONS, FULLTIME, PCT_LABOUR_FORCE, PCT_POPULATION),
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
            ("match_group",),
            (FULLTIME, PERSONS, PCT_LABOUR_FORCE, PCT_POPULATION),
            note="Indgår i y60a02 fra juli 2025 (databrud).",
            values={"match_group": VISITATION_UDH},
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
            "Jobindsats",
            ("hours_band",),
            (
                Measure("andel_op", "Andel gået op i timer", "pct"),
                Measure("andel_ned", "Andel gået ned i timer", "pct"),
                Measure("andel_uaendret", "Andel uændret i timer", "pct"),
                Measure("personer_op", "Antal gået op i timer", "personer"),
                Measure("personer_ned", "Antal gået ned i timer", "personer"),
                Measure("personer_uaendret", "Antal uændret i timer", "personer"),
            ),
            note="Ny ordning (fra 2013), registrerede timer i mindst seks måneder; juni er "
            "referencemåned. Tabel-id ikke bekræftet.",
            values={"hours_band": ("1-5 timer", "6-10 timer")},
        ),
        Dataset("y09a02", "Ledighedsydelse", "Jobindsats", (), _USUAL),
        Dataset("y11a02", "Ressourceforløb", "Jobindsats", (), _USUAL),
        Dataset(
            "y01a02",
            "A-dagpenge",
            "Jobindsats",
            ("origin",),
            _USUAL,
            note="Herkomst uden opdeling på lande.",
        ),
        Dataset(
            "y30r21",
            "STAR's benchmark: forventet og faktisk offentlig forsørgelse",
            "Jobindsats (STAR)",
            (),
            (
                Measure("forventet_fuldtidspersoner", "Forventet antal", "fuldtidspersoner"),
                Measure("faktisk_fuldtidspersoner", "Faktisk antal", "fuldtidspersoner"),
                Measure("placering", "Placering", "placering"),
            ),
            periods=("QMAT",),
            note="Fuldtidspersoner afrundet til nærmeste 10. Placering 1-98 (1 er bedst).",
        ),
        Dataset(
            "crm_virksomhedsservice",
            "Virksomhedsbesøg og kampagner",
            "Jobcentrets CRM",
            (),
            (
                Measure("virksomhedsbesoeg", "Virksomhedsbesøg", "antal"),
                Measure("kampagner", "Virksomhedskampagner", "antal"),
            ),
        ),
    )
}


def dataset(dataset_id: str) -> Dataset:
    try:
        return DATASETS[dataset_id]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise KeyError(f"unknown dataset {dataset_id!r}; known: {known}") from None
