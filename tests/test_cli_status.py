import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cli.main import cli
from data_connectors.store import Store
from tests.test_canonical import row


def test_help_lists_commands() -> None:
    out = CliRunner().invoke(cli, ["--help"])
    assert out.exit_code == 0
    for command in ("status", "import", "demo", "targets"):
        assert command in out.output


def test_status_on_empty_and_filled_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path))
    out = CliRunner().invoke(cli, ["status"])
    assert out.exit_code == 0 and "empty" in out.output
    Store(tmp_path).import_aggregate(
        pl.DataFrame([row(period="2020M01"), row(period="2021M07")]), origin="a", sha256="a"
    )
    out = CliRunner().invoke(cli, ["status", "--json"])
    assert out.exit_code == 0
    (entry,) = json.loads(out.output)
    assert entry["dataset_id"] == "y25i09"
    assert entry["first_period"] == "2020M01" and entry["last_period"] == "2021M07"
    assert entry["rows"] == 2


def test_user_error_is_one_line_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JOBMAAL_DATABASE_URL", "mysql://x@y/z")
    out = CliRunner().invoke(cli, ["status"])
    assert out.exit_code == 2
    assert out.output.count("\n") == 1
    assert out.output.startswith("jobmaal: error:") and "Traceback" not in out.output


def test_console_entry_point_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "from cli.main import main; main()", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Usage: jobmaal" in done.stdout


def test_corrupt_store_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path))
    s = Store(tmp_path)
    s.import_aggregate(pl.DataFrame([row()]), origin="a", sha256="a")
    s.aggregate_path("y25i09").write_bytes(b"garbage")
    out = CliRunner().invoke(cli, ["status"])
    assert out.exit_code == 2
    assert out.output.count("\n") == 1 and "y25i09.parquet" in out.output
