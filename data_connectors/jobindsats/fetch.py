"""What to fetch from jobindsats.dk, how to split it, and turning it into canonical rows.

A selection names a table, its periods (``latest:24``, ``QMAT=latest:4``, ``all`` or a
comma list of codes), its areas (``*`` for all municipalities, ``Hele landet``, or names)
and optionally raw hierarchy selections for the other dimensions. Requests are split by
period so that no request asks for more than ``max_cells`` cells; if the API still says
a request is too large it is halved.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from data_connectors.areas import COUNTRY_NAME, UnknownArea, area_by_name
from data_connectors.datasets import DATASETS
from data_connectors.jobindsats.client import (
    JobindsatsClient,
    JobindsatsRequestError,
    Response,
    TableMeta,
)
from data_connectors.jobindsats.mappings import mapping
from data_connectors.periods import PERIOD_TYPES, PeriodError, parse_period
from data_connectors.readers.errors import ReadError
from data_connectors.readers.tabular import (
    ROW,
    Converted,
    RawTable,
    body_from_rows,
    to_aggregate,
)

DEFAULT_MAX_CELLS = 100_000
MEASURES_GUESS = 4  # measures per row when the catalogue does not tell
AREA_HIERARCHY = "_nykom"
COUNTRY_HIERARCHY = "_hele_landet"


class SelectionError(ValueError):
    """A fetch selection or config that cannot be used."""


@dataclass(frozen=True)
class Selection:
    table_id: str
    periods: str = "latest:24"
    areas: tuple[str, ...] = ("*", COUNTRY_NAME)
    hierarchies: dict[str, str] = field(default_factory=dict)  # raw hierarchy.<id>=<sel>
    mgroups: dict[str, str] = field(default_factory=lambda: {"*": "*"})


@dataclass(frozen=True)
class FetchResult:
    converted: Converted
    origin: str
    sha256: str
    requests: int
    from_cache: bool


def _sort_key(code: str) -> tuple[Any, ...]:
    try:
        p = parse_period(code)
        return (p.end, p.start, code)
    except PeriodError:
        return (datetime.max.date(), datetime.max.date(), code)


PERIODS_FORMS = (
    "latest:N, all, TYPE=latest:N or TYPE=all (TYPE one of "
    + ", ".join(PERIOD_TYPES)
    + "), or a comma list of period codes of one type (e.g. 2025M01,2025M02)"
)


@dataclass(frozen=True)
class PeriodSpec:
    """A parsed period selection: ``latest`` N, the listed ``codes``, or all (neither)."""

    ptype: str | None  # TYPE= or the type of the listed codes; None: the table's usual type
    latest: int | None = None
    codes: tuple[str, ...] = ()


def parse_periods_spec(spec: str, option: str = "--periods") -> PeriodSpec:
    """Check a period selection's grammar (no network); SelectionError naming ``option``."""

    def bad(problem: str) -> SelectionError:
        return SelectionError(f"{option} {spec!r}: {problem}; expected {PERIODS_FORMS}")

    body = spec.strip()
    ptype: str | None = None
    if "=" in body:
        given, body = (part.strip() for part in body.split("=", 1))
        ptype = given.upper()
        if ptype not in PERIOD_TYPES:
            raise bad(f"unknown period type {given!r}")
    if body.casefold() == "all":
        return PeriodSpec(ptype)
    if body.casefold().startswith("latest:"):
        n = body[len("latest:") :].strip()
        if not (n.isascii() and n.isdigit()) or int(n) < 1:
            raise bad(f"N in latest:N must be a whole number of 1 or more, got {n!r}")
        return PeriodSpec(ptype, latest=int(n))
    codes = tuple(code.strip() for code in body.split(",") if code.strip())
    if not codes:
        raise bad("no periods given")
    types: list[str] = []
    for code in codes:
        try:
            types.append(parse_period(code).type)
        except PeriodError:
            raise bad(f"{code!r} is neither latest:N, all nor a period code") from None
    if len(set(types)) > 1 or (ptype is not None and types[0] != ptype):
        found = ", ".join(sorted(set(types)))
        raise bad(f"the period codes must all be of {ptype or 'one'} type, got {found}")
    return PeriodSpec(ptype or types[0], codes=codes)


