"""The review register of ledelsestilsyn: sampled sanction cases, their reviews, the
corrective actions and an append-only audit log, in SQLite (default) or PostgreSQL.

``ReviewDB`` opens the database (``ReviewDB.from_settings()``) and ``upgrade()`` runs the
Alembic migrations of ``migrations/``; ``repository`` holds what the pages do. See
docs/review.md.
"""

from __future__ import annotations

from data_connectors.review.db import ReviewDB, ReviewDBError
from data_connectors.review.repository import ConflictError, ReviewError

__all__ = ["ConflictError", "ReviewDB", "ReviewDBError", "ReviewError"]
