"""What the pages do with the review register. Every function is one transaction that
writes its audit entries together with the change it records (all or nothing).

Optimistic locking: a case, round or action is changed only if its ``version`` is still
the one the user saw; otherwise ``ConflictError`` (nothing written). Rows are never
deleted: ``delete_*`` sets ``deleted_at``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data_connectors.review.db import ReviewDB
from data_connectors.review.models import (
    AuditEntry,
    Base,
    CorrectiveAction,
    ReviewCase,
    ReviewRound,
)
from domain.review import (
    ACTION_STATUSES,
    POINTS,
    SAMPLE_COLUMNS,
    VERDICTS,
    RoundSpec,
    check_answers,
)

T = TypeVar("T", bound=Base)
JSONValue = str | int | float | bool | list[str] | None


class ReviewError(ValueError):
    """A change the register refuses (bad input, unknown row); Danish message."""


class ConflictError(ReviewError):
    """Somebody else saved the row after this user opened it: nothing was written."""


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    municipality_code: str
    period_start: date
    period_end: date
    sanction_types: tuple[str, ...]
    match_groups: tuple[str, ...]
    teams: tuple[str, ...]
    strata: tuple[str, ...]
    sample_size: int
    seed: int
    population_size: int
    population_sha256: str
    status: str
    created_by: str
    created_at: datetime
    version: int
    n_cases: int
    n_reviewed: int


@dataclass(frozen=True)
class CaseInfo:
    id: int
    round_id: int
    draw_order: int
    stratum: str
    case_id: str
    decision_date: date
    match_group: str
    sanction_type: str
    team: str | None
    assigned_to: str | None
    answers: dict[str, str | None]
    verdict: str | None
    note: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    version: int


@dataclass(frozen=True)
class ActionInfo:
    id: int
    review_case_id: int
    round_id: int
    description: str
    owner: str
    deadline: date
    status: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    version: int


@dataclass(frozen=True)
class AuditInfo:
    id: int
    at: datetime
    who: str
    action: str
    entity: str
    entity_id: int
    before: dict[str, JSONValue] | None
    after: dict[str, JSONValue] | None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _json(value: object) -> JSONValue:
    if isinstance(value, datetime):
        return _aware(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _snapshot(obj: Base) -> dict[str, JSONValue]:
    return {c.key: _json(getattr(obj, c.key)) for c in obj.__table__.columns}


def _audit(
    s: Session,
    who: str,
    action: str,
    obj: Base,
    before: dict[str, JSONValue] | None,
) -> None:
    s.flush()  # ids and new versions are known
    after = _snapshot(obj)
    s.add(
        AuditEntry(
            at=_now(),
            who=who,
            action=action,
            entity=obj.__tablename__,
            entity_id=int(after["id"]),  # type: ignore[arg-type]
            before=before,
            after=after,
        )
    )


def _who(who: str) -> str:
    if not who.strip():
        raise ReviewError("Der mangler en bruger at registrere ændringen på.")
    return who.strip()


def _get(s: Session, cls: type[T], pk: int) -> T:
    obj = s.get(cls, pk)
    if obj is None or getattr(obj, "deleted_at", None) is not None:
        raise ReviewError(f"{cls.__tablename__} {pk} findes ikke.")
    return obj


def _check_version(obj: ReviewCase | ReviewRound | CorrectiveAction, expected: int) -> None:
    if obj.version != expected:
        by = getattr(obj, "reviewed_by", None) or getattr(obj, "created_by", None) or "en anden"
        raise ConflictError(
            f"Konflikt: {by} har gemt en ændring, efter du åbnede den (version {obj.version}, "
            f"du åbnede version {expected}). Intet er gemt: genindlæs og indtast dine "
            "ændringer igen."
        )


@contextmanager
def _versioned(
    s: Session,
    obj: ReviewCase | ReviewRound | CorrectiveAction,
    expected: int,
    who: str,
    action: str,
) -> Iterator[None]:
    """Change ``obj`` only if it is still at version ``expected``: the version check, the
    locked flush and the audit entry (before and after) around the caller's edits, in one
    place for every change."""
    _check_version(obj, expected)
    before = _snapshot(obj)
    yield
    _flush_locked(s)
    _audit(s, who, action, obj, before)


def _flush_locked(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError:
        raise ConflictError(
            "Konflikt: en anden har gemt en ændring samtidig med dig. Intet er gemt: "
            "genindlæs og indtast dine ændringer igen."
        ) from None


# -- rounds --------------------------------------------------------------------------------
def create_round(
    db: ReviewDB,
    spec: RoundSpec,
    sample: pl.DataFrame,
    *,
    population_size: int,
    population_sha256: str,
    who: str,
) -> int:
    """Store a round, its parameters and its drawn sample (``SAMPLE_COLUMNS``)."""
    who = _who(who)
    missing = [c for c in SAMPLE_COLUMNS if c not in sample.columns]
    if missing:
        raise ReviewError(f"Stikprøven mangler kolonnerne {', '.join(missing)}.")
    if sample.is_empty():
        raise ReviewError("Stikprøven er tom: ingen sager i den valgte population.")
    if sample["case_id"].n_unique() != sample.height:
        raise ReviewError("Stikprøven indeholder den samme sag mere end én gang.")
    with db.session() as s:
        rnd = ReviewRound(
            name=spec.name.strip(),
            municipality_code=spec.municipality_code,
            period_start=spec.period_start,
            period_end=spec.period_end,
            sanction_types=list(spec.sanction_types),
            match_groups=list(spec.match_groups),
            teams=list(spec.teams),
            strata=list(spec.strata),
            sample_size=spec.sample_size,
            seed=spec.seed,
            population_size=population_size,
            population_sha256=population_sha256,
            status="aaben",
            created_by=who,
            created_at=_now(),
        )
        s.add(rnd)
        _audit(s, who, "create_round", rnd, None)
        for r in sample.select(SAMPLE_COLUMNS).iter_rows(named=True):
            case = ReviewCase(
                round_id=rnd.id,
                draw_order=int(r["draw_order"]),
                stratum=str(r["stratum"]),
                case_id=str(r["case_id"]),
                decision_date=r["decision_date"],
                match_group=str(r["match_group"]),
                sanction_type=str(r["sanction_type"]),
                team=r["team"],
                note="",
            )
            s.add(case)
            _audit(s, who, "draw_case", case, None)
        return rnd.id


def _round_info(s: Session, rnd: ReviewRound) -> RoundInfo:
    n, done = s.execute(
        select(func.count(ReviewCase.id), func.count(ReviewCase.verdict)).where(
            ReviewCase.round_id == rnd.id, ReviewCase.deleted_at.is_(None)
        )
    ).one()
    return RoundInfo(
        id=rnd.id,
        name=rnd.name,
        municipality_code=rnd.municipality_code,
        period_start=rnd.period_start,
        period_end=rnd.period_end,
        sanction_types=tuple(rnd.sanction_types),
        match_groups=tuple(rnd.match_groups),
        teams=tuple(rnd.teams),
        strata=tuple(rnd.strata),
        sample_size=rnd.sample_size,
        seed=rnd.seed,
        population_size=rnd.population_size,
        population_sha256=rnd.population_sha256,
        status=rnd.status,
        created_by=rnd.created_by,
        created_at=_aware(rnd.created_at),
        version=rnd.version,
        n_cases=int(n),
        n_reviewed=int(done),
    )


def list_rounds(db: ReviewDB) -> list[RoundInfo]:
    """Rounds not deleted, newest first."""
    with db.session() as s:
        rounds = s.scalars(
            select(ReviewRound)
            .where(ReviewRound.deleted_at.is_(None))
            .order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc())
        ).all()
        return [_round_info(s, r) for r in rounds]


def get_round(db: ReviewDB, round_id: int) -> RoundInfo:
    with db.session() as s:
        return _round_info(s, _get(s, ReviewRound, round_id))


def set_round_status(
    db: ReviewDB, round_id: int, status: str, *, expected_version: int, who: str
) -> None:
    who = _who(who)
    if status not in ("aaben", "afsluttet"):
        raise ReviewError(f"Ukendt status {status!r}.")
    with db.session() as s:
        rnd = _get(s, ReviewRound, round_id)
        with _versioned(s, rnd, expected_version, who, "set_round_status"):
            rnd.status = status


def delete_round(db: ReviewDB, round_id: int, *, expected_version: int, who: str) -> None:
    """Hide a round (``deleted_at``): its rows and their history stay in the database."""
    who = _who(who)
    with db.session() as s:
        rnd = _get(s, ReviewRound, round_id)
        with _versioned(s, rnd, expected_version, who, "delete_round"):
            rnd.deleted_at = _now()


# -- cases ---------------------------------------------------------------------------------
def _case_info(c: ReviewCase) -> CaseInfo:
    return CaseInfo(
        id=c.id,
        round_id=c.round_id,
        draw_order=c.draw_order,
        stratum=c.stratum,
        case_id=c.case_id,
        decision_date=c.decision_date,
        match_group=c.match_group,
        sanction_type=c.sanction_type,
        team=c.team,
        assigned_to=c.assigned_to,
        answers={p: getattr(c, p) for p in POINTS},
        verdict=c.verdict,
        note=c.note,
        reviewed_by=c.reviewed_by,
        reviewed_at=_aware(c.reviewed_at) if c.reviewed_at else None,
        version=c.version,
    )


def round_cases(db: ReviewDB, round_id: int, *, assigned_to: str | None = None) -> list[CaseInfo]:
    """The round's sampled cases in draw order (only those assigned to ``assigned_to``)."""
    with db.session() as s:
        q = select(ReviewCase).where(
            ReviewCase.round_id == round_id, ReviewCase.deleted_at.is_(None)
        )
        if assigned_to is not None:
            q = q.where(ReviewCase.assigned_to == assigned_to)
        return [_case_info(c) for c in s.scalars(q.order_by(ReviewCase.draw_order)).all()]


