"""The v3 client against recorded responses built from the documented shapes."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from pydantic import SecretStr

from data_connectors.jobindsats.client import (
    JobindsatsAuthError,
    JobindsatsClient,
    JobindsatsRequestError,
    JobindsatsUnavailable,
    catalogue_frame,
)
from data_connectors.jobindsats.fetch import Selection, SelectionError, fetch_table
from data_connectors.readers import ReadError
from domain.canonical import TOTAL

KEY = "s3cret-key-0123456789"
BASE = "https://api.jobindsats.dk/v3"

CATALOGUE = [
    {
        "subject_name": "Ledighed",
        "table_groups": [
            {
                "table_group_name": "Langtidsledighed",
                "tables": [
                    {
                        "table_id": "y25i09",
                        "table_name": "Langtidsledighed",
                        "update_freq": "Månedlig",
                        "update_latest": "2026-05-12",
                        "update_next": "2026-06-10",
                        "mgroups": [{"mgroup_id": "lgtl", "mgroup_name": "Langtidsledige"}],
                    }
                ],
            }
        ],
    }
]

MONTHS = [f"2025M{m:02d}" for m in range(1, 13)] + [f"2026M{m:02d}" for m in range(1, 5)]

# y25i09 in the real shape (JOBINDSATS.md, "Confirmed from public client code"): the
# dimensions _omrade, _ygrpi09, _kon, _aldera, _oprinda, _akassebl; the four measures with
# their live labels; the totals "Ydelsesgrupper i alt" and A-kasse "I alt". Value names
# marked FAKE are not confirmed (the simulator needs some).
AREAS = [("/", "Hele landet"), ("/710/", "Favrskov"), ("/751/", "Aarhus")]
DIMS = [  # dimension id = hierarchy id, column label, values (the total first)
    ("_ygrpi09", "Ydelsesgrupper", [("/", "Ydelsesgrupper i alt"), ("/2/", "A-dagpenge"),
                                    ("/3/", "Kontanthjælp")]),
    ("_kon", "Køn", [("/", "Køn i alt"), ("/1/", "Kvinder"), ("/2/", "Mænd")]),
    # FAKE age bands
    ("_aldera", "Alder", [("/", "Alder i alt"), ("/1/", "16-29 år"), ("/2/", "30 år og derover")]),
    ("_oprinda", "Herkomst", [("/", "Herkomst i alt"), ("/1/", "Personer med dansk oprindelse")]),
    ("_akassebl", "A-kasse", [("/", "I alt"), ("/1/", "Ingen a-kasse"),
                              ("/2/", "Faglig Fælles (3F) A-kasse")]),
]  # fmt: skip
MEASURES = [
    "Antal langtidsledige fuldtidspersoner",
    "Antal langtidsledige personer",
    "Antal bruttoledige personer",
    "Andel langtidsledige personer ift. bruttoledige personer",
]
COLUMNS = ["Periode", "Område", "Ydelsesgrupper", "A-kasse", *MEASURES]


def _hierarchy(hid: str, values: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "hierarchy_id": hid,
        "levels": [{"level_id": hid.strip("_"), "values": [
            {"value_id": v, "value_name": n} for v, n in values]}],
    }  # fmt: skip


META = {
    "table_id": "y25i09",
    "table_name": "Langtidsledighed",
    "periods": [{"periodtype_id": "M", "values": [{"period_id": p} for p in reversed(MONTHS)]}],
    "dimensions": [
        {"dimension_id": "_omrade", "hierarchies": [_hierarchy("_nykom", AREAS)]},
        *[{"dimension_id": d, "hierarchies": [_hierarchy(d, v)]} for d, _, v in DIMS],
    ],
}

# Favrskov per benefit group (all other dimensions at their total), month n = index in
# MONTHS: long-term full-time persons, persons, gross unemployed; None is suppressed.
FAVRSKOV = {"Ydelsesgrupper i alt": (100, 130, 900), "A-dagpenge": (None, 40, 500),
            "Kontanthjælp": (60, 70, 300)}  # fmt: skip
AARHUS = {"Ydelsesgrupper i alt": (300, 380, 4000), "A-dagpenge": (150, 180, 2500),
          "Kontanthjælp": (120, 150, 1200)}  # fmt: skip
COUNTRY = {"Ydelsesgrupper i alt": (20000, 25000, 101672), "A-dagpenge": (9000, 11000, 60000),
           "Kontanthjælp": (8000, 10000, 30000)}  # fmt: skip


def cell(period: str, area: str, values: dict[str, str]) -> list[Any]:
    """The four measures of one row: the base figures + n; a part of another dimension
    (Køn, Alder, ...) holds half (None below 5: suppressed)."""
    n = MONTHS.index(period)
    base = {"Favrskov": FAVRSKOV, "Aarhus": AARHUS, "Hele landet": COUNTRY}[area]
    ft, persons, gross = base[values.get("Ydelsesgrupper", "Ydelsesgrupper i alt")]
    parts = sum(1 for label, v in values.items() if label != "Ydelsesgrupper"
                and v != dict((lbl, vals[0][1]) for _, lbl, vals in DIMS)[label])  # fmt: skip
    out: list[Any] = []
    for x in (ft, persons, gross):
        y = None if x is None else (x + n) / 2**parts
        out.append(None if y is None or y < 5 else round(y, 1))
    out.append(None if out[1] is None or out[2] is None else round(100 * out[1] / out[2], 1))
    return out


def data_body(request: httpx.Request, meta: dict[str, Any] = META) -> httpx.Response:
    """/data/y25i09 as the live API answers: one column per dimension asked, '*' all values
    (the total first), '/' the total; a hierarchy the table's metadata lacks is 422."""
    params = request.url.params
    own = {h["hierarchy_id"] for d in meta["dimensions"] for h in d["hierarchies"]}
    asked = [k.removeprefix("hierarchy.") for k in params if k.startswith("hierarchy.")]
    unknown = [h for h in asked if h not in own]
    if unknown:
        return jresp(422, {"code": 422, "cause": f"Unknown hierarchies: {unknown!r}",
                           "request_id": "fake"})  # fmt: skip
    periods = params["period.M"].split(",")
    area_sel = params.get("hierarchy._nykom", params.get("hierarchy._hele_landet", "/"))
    areas = [n for v, n in AREAS if (v == "/") == (area_sel == "/")
             and (area_sel in ("/", "*") or v in area_sel.split(","))]  # fmt: skip
    columns = ["Periode", "Område"]
    choices: list[list[tuple[str, str]]] = []
    for d, label, values in DIMS:
        sel = params.get(f"hierarchy.{d}")
        if sel is None:
            continue
        columns.append(label)
        picked = values[:1] if sel == "/" else values if sel == "*" else [
            (v, n) for v, n in values if v in sel.split(",")]  # fmt: skip
        choices.append([(label, n) for _, n in picked])
    rows: list[list[Any]] = []
    for p in periods:
        for area in areas:
            for combo in itertools.product(*choices):
                rows.append([p, area, *(n for _, n in combo), *cell(p, area, dict(combo))])
    return jresp(200, {"columns": [*columns, *MEASURES], "rows": rows}, bom=True)


