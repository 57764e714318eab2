"""The one error type every reader raises for bad input."""

from __future__ import annotations


class ReadError(ValueError):
    """Input that cannot be read: names the file, the row and the column.

    The message reads ``FILE: row R, column C: what was wrong, what was expected``; row
    numbers are the line numbers a user sees in the file (1-based, title lines counted).
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ):
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        where = [file]
        loc = []
        if row is not None:
            loc.append(f"row {row}")
        if column is not None:
            loc.append(f"column {column!r}")
        if loc:
            where.append(", ".join(loc))
        super().__init__(": ".join([*where, problem]))
