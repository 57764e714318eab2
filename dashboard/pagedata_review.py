"""What the three review pages show (Stikprøver, Gennemgang, Tilsynsresultater), built as
typed data before anything is drawn; and the error-rate figures they share with
Ledelsestilsyn (``ErrorRate``, ``RateBreakdown``).

The pages (``dashboard/views/review_*.py``) only lay these out and run the actions a
button asks for (``draw_round`` here, the register's own ``repository`` functions).

The builds read the review register (``data_connectors.review``) and are **not cached**:
the register changes with every saved review, assignment or action, and the page must
show the change at once; each query is a handful of rows. They take the register as an
argument (``db``), the way the store pages take a ``StoreKey``.

Which figures a page may show:

* **Tilsynsresultater** (``results_page``) is an aggregate page: every rate goes through
  ``metrics.review.error_rates`` with the <5 rule, and the totals' cards hide what the
  rule hides (``ErrorRate``). No case reference is in its data.
* **Stikprøver** (``rounds_page``, ``assignment``) names a sampled case by its draw number
  and stratum, never by its case reference.
* **Gennemgang** (``form_page``, ``case_view``) is the one screen built to show a case: its
  reference, decision date, match group and team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard import components, export
from dashboard.pickers import municipality_name
from data_connectors.review import ReviewDB, ReviewError
from data_connectors.review import repository as repo
from data_connectors.review.repository import ActionInfo, CaseInfo, RoundInfo
from domain.review import ACTION_STATUSES, ROUND_STATUSES, RoundSpec, applicable_points
from metrics import danish, review

SOURCE = "Kommunens egen gennemgang af sanktionssager (jobmaal ledelsestilsyn)"
STRATA_LABELS = {"match_group": "Matchgruppe", "sanction_type": "Sanktionstype", "team": "Team"}
RATE_SHARES = tuple(export.COLUMN_LABELS[c] for c in ("rate", "ci_low", "ci_high"))
"""The share columns of a shown error-rate table (whole percent, as the cards)."""


# -- shared with Ledelsestilsyn ------------------------------------------------------------------
@dataclass(frozen=True)
class ErrorRate:
    """The overall error rate of a set of reviewed cases, as the four cards show it.

    Built from a suppressed ``error_rates``/``sanction_quality`` row: when the row is
    hidden (<5 rule) the errors, rate and interval are None, and ``n`` is None when it
    is itself 1-4, so nothing under 5 can be shown from here.
    """

    n: int | None
    errors: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool

    @classmethod
    def from_rates(cls, rates: pl.DataFrame) -> ErrorRate:
        """From the first row of an error-rate frame (``group``, ``n``, ``errors``,
        ``rate``, ``ci_low``, ``ci_high``, ``suppressed``)."""
        hidden = bool(rates["suppressed"][0])

        def num(name: str) -> float | None:
            v = rates[name][0]
            return None if hidden or v is None else float(v)

        n, errors = rates["n"][0], num("errors")
        return cls(
            n=None if n is None else int(n),
            errors=None if errors is None else int(errors),
            rate=num("rate"),
            ci_low=num("ci_low"),
            ci_high=num("ci_high"),
            suppressed=hidden,
        )

    def cards(self) -> tuple[tuple[str, str], ...]:
        """(label, shown text) of the four cards: cases, errors, rate, interval."""
        interval = (
            danish.SUPPRESSED_TEXT
            if self.suppressed or self.ci_low is None or self.ci_high is None
            else (
                f"{danish.number(self.ci_low, '.0f')}–"
                f"{danish.with_unit(self.ci_high, 'pct', '.0f')}"
            )
        )
        return (
            ("Gennemgåede sager", danish.number(self.n, suppressed=self.n is None)),
            ("Sager med fejl", danish.number(self.errors, suppressed=self.suppressed)),
            ("Fejlandel", danish.with_unit(self.rate, "pct", ".0f", suppressed=self.suppressed)),
            ("95 %-interval", interval),
        )


@dataclass(frozen=True)
class RateBreakdown:
    """An error rate by one breakdown: the rates (with the <5 rule applied), the
    national reference shares set against them, and the table as shown."""

    by: str
    label: str  # "Matchgruppe", ...
    title: str
    rates: pl.DataFrame  # group, n, errors, rate, ci_low, ci_high, suppressed
    reference: pl.DataFrame  # group, share
    table: pl.DataFrame  # the rates with Danish column names, shares as "50 %"

    @property
    def horizontal(self) -> bool:
        """Checklist points have long labels: drawn as horizontal bars."""
        return self.by == "checklist_point"


def rate_table(rates: pl.DataFrame) -> pl.DataFrame:
    """An error-rate frame as shown: Danish column names, the shares in whole percent."""
    pct = ("pct", ".0f")  # as the cards: whole percent
    return components.value_cells(export.prepare(rates), dict.fromkeys(RATE_SHARES, pct))


# -- Stikprøver ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundsPage:
    """Stikprøver: what a new round can be drawn from, and the rounds so far."""

    has_cases: bool  # any imported sanction cases to draw from
    teams: tuple[str, ...]  # the teams of the imported cases (none: no team column)
    rounds: tuple[RoundInfo, ...]  # newest first
    table: pl.DataFrame  # the rounds as shown (no case in it)


def rounds_page(db: ReviewDB, cases: pl.DataFrame) -> RoundsPage:
    """Stikprøver's data: ``cases`` are the imported sanction cases (the population)."""
    teams = (
        tuple(sorted(str(t) for t in cases["team"].drop_nulls().unique().to_list()))
        if "team" in cases.columns
        else ()
    )
    rounds = tuple(repo.list_rounds(db))
    table = pl.DataFrame(
        {
            "Runde": [r.name for r in rounds],
            "Kommune": [municipality_name(r.municipality_code) for r in rounds],
            "Periode": [f"{r.period_start:%d-%m-%Y} – {r.period_end:%d-%m-%Y}" for r in rounds],
            "Population": [r.population_size for r in rounds],
            "Stikprøve": [r.n_cases for r in rounds],
            "Gennemgået": [r.n_reviewed for r in rounds],
            "Frø": [str(r.seed) for r in rounds],
            "Status": [ROUND_STATUSES.get(r.status, r.status) for r in rounds],
            "Oprettet af": [r.created_by for r in rounds],
        },
        schema={
            "Runde": pl.String,
            "Kommune": pl.String,
            "Periode": pl.String,
            "Population": pl.Int64,
            "Stikprøve": pl.Int64,
            "Gennemgået": pl.Int64,
            "Frø": pl.String,
            "Status": pl.String,
            "Oprettet af": pl.String,
        },
    )
    return RoundsPage(has_cases=not cases.is_empty(), teams=teams, rounds=rounds, table=table)