def jresp(status: int, body: Any, bom: bool = False) -> httpx.Response:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return httpx.Response(status, content=(b"\xef\xbb\xbf" + raw) if bom else raw)


class FakeApi:
    """A recorded API: routes by path; ``data`` answers any selection from MONTHS."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.queue: dict[str, list[Callable[[httpx.Request], httpx.Response]]] = {}
        self.meta: dict[str, Any] = META

    def push(self, path: str, *answers: Callable[[httpx.Request], httpx.Response]) -> None:
        self.queue.setdefault(path, []).extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/v3")
        if self.queue.get(path):
            return self.queue[path].pop(0)(request)
        if path == "/tables":
            return jresp(200, CATALOGUE)
        if path == "/table/y25i09":
            return jresp(200, self.meta)
        if path == "/data/y25i09":
            return data_body(request, self.meta)
        return jresp(404, {"code": 404, "cause": f"Unknown table: {path}"})


def make_client(
    api: FakeApi,
    tmp_path: Path,
    sleeps: list[float] | None = None,
    warnings: list[str] | None = None,
) -> JobindsatsClient:
    return JobindsatsClient(
        SecretStr(KEY),
        base_url=BASE,
        transport=httpx.MockTransport(api),
        timeout=1.0,
        max_retries=3,
        backoff_base=0.001,
        cache_dir=tmp_path / "cache",
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        warn=(warnings.append if warnings is not None else None),
    )


def test_bearer_auth_format_json_and_bom(tmp_path: Path) -> None:
    api = FakeApi()
    with make_client(api, tmp_path) as client:
        resp = client.data("Y25I09", {"period.M": "2026M04", "mgroup.*": "*"})
    req = api.requests[0]
    assert req.headers["Authorization"] == f"Bearer {KEY}"
    assert req.url.path == "/v3/data/y25i09"
    assert req.url.params["format"] == "json"
    assert resp.payload["columns"] == ["Periode", "Område", *MEASURES]  # BOM stripped first
    assert not resp.from_cache


def test_catalogue_keeps_freshness(tmp_path: Path) -> None:
    api = FakeApi()
    with make_client(api, tmp_path) as client:
        tables, _ = client.catalogue()
    assert [(t.table_id, t.update_latest, t.update_next) for t in tables] == [
        ("y25i09", date(2026, 5, 12), date(2026, 6, 10))
    ]
    assert tables[0].mgroups == (("lgtl", "Langtidsledige"),)
    frame = catalogue_frame(tables, datetime(2026, 5, 20, 8, 0, tzinfo=UTC))
    assert frame.columns == [
        "table_id",
        "table_name",
        "update_freq",
        "update_latest",
        "update_next",
        "fetched_at",
    ]
    assert frame.row(0) == (
        "y25i09",
        "Langtidsledighed",
        "Månedlig",
        date(2026, 5, 12),
        date(2026, 6, 10),
        datetime(2026, 5, 20, 8, 0, tzinfo=UTC),
    )


def test_table_meta_lists_periods_and_hierarchies(tmp_path: Path) -> None:
    with make_client(FakeApi(), tmp_path) as client:
        meta = client.table_meta("y25i09")
    assert meta.periods["M"][0] == "2026M04" and len(meta.periods["M"]) == 16  # newest first
    nykom = meta.hierarchy("_nykom")
    assert nykom is not None and nykom.values == tuple(AREAS)


def test_401_is_a_clear_message_without_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = FakeApi()
    api.push("/tables", lambda r: jresp(401, {"code": 401, "cause": "Unauthorized"}))
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsAuthError) as info:
        client.catalogue()
    msg = str(info.value)
    assert "rejected the API key (HTTP 401)" in msg and "wrong or has expired" in msg
    assert KEY not in msg and KEY not in caplog.text and KEY not in repr(client)
    assert len(api.requests) == 1  # no retry on 401


def test_422_shows_stars_cause(tmp_path: Path) -> None:
    api = FakeApi()
    api.push(
        "/data/y25i09",
        lambda r: jresp(
            422, {"code": 422, "cause": "Unknown period type: M", "request_id": "ab12"}
        ),
    )
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsRequestError) as info:
        client.data("y25i09", {"period.M": "2026M04"})
    assert info.value.status == 422
    assert info.value.cause == "Unknown period type: M"
    assert str(info.value).endswith("(HTTP 422): Unknown period type: M")
    assert len(api.requests) == 1


def test_429_then_200_retries_with_exponential_backoff(tmp_path: Path) -> None:
    api = FakeApi()
    api.push(
        "/tables",
        lambda r: httpx.Response(429),
        lambda r: jresp(503, {"code": 503, "cause": "busy"}),
    )
    sleeps: list[float] = []
    with make_client(api, tmp_path, sleeps) as client:
        tables, _ = client.catalogue()
    assert [t.table_id for t in tables] == ["y25i09"]
    assert len(api.requests) == 3
    assert sleeps == [0.001, 0.002]


def test_persistent_5xx_without_cache_is_unavailable(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/tables", *[lambda r: httpx.Response(502)] * 4)
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsUnavailable) as info:
        client.catalogue()
    assert "after 4 attempts (HTTP 502)" in str(info.value)
    assert "no cached snapshot" in str(info.value)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_timeout_then_success(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/tables", _timeout)
    with make_client(api, tmp_path) as client:
        tables, _ = client.catalogue()
    assert len(tables) == 1 and len(api.requests) == 2


def test_unreachable_api_falls_back_to_cached_snapshot(tmp_path: Path) -> None:
    api = FakeApi()
    warnings: list[str] = []
    with make_client(api, tmp_path, warnings=warnings) as client:
        fresh = client.data("y25i09", {"period.M": "2026M04"})
        cache_files = list((tmp_path / "cache").glob("*.json"))
        assert len(cache_files) == 1
        text = cache_files[0].read_text(encoding="utf-8")
        assert KEY not in text and "Authorization" not in text
        # Age the snapshot by three days, then lose the network.
        snap = json.loads(text)
        snap["fetched_at"] = (datetime.now(UTC) - timedelta(days=3, hours=1)).isoformat()
        cache_files[0].write_text(json.dumps(snap), encoding="utf-8")
        api.push("/data/y25i09", *[_timeout, _refused, _timeout, _refused])
        stale = client.data("y25i09", {"period.M": "2026M04"})
    assert stale.from_cache and stale.payload == fresh.payload
    assert len(warnings) == 1
    assert "unreachable (network error: ConnectError)" in warnings[0]
    assert "cached snapshot of GET /data/y25i09?period.M=2026M04" in warnings[0]
    assert "(3 days old)" in warnings[0]


def test_unreachable_without_cache_raises(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/table/y25i09", *[_timeout] * 4)
    with (
        make_client(api, tmp_path) as client,
        pytest.raises(JobindsatsUnavailable, match="timed out"),
    ):
        client.table_meta("y25i09")


def test_fetch_maps_columns_nulls_and_areas(tmp_path: Path) -> None:
    """Two requests (one area hierarchy each), the breakdown asked with '*', the rest '/'.

    By hand from FAVRSKOV/COUNTRY (+ n, the month's index: 2026M03 is 14, 2026M04 is 15):
    Favrskov's long-term full-time persons 114/115 in all, A-dagpenge suppressed,
    Kontanthjælp 74/75; the country 20014/20015; the share of 2026M04 in all is
    100 x 145 / 915 = 15,8 %.
    """
    api = FakeApi()
    with make_client(api, tmp_path) as client:
        res = fetch_table(client, Selection("y25i09", periods="latest:2"))
    df = res.converted.df
    ft = {
        (r["period"], r["area_code"], r["benefit_group"]): r["value"]
        for r in df.filter(pl.col("measure_id") == "fuldtidspersoner").iter_rows(named=True)
    }
    assert {k: v for k, v in ft.items() if k[1] in ("710", "000")} == {
        ("2026M03", "710", TOTAL): 114.0,
        ("2026M03", "710", "A-dagpenge"): None,
        ("2026M03", "710", "Kontanthjælp"): 74.0,
        ("2026M04", "710", TOTAL): 115.0,
        ("2026M04", "710", "A-dagpenge"): None,
        ("2026M04", "710", "Kontanthjælp"): 75.0,
        ("2026M03", "000", TOTAL): 20014.0,
        ("2026M03", "000", "A-dagpenge"): 9014.0,
        ("2026M03", "000", "Kontanthjælp"): 8014.0,
        ("2026M04", "000", TOTAL): 20015.0,
        ("2026M04", "000", "A-dagpenge"): 9015.0,
        ("2026M04", "000", "Kontanthjælp"): 8015.0,
    }
    share = df.filter(
        (pl.col("measure_id") == "andel_langtidsledige")
        & (pl.col("area_code") == "710")
        & (pl.col("period") == "2026M04")
        & (pl.col("benefit_group") == TOTAL)
    )["value"]
    assert share.to_list() == [15.8]
    assert set(df["akasse"]) == {TOTAL} and set(df["sex"]) == {TOTAL}
    assert set(df["measure_id"]) == {
        "fuldtidspersoner",
        "personer",
        "bruttoledige_personer",
        "andel_langtidsledige",
    }
    assert df["source"].unique().to_list() == ["jobindsats.dk API"]
    data = [r for r in api.requests if "/data/" in r.url.path]
    assert [r.url.params["hierarchy._nykom"] for r in data] == ["*", "/"]
    for r in data:
        assert r.url.params["period.M"] == "2026M03,2026M04"
        assert r.url.params["hierarchy._ygrpi09"] == "*"
        for h in ("_kon", "_aldera", "_oprinda", "_akassebl"):
            assert r.url.params[f"hierarchy.{h}"] == "/"
        assert "hierarchy._hele_landet" not in r.url.params
        assert r.url.params["mgroup.*"] == "*"
        # '*', '/', ':' and ',' travel unencoded, as public clients send them
        assert b"hierarchy._ygrpi09=*" in r.url.raw_path
        assert b"period.M=2026M03,2026M04" in r.url.raw_path


def test_renamed_label_stops_the_import(tmp_path: Path) -> None:
    api = FakeApi()
    renamed = "Antal langtidsledige fuldtidspersoner 16-66 år"
    body = {
        "columns": ["Periode", "Område", "Ydelsesgrupper", renamed],
        "rows": [["2026M04", "Favrskov", "Ydelsesgrupper i alt", 115]],
    }
    api.push("/data/y25i09", lambda r: jresp(200, body))
    with make_client(api, tmp_path) as client, pytest.raises(ReadError) as info:
        fetch_table(client, Selection("y25i09", periods="latest:1", areas=("Favrskov",)))
    assert info.value.column == renamed
    assert "for table y25i09" in str(info.value)
    assert str(info.value).startswith("api.jobindsats.dk /v3/data/y25i09")


def test_a_hierarchy_the_table_lacks_is_never_sent(tmp_path: Path) -> None:
    """A table without ``_nykom`` (like y25i14) answers 422 "Unknown hierarchies" when it
    is asked for; the fetch takes the country from ``_hele_landet`` where the metadata
    lists it, and refuses '*' (municipalities) before any data request."""
    api = FakeApi()
    dims = [d for d in META["dimensions"] if d["dimension_id"] != "_omrade"]
    country = {"dimension_id": "_omrade", "hierarchies": [_hierarchy("_hele_landet", AREAS[:1])]}
    api.meta = {**META, "dimensions": [country, *dims]}
    with make_client(api, tmp_path) as client:
        with pytest.raises(JobindsatsRequestError) as info:
            client.data("y25i09", {"period.M": "2026M04", "hierarchy._nykom": "*"})
        assert info.value.status == 422
        assert str(info.value).endswith("(HTTP 422): Unknown hierarchies: ['_nykom']")
        with pytest.raises(SelectionError, match="has no _nykom hierarchy"):
            fetch_table(client, Selection("y25i09", periods="latest:1"))
        res = fetch_table(client, Selection("y25i09", periods="latest:1", areas=("Hele landet",)))
    sent = [r.url.params for r in api.requests if r.url.path.endswith("/data/y25i09")]
    assert [p.get("hierarchy._hele_landet") for p in sent] == [None, "/"]
    assert set(res.converted.df["area_code"]) == {"000"}
    # 2026M04 is month 15: the country's long-term full-time persons 20000 + 15
    total = res.converted.df.filter(
        (pl.col("measure_id") == "fuldtidspersoner") & (pl.col("benefit_group") == TOTAL)
    )
    assert total["value"].to_list() == [20015.0]