def get_case(db: ReviewDB, case_pk: int) -> CaseInfo:
    with db.session() as s:
        return _case_info(_get(s, ReviewCase, case_pk))


def assign(db: ReviewDB, assignments: Mapping[int, str | None], *, who: str) -> int:
    """Assign cases (register id -> reviewer, None to unassign); returns how many changed."""
    who = _who(who)
    changed = 0
    with db.session() as s:
        for pk, reviewer in assignments.items():
            case = _get(s, ReviewCase, pk)
            value = reviewer.strip() if reviewer and reviewer.strip() else None
            if case.assigned_to == value:
                continue
            before = _snapshot(case)
            case.assigned_to = value
            _flush_locked(s)
            _audit(s, who, "assign", case, before)
            changed += 1
    return changed


def save_review(
    db: ReviewDB,
    case_pk: int,
    *,
    expected_version: int,
    answers: Mapping[str, str | None],
    verdict: str,
    note: str,
    who: str,
    only_assignee: bool = False,
) -> CaseInfo:
    """Save one case's review if nobody saved it since ``expected_version`` was read.

    ``only_assignee``: refuse unless the case is assigned to ``who`` (reviewers' rule).
    """
    who = _who(who)
    with db.session() as s:
        case = _get(s, ReviewCase, case_pk)
        if only_assignee and case.assigned_to != who:
            raise ReviewError("Sagen er ikke tildelt dig.")
        problems = check_answers(case.match_group, dict(answers))
        if verdict not in VERDICTS:
            problems.append("Vælg en vurdering (" + ", ".join(VERDICTS.values()) + ")")
        if problems:
            raise ReviewError("Skemaet er ikke udfyldt korrekt: " + "; ".join(problems) + ".")
        with _versioned(s, case, expected_version, who, "save_review"):
            for p in POINTS:
                value = answers.get(p)
                setattr(case, p, value if value is not None else "ikke_relevant")
            case.verdict = verdict
            case.note = note.strip()
            case.reviewed_by = who
            case.reviewed_at = _now()
        return _case_info(case)


