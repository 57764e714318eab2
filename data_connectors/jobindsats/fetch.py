"""What to fetch from jobindsats.dk, how to split it, and turning it into canonical rows.

A selection names a table, its periods (``latest:24``, ``QMAT=latest:4``, ``all`` or a
comma list of codes), its areas (``*`` for all municipalities, ``Hele landet``, or names)
and optionally raw hierarchy selections for the other dimensions. Requests are split by
period so that no request asks for more than ``max_cells`` cells; if the API still says
a request is too large it is halved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from data_connectors.jobindsats.client import (
    JobindsatsClient,
    JobindsatsRequestError,
    Response,
    TableMeta,
)
from data_connectors.jobindsats.mappings import mapping
from data_connectors.readers.errors import ReadError
from data_connectors.readers.json_reader import table_from_payload
from data_connectors.readers.tabular import (
    ROW,
    Converted,
    RawTable,
    body_from_rows,
    to_aggregate,
)
from domain.areas import COUNTRY_NAME, UnknownArea, area_by_name
from domain.datasets import DATASETS
from domain.periods import PERIOD_TYPES, PeriodError, parse_period

DEFAULT_MAX_CELLS = 100_000
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


AREA_HIERARCHIES = frozenset({AREA_HIERARCHY, COUNTRY_HIERARCHY, "_region", "_reko"})


def _area_hierarchies(meta: TableMeta) -> list[str]:
    return [h.id for d in meta.dimensions for h in d.hierarchies if h.id in AREA_HIERARCHIES]


def area_requests(meta: TableMeta, areas: Sequence[str]) -> list[tuple[dict[str, str], int]]:
    """One (hierarchy parameter, number of areas) per request: one area hierarchy each.

    ``*`` asks ``_nykom=*`` (the 98 municipalities); the country is ``_nykom=/`` or, for a
    table without ``_nykom``, ``_hele_landet=/``, and only where the metadata lists it
    (public clients: a hierarchy the table lacks answers 422 "Unknown hierarchies");
    named municipalities are their ``_nykom`` value ids.
    """
    nykom = meta.hierarchy(AREA_HIERARCHY)
    listed = ", ".join(_area_hierarchies(meta)) or "none"
    out: list[tuple[dict[str, str], int]] = []
    names: list[str] = []
    every = False
    for a in (a.strip() for a in areas):
        if a in ("*", "all", "alle"):
            every = True
        elif a.casefold() in (COUNTRY_NAME.casefold(), "000", "landet"):
            if nykom is not None:
                out.append(({f"hierarchy.{AREA_HIERARCHY}": "/"}, 1))
            elif meta.hierarchy(COUNTRY_HIERARCHY) is not None:
                out.append(({f"hierarchy.{COUNTRY_HIERARCHY}": "/"}, 1))
            else:
                raise SelectionError(
                    f"table {meta.table_id} has neither {AREA_HIERARCHY} nor "
                    f"{COUNTRY_HIERARCHY} for the country (its area hierarchies: {listed})"
                )
        elif a:
            names.append(a)
    if (every or names) and nykom is None:
        raise SelectionError(
            f"table {meta.table_id} has no {AREA_HIERARCHY} hierarchy to pick municipalities "
            f"from (its area hierarchies: {listed})"
        )
    if every:
        assert nykom is not None
        n = sum(1 for vid, _ in nykom.values if vid != "/") or 98
        out.insert(0, ({f"hierarchy.{AREA_HIERARCHY}": "*"}, n))
    elif names:
        assert nykom is not None
        ids_by_code: dict[str, str] = {}
        for value_id, value_name in nykom.values:
            try:
                ids_by_code[area_by_name(value_name).code] = value_id
            except UnknownArea:
                continue
        picked = []
        for n_ in names:
            try:
                code = area_by_name(n_).code if not n_.isdigit() else n_
            except UnknownArea as exc:
                raise SelectionError(str(exc)) from None
            if code not in ids_by_code:
                raise SelectionError(f"area {n_!r} is not in the table's {AREA_HIERARCHY} list")
            picked.append(ids_by_code[code])
        out.insert(0, ({f"hierarchy.{AREA_HIERARCHY}": ",".join(picked)}, len(picked)))
    if not out:
        raise SelectionError("no areas selected: give *, 'Hele landet' or municipality names")
    return out


def _hierarchy_size(meta: TableMeta, hierarchy_id: str, sel: str) -> int:
    h = meta.hierarchy(hierarchy_id)
    if sel.strip() == "/":
        return 1
    if sel.strip() == "*" or sel.startswith("level:"):
        return max(1, len(h.values)) if h else 10
    return max(1, len([s for s in sel.split(",") if s.strip()]))


def dimension_params(meta: TableMeta, sel: Selection) -> dict[str, str]:
    """``hierarchy.<id>`` for the table's other dimensions: only those jobmaal maps.

    A dimension the mapping breaks the KPIs down by (``TableMapping.fetch_all``) is asked
    with ``*``, every other mapped one with ``/`` (its total), and a dimension the mapping
    does not know is left out (no column comes back). The config's ``[table.hierarchy]``
    overrides, but only with hierarchies the table has.
    """
    m = mapping(sel.table_id)
    own = {h.id for d in meta.dimensions for h in d.hierarchies}
    unknown = sorted(set(sel.hierarchies) - own)
    if unknown:
        raise SelectionError(
            f"table {sel.table_id} has no hierarchy {', '.join(unknown)}; it has "
            f"{', '.join(sorted(own - AREA_HIERARCHIES)) or 'none besides the area'}"
        )
    params: dict[str, str] = {}
    for d in meta.dimensions:
        ids = [h.id for h in d.hierarchies if h.id not in AREA_HIERARCHIES]
        chosen = next((h for h in ids if h in sel.hierarchies), None)
        if chosen is not None:
            params[f"hierarchy.{chosen}"] = sel.hierarchies[chosen]
            continue
        mapped = next((h for h in ids if h in m.hierarchies), None)
        if mapped is not None:
            params[f"hierarchy.{mapped}"] = "*" if m.hierarchies[mapped] in m.fetch_all else "/"
    return params


@dataclass(frozen=True)
class RequestPlan:
    """The requests of one area hierarchy: fixed parameters and period chunks."""

    ptype: str
    chunks: list[list[str]]
    fixed: dict[str, str]
    cells_per_period: int


def build_requests(
    meta: TableMeta,
    sel: Selection,
    *,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[RequestPlan]:
    """The requests of a selection, each under ``max_cells`` by the cells it asks for.

    Cells per period = areas x the size of every dimension asked (``/`` is 1, ``*`` the
    hierarchy's values) x the table's measures.
    """
    ptype, periods = resolve_periods(meta, sel.periods, sel.table_id)
    dims = dimension_params(meta, sel)
    n_measures = len(DATASETS[sel.table_id].measures) if sel.table_id in DATASETS else 4
    per_dims = 1
    for key, hsel in dims.items():
        per_dims *= _hierarchy_size(meta, key.removeprefix("hierarchy."), hsel)
    plans = []
    for area, n_areas in area_requests(meta, sel.areas):
        fixed = {**area, **dims, **{f"mgroup.{g}": v for g, v in sel.mgroups.items()}}
        cells = n_areas * per_dims * n_measures
        per_request = max(1, max_cells // max(1, cells))
        chunks = [periods[i : i + per_request] for i in range(0, len(periods), per_request)]
        plans.append(RequestPlan(ptype, chunks, fixed, cells))
    return plans


class _Progress:
    """``fetching y25i09: request 2 of 5 ...``; a halved request adds one to the total."""

    def __init__(self, table_id: str, total: int, say: Callable[[str], None] | None):
        self.table_id, self.total, self.done, self.say = table_id, total, 0, say

    def next(self) -> None:
        self.done += 1
        if self.say is not None:
            self.say(f"fetching {self.table_id}: request {self.done} of {self.total} ...")


def _fetch_chunk(
    client: JobindsatsClient,
    table_id: str,
    ptype: str,
    periods: list[str],
    fixed: dict[str, str],
    progress: _Progress,
) -> list[Response]:
    params = {f"period.{ptype}": ",".join(periods), **fixed}
    progress.next()
    try:
        return [client.data(table_id, params)]
    except JobindsatsRequestError as exc:
        if not exc.too_large or len(periods) < 2:
            raise
    progress.total += 2
    half = len(periods) // 2
    return [
        *_fetch_chunk(client, table_id, ptype, periods[:half], fixed, progress),
        *_fetch_chunk(client, table_id, ptype, periods[half:], fixed, progress),
    ]


def _norm_period(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    try:
        return parse_period(code.strip()).code
    except PeriodError:
        return None


def _drop_unrequested(payload: Any, wanted: set[str]) -> tuple[Any, dict[str, int]]:
    """The response without rows for periods not asked for; (period, rows dropped)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("columns"), list):
        return payload, {}
    columns = [str(c).strip().casefold() for c in payload["columns"]]
    rows = payload.get("rows")
    if "periode" not in columns or not isinstance(rows, list):
        return payload, {}
    j = columns.index("periode")
    kept: list[Any] = []
    dropped: dict[str, int] = {}
    for r in rows:
        code = _norm_period(r[j]) if isinstance(r, list) and j < len(r) else None
        if code is not None and code not in wanted:  # unreadable codes: the reader says so
            dropped[str(r[j]).strip()] = dropped.get(str(r[j]).strip(), 0) + 1
        else:
            kept.append(r)
    return ({**payload, "rows": kept} if dropped else payload), dropped


