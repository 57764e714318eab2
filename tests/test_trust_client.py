"""The key never leaks, and the API cannot hang or flood a fetch (issue 11, parts 2 and 6).

Hanging and trickling servers are real HTTP servers on localhost; the rest uses the
real-shaped FakeApi of tests/test_jobindsats_client.py.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from click.testing import CliRunner, Result
from pydantic import SecretStr

from cli import imports
from cli.main import cli
from data_connectors.jobindsats.client import (
    JobindsatsClient,
    JobindsatsKeyError,
    JobindsatsNotJson,
    JobindsatsRequestError,
    JobindsatsTooLarge,
    JobindsatsUnavailable,
)
from data_connectors.jobindsats.fetch import Selection, fetch_table
from data_connectors.store import Store
from tests.test_jobindsats_client import BASE, KEY, MONTHS, FakeApi, data_body, jresp, make_client

ECHO_JSON = {
    "cause": f"bad request (key {KEY})",
    "headers": {"Authorization": f"Bearer {KEY}", "Accept": "application/json"},
}
ECHO_TEXT = f"400 Bad Request\nAuthorization: Bearer {KEY}\nx-api-key={KEY}\n"


def _everything(tmp_path: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()
    )


# -- part 2: the key never reaches a message, a log line or the cache ----------------------
@pytest.mark.parametrize(
    "body",
    [
        json.dumps(ECHO_JSON).encode(),
        ECHO_TEXT.encode(),
        json.dumps({"detail": ECHO_TEXT}).encode(),
    ],
    ids=["json", "text", "json-detail"],
)
def test_an_echoed_key_is_redacted_from_errors_and_logs(
    tmp_path: Path, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeApi()
    api.push("/data/y25i09", lambda req: httpx.Response(400, content=body))
    caplog.set_level(logging.DEBUG)
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsRequestError) as e:
        client.data("y25i09", {"period.M": "2026M04"})
    assert api.requests[-1].headers["Authorization"] == f"Bearer {KEY}"  # it was sent
    for text in (str(e.value), repr(e.value), str(e.value.cause), caplog.text):
        assert KEY not in text
        assert "Bearer s3" not in text
    assert "[redacted]" in str(e.value)
    assert KEY not in _everything(tmp_path)


def test_an_echo_in_a_good_answer_is_redacted_from_the_cache(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/tables", lambda req: jresp(200, {"echo": f"Bearer {KEY}", "subjects": []}))
    warnings: list[str] = []
    with make_client(api, tmp_path, warnings=warnings) as client:
        _, resp = client.catalogue()
    assert KEY not in json.dumps(resp.payload)
    cached = list((tmp_path / "cache").glob("*.json"))
    assert cached and KEY not in _everything(tmp_path)
    # and the snapshot used when offline does not bring it back
    api.push("/tables", *[lambda req: httpx.Response(503)] * 4)
    with make_client(api, tmp_path, warnings=warnings) as client:
        _, resp = client.catalogue()
    assert resp.from_cache and KEY not in json.dumps(resp.payload)
    assert all(KEY not in w for w in warnings)


def test_a_key_that_is_not_the_configured_one_is_redacted_as_a_bearer_token(
    tmp_path: Path,
) -> None:
    api = FakeApi()
    api.push("/data/y25i09", lambda req: jresp(400, {"cause": "Bearer other-token-42 refused"}))
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsRequestError) as e:
        client.data("y25i09", {"period.M": "2026M04"})
    assert "other-token-42" not in str(e.value) and "other-token-42" not in str(e.value.cause)


# -- part 6: the key is checked up front -------------------------------------------------
def test_the_key_is_stripped_of_surrounding_whitespace(tmp_path: Path) -> None:
    api = FakeApi()
    client = JobindsatsClient(
        SecretStr(f"  {KEY}\n"), base_url=BASE, transport=httpx.MockTransport(api)
    )
    with client:
        client.catalogue()
    assert api.requests[0].headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("s3cret key-0123", "whitespace inside the key"),
        ("s3cret\tkey-0123", "whitespace inside the key"),
        ("s3cretæøå-0123", "not ASCII"),
        ("s3cret\x07-0123", "control character"),
        ("   ", "is empty"),
    ],
)
def test_a_key_that_cannot_be_sent_names_the_setting_never_the_key(key: str, fragment: str) -> None:
    with pytest.raises(JobindsatsKeyError) as e:
        JobindsatsClient(SecretStr(key), base_url=BASE)
    assert fragment in str(e.value)
    assert "JOBMAAL_JOBINDSATS_API_KEY" in str(e.value)
    assert key.strip() not in str(e.value) or not key.strip()


# -- part 6: a hanging or trickling server -----------------------------------------------
class _Server:
    """A real HTTP server on localhost; ``mode``: hang (never answers) or trickle."""

    def __init__(self, mode: str):
        self.stop = threading.Event()
        stop = self.stop

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if mode == "hang":
                    stop.wait(30)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                while not stop.is_set():  # one byte every 0.1 s: no read ever times out
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                    stop.wait(0.1)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hanging() -> Iterator[_Server]:
    s = _Server("hang")
    yield s
    s.close()


@pytest.fixture
def trickling() -> Iterator[_Server]:
    s = _Server("trickle")
    yield s
    s.close()


def test_a_hanging_server_is_given_up_on_by_the_overall_deadline(hanging: _Server) -> None:
    client = JobindsatsClient(
        SecretStr(KEY), base_url=hanging.base, timeout=0.5, total_timeout=1.5, backoff_base=0.2
    )
    start = time.monotonic()
    with client, pytest.raises(JobindsatsUnavailable) as e:
        client.catalogue()
    assert time.monotonic() - start < 4
    assert "JOBMAAL_JOBINDSATS_TIMEOUT" in str(e.value) or "timed out" in str(e.value)


def test_a_trickling_server_is_cut_off_by_the_overall_deadline(trickling: _Server) -> None:
    # every read gets a byte well within the 1 s per-request timeout: only the overall
    # deadline can end this
    client = JobindsatsClient(
        SecretStr(KEY), base_url=trickling.base, timeout=1.0, total_timeout=1.5
    )
    start = time.monotonic()
    with client, pytest.raises(JobindsatsUnavailable, match=r"within 1\.5 s in all"):
        client.catalogue()
    assert time.monotonic() - start < 4


def test_cli_fetch_from_a_hanging_server_ends_within_the_setting(
    hanging: _Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", KEY)
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_BASE_URL", hanging.base)
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_TIMEOUT", "1")
    monkeypatch.setattr(imports, "BACKOFF_BASE", 0.1)
    start = time.monotonic()
    r = CliRunner().invoke(cli, ["fetch", "y25i09"], catch_exceptions=False)
    assert time.monotonic() - start < 6
    assert r.exit_code == 2
    assert "warning: catalogue not refreshed" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("jobmaal: error: 127.0.0.1:")
    assert "within 1 s in all (JOBMAAL_JOBINDSATS_TIMEOUT)" in r.stderr
    assert KEY not in r.output


# -- part 6: size cap, read streamed ------------------------------------------------------
def _huge(request: httpx.Request) -> httpx.Response:
    def chunks() -> Iterator[bytes]:
        yield b'{"columns": ["Periode"], "rows": ['
        row = b'["2026M04"],' * 10_000  # 120 kB
        for _ in range(100 * 1024 * 1024 // len(row)):  # 100 MB
            yield row
        yield b'["2026M04"]]}'

    return httpx.Response(200, content=chunks())  # no Content-Length: only reading tells


def test_a_100_mb_answer_is_refused_streamed_without_holding_it(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/data/y25i09", _huge)
    tracemalloc.start()
    try:
        with make_client(api, tmp_path) as client, pytest.raises(JobindsatsTooLarge) as e:
            client.data("y25i09", {"period.M": "latest:24"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 160 * 1024 * 1024  # the 50 MB cap and a copy, never the 100 MB
    assert "more than 50 MB for GET /data/y25i09?period.M=latest:24" in str(e.value)
    assert "fewer periods" in str(e.value) and "JOBMAAL_JOBINDSATS_MAX_MB" in str(e.value)
    assert not list((tmp_path / "cache").glob("*.json"))


def test_a_declared_length_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    api = FakeApi()
    api.push(
        "/data/y25i09",
        lambda req: httpx.Response(200, headers={"Content-Length": str(60 * 1024**2)}, content=b""),
    )
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsTooLarge):
        client.data("y25i09", {"period.M": "2026M04"})


def test_the_cap_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", KEY)
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_MAX_MB", "0.001")  # about 1 kB
    monkeypatch.setattr(imports, "BACKOFF_BASE", 0.0)
    api = FakeApi()
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=api)
        r = CliRunner().invoke(cli, ["fetch", "y25i09", "--periods", "latest:2"])
    assert r.exit_code == 2
    assert "ask for fewer periods" in r.stderr


# -- part 6: a catalogue that answers HTML ------------------------------------------------
HTML = b"<!DOCTYPE html><html><body>Log ind p\xc3\xa5 proxy</body></html>"


def test_html_from_the_catalogue_is_not_json(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/tables", lambda req: httpx.Response(200, content=HTML))
    with make_client(api, tmp_path) as client, pytest.raises(JobindsatsNotJson, match="HTML"):
        client.catalogue()


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def cli_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", KEY)
    monkeypatch.setattr(imports, "BACKOFF_BASE", 0.0)
    return FakeApi()


def test_cli_fetch_goes_on_when_the_catalogue_answers_html(
    cli_api: FakeApi, tmp_path: Path
) -> None:
    cli_api.push("/tables", lambda req: httpx.Response(200, content=HTML))
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=cli_api)
        r = _run("fetch", "y25i09", "--periods", "latest:2")
    assert r.exit_code == 0, r.output
    assert "warning: catalogue not refreshed: api.jobindsats.dk answered GET /tables" in r.stderr
    assert "72 rows into y25i09" in r.stdout
    assert Store(tmp_path / "data").read_meta("jobindsats_catalogue") is None


def test_cli_output_and_cache_never_hold_an_echoed_key(cli_api: FakeApi, tmp_path: Path) -> None:
    cli_api.push("/tables", lambda req: jresp(200, {"subjects": [], "echo": f"Bearer {KEY}"}))
    cli_api.push("/data/y25i09", lambda req: httpx.Response(400, content=ECHO_TEXT.encode()))
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=cli_api)
        r = _run("fetch", "y25i09", "--periods", "latest:1")
    assert r.exit_code == 2
    assert "(HTTP 400)" in r.stderr and "[redacted]" in r.stderr
    assert KEY not in r.output
    assert KEY not in _everything(tmp_path / "data")


def test_cli_names_a_bad_key_setting_with_exit_2(
    cli_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", "abc def-ghi")
    r = _run("fetch", "y25i09")
    assert r.exit_code == 2
    assert r.stderr.startswith("jobmaal: error: JOBMAAL_JOBINDSATS_API_KEY")
    assert "abc def-ghi" not in r.output and len(r.stderr.strip().splitlines()) == 1


# -- part 6: progress, and rows for periods not asked for ----------------------------------
def test_cli_prints_progress_per_request(cli_api: FakeApi) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=cli_api)
        r = _run("fetch", "y25i09", "--periods", "latest:4", "--max-cells", "48")
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("fetching y25i09")]
    # municipalities: 2 x 3 x 4 = 24 cells a month -> 2 months a request; the country 1 x 3 x 4
    assert lines == [f"fetching y25i09: request {i} of 3 ..." for i in (1, 2, 3)]


def test_progress_counts_the_halves_of_a_too_large_request(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/data/y25i09", lambda req: jresp(400, {"cause": "Too many cells requested"}))
    lines: list[str] = []
    with make_client(api, tmp_path) as client:
        fetch_table(
            client, Selection("y25i09", periods="latest:2", areas=("*",)), progress=lines.append
        )
    # the total grows when the API says a request is too large and it is halved
    assert lines == [
        "fetching y25i09: request 1 of 1 ...",
        "fetching y25i09: request 2 of 3 ...",
        "fetching y25i09: request 3 of 3 ...",
    ]


def _with_extra_periods(request: httpx.Request) -> httpx.Response:
    resp = data_body(request)
    body = json.loads(resp.content.decode("utf-8-sig"))
    extra = [[p, *r[1:]] for p in ("2024M12", "2025M01") for r in body["rows"][:2]]
    body["rows"] += extra
    return jresp(200, body)


def test_rows_for_periods_not_requested_are_dropped_with_a_warning(tmp_path: Path) -> None:
    api = FakeApi()
    api.push("/data/y25i09", _with_extra_periods)
    with make_client(api, tmp_path) as client:
        res = fetch_table(client, Selection("y25i09", periods="2026M04", areas=("*",)))
    assert sorted(res.converted.df["period"].unique()) == ["2026M04"]
    assert res.converted.warnings[-1] == (
        "y25i09: dropped 4 rows for periods not requested: 2024M12, 2025M01"
    )


def test_no_warning_when_the_answer_holds_only_what_was_asked(tmp_path: Path) -> None:
    with make_client(FakeApi(), tmp_path) as client:
        res = fetch_table(client, Selection("y25i09", periods="latest:2", areas=("*",)))
    assert not [w for w in res.converted.warnings if "not requested" in w]
    assert sorted(res.converted.df["period"].unique()) == MONTHS[-2:]
