"""Client for the jobindsats.dk API, version 3 (``https://api.jobindsats.dk/v3``).

* Bearer auth with the organisation's key (a ``SecretStr``: never printed, logged, put in
  an exception message or written to the cache).
* Timeouts; retry with exponential backoff on 429, 5xx and network errors.
* 401/403: a clear message about the key; 422 and other 4xx: STAR's ``cause``.
* Bodies are decoded as ``utf-8-sig`` (responses may start with a byte-order mark).
* Every good response is cached on disk; when the API cannot be reached after the
  retries, the last good snapshot of the same request is used and its age reported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import polars as pl
from pydantic import SecretStr

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.jobindsats.dk/v3"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_TOO_LARGE_WORDS = ("too many", "too large", "too big", "for mange", "for stor", "cells", "celler")


class JobindsatsError(Exception):
    """Base class of the client's errors."""


class JobindsatsAuthError(JobindsatsError, PermissionError):
    """401/403: the key is missing, wrong or expired."""


class JobindsatsRequestError(JobindsatsError, ValueError):
    """The API refused the request (4xx other than 401/403/429), with STAR's cause."""

    def __init__(self, message: str, status: int, cause: str | None):
        super().__init__(message)
        self.status = status
        self.cause = cause

    @property
    def too_large(self) -> bool:
        text = (self.cause or "").casefold()
        return self.status == 413 or any(w in text for w in _TOO_LARGE_WORDS)


class JobindsatsUnavailable(JobindsatsError, ConnectionError):
    """The API could not be reached (after retries) and no cached snapshot exists."""


@dataclass(frozen=True)
class Response:
    payload: Any
    fetched_at: datetime
    from_cache: bool
    request: str  # "GET /data/y25i09?period.M=..." (never the key)


@dataclass(frozen=True)
class TableInfo:
    table_id: str
    table_name: str
    subject_name: str
    table_group_name: str
    update_freq: str | None
    update_latest: date | None
    update_next: date | None
    mgroups: tuple[tuple[str, str], ...]  # (mgroup_id, mgroup_name)


@dataclass(frozen=True)
class Hierarchy:
    id: str
    values: tuple[tuple[str, str], ...]  # (value_id, value_name) over all levels


@dataclass(frozen=True)
class Dimension:
    id: str
    hierarchies: tuple[Hierarchy, ...]


@dataclass(frozen=True)
class TableMeta:
    table_id: str
    periods: dict[str, tuple[str, ...]]  # period type -> period ids as published
    dimensions: tuple[Dimension, ...] = field(default_factory=tuple)

    def hierarchy(self, hierarchy_id: str) -> Hierarchy | None:
        for d in self.dimensions:
            for h in d.hierarchies:
                if h.id == hierarchy_id:
                    return h
        return None


def encode_query(params: Mapping[str, str]) -> str:
    """The query string as public clients send it: ``*``, ``/``, ``:`` and ``,`` unencoded.

    (``hierarchy._nykom=*&period.M=latest:14``; AI-MichelKlos/A-kasseindsigt-dashboard
    scripts/jobindsats_api.py builds it with ``safe=":,*/"``.)
    """
    return urlencode(params, safe=":,*/")


def describe_request(path: str, params: Mapping[str, str]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if k != "format")
    return f"GET {path}" + (f"?{query}" if query else "")


