"""The v3 client against recorded responses built from the documented shapes."""

from __future__ import annotations

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

from data_connectors.canonical import TOTAL
from data_connectors.jobindsats.client import (
    JobindsatsAuthError,
    JobindsatsClient,
    JobindsatsRequestError,
    JobindsatsUnavailable,
    catalogue_frame,
)
from data_connectors.jobindsats.fetch import Selection, fetch_table
from data_connectors.readers import ReadError

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

META = {
    "table_id": "y25i09",
    "periods": [{"periodtype_id": "M", "values": [{"period_id": p} for p in MONTHS]}],
    "dimensions": [
        {
            "dimension_id": "_omrade",
            "hierarchies": [
                {
                    "hierarchy_id": "_hele_landet",
                    "levels": [
                        {
                            "level_id": "land",
                            "values": [{"value_id": "/", "value_name": "Hele landet"}],
                        }
                    ],
                },
                {
                    "hierarchy_id": "_nykom",
                    "levels": [
                        {
                            "level_id": "kom",
                            "values": [
                                {"value_id": "/710/", "value_name": "Favrskov"},
                                {"value_id": "/751/", "value_name": "Aarhus"},
                            ],
                        }
                    ],
                },
            ],
        },
        {
            "dimension_id": "_ygrpi09",
            "hierarchies": [
                {
                    "hierarchy_id": "_ygrpi09",
                    "levels": [
                        {
                            "level_id": "grp",
                            "values": [
                                {"value_id": "/", "value_name": "Ydelsesgrupper i alt"},
                                {"value_id": "/2/", "value_name": "A-dagpenge"},
                                {"value_id": "/3/", "value_name": "Kontanthjælp"},
                            ],
                        }
                    ],
                }
            ],
        },
    ],
}

COLUMNS = [
    "Periode",
    "Område",
    "Ydelsesgruppe",
    "Langtidsledige: Antal fuldtidspersoner",
    "Langtidsledige: Antal personer",
]


def data_body(periods: list[str], columns: list[str] | None = None) -> dict[str, Any]:
    rows: list[list[Any]] = []
    for p in periods:
        n = MONTHS.index(p)
        rows.append([p, "Favrskov", "Ydelsesgrupper i alt", 100 + n, 130 + n])
        rows.append([p, "Favrskov", "A-dagpenge", None, 40 + n])
        rows.append([p, "Hele landet", "Ydelsesgrupper i alt", 20000 + n, 25000 + n])
    return {"columns": columns or COLUMNS, "rows": rows}


def jresp(status: int, body: Any, bom: bool = False) -> httpx.Response:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return httpx.Response(status, content=(b"\xef\xbb\xbf" + raw) if bom else raw)


class FakeApi:
    """A recorded API: routes by path; ``data`` answers any selection from MONTHS."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.queue: dict[str, list[Callable[[httpx.Request], httpx.Response]]] = {}
        self.columns = COLUMNS

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
            return jresp(200, META)
        if path == "/data/y25i09":
            periods = request.url.params["period.M"].split(",")
            return jresp(200, data_body(periods, self.columns), bom=True)
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
    assert resp.payload["columns"] == COLUMNS  # BOM stripped before JSON parsing
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
    assert meta.periods["M"][-1] == "2026M04" and len(meta.periods["M"]) == 16
    nykom = meta.hierarchy("_nykom")
    assert nykom is not None and nykom.values == (("/710/", "Favrskov"), ("/751/", "Aarhus"))


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
    api = FakeApi()
    with make_client(api, tmp_path) as client:
        res = fetch_table(client, Selection("y25i09", periods="latest:2"))
    df = res.converted.df
    got = {
        (r["period"], r["area_code"], r["benefit_group"], r["measure_id"]): r["value"]
        for r in df.iter_rows(named=True)
    }
    assert got == {
        ("2026M03", "710", TOTAL, "fuldtidspersoner"): 114.0,
        ("2026M03", "710", TOTAL, "personer"): 144.0,
        ("2026M03", "710", "A-dagpenge", "fuldtidspersoner"): None,
        ("2026M03", "710", "A-dagpenge", "personer"): 54.0,
        ("2026M03", "000", TOTAL, "fuldtidspersoner"): 20014.0,
        ("2026M03", "000", TOTAL, "personer"): 25014.0,
        ("2026M04", "710", TOTAL, "fuldtidspersoner"): 115.0,
        ("2026M04", "710", TOTAL, "personer"): 145.0,
        ("2026M04", "710", "A-dagpenge", "fuldtidspersoner"): None,
        ("2026M04", "710", "A-dagpenge", "personer"): 55.0,
        ("2026M04", "000", TOTAL, "fuldtidspersoner"): 20015.0,
        ("2026M04", "000", TOTAL, "personer"): 25015.0,
    }
    assert df.filter(pl.col("value").is_null())["suppressed"].to_list() == [True, True]
    assert df["source"].unique().to_list() == ["jobindsats.dk API"]
    params = api.requests[-1].url.params
    assert params["period.M"] == "2026M03,2026M04"
    assert params["hierarchy._nykom"] == "*"
    assert params["hierarchy._hele_landet"] == "*"
    assert params["hierarchy._ygrpi09"] == "*"
    assert params["mgroup.*"] == "*"


def test_renamed_label_stops_the_import(tmp_path: Path) -> None:
    api = FakeApi()
    api.columns = [*COLUMNS[:3], "Langtidsledige: Antal fuldtidspersoner 16-66 år", COLUMNS[4]]
    with make_client(api, tmp_path) as client, pytest.raises(ReadError) as info:
        fetch_table(client, Selection("y25i09", periods="latest:1"))
    assert info.value.column == "Langtidsledige: Antal fuldtidspersoner 16-66 år"
    assert "for table y25i09" in str(info.value)
    assert str(info.value).startswith("api.jobindsats.dk /v3/data/y25i09")
