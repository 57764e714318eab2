"""The metric registry: every KPI jobmaal computes, declared as data.

Each entry names a stable id, the Danish label shown to users, the unit, the native grain
(month / quarter / year), the canonical inputs it reads, whether lower or higher is
better, a display format, the official definition with its source, and the canonical
dimensions it can be broken down by. ``year_agg`` says how a year's value is formed from
the native periods (``mean`` yearly average, ``sum`` count in the year, ``last`` the
value at the end of the year, ``ref_month`` the value of ``ref_month``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeriesBreak:
    """A month from which the metric comes from another table or definition.

    Charts break the line there and say so; footnotes carry ``note``. The two sides are
    never presented as one continuous series.
    """

    period: str  # the first month after the break, e.g. "2025M07"
    note: str  # Danish, for footnotes and the chart


@dataclass(frozen=True)
class Count:
    """A plain count: one measure of one dataset, summed over the cells the metric asks
    for. A metric declared with ``count=`` needs no function of its own (``metrics.kpis``
    builds it); anything more (a share, a person pipeline, a series break) is a function."""

    dataset: str
    measure: str


@dataclass(frozen=True)
class MetricDef:
    id: str
    label: str
    unit: str  # "fuldtidspersoner" | "personer" | "pct" | "antal" | "placering"
    grain: str  # "month" | "quarter" | "year"
    sources: tuple[str, ...]
    better: str  # "lower" | "higher"
    fmt: str  # Python format spec for display
    definition: str
    source_ref: str
    breakdowns: tuple[str, ...] = ()
    year_agg: str = "mean"  # "mean" | "sum" | "last" | "ref_month"
    ref_month: int | None = None
    person_based: bool = True  # figures about persons: suppress those about fewer than 5
    # Periods are rolling years (QMAT codes: the four quarters ending with the quarter
    # named); with grain "quarter", one period per published quarter.
    rolling_year: bool = False
    # False for figures that cannot be summed over areas (a rank): regions and
    # comparison groups get no value unless the data publishes one.
    additive: bool = True
    breaks: tuple[SeriesBreak, ...] = ()
    count: Count | None = None  # a plain count, computed without a function of its own

    @property
    def is_rate(self) -> bool:
        return self.unit == "pct"

    @property
    def chart_kind(self) -> str:
        """How a target on this metric is drawn, from how its year is judged:
        ``cumulative`` (a yearly sum), ``running_average`` (a yearly average),
        ``reference_month`` (one month a year) or ``end_of_year`` (the year-end value)."""
        return CHART_KINDS[self.year_agg]


CHART_KINDS: dict[str, str] = {
    "sum": "cumulative",
    "mean": "running_average",
    "ref_month": "reference_month",
    "last": "end_of_year",
}
"""The chart kind of each yearly aggregation (``MetricDef.chart_kind``)."""


_PLAN = "Favrskov Kommune, Beskæftigelsesplan 2022, afsnit 4"

METRICS: dict[str, MetricDef] = {
    m.id: m
    for m in (
        MetricDef(
            id="virksomhedsbesoeg",
            label="Virksomhedsbesøg",
            unit="antal",
            grain="month",
            sources=("crm_virksomhedsservice",),
            count=Count("crm_virksomhedsservice", "virksomhedsbesoeg"),
            better="higher",
            fmt=",.0f",
            definition="Antal gennemførte virksomhedsbesøg i perioden (jobcentrets CRM). "
            "Året opgøres som summen af månederne.",
            source_ref=f"{_PLAN}.1 (75 virksomhedsbesøg årligt); jobcentrets CRM",
            year_agg="sum",
            person_based=False,
        ),
        MetricDef(
            id="virksomhedskampagner",
            label="Virksomhedskampagner",
            unit="antal",
            grain="month",
            sources=("crm_virksomhedsservice",),
            count=Count("crm_virksomhedsservice", "kampagner"),
            better="higher",
            fmt=",.0f",
            definition="Antal afholdte virksomhedskampagner i perioden (jobcentrets CRM). "
            "Året opgøres som summen af månederne.",
            source_ref=f"{_PLAN}.1 (1-2 virksomhedskampagner årligt); jobcentrets CRM",
            year_agg="sum",
            person_based=False,
        ),
        MetricDef(
            id="langtidsledige",
            label="Langtidsledige (fuldtidspersoner)",
            unit="fuldtidspersoner",
            grain="month",
            sources=("y25i09",),
            count=Count("y25i09", "fuldtidspersoner"),
            better="lower",
            fmt=",.0f",
            definition="Jobparate og uddannelsesparate bruttoledige på A-dagpenge, kontanthjælp, "
            "selvforsørgelses- og hjemrejseydelse, overgangsydelse og uddannelseshjælp, der har "
            "været ledige/aktiverede mindst 80 % af tiden de seneste 52 uger; opgjort i "
            "fuldtidspersoner. Året opgøres som gennemsnittet af månederne.",
            source_ref=f"{_PLAN}.2, note til figur 5; Jobindsats y25i09",
            breakdowns=("benefit_group",),
            year_agg="mean",
        ),
        MetricDef(
            id="andel_oesteuropaeiske_forsikrede",
            label="Andel forsikrede ledige med østeuropæisk baggrund",
            unit="pct",
            grain="month",
            sources=("fasit_forsikrede_oprindelse",),
            better="lower",
            fmt=".1f",
            definition="Forsikrede ledige (fuldtidspersoner, primo måneden) med oprindelse i "
            "Hviderusland, Bulgarien, Tjekkiet, Ungarn, Moldova, Polen, Rumænien, Rusland, "
            "Slovakiet, Ukraine, Estland, Letland eller Litauen i procent af alle forsikrede "
            "ledige. Beregnes altid af antallene. Året opgøres ved årets sidste måned (ultimo).",
            source_ref=f"{_PLAN}.3, tabel 5; Fasit og Danmarks Statistik",
            year_agg="last",
        ),
        MetricDef(
            id="flygtninge_varig_selvforsoergelse",
            label="Flygtninge i varig selvforsørgelse",
            unit="personer",
            grain="month",
            sources=("fasit_selvforsoergelse", "person_refugee_months"),
            better="higher",
            fmt=",.0f",
            definition="Flygtninge og familiesammenførte på selvforsørgelses- og hjemrejseydelse "
            "eller overgangsydelse, der i måneden når 6 sammenhængende måneder som "
            "selvforsørgende gennem ordinært job, ordinær uddannelse eller IGU. Året opgøres "
            "som summen af månederne.",
            source_ref=f"{_PLAN}.4, tabel 6; Fasit",
            breakdowns=("route", "sex"),
            year_agg="sum",
        ),
        MetricDef(
            id="flygtninge_kvindeandel",
            label="Kvindeandel blandt flygtninge i varig selvforsørgelse",
            unit="pct",
            grain="month",
            sources=("fasit_selvforsoergelse", "person_refugee_months"),
            better="higher",
            fmt=".0f",
            definition="Kvinder i procent af de flygtninge, der har opnået varig "
            "selvforsørgelse (6 sammenhængende måneder) i perioden; året som kvinder i året "
            "divideret med alle i året.",
            source_ref=f"{_PLAN}.4 (halvdelen skal være kvinder), tabel 6; Fasit",
            breakdowns=("route",),
            year_agg="sum",
        ),
        MetricDef(
            id="uddannelseshjaelp",
            label="Unge på uddannelseshjælp (fuldtidspersoner)",
            unit="fuldtidspersoner",
            grain="month",
            sources=("y38a02", "y60a02"),
            better="lower",
            fmt=",.0f",
            definition="Fuldtidspersoner på uddannelseshjælp (unge under 30 år), i alt og efter "
            "visitationskategori (åbenlyst uddannelsesparat, uddannelsesparat, "
            "aktivitetsparat). Fra juli 2025 findes uddannelseshjælp ikke længere: tallet er "
            "derefter fuldtidspersoner på kontanthjælp visiteret uddannelsesparat eller "
            "åbenlyst uddannelsesparat (y60a02); aktivitetsparate unge kan ikke skilles ud "
            "uden aldersopdeling. Året opgøres som gennemsnittet af månederne.",
            source_ref=f"{_PLAN}.5, figur 8; Jobindsats y38a02 til juni 2025, y60a02 fra juli 2025",
            breaks=(
                SeriesBreak(
                    "2025M07",
                    "Databrud juli 2025: uddannelseshjælp (y38a02) er fra juli 2025 en del af "
                    "kontanthjælpen (y60a02); tallene derefter er uddannelsesparate på "
                    "kontanthjælp og kan ikke sammenlignes direkte med tallene før.",
                ),
            ),
            breakdowns=("match_group",),
            year_agg="mean",
        ),
        MetricDef(
            id="fleksjob_andel_op",
            label="Andel i udviklingsfleksjob, der er gået op i timer",
            unit="pct",
            grain="month",
            sources=("fleksjob_timeudvikling", "person_flexjob_months"),
            better="higher",
            fmt=".0f",
            definition="Andel af personer i fleksjob (ny ordning fra 2013, registreret timetal i "
            "mindst seks måneder), der i opgørelsesmåneden arbejder flere timer end ved start; "
            "beregnet af antallene op / (op + ned + uændret). Opdelt efter timer ved start "
            "(1-5 og 6-10 timer). Juni er referencemåned, fordi ferie i juli forvrider "
            "timetallet.",
            source_ref=f"{_PLAN}.6, figur 12; kommunens timetal pr. person i fleksjob",
            breakdowns=("hours_band",),
            year_agg="ref_month",
            ref_month=6,
        ),
        MetricDef(
            id="fleksjob_andel_ned",
            label="Andel i udviklingsfleksjob, der er gået ned i timer",
            unit="pct",
            grain="month",
            sources=("fleksjob_timeudvikling", "person_flexjob_months"),
            better="lower",
            fmt=".0f",
            definition="Andel af personer i fleksjob (ny ordning), der arbejder færre timer end "
            "ved start; ned / (op + ned + uændret). Juni er referencemåned.",
            source_ref=f"{_PLAN}.6, figur 12; kommunens timetal pr. person i fleksjob",
            breakdowns=("hours_band",),
            year_agg="ref_month",
            ref_month=6,
        ),
        MetricDef(
            id="fleksjob_andel_uaendret",
            label="Andel i udviklingsfleksjob med uændret timetal",
            unit="pct",
            grain="month",
            sources=("fleksjob_timeudvikling", "person_flexjob_months"),
            better="lower",
            fmt=".0f",
            definition="Andel af personer i fleksjob (ny ordning), hvis timetal er uændret siden "
            "start; uændret / (op + ned + uændret). Juni er referencemåned.",
            source_ref=f"{_PLAN}.6, figur 12; kommunens timetal pr. person i fleksjob",
            breakdowns=("hours_band",),
            year_agg="ref_month",
            ref_month=6,
        ),
        MetricDef(
            id="fleksjob_andel_over_10_timer",
            label="Andel af fleksjob over 10 timer (mod 1-10 timer)",
            unit="pct",
            grain="month",
            sources=("fleksjob_timeudvikling", "person_flexjob_months"),
            better="higher",
            fmt=".1f",
            definition="Personer i fleksjob på ny ordning med over 10 effektive ugentlige timer "
            "i procent af alle personer i fleksjob på ny ordning i måneden (også dem uden "
            "registrerede timer); stiger, når andelen over 10 timer stiger i forhold til "
            "udviklingsfleksjob (1-10 timer). Beregnet af kommunens timetal pr. person. "
            "Juni er referencemåned.",
            source_ref=f"{_PLAN}.6, figur 11; kommunens timetal pr. person i fleksjob "
            "(Jobindsats y08a02 har ingen opdeling på timer)",
            year_agg="ref_month",
            ref_month=6,
        ),
        MetricDef(
            id="fleksjob_fuldtidspersoner",
            label="Fuldtidspersoner i fleksjob",
            unit="fuldtidspersoner",
            grain="month",
            sources=("y08a02",),
            count=Count("y08a02", "fuldtidspersoner"),
            better="higher",
            fmt=",.0f",
            definition="Fuldtidspersoner i fleksjob, i alt og efter ugentlige timer og ordning.",
            source_ref=f"{_PLAN}.6, figur 10; Jobindsats y08a02",
            breakdowns=("hours_band", "scheme"),
            year_agg="mean",
        ),
        MetricDef(
            id="ledighedsydelse",
            label="Fuldtidspersoner på ledighedsydelse",
            unit="fuldtidspersoner",
            grain="month",
            sources=("y09a02",),
            count=Count("y09a02", "fuldtidspersoner"),
            better="lower",
            fmt=",.0f",
            definition="Fuldtidspersoner på ledighedsydelse (ledige fleksjobvisiterede).",
            source_ref=f"{_PLAN}.6, figur 10; Jobindsats y09a02",
            year_agg="mean",
        ),
        MetricDef(
            id="flygtninge_paa_ydelse",
            label="Flygtninge på selvforsørgelses- og hjemrejseydelse/overgangsydelse",
            unit="personer",
            grain="month",
            sources=("y35a02",),
            count=Count("y35a02", "personer"),
            better="lower",
            fmt=",.0f",
            definition="Personer på selvforsørgelses- og hjemrejseydelse eller overgangsydelse "
            "i måneden.",
            source_ref=f"{_PLAN}.4, figur 7; Jobindsats y35a02",
            breakdowns=("sex",),
            year_agg="mean",
        ),
        MetricDef(
            id="ressourceforloeb",
            label="Fuldtidspersoner i ressourceforløb",
            unit="fuldtidspersoner",
            grain="month",
            sources=("y11a02",),
            count=Count("y11a02", "fuldtidspersoner"),
            better="lower",
            fmt=",.0f",
            definition="Fuldtidspersoner i ressourceforløb.",
            source_ref="Jobindsats y11a02",
            year_agg="mean",
        ),
        MetricDef(
            id="sanktion_fejlrate",
            label="Fejlrate i gennemgåede sanktionssager",
            unit="pct",
            grain="quarter",
            sources=("sanction_reviews",),
            better="lower",
            fmt=".0f",
            definition="Andel af de gennemgåede sanktionssager, der ville være blevet ændret "
            "eller hjemvist (Ankestyrelsens praksisundersøgelsesmetode), efter "
            "gennemgangskvartal. Små stikprøver: se Wilson-intervallet i sagskvaliteten.",
            source_ref="Ankestyrelsens praksisundersøgelser om sanktioner (LAS §§ 36-37, "
            "skærpet rådighedssanktion); ledelsestilsyn",
            breakdowns=("match_group", "sanction_type"),
            year_agg="sum",
        ),
        MetricDef(
            id="benchmark_forskel_pct",
            label="Faktisk mod forventet offentlig forsørgelse (STAR's benchmark)",
            unit="pct",
            grain="quarter",
            sources=("y30r21",),
            better="lower",
            fmt=".1f",
            definition="Faktisk antal fuldtidspersoner på offentlig forsørgelse minus det "
            "forventede antal efter STAR's benchmarkmodel, i procent af det forventede: "
            "(faktisk - forventet) / forventet * 100. Under nul er færre på forsørgelse end "
            "forventet ud fra kommunens rammevilkår. Rullende år (fire kvartaler til og med "
            "2. eller 4. kvartal); antallene er afrundet til nærmeste 10. For regioner og "
            "grupper beregnet af summerne af faktisk og forventet.",
            source_ref="STAR's benchmark, Jobindsats y30r21",
            year_agg="last",
            person_based=False,
            rolling_year=True,
        ),
        MetricDef(
            id="benchmark_placering",
            label="Placering i STAR's benchmark",
            unit="placering",
            grain="quarter",
            sources=("y30r21",),
            better="lower",
            fmt=".0f",
            definition="Kommunens placering blandt de 98 kommuner i STAR's benchmark af "
            "faktisk mod forventet offentlig forsørgelse; 1 er bedst. Rullende år (fire "
            "kvartaler til og med 2. eller 4. kvartal). Placeringer kan ikke lægges sammen, "
            "så regioner og grupper har ingen placering.",
            source_ref="STAR's benchmark, Jobindsats y30r21",
            year_agg="last",
            person_based=False,
            rolling_year=True,
            additive=False,
        ),
    )
}


def list_metrics() -> list[MetricDef]:
    """All metrics, in registry order."""
    return list(METRICS.values())


def get_metric(metric_id: str) -> MetricDef:
    """The metric with this id; KeyError naming the known ids otherwise."""
    try:
        return METRICS[metric_id]
    except KeyError:
        known = ", ".join(METRICS)
        raise KeyError(f"unknown metric {metric_id!r}; known metrics: {known}") from None


# -- Person-level KPIs (issue 14): recomputed from person_benefit_weeks ------------------
# A separate block so that the figures from person data stand beside the published
# aggregates they imitate (the Data page reconciles them month by month).
METRICS.update(
    {
        m.id: m
        for m in (
            MetricDef(
                id="langtidsledige_persondata",
                label="Langtidsledige (fuldtidspersoner, persondata)",
                unit="fuldtidspersoner",
                grain="month",
                sources=("person_benefit_weeks",),
                better="lower",
                fmt=",.1f",
                definition="Jobindsats' definition genberegnet af kommunens ugedata: jobparate "
                "og uddannelsesparate bruttoledige på A-dagpenge, kontanthjælp, "
                "selvforsørgelses- og hjemrejseydelse, overgangsydelse og uddannelseshjælp, "
                "der har været ledige/aktiverede mindst 80 % af de seneste 52 uger (42 uger "
                "eller flere); en uge hører til den måned, dens torsdag ligger i; "
                "fuldtidspersoner er personuger delt med månedens uger. Året opgøres som "
                "gennemsnittet af månederne.",
                source_ref=f"{_PLAN}.2, note til figur 5; kommunens ydelsesdata (DREAM-format)",
                breakdowns=("benefit_group", "match_group", "age_band", "sex", "origin", "team"),
                year_agg="mean",
            ),
            MetricDef(
                id="andel_oesteuropaeiske_forsikrede_persondata",
                label="Andel forsikrede ledige med østeuropæisk baggrund (persondata)",
                unit="pct",
                grain="month",
                sources=("person_benefit_weeks",),
                better="lower",
                fmt=".1f",
                definition="Ledige på A-dagpenge i månedens første uge med oprindelsesland i "
                "Hviderusland, Bulgarien, Tjekkiet, Ungarn, Moldova, Polen, Rumænien, "
                "Rusland, Slovakiet, Ukraine, Estland, Letland eller Litauen i procent af "
                "alle ledige på A-dagpenge i samme uge, af kommunens ugedata. Året opgøres "
                "ved årets sidste måned (ultimo).",
                source_ref=f"{_PLAN}.3, tabel 5; kommunens ydelsesdata (DREAM-format)",
                year_agg="last",
            ),
        )
    }
)
