"""Vocabulary of the leadership review (ledelsestilsyn) of sanction decisions.

The checklist points are Ankestyrelsen's (DOMAIN.md, points 1-8); their Danish labels
live in ``metrics.sanctions.CHECKLIST`` (keyed by the same ids ``p1``..``p8``), which the
metrics and the pages reuse. Points 5-7 apply to aktivitetsparate citizens only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import dataframely as dy

POINTS: Final = ("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8")
"""Checklist point ids, in the order of DOMAIN.md."""
ACTIVITY_ONLY_POINTS: Final = ("p5", "p6", "p7")
"""Points that apply only when the citizen is aktivitetsparat."""
AKTIVITETSPARAT: Final = "Aktivitetsparat"

Answer = Literal["ja", "nej", "ikke_relevant"]
ANSWERS: Final[dict[str, str]] = {"ja": "Ja", "nej": "Nej", "ikke_relevant": "Ikke relevant"}

Verdict = Literal["korrekt", "aendret", "hjemvist"]
VERDICTS: Final[dict[str, str]] = {
    "korrekt": "Korrekt",
    "aendret": "Ville blive ændret",
    "hjemvist": "Ville blive hjemvist",
}
ERROR_VERDICTS: Final = ("aendret", "hjemvist")
"""A reviewed decision counts as an error when Ankestyrelsen would change or send it back."""

Role = Literal["udvalg", "leder", "sagsbehandler", "analytiker"]
ROLES: Final[dict[str, str]] = {
    "udvalg": "Arbejdsmarkedsudvalg",
    "leder": "Leder",
    "sagsbehandler": "Sagsbehandler (gennemgår sager)",
    "analytiker": "Analytiker",
}

ROUND_STATUSES: Final[dict[str, str]] = {"aaben": "Åben", "afsluttet": "Afsluttet"}
ACTION_STATUSES: Final[dict[str, str]] = {"aaben": "Åben", "lukket": "Lukket"}

STRATA: Final = ("match_group", "sanction_type")
"""The default strata of a sample: every combination gets its proportional share."""


def applicable_points(match_group: str) -> tuple[str, ...]:
    """The checklist points that apply to a case of this match group."""
    if match_group == AKTIVITETSPARAT:
        return POINTS
    return tuple(p for p in POINTS if p not in ACTIVITY_ONLY_POINTS)


def check_answers(match_group: str, answers: dict[str, str | None]) -> list[str]:
    """Problems with a set of checklist answers, in Danish (empty when they are valid).

    Every applicable point needs an answer; points 5-7 must be "ikke relevant" (or blank)
    for a jobparat citizen.
    """
    problems = []
    unknown = sorted(set(answers) - set(POINTS))
    if unknown:
        problems.append("Ukendte punkter: " + ", ".join(unknown))
    for p in POINTS:
        value = answers.get(p)
        if value is not None and value not in ANSWERS:
            problems.append(f"Punkt {p[1:]}: ugyldigt svar {value!r}")
        elif p in applicable_points(match_group):
            if value is None:
                problems.append(f"Punkt {p[1:]} er ikke besvaret")
        elif value not in (None, "ikke_relevant"):
            problems.append(f"Punkt {p[1:]} gælder kun aktivitetsparate borgere")
    return problems


@dataclass(frozen=True)
class RoundSpec:
    """What a manager asks for when creating a round: the population and the sample.

    Empty tuples mean "all" (every sanction type, match group or team).
    """

    name: str
    municipality_code: str
    period_start: date
    period_end: date
    sample_size: int
    seed: int
    sanction_types: tuple[str, ...] = ()
    match_groups: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    strata: tuple[str, ...] = STRATA

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a round needs a name")
        if self.period_end < self.period_start:
            raise ValueError("the period ends before it starts")
        if self.sample_size < 1:
            raise ValueError("the sample size must be at least 1")
        if not 0 <= self.seed < 2**31:
            raise ValueError("the seed must be between 0 and 2147483647")
        unknown = set(self.strata) - {"match_group", "sanction_type", "team"}
        if unknown:
            raise ValueError(f"unknown strata: {', '.join(sorted(unknown))}")


SAMPLE_COLUMNS: Final = (
    "draw_order",
    "stratum",
    "case_id",
    "decision_date",
    "match_group",
    "sanction_type",
    "team",
)
"""The columns of a drawn sample, as the register stores it."""


# -- case-work compliance (STAR's focus audits) ----------------------------------------------
CASE_EVENTS: Final[dict[str, str]] = {
    "ressourceforloeb_start": "Ressourceforløb start",
    "opfoelgningssamtale": "Opfølgningssamtale",
    "ledighedsydelse_start": "Ledighedsydelse start",
    "cv_jobnet": "CV registreret på Jobnet",
    "revurdering_frist": "Frist for revurdering",
    "revurdering": "Revurdering",
}
"""Events of the case-event extract: stored value -> Danish label."""


class CaseEventSchema(dy.Schema):
    """Dated events of case work (conversations, CV registration, re-assessments), one row
    per person, event and date: what the case-work compliance indicators are counted from
    (``metrics.compliance``)."""

    person_id = dy.String(primary_key=True, min_length=1)
    municipality_code = dy.String(regex=r"^\d{3}$")
    team = dy.String(nullable=True)
    event = dy.Enum(list(CASE_EVENTS), primary_key=True)
    event_date = dy.Date(primary_key=True)
