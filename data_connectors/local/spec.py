"""The local templates as data: columns, their meaning, an example row.

A ``Template`` names the file layout a municipality fills in (CSV or Excel), what each
column means (the "Kolonner" sheet of the Excel template), and where the rows go: an
aggregate dataset (``domain.datasets``) or a person table
(``canonical.PERSON_TABLES``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from data_connectors.jobindsats.mappings import norm_label

KINDS = ("id", "text", "choice", "date", "month", "week", "int", "number", "area", "yesno", "cvr")


@dataclass(frozen=True)
class Column:
    label: str  # the column's Danish header in the template
    field: str  # the name the converter uses
    kind: str  # one of KINDS
    description: str  # Danish, for the "Kolonner" sheet
    example: str  # the example row's cell, as text
    required: bool = True  # the column must be in the file
    nullable: bool = False  # a cell may be blank
    choices: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # accepted text -> stored value
    aliases: tuple[str, ...] = ()  # other header labels accepted for the column
    minimum: float | None = None
    maximum: float | None = None

    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Template:
    id: str  # what `jobmaal import --dataset` and `jobmaal template` take
    title: str  # Danish
    target_kind: str  # "aggregate" | "person"
    target: str  # dataset id or person table name
    columns: tuple[Column, ...]
    description: str  # Danish: what one row is, how the rows are used
    origin: str  # Danish: where the data normally comes from
    person_level: bool = True  # holds pseudonymised person ids
    examples: tuple[tuple[str, ...], ...] = ()  # further example rows (beside the columns')

    def column(self, fld: str) -> Column:
        for c in self.columns:
            if c.field == fld:
                return c
        raise KeyError(fld)

    def all_labels(self) -> list[str]:
        return [lbl for c in self.columns for lbl in c.labels()]

    def expected(self) -> str:
        return "columns " + ", ".join(repr(c.label) for c in self.columns if c.required)

    def example_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns], *[list(r) for r in self.examples]]

    def match(self, header: list[str]) -> dict[str, int]:
        """field -> header index of the template's columns found in ``header``."""
        normed = [norm_label(h) for h in header]
        out: dict[str, int] = {}
        for c in self.columns:
            for lbl in c.labels():
                n = norm_label(lbl)
                if n in normed:
                    out[c.field] = normed.index(n)
                    break
        return out


def choices(*groups: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    """(stored value, accepted spellings) -> the lookup ``Column.choices`` takes."""
    out: dict[str, str] = {}
    for stored, spellings in groups:
        for s in (stored, *spellings):
            out[norm_label(s)] = stored
    return out