def resolve_periods(
    meta: TableMeta, spec: str, table_id: str, option: str = "periods"
) -> tuple[str, list[str]]:
    """(period type, explicit period ids) for a spec, checked against the table's periods."""
    parsed = parse_periods_spec(spec, option)
    ptype = parsed.ptype
    if ptype is None:
        ds = DATASETS.get(table_id)
        preferred = [t for t in (ds.periods if ds else ()) if t in meta.periods]
        available = preferred or list(meta.periods)
        if not available:
            raise SelectionError(f"table {table_id} lists no periods")
        ptype = available[0]
    published = sorted(meta.periods.get(ptype, ()), key=_sort_key)
    if not published:
        raise SelectionError(
            f"table {table_id} has no {ptype} periods; it has {', '.join(meta.periods) or 'none'}"
        )
    if parsed.latest is not None:
        return ptype, published[-parsed.latest :]
    if not parsed.codes:
        return ptype, published
    by_norm = {}
    for code in published:
        try:
            by_norm[parse_period(code).code] = code
        except PeriodError:
            by_norm[code] = code
    wanted = []
    for raw in parsed.codes:
        norm = parse_period(raw).code
        if norm not in by_norm:
            raise SelectionError(
                f"period {raw} is not published for table {table_id} "
                f"(latest {ptype}: {published[-1]})"
            )
        wanted.append(by_norm[norm])
    return ptype, wanted


def area_params(meta: TableMeta | None, areas: Sequence[str]) -> tuple[dict[str, str], int]:
    """hierarchy.* parameters for the areas, and how many areas they select."""
    params: dict[str, str] = {}
    count = 0
    names: list[str] = []
    for a in areas:
        a = a.strip()
        if a in ("*", "all", "alle"):
            params[f"hierarchy.{AREA_HIERARCHY}"] = "*"
            h = meta.hierarchy(AREA_HIERARCHY) if meta else None
            count += len(h.values) if h and h.values else 98
        elif a.casefold() in (COUNTRY_NAME.casefold(), "000", "landet"):
            params[f"hierarchy.{COUNTRY_HIERARCHY}"] = "*"
            count += 1
        elif a:
            names.append(a)
    if names:
        h = meta.hierarchy(AREA_HIERARCHY) if meta else None
        if h is None:
            raise SelectionError(
                f"the table has no {AREA_HIERARCHY} hierarchy to pick municipalities from"
            )
        ids_by_code: dict[str, str] = {}
        for value_id, value_name in h.values:
            try:
                ids_by_code[area_by_name(value_name).code] = value_id
            except UnknownArea:
                continue
        picked = []
        for n in names:
            try:
                code = area_by_name(n).code if not n.isdigit() else n
            except UnknownArea as exc:
                raise SelectionError(str(exc)) from None
            if code not in ids_by_code:
                raise SelectionError(f"area {n!r} is not in the table's {AREA_HIERARCHY} list")
            picked.append(ids_by_code[code])
        if params.get(f"hierarchy.{AREA_HIERARCHY}") != "*":
            params[f"hierarchy.{AREA_HIERARCHY}"] = ",".join(picked)
            count += len(picked)
    return params, max(count, 1)


def _hierarchy_size(meta: TableMeta, hierarchy_id: str, sel: str) -> int:
    h = meta.hierarchy(hierarchy_id)
    if sel.strip() == "/":
        return 1
    if sel.strip() == "*" or sel.startswith("level:"):
        return max(1, len(h.values)) if h else 10
    return max(1, len([s for s in sel.split(",") if s.strip()]))


