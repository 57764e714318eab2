"""Where each input of a metric normally comes from, and the template that fills it.

Used by the pages to say, on a target without data, which dataset is missing, where it
is usually got and which template to download.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_connectors.local.spec import Template
from domain.canonical import PERSON_TABLES
from domain.datasets import DATASETS

# Inputs computed from a person table rather than imported as counts.
COMPUTED_FROM: dict[str, str] = {
    "fasit_selvforsoergelse": "person_refugee_months",
    "fleksjob_timeudvikling": "person_flexjob_months",
}


@dataclass(frozen=True)
class SourceHelp:
    source: str  # dataset id or person table name
    title: str  # Danish
    origin: str  # Danish: where the data normally comes from
    template_id: str | None  # the template that fills it (None: jobindsats)


def _title(source: str) -> str:
    if source in DATASETS:
        return DATASETS[source].title
    if source in PERSON_TABLES:
        return PERSON_TABLES[source].title
    return source


def source_help(source: str, templates: dict[str, Template]) -> SourceHelp:
    target = COMPUTED_FROM.get(source, source)
    for t in templates.values():
        if t.target == target:
            return SourceHelp(source, _title(source), t.origin, t.id)
    ds = DATASETS.get(source)
    if ds is not None and ds.source.startswith("Jobindsats"):
        return SourceHelp(
            source,
            ds.title,
            f"Jobindsats.dk (tabel {source}): hentes med jobmaal fetch {source} eller "
            "importeres som udtræk fra jobindsats.dk med jobmaal import.",
            None,
        )
    return SourceHelp(source, _title(source), "Ingen kendt kilde.", None)


def missing_help(
    sources: tuple[str, ...], loaded: set[str], templates: dict[str, Template]
) -> list[SourceHelp]:
    """Help for a metric none of whose ``sources`` is loaded (empty if one is).

    Sources filled by the same template are named once.
    """
    if any(s in loaded for s in sources):
        return []
    out: list[SourceHelp] = []
    seen: set[str | None] = set()
    for s in sources:
        h = source_help(s, templates)
        key = h.template_id or h.source
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
    return out
