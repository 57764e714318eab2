"""Client for the jobindsats.dk API, version 3 (``https://api.jobindsats.dk/v3``).

* Bearer auth with the organisation's key (a ``SecretStr``: never printed, logged, put in
  an exception message or written to the cache).
* The key is stripped of surrounding whitespace and checked up front (ASCII, no inner
  whitespace); a message about it names the setting, never the key. Whatever a server
  echoes back (the key, any ``Bearer ...`` token) is redacted from every message, log line
  and cached snapshot.
* A timeout per request and an overall deadline (``total_timeout``; restarted by
  :meth:`JobindsatsClient.start_deadline`), so a hanging or trickling server cannot hold a
  fetch forever; retry with exponential backoff on 429, 5xx and network errors.
* Bodies are read streamed and refused above ``max_bytes`` (default 50 MB).
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
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import polars as pl
from pydantic import SecretStr

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.jobindsats.dk/v3"
DEFAULT_TIMEOUT = 60.0  # seconds per request (connect, and between bytes read)
DEFAULT_TOTAL_TIMEOUT = 120.0  # seconds for one fetch: every request, retry and wait
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
KEY_SETTING = "JOBMAAL_JOBINDSATS_API_KEY (or jobindsats_api_key in .streamlit/secrets.toml)"
REDACTED = "[redacted]"
_BEARER = re.compile(r"(?i)\bbearer\s+[^\s\"',;<>(){}\[\]]+")
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


class JobindsatsNotJson(JobindsatsRequestError):
    """A 2xx answer that is not JSON (e.g. an HTML page from a proxy or login portal)."""


class JobindsatsTooLarge(JobindsatsRequestError):
    """A response larger than the client's ``max_bytes``."""


class JobindsatsKeyError(JobindsatsError, ValueError):
    """The configured key cannot be sent (non-ASCII, whitespace inside)."""


class JobindsatsUnavailable(JobindsatsError, ConnectionError):
    """The API could not be reached (after retries) and no cached snapshot exists."""


class _DeadlinePassed(Exception):
    pass


def clean_key(api_key: SecretStr) -> SecretStr:
    """The key without surrounding whitespace; JobindsatsKeyError naming the setting if it
    cannot be a key (never showing it)."""
    key = api_key.get_secret_value().strip()
    if not key:
        raise JobindsatsKeyError(f"{KEY_SETTING} is empty")
    if not key.isascii():
        raise JobindsatsKeyError(
            f"{KEY_SETTING} contains a character that is not ASCII: a jobindsats.dk key is "
            "plain ASCII; copy it again exactly as STAR sent it"
        )
    if any(c.isspace() for c in key):
        raise JobindsatsKeyError(
            f"{KEY_SETTING} contains whitespace inside the key: copy it again exactly as "
            "STAR sent it (one line, no spaces)"
        )
    if not key.isprintable():
        raise JobindsatsKeyError(
            f"{KEY_SETTING} contains a control character: copy it again exactly as STAR sent it"
        )
    return SecretStr(key)


def _variants(secret: str) -> list[str]:
    """The secret as is, JSON-escaped and URL-encoded: the forms an echo may carry."""
    forms = {secret, json.dumps(secret)[1:-1], secret.replace("/", "\\/"), quote(secret, safe="")}
    return sorted((f for f in forms if f), key=len, reverse=True)


def mentions_secret(text: str, secret: str) -> bool:
    return "bearer" in text.casefold() or any(v in text for v in _variants(secret))


def redact(text: str, secret: str) -> str:
    """``text`` without ``secret`` (as is, JSON-escaped or URL-encoded) or any Bearer token."""
    for v in _variants(secret):
        text = text.replace(v, REDACTED)
    return _BEARER.sub(f"Bearer {REDACTED}", text)


