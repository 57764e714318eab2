"""Local data: the municipality's own extracts, in documented templates.

``TEMPLATES`` lists every template by id (what ``jobmaal import --dataset`` and
``jobmaal template`` take). ``read_local`` reads and checks one file and returns what
would be stored (``LocalData``), without touching the store; ``store_local`` stores a
batch of them. ``detect_template`` names the template a file's columns match, or None
(then it is not a local template: try the jobindsats readers). See docs/local-data.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from data_connectors.local import case_events, crm, origin, persons
from data_connectors.local.common import LocalData
from data_connectors.local.raw import DEFAULT_MAX_BYTES, label_score, read_local_raw
from data_connectors.local.spec import Column, Template
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import RawTable
from data_connectors.store import ImportResult, Store, sha256_file
from domain.canonical import AGGREGATE_KEY, DIMENSIONS, PERSON_TABLES, validate

__all__ = [
    "CONVERTERS",
    "TEMPLATES",
    "Column",
    "LocalData",
    "Template",
    "detect_template",
    "read_local",
    "store_local",
    "template",
]

TEMPLATES: dict[str, Template] = {
    t.id: t for t in (crm.TEMPLATE, origin.TEMPLATE, origin.PERSON_TEMPLATE, *persons.TEMPLATES)
}
CONVERTERS: dict[str, Callable[[RawTable], LocalData]] = {
    crm.TEMPLATE.id: crm.convert,
    origin.TEMPLATE.id: origin.convert,
    origin.PERSON_TEMPLATE.id: origin.convert_persons,
    **persons.CONVERTERS,
}


def template(template_id: str) -> Template:
    try:
        return TEMPLATES[template_id]
    except KeyError:
        known = ", ".join(TEMPLATES)
        raise KeyError(f"unknown template {template_id!r}; known: {known}") from None


def _all_labels() -> list[str]:
    return [lbl for t in TEMPLATES.values() for lbl in t.all_labels()]


def _matching(header: list[str]) -> list[Template]:
    """Templates whose required columns are all in ``header``, best match first."""
    hits = []
    for t in TEMPLATES.values():
        found = t.match(header)
        if all(c.field in found for c in t.columns if c.required):
            extra = len(header) - len(found)  # columns the template does not know
            hits.append((extra, -len(found), t.id, t))
    hits.sort()
    best = [h for h in hits if h[:2] == hits[0][:2]] if hits else []
    return [h[3] for h in best]


def detect_template(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """The template whose columns the file has; None if none; ReadError if ambiguous."""
    try:
        table = read_local_raw(path, label_score(_all_labels()), "", max_bytes=max_bytes)
    except ReadError:
        return None
    found = _matching(table.header)
    if not found:
        return None
    if len(found) > 1:
        raise ReadError(
            table.file,
            "the columns fit more than one template ("
            + ", ".join(t.id for t in found)
            + "): give the template with --dataset",
            row=table.header_row,
        )
    return found[0].id


def read_local(
    path: Path,
    template_id: str | None = None,
    *,
    file: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LocalData:
    """Read, check and convert one file (template detected from its columns if not given).

    ``file`` is how messages name the file (default the path; the Data page passes the
    uploaded file's name). Raises ReadError naming file, row and column.
    """
    name = file or str(path)
    if template_id is None:
        table = read_local_raw(
            path,
            label_score(_all_labels()),
            "the columns of one of the templates (" + ", ".join(TEMPLATES) + ")",
            file=name,
            max_bytes=max_bytes,
        )
        found = _matching(table.header)
        if len(found) != 1:
            what = (
                "fit more than one template (" + ", ".join(t.id for t in found) + ")"
                if found
                else "fit no template (" + ", ".join(TEMPLATES) + ")"
            )
            raise ReadError(
                name, f"the columns {what}: give the template with --dataset", row=table.header_row
            )
        tmpl = found[0]
    else:
        tmpl = template(template_id)
        table = read_local_raw(
            path, label_score(tmpl.all_labels()), tmpl.expected(), file=name, max_bytes=max_bytes
        )
    return CONVERTERS[tmpl.id](table)


def _zero_stale(store: Store, df: pl.DataFrame) -> pl.DataFrame:
    """Zero rows for stored breakdown values a new file no longer has in the same months.

    A corrected extract for a month that drops a country (say) must not leave the old
    count standing: every stored key of a (dataset, period, area) the file covers that the
    file lacks is written again as 0.
    """
    ds = str(df["dataset_id"][0])
    old = store.scan(ds).collect()
    if old.is_empty():
        return df
    covered = df.select("period", "area_code").unique()
    stale = old.join(covered, on=["period", "area_code"], how="semi").join(
        df.select(list(AGGREGATE_KEY)), on=list(AGGREGATE_KEY), how="anti"
    )
    if stale.is_empty():
        return df
    src, at = df["source"][0], df["retrieved_at"][0]
    zeros = stale.with_columns(
        pl.lit(0.0).alias("value"),
        pl.lit(False).alias("suppressed"),
        pl.lit(src).alias("source"),
        pl.lit(at).alias("retrieved_at"),
    ).select(df.columns)
    return pl.concat([df, zeros.cast(df.schema)]).sort(
        "period", "area_code", *DIMENSIONS, "measure_id"
    )


def store_local(
    store: Store,
    items: Sequence[tuple[LocalData, str, str | None]],
    *,
    kind: str = "file",
) -> list[ImportResult]:
    """Store (data, origin, SHA-256) items: aggregates in one all-or-nothing import, then
    each person table. Every frame is validated before anything is written."""
    for data, origin_name, _sha in items:
        if data.target_kind == "person":
            validate(data.df, PERSON_TABLES[data.target].schema, origin_name)
    aggregates = [
        (_zero_stale(store, d.df), o, s) for d, o, s in items if d.target_kind == "aggregate"
    ]
    results: dict[int, ImportResult] = {}
    agg_idx = [i for i, (d, _o, _s) in enumerate(items) if d.target_kind == "aggregate"]
    if aggregates:
        for i, r in zip(agg_idx, store.import_aggregates(aggregates, kind=kind), strict=True):
            results[i] = r
    for i, (d, o, s) in enumerate(items):
        if d.target_kind == "person":
            results[i] = store.import_person(d.target, d.df, origin=o, sha256=s, kind=kind)
    return [results[i] for i in range(len(items))]


def import_files(
    store: Store,
    paths: Sequence[Path],
    template_id: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[tuple[LocalData, ImportResult]]:
    """Read every file first, then store them all: a bad file stores nothing."""
    read = [(p, read_local(p, template_id, max_bytes=max_bytes)) for p in paths]
    results = store_local(store, [(d, str(p), sha256_file(p)) for p, d in read])
    return [(d, r) for (_p, d), r in zip(read, results, strict=True)]


# -- case events (case-work compliance, ledelsestilsyn): appended ----------------------------
TEMPLATES[case_events.TEMPLATE.id] = case_events.TEMPLATE
CONVERTERS[case_events.TEMPLATE.id] = case_events.convert