@dataclass(frozen=True)
class Assignment:
    """One round's cases to assign, by draw number (the case reference is not here)."""

    round: RoundInfo
    caption: str
    frame: pl.DataFrame  # id (hidden), Nr., Stratum, Afgørelsesdato, Gennemgået, Tildelt


def assignment(db: ReviewDB, rnd: RoundInfo) -> Assignment:
    """The round's sampling in one sentence and its cases to assign."""
    strata = " × ".join(STRATA_LABELS.get(x, x) for x in rnd.strata).lower()
    done = danish.number(review.progress(rnd.n_cases, rnd.n_reviewed), ".0f")
    caption = (
        f"Stikprøve på {rnd.n_cases} af {rnd.population_size} sager, frø {rnd.seed}, fordelt på "
        f"{strata}. Gennemgået: {rnd.n_reviewed} af {rnd.n_cases} ({done} %)."
    )
    cases = repo.round_cases(db, rnd.id)
    frame = pl.DataFrame(
        {
            "id": [c.id for c in cases],
            "Nr.": [c.draw_order for c in cases],
            "Stratum": [c.stratum for c in cases],
            "Afgørelsesdato": [f"{c.decision_date:%d-%m-%Y}" for c in cases],
            "Gennemgået": ["ja" if c.verdict else "" for c in cases],
            "Tildelt": [c.assigned_to or "" for c in cases],
        },
        schema={
            "id": pl.Int64,
            "Nr.": pl.Int64,
            "Stratum": pl.String,
            "Afgørelsesdato": pl.String,
            "Gennemgået": pl.String,
            "Tildelt": pl.String,
        },
    )
    return Assignment(round=rnd, caption=caption, frame=frame)