def fetch_table(
    client: JobindsatsClient,
    sel: Selection,
    *,
    extra_groups: Iterable[str] = (),
    max_cells: int = DEFAULT_MAX_CELLS,
    progress: Callable[[str], None] | None = None,
) -> FetchResult:
    """Fetch a selection (split as needed) and map it to canonical aggregate rows.

    The client's overall deadline is restarted: one table's requests, retries and waits
    together take at most ``client.total_timeout`` seconds. ``progress`` gets one line
    per request. Rows for periods that were not asked for are dropped with a warning.
    """
    table_id = sel.table_id.lower()
    mapping(table_id)  # fail before any request if the table has no declared mapping
    client.start_deadline()
    meta = client.table_meta(table_id)
    plans = build_requests(meta, sel, max_cells=max_cells)
    counter = _Progress(table_id, sum(len(plan.chunks) for plan in plans), progress)
    responses: list[Response] = []
    wanted: set[str] = set()
    for plan in plans:
        for chunk in plan.chunks:
            wanted.update(c for c in map(_norm_period, chunk) if c is not None)
            responses.extend(_fetch_chunk(client, table_id, plan.ptype, chunk, plan.fixed, counter))
    origin = (
        f"{client.host} {client.base_path}/data/{table_id} period.{plans[0].ptype}={sel.periods} "
        + " | ".join(" ".join(f"{k}={v}" for k, v in plan.fixed.items()) for plan in plans)
    )
    dropped: dict[str, int] = {}
    payloads: list[Any] = []
    for resp in responses:
        payload, gone = _drop_unrequested(resp.payload, wanted)
        payloads.append(payload)
        for code, n in gone.items():
            dropped[code] = dropped.get(code, 0) + n
    tables = [
        _response_table(dataclasses.replace(resp, payload=payload), origin)
        for resp, payload in zip(responses, payloads, strict=True)
    ]
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
    if dropped:
        n = sum(dropped.values())
        codes = sorted(dropped, key=_sort_key)
        shown = ", ".join(codes[:12]) + (f" and {len(codes) - 12} more" if len(codes) > 12 else "")
        converted = dataclasses.replace(
            converted,
            warnings=(
                *converted.warnings,
                f"{table_id}: dropped {n} row{'s' if n != 1 else ''} for "
                f"period{'s' if len(codes) != 1 else ''} not requested: {shown}",
            ),
        )
    digest = hashlib.sha256(
        json.dumps(payloads, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return FetchResult(
        converted, origin, digest, len(responses), any(r.from_cache for r in responses)
    )


def _response_table(resp: Response, origin: str) -> RawTable:
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