# -- corrective actions --------------------------------------------------------------------
def add_action(
    db: ReviewDB, case_pk: int, *, description: str, owner: str, deadline: date, who: str
) -> int:
    who = _who(who)
    if not description.strip():
        raise ReviewError("Beskriv den opfølgende handling.")
    if not owner.strip():
        raise ReviewError("Angiv, hvem der er ansvarlig for handlingen.")
    with db.session() as s:
        _get(s, ReviewCase, case_pk)
        action = CorrectiveAction(
            review_case_id=case_pk,
            description=description.strip(),
            owner=owner.strip(),
            deadline=deadline,
            status="aaben",
            created_by=who,
            created_at=_now(),
        )
        s.add(action)
        _audit(s, who, "add_action", action, None)
        return action.id


def set_action_status(
    db: ReviewDB, action_id: int, status: str, *, expected_version: int, who: str
) -> None:
    who = _who(who)
    if status not in ACTION_STATUSES:
        raise ReviewError(f"Ukendt status {status!r}.")
    with db.session() as s:
        action = _get(s, CorrectiveAction, action_id)
        with _versioned(s, action, expected_version, who, "set_action_status"):
            action.status = status
            action.closed_at = _now() if status == "lukket" else None


def delete_action(db: ReviewDB, action_id: int, *, expected_version: int, who: str) -> None:
    who = _who(who)
    with db.session() as s:
        action = _get(s, CorrectiveAction, action_id)
        with _versioned(s, action, expected_version, who, "delete_action"):
            action.deleted_at = _now()


