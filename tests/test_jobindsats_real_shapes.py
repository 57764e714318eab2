"""Files in the shape the live jobindsats v3 API (and v2, where noted) gives them.

The fixtures in ``tests/fixtures/jobindsats/`` were written by hand from the evidence in
``shared/JOBINDSATS.md`` ("Confirmed from public client code"): the column labels, the
totals ("Ydelsesgrupper i alt", A-kasse "I alt", "Køn i alt", "Kontanthjælpssatser i
alt"), nulls for suppressed cells, v3 JSON ``{"columns", "rows"}``, the API's CSV
(``;``, UTF-8 with BOM, decimal comma) and v2's ``Area`` column (y30r21). Every figure
checked here is worked out by hand in the test from the numbers in those files.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from cli.main import cli
from dashboard import charts, loaders
from data_connectors.jobindsats.mappings import MAPPINGS
from data_connectors.store import Store
from domain.canonical import TOTAL
from domain.periods import parse_period
from metrics import api

FIXTURES = Path(__file__).parent / "fixtures" / "jobindsats"
APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(d))
    return d


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def load(*names: str) -> None:
    r = run("import", *(str(FIXTURES / n) for n in names))
    assert r.exit_code == 0, r.output


def value(dataset: str, measure: str, period: str, area: str, **dims: str) -> float | None:
    df = Store.from_settings().scan(dataset).collect()
    cond = (
        (pl.col("measure_id") == measure)
        & (pl.col("period") == period)
        & (pl.col("area_code") == area)
    )
    for d in ("benefit_group", "match_group", "sex", "origin", "akasse", "benefit_rate"):
        cond &= pl.col(d) == dims.get(d, TOTAL)
    hit = df.filter(cond)["value"]
    assert len(hit) == 1, (dataset, measure, period, area, dims, len(hit))
    return hit[0]


# file, table it must be read as (without --dataset), a cell and its value from the file
CASES = [
    ("y25i09_favrskov_2020-2022.json", "y25i09", ("fuldtidspersoner", "2021M05", "710"), 199.0),
    (
        "y25i09_favrskov_2020-2022.json",
        "y25i09",
        ("bruttoledige_personer", "2022M01", "000"),
        101672.0,
    ),
    # 100 x (118 + 20) / 900 = 15,3 %, as published (one decimal)
    (
        "y25i09_favrskov_2020-2022.json",
        "y25i09",
        ("andel_langtidsledige", "2022M01", "710"),
        15.3,
    ),
    # the country row of the live probe (2026M06): 88080 full-time unemployed, 2,9 %
    ("y25i01_2026M06.json", "y25i01", ("ledige_fuldtidspersoner", "2026M06", "000"), 88080.0),
    ("y25i01_2026M06.json", "y25i01", ("pct_arbejdsstyrken", "2026M06", "000"), 2.9),
    # API CSV with BOM, decimal comma and thousands point: 70.123,5
    ("y01a02_2025M01.csv", "y01a02", ("fuldtidspersoner", "2025M01", "000"), 70123.5),
    ("y01a02_2025M01.csv", "y01a02", ("pct_arbejdsstyrken", "2025M01", "710"), 2.6),
    # v2 spelling "... i pct. af arbejdsstyrken 16-66 år"; 846 in flexjob, July 2021
    ("y08a02_v2_2021M07.csv", "y08a02", ("fuldtidspersoner", "2021M07", "710"), 846.0),
    ("y08a02_v2_2021M07.csv", "y08a02", ("pct_arbejdsstyrken", "2021M07", "710"), 3.4),
    ("y09a02_favrskov.json", "y09a02", ("fuldtidspersoner", "2021M07", "710"), 134.0),
    ("y11a02_favrskov.json", "y11a02", ("fuldtidspersoner", "2025M01", "710"), 98.5),
    ("y35a02_2021M08.csv", "y35a02", ("personer", "2021M08", "710"), 118.0),
    ("y38a02_2025M05-06.json", "y38a02", ("fuldtidspersoner", "2025M06", "710"), 226.0),
    ("y60a02_2025M07-2026M03.json", "y60a02", ("fuldtidspersoner", "2025M07", "710"), 900.0),
    # v2 file: area column "Area", both measure groups, a legitimately negative difference
    (
        "y30r21_v2_2024QMAT04.csv",
        "y30r21",
        ("forskel_fuldtidspersoner", "2024QMAT04", "710"),
        -120.0,
    ),
    ("y30r21_v2_2024QMAT04.csv", "y30r21", ("forskel_andel", "2024QMAT04", "710"), -0.4),
    ("y30r21_v2_2024QMAT04.csv", "y30r21", ("placering", "2024QMAT04", "710"), 12.0),
]


@pytest.mark.parametrize(("name", "table", "cell", "expected"), CASES)
def test_real_shaped_file_is_read_as_its_table(
    data_dir: Path,
    name: str,
    table: str,
    cell: tuple[str, str, str],
    expected: float,
) -> None:
    r = run("import", str(FIXTURES / name))
    assert r.exit_code == 0, r.output
    assert r.stdout.rstrip().endswith(f"[{table}]")
    assert value(table, *cell) == expected


def test_breakdowns_are_stored_beside_their_totals(data_dir: Path) -> None:
    load("y01a02_2025M01.csv", "y30r21_v2_2024QMAT04.csv", "y60a02_2025M07-2026M03.json")
    assert value("y01a02", "personer", "2025M01", "710", sex="Kvinder") == 402.0
    origin = "Personer med dansk oprindelse"
    assert value("y01a02", "personer", "2025M01", "710", origin=origin) == 700.0
    assert value("y30r21", "faktisk_fuldtidspersoner", "2024QMAT04", "710",
                 benefit_group="A-dagpenge mv.") == 660.0  # fmt: skip
    # 900 in all, of which 900 - 300 = 600 on the basic rate (Grundsats)
    assert value("y60a02", "fuldtidspersoner", "2025M07", "710", benefit_rate="Grundsats") == 600
    assert value("y60a02", "fuldtidspersoner", "2025M07", "710",
                 match_group="Åbenlyst uddannelsesparat") == 40.0  # fmt: skip


def test_target_2_from_a_real_y25i09_extract(data_dir: Path) -> None:
    """Favrskov's target 2 from a y25i09 response with the live labels (demo store gone).

    The file holds, for Aug 2020-Jul 2021: 140 145 150 155 160 165 170 180 190 199 180 146
    (sum 1980, mean 165 = DOMAIN.md's baseline; 199 in May 2021, the plan's peak), and for
    2022: 118 116 114 112 110 110 112 114 116 118 120 122 (sum 1382, mean 115,17 <= 117).
    A-dagpenge is suppressed in May 2021: the published total is used, not the parts.
    """
    load("y25i09_favrskov_2020-2022.json")
    r = run("targets", "-m", "710", "-y", "2022", "--json")
    assert r.exit_code == 0, r.output
    row = next(t for t in json.loads(r.stdout) if t["id"] == "2")
    assert row["baseline"] == 165.0
    assert row["value"] == pytest.approx(1382 / 12)
    assert row["status"] == "nået"
    assert row["periods_covered"] == "2022M01-2022M12"
    may = api.kpi_series(
        Store.from_settings().inputs(), "langtidsledige", area_codes=["710"], start="2021M05",
        end="2021M05",
    )  # fmt: skip
    assert may["value"].to_list() == [199.0]


def test_a_total_missing_from_the_extract_with_a_suppressed_part_is_unknown(
    data_dir: Path,
) -> None:
    """An extract asked with ``_kon=*`` has no "Køn i alt" rows. Jan 2026: women 50, men
    70, both shown, so the total is 120. Feb 2026: women suppressed, men 68: the total is
    unknown (at least 73), never 68."""
    r = run("import", str(FIXTURES / "y25i09_kon_uden_total.json"))
    assert r.exit_code == 0, r.output
    assert "no total rows for 'Køn'" in r.stderr
    assert "fetch the total rows too (hierarchy._kon=/)" in r.stderr
    s = api.kpi_series(Store.from_settings().inputs(), "langtidsledige", area_codes=["710"])
    got = {p: (v, unknown) for p, v, unknown in s.select("period", "value", "total_unknown").rows()}
    assert got == {"2026M01": (120.0, False), "2026M02": (None, True)}


def test_uddannelseshjaelp_continues_from_y60a02_after_the_break(data_dir: Path) -> None:
    """June 2025 from y38a02: the published total 226 (all visitation categories).
    July 2025 from y60a02: uddannelsesparat 55 + åbenlyst uddannelsesparat 40 = 95 (the
    subtotal "Alle uddannelsesparate" 95 is not counted again; jobparat and aktivitetsparat
    are not uddannelseshjælp's). Each table only for its own months."""
    load("y38a02_2025M05-06.json", "y60a02_2025M07-2026M03.json")
    inputs = Store.from_settings().inputs()
    s = api.kpi_series(inputs, "uddannelseshjaelp", area_codes=["710"], start="2025M05",
                       end="2025M08")  # fmt: skip
    assert dict(s.select("period", "value").rows()) == {
        "2025M05": 230.0,
        "2025M06": 226.0,
        "2025M07": 95.0,
        "2025M08": 94.0,
    }
    by = api.kpi_series(inputs, "uddannelseshjaelp", area_codes=["710"], breakdown="match_group",
                        start="2025M06", end="2025M07")  # fmt: skip
    assert sorted(by.select("period", "group", "value").rows()) == [
        ("2025M06", "Aktivitetsparat", 136.0),
        ("2025M06", "Uddannelsesparat", 50.0),
        ("2025M06", "Åbenlyst uddannelsesparat", 40.0),
        ("2025M07", "Uddannelsesparat", 55.0),
        ("2025M07", "Åbenlyst uddannelsesparat", 40.0),
    ]
    metric = api.get_metric("uddannelseshjaelp")
    assert [b.period for b in metric.breaks] == ["2025M07"]
    assert set(metric.sources) == {"y38a02", "y60a02"}


def test_the_chart_breaks_the_line_at_the_series_break() -> None:
    s = pl.DataFrame(
        {
            "period_start": [parse_period(p).start for p in ("2025M05", "2025M06", "2025M07")],
            "value": [230.0, 226.0, 95.0],
        }
    )
    fig = charts.trend(
        s, title="t", unit="fuldtidspersoner", breaks=[parse_period("2025M07").start]
    )
    line = fig.data[0]
    assert list(line.y) == [230.0, 226.0, None, 95.0]  # no segment from June to July
    assert not line.connectgaps
    assert [a.text for a in fig.layout.annotations] == ["Databrud (jul 2025)"]
    assert len(fig.layout.shapes) == 1  # the dashed vertical line


def test_a_y60a02_file_is_never_stored_as_y38a02(data_dir: Path, tmp_path: Path) -> None:
    """A kontanthjælp extract asked without the Kontanthjælpssats dimension has exactly
    y38a02's columns. Unnamed, it is refused with both candidates; forced to y38a02 with
    --dataset, its July 2025 rows and its "Jobparat" category are refused."""
    body = json.loads((FIXTURES / "y60a02_2025M07-2026M03.json").read_text(encoding="utf-8"))
    keep = [i for i, c in enumerate(body["columns"]) if c != "Kontanthjælpssats"]
    rows = [[r[i] for i in keep] for r in body["rows"] if r[3] == "Kontanthjælpssatser i alt"]
    plain = tmp_path / "kontanthjaelp.json"
    plain.write_text(json.dumps({"columns": [body["columns"][i] for i in keep], "rows": rows}))
    r = run("import", str(plain))
    assert r.exit_code == 2
    assert "fit 2 tables: y38a02 (Uddannelseshjælp), y60a02 (Kontanthjælp" in r.stderr
    assert "jobmaal does not guess" in r.stderr
    r = run("import", "--dataset", "y38a02", str(plain))
    assert r.exit_code == 2
    assert "2025M07 is after 2025M06, the last period of y38a02" in r.stderr
    assert not (data_dir / "store" / "aggregate").exists()
    # the file name decides, and is checked against the columns
    named = tmp_path / "y60a02-kontanthjaelp.json"
    shutil.copy(plain, named)
    assert run("import", str(named)).exit_code == 0
    june = tmp_path / "y38a02-juni.json"
    june.write_text(
        json.dumps(
            {
                "columns": ["Periode", "Område", "Visitationskategori", "Antal fuldtidspersoner"],
                "rows": [["2025M06", "Favrskov", "Jobparat", 400]],
            }
        )
    )
    r = run("import", str(june))
    assert r.exit_code == 2
    assert "'Jobparat' is not a value of this column in table y38a02" in r.stderr


def test_a_saved_fetch_snapshot_names_its_table(data_dir: Path, tmp_path: Path) -> None:
    body = json.loads((FIXTURES / "y09a02_favrskov.json").read_text(encoding="utf-8"))
    snap = tmp_path / "cache-4f2a.json"  # no table id in the name
    snap.write_text(
        json.dumps(
            {
                "request": "GET /data/y09a02?period.M=2021M07&hierarchy._nykom=*",
                "fetched_at": "2026-11-30T08:00:00+00:00",
                "body": body,
            }
        )
    )
    r = run("import", str(snap))
    assert r.exit_code == 0, r.output
    assert r.stdout.rstrip().endswith("[y09a02]")


PLAN_2026 = """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2026
title = "Beskæftigelsesplan 2026 (test)"

[[targets]]
id = "5"
label = "Uddannelsesparate på kontanthjælp (gennemsnit i året)"
metric_id = "uddannelseshjaelp"
kind = "max"
target = 85
baseline_period = "2025M07-2025M12"
unit = "fuldtidspersoner"
wording = "Højst 85 uddannelsesparate på kontanthjælp i gennemsnit i 2026."
"""


def test_a_2026_plan_targets_the_continued_metric(data_dir: Path, tmp_path: Path) -> None:
    """y60a02's education-ready are 95 in July 2025 and one fewer each month: Jul-Dec 2025
    95 94 93 92 91 90 (baseline 555 / 6 = 92,5), Jan-Mar 2026 89 88 87 (mean 88 > 85)."""
    load("y60a02_2025M07-2026M03.json")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "710-2026.toml").write_text(PLAN_2026, encoding="utf-8")
    r = run("targets", "-m", "710", "-y", "2026", "--as-of", "2026M03", "--plans", str(plans),
            "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert row["baseline"] == pytest.approx(92.5)
    assert row["value"] == pytest.approx(88.0)
    assert row["periods_covered"] == "2026M01-2026M03"


@pytest.fixture
def break_env(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    load("y38a02_2025M05-06.json", "y60a02_2025M07-2026M03.json")
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "710-2026.toml").write_text(PLAN_2026, encoding="utf-8")
    (targets / "comparison_groups.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(loaders, "TARGETS_DIR", targets)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield data_dir
    st.cache_data.clear()
    st.cache_resource.clear()


def test_maal_shows_the_break_on_the_chart_and_in_the_footnote(break_env: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"kommune": "710", "aar": "2026", "maal": "5"})
    at.run()
    at.switch_page("views/maal.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "Databrud juli 2025" in captions
    # the chart shows 2026 with 2025 overlaid: 2025's line stops at its break
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Databrud (jul 2025)" in spec


def test_the_docs_name_every_table_and_its_measure_labels() -> None:
    """docs/data-sources.md shows, per supported table, its request and its columns."""
    doc = (Path(__file__).parent.parent / "docs" / "data-sources.md").read_text(encoding="utf-8")
    tables = doc.split("## Supported jobindsats tables", 1)[1]
    flat = " ".join(tables.split())
    for table_id, m in MAPPINGS.items():
        assert table_id in tables, table_id
        heading = next(
            line for line in tables.splitlines() if line.startswith("### ") and table_id in line
        )
        section = tables.split(heading, 1)[1].split("\n### ", 1)[0]
        assert "hierarchy." in section or "Same request" in section, table_id
        for label in m.dataset.measures:
            assert label.label in flat, (table_id, label.label)


def test_the_jobindsats_kpis_come_from_the_real_shapes(data_dir: Path) -> None:
    """Each KPI on a jobindsats table, from the fixtures: refugees on benefit 118 persons
    (Aug 2021), ledighedsydelse 134 and flexjob 846 full-time persons (Jul 2021), STAR's
    benchmark (3050 - 3170) / 3170 = -3,79 % and rank 12 (2024QMAT04)."""
    load(
        "y35a02_2021M08.csv",
        "y09a02_favrskov.json",
        "y08a02_v2_2021M07.csv",
        "y30r21_v2_2024QMAT04.csv",
    )
    inputs = Store.from_settings().inputs()

    def one(metric: str, period: str) -> float | None:
        s = api.kpi_series(inputs, metric, area_codes=["710"], start=period, end=period)
        (v,) = s["value"].to_list()
        return v

    assert one("flygtninge_paa_ydelse", "2021M08") == 118.0
    assert one("ledighedsydelse", "2021M07") == 134.0
    assert one("fleksjob_fuldtidspersoner", "2021M07") == 846.0
    assert one("benchmark_forskel_pct", "2024QMAT04") == pytest.approx(-120 / 3170 * 100)
    assert one("benchmark_placering", "2024QMAT04") == 12.0