def draw_round(db: ReviewDB, cases: pl.DataFrame, spec: RoundSpec, *, who: str) -> tuple[int, str]:
    """The action of Stikprøver's form: filter the population, draw the stratified sample
    and store the round. Returns the round's id and the Danish confirmation; raises
    ``ReviewError`` (nothing stored) when the population is empty."""
    pop = review.population(cases, spec)
    if pop.is_empty():
        raise ReviewError(
            f"Ingen sanktionssager for {municipality_name(spec.municipality_code)} "
            "i den valgte periode og population."
        )
    sample = review.draw_sample(pop, size=spec.sample_size, seed=spec.seed, strata=spec.strata)
    rid = repo.create_round(
        db,
        spec,
        sample,
        population_size=pop.height,
        population_sha256=review.population_fingerprint(pop),
        who=who,
    )
    return rid, (
        f"Runden «{spec.name}» er oprettet: {danish.number(sample.height)} sager "
        f"trukket blandt {danish.number(pop.height)}."
    )


# -- Gennemgang ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormSelection:
    """Who reviews: ``user`` sees only the cases assigned to them when ``mine_only``."""

    user: str
    mine_only: bool


@dataclass(frozen=True)
class FormPage:
    """Gennemgang: the open rounds that have cases for this reviewer, with those cases."""

    rounds: tuple[RoundInfo, ...]
    cases: tuple[tuple[CaseInfo, ...], ...]  # per round, in draw order

    def cases_of(self, round_id: int) -> tuple[CaseInfo, ...]:
        for r, cases in zip(self.rounds, self.cases, strict=True):
            if r.id == round_id:
                return cases
        return ()


def form_page(db: ReviewDB, sel: FormSelection) -> FormPage:
    """The open rounds with cases for ``sel.user`` (every case for a leader)."""
    who = sel.user if sel.mine_only else None
    pairs = [
        (r, tuple(repo.round_cases(db, r.id, assigned_to=who)))
        for r in repo.list_rounds(db)
        if r.status == "aaben"
    ]
    pairs = [(r, cases) for r, cases in pairs if cases]
    return FormPage(rounds=tuple(r for r, _ in pairs), cases=tuple(c for _, c in pairs))


def case_label(case: CaseInfo) -> str:
    """How the case picker names a case (this screen may show the case reference)."""
    done = "✓ gennemgået" if case.verdict else "ikke gennemgået"
    return f"Nr. {case.draw_order}: {case.case_id} ({done})"


@dataclass(frozen=True)
class CaseView:
    """One case on the review form: its facts, the checklist points that apply, its
    corrective actions."""

    case: CaseInfo
    cards: tuple[tuple[str, str], ...]
    caption: str
    saved: str | None  # who saved it last and when
    points: frozenset[str]  # the checklist points that apply (5-7 only aktivitetsparat)
    actions: tuple[ActionInfo, ...]
    actions_table: pl.DataFrame


def case_view(db: ReviewDB, case: CaseInfo) -> CaseView:
    """The review form's data for a case."""
    actions = tuple(repo.list_actions(db, case_pk=case.id))
    saved = (
        f"Senest gemt af {case.reviewed_by} {case.reviewed_at:%d-%m-%Y %H:%M} (UTC)."
        if case.reviewed_by and case.reviewed_at
        else None
    )
    return CaseView(
        case=case,
        cards=(
            ("Sagsnummer", case.case_id),
            ("Afgørelsesdato", f"{case.decision_date:%d-%m-%Y}"),
            ("Matchgruppe", case.match_group),
            ("Team", case.team or "Uoplyst"),
        ),
        caption=f"{case.sanction_type}. Tildelt: {case.assigned_to or 'ingen'}.",
        saved=saved,
        points=frozenset(applicable_points(case.match_group)),
        actions=actions,
        actions_table=action_table(actions, today=None),
    )


