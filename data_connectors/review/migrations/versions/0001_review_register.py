"""The review register: rounds, sampled cases, corrective actions, audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
TABLES = ("review_round", "review_case", "corrective_action", "audit_log")


def upgrade() -> None:
    op.create_table(
        "review_round",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("municipality_code", sa.String(3), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("sanction_types", sa.JSON, nullable=False),
        sa.Column("match_groups", sa.JSON, nullable=False),
        sa.Column("teams", sa.JSON, nullable=False),
        sa.Column("strata", sa.JSON, nullable=False),
        sa.Column("sample_size", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("population_size", sa.Integer, nullable=False),
        sa.Column("population_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("deleted_at", TZ, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "review_case",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("review_round.id", name="fk_review_case_round_id_review_round"),
            nullable=False,
        ),
        sa.Column("draw_order", sa.Integer, nullable=False),
        sa.Column("stratum", sa.String(300), nullable=False),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("decision_date", sa.Date, nullable=False),
        sa.Column("match_group", sa.String(50), nullable=False),
        sa.Column("sanction_type", sa.String(100), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("assigned_to", sa.String(200), nullable=True),
        *(sa.Column(f"p{i}", sa.String(20), nullable=True) for i in range(1, 9)),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("reviewed_at", TZ, nullable=True),
        sa.Column("deleted_at", TZ, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("round_id", "case_id", name="uq_review_case_round_id"),
    )
    op.create_index("ix_review_case_round_id", "review_case", ["round_id"])
    op.create_table(
        "corrective_action",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "review_case_id",
            sa.Integer,
            sa.ForeignKey("review_case.id", name="fk_corrective_action_review_case_id_review_case"),
            nullable=False,
        ),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("deleted_at", TZ, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_corrective_action_review_case_id", "corrective_action", ["review_case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("entity", sa.String(50), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    _guards()


def _guards() -> None:
    """The database itself refuses DELETE on every table and UPDATE on the audit log."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: rows are never deleted'); END"
            )
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION review_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '%: % refused (rows are never deleted; audit_log is "
            "append-only)', TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION review_refuse()"
            )
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION review_refuse()"
        )


def downgrade() -> None:
    raise NotImplementedError("the review register is never downgraded: it would lose reviews")
