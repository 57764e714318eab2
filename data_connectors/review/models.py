"""Tables of the review register (SQLAlchemy 2). The schema itself is created and changed
only by the Alembic migrations in ``migrations/``; these classes must match them
(``tests/test_review_register.py`` compares the two).

Nothing is hard-deleted: rows carry ``deleted_at`` and the database refuses DELETE on every
table (triggers in the first migration); ``audit_log`` is append-only (UPDATE refused too).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ReviewRound(Base):
    """A review round: the population's definition, the sample size and seed, the draw."""

    __tablename__ = "review_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    sanction_types: Mapped[list[str]] = mapped_column(JSON)  # empty list: all types
    match_groups: Mapped[list[str]] = mapped_column(JSON)
    teams: Mapped[list[str]] = mapped_column(JSON)
    strata: Mapped[list[str]] = mapped_column(JSON)
    sample_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    population_size: Mapped[int] = mapped_column(Integer)
    population_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="aaben")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ReviewCase(Base):
    """One sampled sanction decision and its review (blank until saved)."""

    __tablename__ = "review_case"
    __table_args__ = (UniqueConstraint("round_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id"), index=True)
    draw_order: Mapped[int] = mapped_column(Integer)
    stratum: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[str] = mapped_column(String(100))
    decision_date: Mapped[date] = mapped_column(Date)
    match_group: Mapped[str] = mapped_column(String(50))
    sanction_type: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assigned_to: Mapped[str | None] = mapped_column(String(200), nullable=True)
    p1: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p2: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p3: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p4: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p5: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p6: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p7: Mapped[str | None] = mapped_column(String(20), nullable=True)
    p8: Mapped[str | None] = mapped_column(String(20), nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CorrectiveAction(Base):
    """What is done about an error found in a review: owner, deadline, status."""

    __tablename__ = "corrective_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_case_id: Mapped[int] = mapped_column(ForeignKey("review_case.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="aaben")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AuditEntry(Base):
    """One change: who, when, what (action, table, row) and the row before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
