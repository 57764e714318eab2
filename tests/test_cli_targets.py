"""`jobmaal targets` and `jobmaal kpi` on a small store."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from data_connectors.store import Store
from domain.periods import month_range
from tests.builders import monthly

TARGETS = Path(__file__).resolve().parents[1] / "targets"


def _fill_store() -> None:
    store = Store(Path(os.environ["JOBMAAL_DATA_DIR"]))
    values = dict.fromkeys(month_range("2020M08", "2021M07"), 165.0)
    values.update(dict.fromkeys(month_range("2022M01", "2022M06"), 120.0))
    store.import_aggregate(monthly("y25i09", "fuldtidspersoner", values), origin="test")


def test_targets_json() -> None:
    _fill_store()
    res = CliRunner().invoke(
        cli,
        ["targets", "--municipality", "710", "--year", "2022", "--plans", str(TARGETS), "--json"],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    ltu = next(r for r in rows if r["id"] == "2")
    for key in (
        "id",
        "label",
        "value",
        "target",
        "gap",
        "status",
        "projection",
        "baseline",
        "unit",
        "periods_covered",
    ):
        assert key in ltu
    assert ltu["value"] == 120.0 and ltu["target"] == 117.0
    assert ltu["status"] == "i risiko"
    assert ltu["periods_covered"] == "2022M01-2022M06"
    assert {r["status"] for r in rows if r["id"] != "2"} == {"ingen data"}


def test_targets_text() -> None:
    _fill_store()
    res = CliRunner().invoke(cli, ["targets", "-m", "710", "-y", "2022", "--plans", str(TARGETS)])
    assert res.exit_code == 0, res.output
    assert "[2] Langtidsledige" in res.output and "i risiko" in res.output


def test_kpi_json_and_table() -> None:
    _fill_store()
    res = CliRunner().invoke(
        cli,
        [
            "kpi",
            "langtidsledige",
            "--municipality",
            "710",
            "--from",
            "2022M01",
            "--to",
            "2022M03",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [r["period"] for r in rows] == ["2022M01", "2022M02", "2022M03"]
    assert all(r["value"] == 120.0 for r in rows)
    res = CliRunner().invoke(cli, ["kpi", "langtidsledige", "-m", "710"])
    assert res.exit_code == 0 and "2022M06" in res.output


def test_user_errors_are_one_line_exit_2() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["kpi", "nope", "-m", "710"])
    assert res.exit_code == 2
    assert "unknown metric 'nope'" in res.output
    res = runner.invoke(cli, ["targets", "-m", "999", "-y", "2022"])
    assert res.exit_code == 2 and "unknown area code '999'" in res.output
    res = runner.invoke(cli, ["targets", "-m", "710", "-y", "1999", "--plans", str(TARGETS)])
    assert res.exit_code == 2 and "no plan for municipality 710 and year 1999" in res.output


def test_kpi_reversed_period_range_is_a_one_line_error() -> None:
    _fill_store()
    res = CliRunner().invoke(
        cli, ["kpi", "langtidsledige", "-m", "710", "--from", "2022M01", "--to", "2021M01"]
    )
    assert res.exit_code == 2
    assert res.output.strip() == (
        "jobmaal: error: the first period 2022M01 is after the last period 2021M01"
    )


def test_kpi_without_its_data_names_the_dataset_and_how_to_load_it() -> None:
    _fill_store()  # only y25i09 is loaded; uddannelseshjaelp needs y38a02
    res = CliRunner().invoke(cli, ["kpi", "uddannelseshjaelp", "-m", "710"])
    assert res.exit_code == 2
    assert res.output.strip() == (
        "jobmaal: error: no data loaded for uddannelseshjaelp: it needs y38a02 or y60a02; "
        "run `jobmaal demo` or `jobmaal import` to load it"
    )
    res = CliRunner().invoke(cli, ["kpi", "flygtninge_kvindeandel"])
    assert res.exit_code == 2
    assert "fasit_selvforsoergelse or person_refugee_months" in res.output