def list_actions(
    db: ReviewDB,
    *,
    round_id: int | None = None,
    case_pk: int | None = None,
    open_only: bool = False,
) -> list[ActionInfo]:
    """Corrective actions (not deleted), earliest deadline first."""
    with db.session() as s:
        q = (
            select(CorrectiveAction, ReviewCase.round_id)
            .join(ReviewCase, ReviewCase.id == CorrectiveAction.review_case_id)
            .where(CorrectiveAction.deleted_at.is_(None))
        )
        if round_id is not None:
            q = q.where(ReviewCase.round_id == round_id)
        if case_pk is not None:
            q = q.where(CorrectiveAction.review_case_id == case_pk)
        if open_only:
            q = q.where(CorrectiveAction.status == "aaben")
        rows = s.execute(q.order_by(CorrectiveAction.deadline, CorrectiveAction.id)).all()
        return [
            ActionInfo(
                id=a.id,
                review_case_id=a.review_case_id,
                round_id=int(rid),
                description=a.description,
                owner=a.owner,
                deadline=a.deadline,
                status=a.status,
                created_by=a.created_by,
                created_at=_aware(a.created_at),
                closed_at=_aware(a.closed_at) if a.closed_at else None,
                version=a.version,
            )
            for a, rid in rows
        ]


# -- reading for results and the audit trail -----------------------------------------------
REVIEW_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "round_id": pl.Int64(),
    "round_name": pl.String(),
    "round_created_at": pl.Datetime("us", "UTC"),
    "municipality_code": pl.String(),
    "match_group": pl.String(),
    "sanction_type": pl.String(),
    "team": pl.String(),
    **{p: pl.String() for p in POINTS},
    "verdict": pl.String(),
}


def reviews_frame(db: ReviewDB, round_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Every saved review (cases with a verdict) of rounds not deleted, without any case
    reference: what the results are computed from."""
    with db.session() as s:
        q = (
            select(ReviewCase, ReviewRound)
            .join(ReviewRound, ReviewRound.id == ReviewCase.round_id)
            .where(
                ReviewCase.deleted_at.is_(None),
                ReviewRound.deleted_at.is_(None),
                ReviewCase.verdict.is_not(None),
            )
        )
        if round_ids is not None:
            q = q.where(ReviewRound.id.in_(list(round_ids)))
        rows = [
            {
                "round_id": r.id,
                "round_name": r.name,
                "round_created_at": _aware(r.created_at),
                "municipality_code": r.municipality_code,
                "match_group": c.match_group,
                "sanction_type": c.sanction_type,
                "team": c.team,
                **{p: getattr(c, p) for p in POINTS},
                "verdict": c.verdict,
            }
            for c, r in s.execute(q.order_by(ReviewRound.id, ReviewCase.draw_order)).all()
        ]
    return pl.DataFrame(rows, schema=REVIEW_FRAME_SCHEMA, orient="row")


def audit_trail(
    db: ReviewDB, *, entity: str | None = None, entity_id: int | None = None
) -> list[AuditInfo]:
    """The audit log in the order it was written (optionally for one row)."""
    with db.session() as s:
        q = select(AuditEntry)
        if entity is not None:
            q = q.where(AuditEntry.entity == entity)
        if entity_id is not None:
            q = q.where(AuditEntry.entity_id == entity_id)
        return [
            AuditInfo(
                id=e.id,
                at=_aware(e.at),
                who=e.who,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                before=e.before,  # type: ignore[arg-type]
                after=e.after,  # type: ignore[arg-type]
            )
            for e in s.scalars(q.order_by(AuditEntry.id)).all()
        ]