def action_table(
    actions: tuple[ActionInfo, ...],
    *,
    today: date | None,
    round_names: dict[int, str] | None = None,
) -> pl.DataFrame:
    """Corrective actions as shown: with ``round_names`` a first column naming the
    round, with ``today`` a last column marking those past their deadline, else their
    status."""
    cols: dict[str, list[str]] = {}
    if round_names is not None:
        cols["Runde"] = [round_names.get(a.round_id, "") for a in actions]
    cols["Handling"] = [a.description for a in actions]
    cols["Ansvarlig"] = [a.owner for a in actions]
    cols["Frist"] = [danish.date_label(a.deadline) for a in actions]
    if today is None:
        cols["Status"] = [ACTION_STATUSES.get(a.status, a.status) for a in actions]
    else:
        cols["Over fristen"] = ["ja" if a.deadline < today else "" for a in actions]
    return pl.DataFrame(cols, schema=dict.fromkeys(cols, pl.String))


# -- Tilsynsresultater --------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultsSelection:
    """The rounds chosen and the day deadlines are judged against."""

    round_ids: tuple[int, ...]
    today: date


@dataclass(frozen=True)
class ResultsPage:
    """Tilsynsresultater: the chosen rounds' error rates, every breakdown, open actions.

    ``total`` is None when none of the rounds has a reviewed case yet."""

    selection: ResultsSelection
    total: ErrorRate | None
    national: float | None  # Ankestyrelsen's overall share (percent)
    breakdowns: tuple[RateBreakdown, ...]  # in review.BREAKDOWNS' order
    open_actions: int
    overdue: int
    actions_table: pl.DataFrame  # the open actions with their round (empty: none)
    footnote: export.Footnote

    def breakdown(self, by: str) -> RateBreakdown:
        return next(b for b in self.breakdowns if b.by == by)


RESULTS_NOTES = (
    "Interval: Wilson 95 %. Reference: Ankestyrelsens praksisundersøgelser.",
    "Et punkt tælles kun i de sager, hvor det er relevant.",
)


def _results_breakdown(reviews: pl.DataFrame, by: str) -> RateBreakdown:
    rates = review.trend(reviews) if by == "round" else review.error_rates(reviews, by)
    label = review.BREAKDOWNS[by]
    title = {
        "checklist_point": "Andel af sagerne, der ikke opfylder punktet",
        "round": "Fejlandel pr. runde",
    }.get(by, f"Fejlandel efter {label.lower()}")
    return RateBreakdown(
        by=by,
        label=label,
        title=title,
        rates=rates,
        reference=review.national_reference(by).select("group", "share"),
        table=rate_table(rates),
    )


def results_page(db: ReviewDB, sel: ResultsSelection) -> ResultsPage:
    """The results of the chosen rounds, with the <5 rule (an aggregate page)."""
    rounds = {r.id: r for r in repo.list_rounds(db)}
    reviews = repo.reviews_frame(db, list(sel.round_ids))
    has = not reviews.is_empty()
    actions = tuple(a for a in repo.list_actions(db, open_only=True) if a.round_id in sel.round_ids)
    return ResultsPage(
        selection=sel,
        total=ErrorRate.from_rates(review.error_rates(reviews)) if has else None,
        national=review.national_reference(None)["share"][0],
        breakdowns=tuple(_results_breakdown(reviews, b) for b in review.BREAKDOWNS) if has else (),
        open_actions=len(actions),
        overdue=sum(a.deadline < sel.today for a in actions),
        actions_table=action_table(
            actions, today=sel.today, round_names={i: r.name for i, r in rounds.items()}
        ),
        footnote=export.Footnote(source=SOURCE, retrieved=sel.today, notes=RESULTS_NOTES),
    )