def _age(delta_seconds: float) -> str:
    hours = delta_seconds / 3600
    if hours < 1:
        return f"{max(0, round(delta_seconds / 60))} minutes old"
    if hours < 48:
        return f"{hours:.0f} hours old"
    return f"{hours / 24:.0f} days old"


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class JobindsatsClient:
    def __init__(
        self,
        api_key: SecretStr,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        cache_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] | None = None,
    ):
        self._key = api_key
        self.base_url = base_url.rstrip("/")
        url = httpx.URL(self.base_url)
        # What messages and import origins name: the real host, api.jobindsats.dk by default.
        self.host = url.netloc.decode("ascii") or self.base_url
        self.base_path = url.path.rstrip("/")  # "/v3" by default
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.cache_dir = cache_dir
        self._sleep = sleep
        self._warn = warn or (lambda msg: log.warning("%s", msg))
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json", "User-Agent": "jobmaal"},
        )

    def __repr__(self) -> str:
        return f"JobindsatsClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JobindsatsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- raw requests ------------------------------------------------------------------
    def _cache_path(self, path: str, params: Mapping[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([path, sorted(params.items())], ensure_ascii=False)
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        slug = path.strip("/").replace("/", "-") or "root"
        return self.cache_dir / f"{slug}-{digest}.json"

    def _save_cache(
        self, path: str, params: Mapping[str, str], payload: Any, fetched_at: datetime
    ) -> None:
        target = self._cache_path(path, params)
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        snapshot = {
            "request": describe_request(path, params),
            "fetched_at": fetched_at.isoformat(),
            "body": payload,
        }
        tmp.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)

    def _load_cache(self, path: str, params: Mapping[str, str]) -> Response | None:
        target = self._cache_path(path, params)
        if target is None or not target.is_file():
            return None
        try:
            snap = json.loads(target.read_text(encoding="utf-8"))
            fetched = datetime.fromisoformat(snap["fetched_at"]).astimezone(UTC)
            return Response(snap["body"], fetched, True, describe_request(path, params))
        except (ValueError, KeyError, TypeError):
            return None

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Response:
        """GET ``path`` (relative to the base URL) as JSON, with retries and cache fallback."""
        query = {**(params or {}), "format": "json"}
        desc = describe_request(path, query)
        headers = {"Authorization": f"Bearer {self._key.get_secret_value()}"}
        last_problem = "no attempt made"
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self.backoff_base * 2 ** (attempt - 1)
                log.info("retrying %s in %.1f s (%s)", desc, delay, last_problem)
                self._sleep(delay)
            try:
                resp = self._http.get(f"{path}?{encode_query(query)}", headers=headers)
            except httpx.TimeoutException:
                last_problem = "timed out"
                continue
            except httpx.TransportError as exc:
                last_problem = f"network error: {type(exc).__name__}"
                continue
            if resp.status_code in RETRY_STATUS:
                last_problem = f"HTTP {resp.status_code}"
                retry_after = resp.headers.get("Retry-After", "")
                if retry_after.isdigit() and attempt < self.max_retries:
                    self._sleep(min(float(retry_after), 60.0))
                continue
            if resp.status_code in (401, 403):
                raise JobindsatsAuthError(
                    f"{self.host} rejected the API key (HTTP {resp.status_code}): the key "
                    "is wrong or has expired; check JOBMAAL_JOBINDSATS_API_KEY or request a new "
                    "key from STAR (see docs/data-sources.md)"
                )
            if resp.status_code >= 400:
                cause = _cause(resp)
                raise JobindsatsRequestError(
                    f"{self.host} refused {desc} (HTTP {resp.status_code})"
                    + (f": {cause}" if cause else ""),
                    resp.status_code,
                    cause,
                )
            try:
                payload = json.loads(resp.content.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise JobindsatsRequestError(
                    f"{self.host} sent a response to {desc} that is not JSON ({exc})",
                    resp.status_code,
                    None,
                ) from None
            fetched = datetime.now(UTC)
            self._save_cache(path, query, payload, fetched)
            return Response(payload, fetched, False, desc)
        cached = self._load_cache(path, query)
        if cached is None:
            raise JobindsatsUnavailable(
                f"{self.host} could not be reached for {desc} after "
                f"{self.max_retries + 1} attempts ({last_problem}) and there is no cached "
                "snapshot to fall back on"
            )
        age = _age((datetime.now(UTC) - cached.fetched_at).total_seconds())
        self._warn(
            f"warning: {self.host} unreachable ({last_problem}); using the cached "
            f"snapshot of {desc} from {cached.fetched_at:%Y-%m-%d %H:%M} UTC ({age})"
        )
        return cached

    # -- endpoints ---------------------------------------------------------------------
    def catalogue(self) -> tuple[list[TableInfo], Response]:
        """``/tables``: every table with its update frequency and latest/next update."""
        resp = self.get("/tables")
        return parse_catalogue(resp.payload), resp

    def table_meta(self, table_id: str) -> TableMeta:
        """``/table/{id}``: valid periods and dimension hierarchies with their value ids."""
        resp = self.get(f"/table/{table_id.lower()}")
        return parse_table_meta(table_id.lower(), resp.payload)

    def data(self, table_id: str, params: Mapping[str, str]) -> Response:
        """``/data/{id}`` with a selection (``period.M``, ``hierarchy._nykom``, ``mgroup.*``)."""
        return self.get(f"/data/{table_id.lower()}", params)


def _cause(resp: httpx.Response) -> str | None:
    try:
        body = json.loads(resp.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = resp.content[:200].decode("utf-8", "replace").strip()
        return text or None
    if isinstance(body, dict):
        for key in ("cause", "message", "error", "detail"):
            if body.get(key):
                return str(body[key])
    return None


def parse_catalogue(payload: Any) -> list[TableInfo]:
    if isinstance(payload, dict):
        payload = payload.get("subjects", payload.get("data", []))
    out: list[TableInfo] = []
    for subject in payload if isinstance(payload, list) else []:
        for group in subject.get("table_groups", []) or []:
            for t in group.get("tables", []) or []:
                if not isinstance(t, dict) or "table_id" not in t:
                    continue
                out.append(
                    TableInfo(
                        table_id=str(t["table_id"]).lower(),
                        table_name=str(t.get("table_name", "")),
                        subject_name=str(subject.get("subject_name", "")),
                        table_group_name=str(group.get("table_group_name", "")),
                        update_freq=t.get("update_freq"),
                        update_latest=_date(t.get("update_latest")),
                        update_next=_date(t.get("update_next")),
                        mgroups=tuple(
                            (str(m.get("mgroup_id", "")), str(m.get("mgroup_name", "")))
                            for m in t.get("mgroups", []) or []
                        ),
                    )
                )
    return out


def catalogue_frame(tables: list[TableInfo], fetched_at: datetime) -> pl.DataFrame:
    """The catalogue as the ``jobindsats_catalogue`` meta table (freshness per table)."""
    return pl.DataFrame(
        {
            "table_id": [t.table_id for t in tables],
            "table_name": [t.table_name for t in tables],
            "update_freq": [t.update_freq for t in tables],
            "update_latest": [t.update_latest for t in tables],
            "update_next": [t.update_next for t in tables],
            "fetched_at": [fetched_at.astimezone(UTC)] * len(tables),
        },
        schema={
            "table_id": pl.String,
            "table_name": pl.String,
            "update_freq": pl.String,
            "update_latest": pl.Date,
            "update_next": pl.Date,
            "fetched_at": pl.Datetime("us", "UTC"),
        },
    )


def parse_table_meta(table_id: str, payload: Any) -> TableMeta:
    if not isinstance(payload, dict):
        raise JobindsatsRequestError(
            f"unexpected metadata for table {table_id}: expected an object", 200, None
        )
    periods: dict[str, tuple[str, ...]] = {}
    for p in payload.get("periods", []) or []:
        values = tuple(str(v["period_id"]) for v in p.get("values", []) or [] if "period_id" in v)
        periods[str(p.get("periodtype_id", ""))] = values
    dims: list[Dimension] = []
    for d in payload.get("dimensions", []) or []:
        hierarchies = []
        for h in d.get("hierarchies", []) or []:
            members = tuple(
                (str(v.get("value_id", "")), str(v.get("value_name", "")))
                for level in h.get("levels", []) or []
                for v in level.get("values", []) or []
            )
            hierarchies.append(Hierarchy(str(h.get("hierarchy_id", "")), members))
        dims.append(Dimension(str(d.get("dimension_id", "")), tuple(hierarchies)))
    return TableMeta(table_id, periods, tuple(dims))