def _redact_value(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return redact(value, secret)
    if isinstance(value, list):
        return [_redact_value(v, secret) for v in value]
    if isinstance(value, dict):
        return {redact(str(k), secret): _redact_value(v, secret) for k, v in value.items()}
    return value


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
        timeout: float = DEFAULT_TIMEOUT,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        cache_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._key = clean_key(api_key)
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self._clock = clock
        self._deadline: float | None = None
        self.start_deadline()
        self.base_url = base_url.rstrip("/")
        url = httpx.URL(self.base_url)
        # What messages and import origins name: the real host, api.jobindsats.dk by default.
        self.host = url.netloc.decode("ascii") or self.base_url
        self.base_path = url.path.rstrip("/")  # "/v3" by default
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.cache_dir = cache_dir
        self._sleep = sleep
        say = warn or (lambda msg: log.warning("%s", msg))
        self._warn = lambda msg: say(self._redact(msg))
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

    def start_deadline(self) -> None:
        """Start the overall deadline (``total_timeout`` seconds) for the requests to come."""
        self._deadline = None if self.total_timeout is None else self._clock() + self.total_timeout

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - self._clock()

    def _redact(self, text: str) -> str:
        return redact(text, self._key.get_secret_value())

    def _deadline_problem(self) -> str:
        return (
            f"no complete answer within {self.total_timeout:g} s in all "
            "(JOBMAAL_JOBINDSATS_TIMEOUT)"
        )

    def _receive(
        self, url: str, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, httpx.Headers, bytes]:
        """One request, its body read streamed under the size cap and the deadline."""
        with self._http.stream("GET", url, headers=headers, timeout=timeout) as resp:
            if resp.status_code in RETRY_STATUS or resp.status_code in (401, 403):
                return resp.status_code, resp.headers, b""
            length = resp.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise self._too_large(url)
            buf = bytearray()
            for chunk in resp.iter_bytes():
                buf += chunk
                if len(buf) > self.max_bytes:
                    raise self._too_large(url)
                remaining = self._remaining()
                if remaining is not None and remaining <= 0:
                    raise _DeadlinePassed
            return resp.status_code, resp.headers, bytes(buf)

    def _too_large(self, url: str) -> JobindsatsTooLarge:
        path, _, query = url.partition("?")
        desc = describe_request(path, dict(httpx.QueryParams(query)))
        mb = self.max_bytes / (1024 * 1024)
        return JobindsatsTooLarge(
            f"{self.host} sent more than {mb:g} MB for {desc}: ask for fewer periods at a time "
            "(e.g. --periods latest:6 or a lower --max-cells), or raise JOBMAAL_JOBINDSATS_MAX_MB",
            200,
            None,
        )

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
        url = f"{path}?{encode_query(query)}"
        last_problem = "no attempt made"
        tries = 0
        for attempt in range(self.max_retries + 1):
            remaining = self._remaining()
            if attempt:
                delay = self.backoff_base * 2 ** (attempt - 1)
                if remaining is not None:
                    delay = min(delay, max(0.0, remaining))
                log.info("retrying %s in %.1f s (%s)", desc, delay, self._redact(last_problem))
                self._sleep(delay)
                remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                last_problem = self._deadline_problem()
                break
            timeout = self.timeout if remaining is None else min(self.timeout, remaining)
            tries += 1
            try:
                status, resp_headers, content = self._receive(url, headers, timeout)
            except _DeadlinePassed:
                last_problem = self._deadline_problem()
                break
            except httpx.TimeoutException:
                last_problem = "timed out"
                continue
            except httpx.TransportError as exc:
                last_problem = f"network error: {type(exc).__name__}"
                continue
            if status in RETRY_STATUS:
                last_problem = f"HTTP {status}"
                retry_after = resp_headers.get("Retry-After", "")
                if retry_after.isdigit() and attempt < self.max_retries:
                    wait = min(float(retry_after), 60.0)
                    left = self._remaining()
                    self._sleep(wait if left is None else min(wait, max(0.0, left)))
                continue
            if status in (401, 403):
                raise JobindsatsAuthError(
                    f"{self.host} rejected the API key (HTTP {status}): the key "
                    "is wrong or has expired; check JOBMAAL_JOBINDSATS_API_KEY or request a new "
                    "key from STAR (see docs/data-sources.md)"
                )
            if status >= 400:
                cause = _cause(content, self._key.get_secret_value())
                raise JobindsatsRequestError(
                    self._redact(
                        f"{self.host} refused {desc} (HTTP {status})"
                        + (f": {cause}" if cause else "")
                    ),
                    status,
                    cause,
                )
            try:
                text = content.decode("utf-8-sig")
                payload = json.loads(text)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                looks = content.lstrip()[:15].lower()
                what = (
                    "an HTML page (a proxy or login page?)"
                    if looks.startswith((b"<!doctype", b"<html", b"<"))
                    else f"not JSON ({type(exc).__name__})"
                )
                raise JobindsatsNotJson(
                    f"{self.host} answered {desc} with {what}, not the JSON the API sends",
                    status,
                    None,
                ) from None
            secret = self._key.get_secret_value()
            if mentions_secret(text, secret):  # an echo of the request: never cached as is
                payload = _redact_value(payload, secret)
            fetched = datetime.now(UTC)
            self._save_cache(path, query, payload, fetched)
            return Response(payload, fetched, False, desc)
        cached = self._load_cache(path, query)
        if cached is None:
            raise JobindsatsUnavailable(
                self._redact(
                    f"{self.host} could not be reached for {desc} after "
                    f"{tries} attempt{'s' if tries != 1 else ''} ({last_problem}) and there "
                    "is no cached snapshot to fall back on"
                )
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


def _cause(content: bytes, secret: str) -> str | None:
    """STAR's ``cause`` (or the start of a text body), with the key and tokens redacted."""
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = redact(content.decode("utf-8", "replace"), secret).strip()
        return text[:200] or None
    if isinstance(body, dict):
        for key in ("cause", "message", "error", "detail"):
            if body.get(key):
                return redact(str(body[key]), secret)[:500]
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