def build_requests(
    meta: TableMeta,
    sel: Selection,
    *,
    max_cells: int = DEFAULT_MAX_CELLS,
    n_measures: int = MEASURES_GUESS,
) -> tuple[str, list[list[str]], dict[str, str]]:
    """(period type, period chunks, fixed params) so that each request stays under max_cells."""
    ptype, periods = resolve_periods(meta, sel.periods, sel.table_id)
    fixed, n_areas = area_params(meta, sel.areas)
    cells_per_period = n_areas * n_measures
    area_ids = {AREA_HIERARCHY, COUNTRY_HIERARCHY, "_region", "_reko"}
    chosen = dict(sel.hierarchies)
    for d in meta.dimensions:
        if d.id == "_omrade" or not d.hierarchies:
            continue
        if not any(h.id in chosen for h in d.hierarchies):
            chosen.setdefault(d.hierarchies[0].id, "*")
    for hid, hsel in chosen.items():
        fixed[f"hierarchy.{hid}"] = hsel
        if hid not in area_ids:
            cells_per_period *= _hierarchy_size(meta, hid, hsel)
    for gid, gsel in sel.mgroups.items():
        fixed[f"mgroup.{gid}"] = gsel
    per_request = max(1, max_cells // max(1, cells_per_period))
    chunks = [periods[i : i + per_request] for i in range(0, len(periods), per_request)]
    return ptype, chunks, fixed


def _fetch_chunk(
    client: JobindsatsClient,
    table_id: str,
    ptype: str,
    periods: list[str],
    fixed: dict[str, str],
) -> list[Response]:
    params = {f"period.{ptype}": ",".join(periods), **fixed}
    try:
        return [client.data(table_id, params)]
    except JobindsatsRequestError as exc:
        if not exc.too_large or len(periods) < 2:
            raise
    half = len(periods) // 2
    return [
        *_fetch_chunk(client, table_id, ptype, periods[:half], fixed),
        *_fetch_chunk(client, table_id, ptype, periods[half:], fixed),
    ]


def fetch_table(
    client: JobindsatsClient,
    sel: Selection,
    *,
    extra_groups: Iterable[str] = (),
    max_cells: int = DEFAULT_MAX_CELLS,
) -> FetchResult:
    """Fetch a selection (split as needed) and map it to canonical aggregate rows."""
    table_id = sel.table_id.lower()
    mapping(table_id)  # fail before any request if the table has no declared mapping
    meta = client.table_meta(table_id)
    ptype, chunks, fixed = build_requests(meta, sel, max_cells=max_cells)
    responses: list[Response] = []
    for chunk in chunks:
        responses.extend(_fetch_chunk(client, table_id, ptype, chunk, fixed))
    origin = (
        f"{client.host} {client.base_path}/data/{table_id} period.{ptype}={sel.periods} "
        + " ".join(f"{k}={v}" for k, v in fixed.items())
    )
    tables = [_response_table(resp, origin) for resp in responses]
    header = tables[0].header if tables else []
    for table in tables[1:]:
        if [h.strip() for h in table.header] != [h.strip() for h in header]:
            raise ReadError(
                origin, f"the responses have different columns: {header} and {table.header}"
            )
    body = (
        pl.concat([t.body for t in tables], how="vertical_relaxed")
        if tables
        else body_from_rows([], len(header))
    )
    raw = RawTable(
        file=origin,
        header=header,
        header_row=None,
        body=body.with_columns(pl.int_range(1, body.height + 1, dtype=pl.Int64).alias(ROW)),
        source="jobindsats.dk API",
        retrieved_at=min(r.fetched_at for r in responses),
        default_decimal=",",
    )
    converted = to_aggregate(raw, table_id, tuple(extra_groups))
    digest = hashlib.sha256(
        json.dumps([r.payload for r in responses], ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return FetchResult(
        converted, origin, digest, len(responses), any(r.from_cache for r in responses)
    )


def _response_table(resp: Response, origin: str) -> RawTable:
    from data_connectors.readers.json_reader import table_from_payload

    return table_from_payload(
        resp.payload, origin, source="jobindsats.dk API", retrieved_at=resp.fetched_at
    )


# -- fetch config ------------------------------------------------------------------------
def load_config(path: Path) -> list[Selection]:
    """Selections from a TOML file (see ``config/fetch.example.toml``)."""
    try:
        with Path(path).open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SelectionError(f"{path}: not valid TOML ({exc})") from None
    defaults = doc.get("defaults", {})
    tables = doc.get("table", [])
    if not isinstance(tables, list) or not tables:
        raise SelectionError(f"{path}: no [[table]] entries")
    out = []
    for i, t in enumerate(tables, start=1):
        if not isinstance(t, dict) or not isinstance(t.get("id"), str):
            raise SelectionError(f"{path}: [[table]] number {i} has no id")
        merged = {**defaults, **t}
        unknown = set(merged) - {"id", "periods", "areas", "hierarchy", "mgroup"}
        if unknown:
            raise SelectionError(
                f"{path}: table {t['id']}: unknown key(s) {', '.join(sorted(unknown))}"
            )
        try:
            mapping(t["id"])
        except ValueError as exc:
            raise SelectionError(f"{path}: {exc}") from None
        periods = str(merged.get("periods", "latest:24"))
        parse_periods_spec(periods, f"{path}: table {t['id']}: periods")
        areas = merged.get("areas", ["*", COUNTRY_NAME])
        if isinstance(areas, str):
            areas = [areas]
        out.append(
            Selection(
                table_id=t["id"].lower(),
                periods=periods,
                areas=tuple(str(a) for a in areas),
                hierarchies={str(k): str(v) for k, v in merged.get("hierarchy", {}).items()},
                mgroups={str(k): str(v) for k, v in merged.get("mgroup", {"*": "*"}).items()},
            )
        )
    return out
