"""Alembic environment of the review register: always run programmatically
(``data_connectors.review.db.upgrade``), on the connection it passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from data_connectors.review.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the review migrations through data_connectors.review.db.upgrade")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
