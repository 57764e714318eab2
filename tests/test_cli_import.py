"""``jobmaal import`` and ``jobmaal fetch`` through click, against tmp stores."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import polars as pl
import pytest
import respx
from click.testing import CliRunner, Result

from cli import imports
from cli.main import cli
from data_connectors.readers import read_file
from data_connectors.store import Store
from tests.test_jobindsats_client import BASE, KEY, META, FakeApi
from tests.test_readers_corpus import CASES, CORPUS

GOOD = (
    "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
    "Antal langtidsledige personer\n"
    "2021M07;Favrskov;Ydelsesgrupper i alt;118,5;140\n"
    "2021M07;Favrskov;A-dagpenge;..;12\n"
    "2021M07;Uoplyst område;A-dagpenge;1;2\n"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(d))
    return d


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_import_good_file_then_again(data_dir: Path, tmp_path: Path) -> None:
    p = tmp_path / "y25i09.csv"
    p.write_text(GOOD, encoding="utf-8")
    r = run("import", str(p))
    assert r.exit_code == 0, r.output
    assert f"{p}: 4 rows into y25i09 (4 new, 0 replaced) [y25i09]" in r.stdout
    assert "skipped 1 'Uoplyst område' row(s)" in r.stdout
    df = Store(data_dir).scan("y25i09").collect()
    assert df.height == 4
    assert df.filter(pl.col("measure_id") == "fuldtidspersoner")["value"].to_list() == [
        118.5,
        None,
    ]
    r = run("import", str(p))
    assert r.exit_code == 0
    assert "already imported (same SHA-256), nothing changed" in r.stdout
    log = Store(data_dir).import_log()
    assert log["kind"].to_list() == ["file"] and log["origin"].to_list() == [str(p)]


def test_import_with_dataset_option(data_dir: Path, tmp_path: Path) -> None:
    p = tmp_path / "ledighedsydelse.csv"
    p.write_text("Periode;Område;Antal personer\n2021M07;Favrskov;134\n", encoding="utf-8")
    assert run("import", str(p)).exit_code == 2  # ambiguous without --dataset
    r = run("import", "--dataset", "y09a02", str(p))
    assert r.exit_code == 0, r.output
    assert Store(data_dir).datasets() == ["y09a02"]


def test_nothing_is_stored_when_any_file_is_bad(data_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    r = run("import", str(good), str(CORPUS / "negative_count.csv"))
    assert r.exit_code == 2
    assert not data_dir.exists() or Store(data_dir).is_empty()


def test_every_bad_corpus_file_leaves_the_store_unchanged(data_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert run("import", str(good)).exit_code == 0
    before = snapshot(data_dir)
    assert any(k.endswith("y25i09.parquet") for k in before)
    for name, dataset, row, _column, fragment in CASES:
        args = ["import", str(CORPUS / name)] + (["--dataset", dataset] if dataset else [])
        r = run(*args)
        assert r.exit_code == 2, name
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, (name, r.stderr)
        assert lines[0].startswith(f"jobmaal: error: {CORPUS / name}"), lines[0]
        assert fragment in lines[0]
        if row is not None:
            assert f"row {row}" in lines[0]
        assert "Traceback" not in r.output
        assert snapshot(data_dir) == before, name


def test_200_mb_file_via_cli(data_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    r = run("import", str(big))
    assert r.exit_code == 2
    assert "larger than the 100.0 MB limit" in r.stderr
    r = run("import", "--max-size", "0.0001", str(CORPUS / "negative_count.csv"))
    assert "larger than the 0.0 MB limit" in r.stderr


def test_missing_file(data_dir: Path, tmp_path: Path) -> None:
    r = run("import", str(tmp_path / "nope.csv"))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"jobmaal: error: {tmp_path / 'nope.csv'}: no such file"


def test_import_of_several_files_is_all_or_nothing(data_dir: Path, tmp_path: Path) -> None:
    monthly = tmp_path / "y25i09.csv"
    monthly.write_text(GOOD, encoding="utf-8")
    bench = tmp_path / "y30r21.csv"
    bench.write_text(
        "Periode;Område;Forventet antal;Faktisk antal;Placering på benchmarkranglisten\n"
        "2022QMAT04;Favrskov;5.430;5.210;12\n",
        encoding="utf-8",
    )
    assert run("import", str(bench)).exit_code == 0
    store = Store(data_dir)
    store.aggregate_path("y30r21").write_bytes(b"garbage")  # the 2nd file's dataset is corrupt
    before = snapshot(data_dir)
    bench.write_text(bench.read_text(encoding="utf-8") + "2022QMAT04;Aarhus;1;1;1\n")
    r = run("import", str(monthly), str(bench))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "y30r21.parquet: not a readable Parquet file" in lines[0]
    assert snapshot(data_dir) == before  # y25i09 was not stored either
    assert store.datasets() == ["y30r21"]
    assert store.import_log()["origin"].to_list() == [str(bench)]


def test_import_of_a_folder_says_so(data_dir: Path, tmp_path: Path) -> None:
    r = run("import", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        f"jobmaal: error: {tmp_path}: is a folder; give the files to import"
    )


# -- fetch -----------------------------------------------------------------------------
@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", KEY)
    monkeypatch.setattr(imports, "BACKOFF_BASE", 0.0)
    return FakeApi()


def test_fetch_without_key(data_dir: Path) -> None:
    r = run("fetch", "y25i09")
    assert r.exit_code == 2
    assert "no jobindsats.dk API key: set JOBMAAL_JOBINDSATS_API_KEY" in r.stderr


def test_fetch_table_stores_rows_and_catalogue(data_dir: Path, api: FakeApi) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09", "--periods", "latest:2")
    assert r.exit_code == 0, r.output
    assert KEY not in r.output
    assert "y25i09: api.jobindsats.dk /v3/data/y25i09 period.M=latest:2" in r.stdout
    # municipalities: 2 months x 2 municipalities x 3 benefit groups x 4 measures = 48;
    # the country, asked separately: 2 x 1 x 3 x 4 = 24
    assert "72 rows into y25i09 (72 new, 0 replaced)" in r.stdout
    assert "updated by STAR 2026-05-12, next update 2026-06-10" in r.stdout
    store = Store(data_dir)
    assert sorted(store.scan("y25i09").collect()["period"].unique()) == ["2026M03", "2026M04"]
    cat = store.read_meta("jobindsats_catalogue")
    assert cat is not None and cat["table_id"].to_list() == ["y25i09"]
    assert store.import_log()["kind"].to_list() == ["api"]
    cached = list((data_dir / "cache" / "jobindsats").glob("*.json"))
    assert cached and all(KEY not in p.read_text(encoding="utf-8") for p in cached)


def test_fetch_config_then_offline_uses_snapshot(
    data_dir: Path, api: FakeApi, tmp_path: Path
) -> None:
    cfg = tmp_path / "fetch.toml"
    cfg.write_text('[[table]]\nid = "y25i09"\nperiods = "latest:3"\n', encoding="utf-8")
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=api)
        assert run("fetch", "--config", str(cfg)).exit_code == 0
    before = snapshot(data_dir / "store")
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=httpx.ConnectError("no route to host"))
        r = run("fetch", "--config", str(cfg))
    assert r.exit_code == 0, r.output
    assert "using the cached snapshot of GET /data/y25i09" in r.stderr
    assert "minutes old" in r.stderr
    assert "already imported (same SHA-256), nothing changed" in r.stdout
    assert snapshot(data_dir / "store") == before


def test_fetch_401(data_dir: Path, api: FakeApi) -> None:
    api.push("/tables", lambda req: httpx.Response(401, content=b'{"code": 401}'))
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09")
    assert r.exit_code == 2
    assert "rejected the API key (HTTP 401)" in r.stderr
    assert KEY not in r.output


def test_fetch_422_names_the_cause(data_dir: Path, api: FakeApi) -> None:
    api.push(
        "/data/y25i09",
        lambda req: httpx.Response(
            422, content=json.dumps({"code": 422, "cause": "Unknown period type: M"}).encode()
        ),
    )
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09", "--periods", "latest:1")
    assert r.exit_code == 2
    assert r.stderr.strip().endswith("(HTTP 422): Unknown period type: M")
    assert not Store(data_dir).datasets()


def test_fetch_usage(data_dir: Path) -> None:
    assert run("fetch").exit_code == 2
    r = run("fetch", "y99z99")
    assert r.exit_code == 2 and "no mapping for table 'y99z99'" in r.stderr


@pytest.mark.parametrize(
    ("periods", "problem"),
    [
        ("bogus", "'bogus' is neither latest:N, all nor a period code"),
        ("latest:0", "N in latest:N must be a whole number of 1 or more, got '0'"),
        ("latest:many", "N in latest:N must be a whole number of 1 or more, got 'many'"),
        ("XYZ=latest:4", "unknown period type 'XYZ'"),
        ("2025M01,2025Q01", "the period codes must all be of one type, got M, Q"),
        ("QMAT=2025M01", "the period codes must all be of QMAT type, got M"),
        (",", "no periods given"),
    ],
)
def test_fetch_bad_periods_fails_before_any_request(
    data_dir: Path, api: FakeApi, periods: str, problem: str
) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        route = mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09", "--periods", periods)
    assert r.exit_code == 2
    assert route.call_count == 0 and api.requests == []
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"jobmaal: error: --periods {periods!r}: {problem}; expected ")
    for form in ("latest:N", "all", "TYPE=latest:N", "QMAT", "comma list of period codes"):
        assert form in lines[0]


def test_fetch_bad_periods_checked_without_a_key(data_dir: Path) -> None:
    r = run("fetch", "y25i09", "--periods", "bogus")  # no API key set
    assert r.exit_code == 2
    assert r.stderr.startswith("jobmaal: error: --periods 'bogus': ")


def test_fetch_config_with_bad_periods_names_file_and_table(
    data_dir: Path, api: FakeApi, tmp_path: Path
) -> None:
    cfg = tmp_path / "fetch.toml"
    cfg.write_text(
        '[[table]]\nid = "y25i09"\nperiods = "latest:3"\n\n'
        '[[table]]\nid = "y30r21"\nperiods = "QMAT=senest:8"\n',
        encoding="utf-8",
    )
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        route = mock.route().mock(side_effect=api)
        r = run("fetch", "--config", str(cfg))
    assert r.exit_code == 2
    assert route.call_count == 0
    assert r.stderr.startswith(
        f"jobmaal: error: {cfg}: table y30r21: periods 'QMAT=senest:8': "
        "'senest:8' is neither latest:N, all nor a period code; expected latest:N"
    )


def test_fetch_unreachable_custom_base_url_names_its_host(
    data_dir: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = "https://proxy.kommune.example:8443/jobindsats/v3"
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_BASE_URL", proxy)
    with respx.mock(base_url=proxy) as mock:
        mock.route().mock(side_effect=httpx.ConnectError("no route to host"))
        r = run("fetch", "y25i09", "--periods", "latest:1")
    assert r.exit_code == 2
    assert "warning: catalogue not refreshed: proxy.kommune.example:8443 could not be reached" in (
        r.stderr
    )
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "jobmaal: error: proxy.kommune.example:8443 could not be reached for GET /table/y25i09"
    )
    assert "api.jobindsats.dk" not in r.output


def test_fetch_via_custom_base_url_names_it_in_the_origin(
    data_dir: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = "https://proxy.kommune.example/v3"
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_BASE_URL", proxy)
    with respx.mock(base_url=proxy) as mock:
        mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09", "--periods", "latest:1")
    assert r.exit_code == 0, r.output
    assert "y25i09: proxy.kommune.example /v3/data/y25i09 period.M=latest:1" in r.stdout
    assert Store(data_dir).import_log()["origin"][0].startswith("proxy.kommune.example /v3/data/")


# -- period types a dataset does not declare ---------------------------------------------
def test_import_warns_about_period_types_the_kpis_do_not_use(
    data_dir: Path, tmp_path: Path
) -> None:
    p = tmp_path / "y25i09_qmat.csv"
    p.write_text(
        "Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner;"
        "Antal langtidsledige personer\n"
        "2021M07;Favrskov;Ydelsesgrupper i alt;118,5;140\n"
        "2022QMAT04;Favrskov;Ydelsesgrupper i alt;120,5;150\n"
        "2022QMAT04;Aarhus;Ydelsesgrupper i alt;900;1.100\n"
        "2022QMAT04;Hele landet;Ydelsesgrupper i alt;50.000;60.000\n",
        encoding="utf-8",
    )
    r = run("import", str(p))
    assert r.exit_code == 0, r.output
    # 3 QMAT data rows x 2 measures = 6 stored rows; the 2021M07 row is monthly as declared.
    assert r.stderr.strip().splitlines() == [
        "warning: y25i09: 6 rows with period type QMAT, which the KPIs do not use"
    ]
    stored = Store(data_dir).scan("y25i09").collect()
    assert stored.height == 8  # stored, not refused
    assert stored.filter(pl.col("period") == "2022QMAT04").height == 6


def test_import_of_declared_period_types_gives_no_warning(data_dir: Path, tmp_path: Path) -> None:
    monthly = tmp_path / "y25i09.csv"
    monthly.write_text(GOOD, encoding="utf-8")
    bench = tmp_path / "y30r21.csv"
    bench.write_text(
        "Periode;Område;Forventet antal;Faktisk antal;Placering på benchmarkranglisten\n"
        "2022QMAT04;Favrskov;5.430;5.210;12\n",
        encoding="utf-8",
    )
    r = run("import", str(monthly), str(bench))
    assert r.exit_code == 0, r.output
    assert "warning" not in r.stderr


def test_import_warning_names_every_undeclared_type(data_dir: Path, tmp_path: Path) -> None:
    p = tmp_path / "y30r21_mixed.csv"
    p.write_text(
        "Periode;Område;Forventet antal;Faktisk antal;Placering på benchmarkranglisten\n"
        "2022QMAT04;Favrskov;5.430;5.210;12\n"
        "2022M12;Favrskov;5.400;5.200;11\n"
        "2022Q04;Favrskov;5.410;5.205;10\n"
        "2022Q03;Favrskov;5.420;5.206;9\n",
        encoding="utf-8",
    )
    r = run("import", str(p))
    assert r.exit_code == 0, r.output
    # y30r21 declares QMAT only: 1 M row and 2 Q rows, 3 measures each.
    assert r.stderr.strip() == (
        "warning: y30r21: 3 rows with period type M and 6 rows with period type Q, "
        "which the KPIs do not use"
    )


def test_fetch_warns_about_undeclared_period_types(data_dir: Path, api: FakeApi) -> None:
    def qmat_data(request: httpx.Request) -> httpx.Response:
        assert request.url.params["period.QMAT"] == "2025QMAT04"
        body = {
            "columns": ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige personer"],
            "rows": [["2025QMAT04", "Favrskov", "Ydelsesgrupper i alt", 130]],
        }
        return httpx.Response(200, content=json.dumps(body, ensure_ascii=False).encode())

    meta = json.loads(json.dumps(META))
    meta["periods"].append({"periodtype_id": "QMAT", "values": [{"period_id": "2025QMAT04"}]})
    api.push("/table/y25i09", lambda req: httpx.Response(200, content=json.dumps(meta).encode()))
    api.push("/data/y25i09", qmat_data)
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=api)
        r = run("fetch", "y25i09", "--periods", "QMAT=latest:1", "--areas", "Favrskov")
    assert r.exit_code == 0, r.output
    assert "warning: y25i09: 1 row with period type QMAT, which the KPIs do not use" in r.stderr


def test_closed_stdout_pipe_exits_quietly(data_dir: Path) -> None:
    """`jobmaal status | head`: no "Broken pipe" error once the reader is gone."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        p = subprocess.run(
            [sys.executable, "-m", "cli.main", "status"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).parent.parent,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert p.stderr == b""
    assert p.returncode == 0


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CSV read in chunks of about two lines (as a file above 32 MB is)."""
    from data_connectors import readers
    from data_connectors.readers import csv_stream

    monkeypatch.setattr(readers, "STREAM_ABOVE", 0)
    monkeypatch.setattr(csv_stream, "CHUNK_BYTES", 64)


def test_chunked_import_stores_what_a_whole_read_stores(
    data_dir: Path, tmp_path: Path, chunked: None
) -> None:
    lines = [GOOD.splitlines()[0]] + [
        f"{y}M{m:02d};Favrskov;A-dagpenge;{m},5;{y - 2000 + m}"
        for y in (2020, 2021)
        for m in range(1, 13)
    ]
    p = tmp_path / "y25i09.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run("import", str(p))
    assert r.exit_code == 0, r.output
    # 24 rows x 2 measures, one partition per year
    assert f"{p}: 48 rows into y25i09 (48 new, 0 replaced) [y25i09]" in r.stdout
    store = Store(data_dir)
    got = store.scan("y25i09").collect().sort("period", "measure_id")
    assert got.equals(read_file(p).df.sort("period", "measure_id").select(got.columns))
    folder = store.root / "aggregate" / "y25i09"
    assert sorted(f.parent.name for f in folder.rglob("*.parquet")) == ["year=2020", "year=2021"]
    assert not list(data_dir.glob(".import-*"))  # the spilled rows are gone


def test_chunked_import_of_a_bad_file_stores_nothing(
    data_dir: Path, tmp_path: Path, chunked: None
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert run("import", str(good)).exit_code == 0
    before = snapshot(data_dir)
    r = run("import", str(CORPUS / "duplicate_conflict.csv"))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "row 3" in lines[0] and "conflicts with row 2" in lines[0]
    assert snapshot(data_dir) == before
    assert not list(data_dir.glob(".import-*"))
