"""AppTest for every page, on a small hand-worked store.

The fixture (all numbers chosen by hand, so the expected figures are worked out here):

* y25i09 (langtidsledige, fuldtidspersoner), benefit group total:
  Favrskov (710) 150 every month of 2021; 100 in Jan-Jun 2022 and 116 in Jul-Dec 2022,
  so the 2022 average is (6*100 + 6*116) / 12 = 108; the plan's target is at most 117,
  the gap 108 - 117 = -9 and, December being loaded, the year is complete: "nået".
  Aarhus (751) 280 / 300, Randers (730) 60 / 50, the country (000) published 1100 / 1000.
  Ranking 2022 (lower is better): Randers 50 (1), Favrskov 108 (2), Aarhus 300 (3).
  Region Midtjylland is not published and only 3 of its 19 municipalities are loaded,
  so metrics gives no sum for it (shown blank / "–"); the comparison group RAR Østjylland
  holds exactly these three, so it is their sum: Dec 2022 116 + 300 + 50 = 466.
  Favrskov by benefit group 2022: A-dagpenge 60 / 70, Kontanthjælp 40 / 46, and
  Uddannelseshjælp suppressed in the source (fewer than 5 persons). As the only
  suppressed group it would be the total minus the others, so the smallest shown group
  (Kontanthjælp) is suppressed too (complementary suppression).
* crm_virksomhedsservice: Favrskov 7 company visits every month of 2022: 84 in the
  year against a target of at least 75, gap +9, "nået".
* sanction_reviews, Favrskov: 6 aktivitetsparate cases of which 4 changed or sent back,
  4 jobparate of which 1: 5 errors in 10 = 50 %; Wilson 95 % interval for 5/10 is
  0.5 -+ 1.96*sqrt(0.025 + 0.009604)/1.38416 = 0.5 -+ 0.2634, shown as 24-76 %.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import loaders
from data_connectors.store import Store
from domain.canonical import AggregateSchema
from domain.periods import month_range
from tests.builders import agg_row

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
TIMEOUT = 60
RETRIEVED = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)

PLAN = """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2022
title = "Testplan 2022"

[[targets]]
id = "2"
label = "Langtidsledige (gennemsnit i året)"
metric_id = "langtidsledige"
kind = "max"
target = 117
baseline = 152
unit = "fuldtidspersoner"
wording = "Højst 117 langtidsledige i gennemsnit i 2022."

[[targets]]
id = "1a"
label = "Virksomhedsbesøg i året"
metric_id = "virksomhedsbesoeg"
kind = "min"
target = 75
unit = "antal"
wording = "75 virksomhedsbesøg om året."
"""

GROUPS = """
[[group]]
id = "rar-oestjylland"
name = "RAR Østjylland"
members = ["751", "710", "730"]
valid_from = 2015-01-01
valid_to = 2024-12-31
"""


def _rows(
    dataset_id: str,
    measure: str,
    values: dict[str, float | None],
    area_code: str,
    source: str,
    **dims: str,
) -> list[dict[str, Any]]:
    return [
        agg_row(
            dataset_id,
            period,
            area_code,
            measure,
            value,
            source=source,
            retrieved_at=RETRIEVED,
            **dims,
        )
        for period, value in values.items()
    ]


def _year(y: int, first: float | None, second: float | None = None) -> dict[str, float | None]:
    months = month_range(f"{y}M01", f"{y}M12")
    return {
        m: (first if i < 6 else (first if second is None else second)) for i, m in enumerate(months)
    }


def build_store(data_dir: Path, source: str = "Jobindsats") -> Store:
    store = Store(data_dir)
    rows: list[dict[str, Any]] = []
    ltu = {
        "710": ({**_year(2021, 150), **_year(2022, 100, 116)}),
        "751": ({**_year(2021, 280), **_year(2022, 300)}),
        "730": ({**_year(2021, 60), **_year(2022, 50)}),
        "000": ({**_year(2021, 1100), **_year(2022, 1000)}),
    }
    for code, vals in ltu.items():
        rows += _rows("y25i09", "fuldtidspersoner", vals, code, source)
    for group, (h1, h2) in {
        "A-dagpenge": (60.0, 70.0),
        "Kontanthjælp": (40.0, 46.0),
        "Uddannelseshjælp": (None, None),
    }.items():
        rows += _rows(
            "y25i09", "fuldtidspersoner", _year(2022, h1, h2), "710", source, benefit_group=group
        )
    crm_source = "Jobcentrets CRM" if source == "Jobindsats" else source
    rows += _rows("crm_virksomhedsservice", "virksomhedsbesoeg", _year(2022, 7), "710", crm_source)
    df = pl.DataFrame(rows).select(AggregateSchema.column_names())
    store.import_aggregate(df, origin="test-fixture")

    outcomes = (
        [("Aktivitetsparat", "Ændret")] * 2
        + [("Aktivitetsparat", "Hjemvist")] * 2
        + [("Aktivitetsparat", "Stadfæstet")] * 2
        + [("Jobparat", "Hjemvist")]
        + [("Jobparat", "Stadfæstet")] * 3
    )
    reviews = pl.DataFrame(
        {
            "case_id": [f"S{i:03d}" for i in range(len(outcomes))],
            "municipality_code": ["710"] * len(outcomes),
            "review_date": [date(2022, 6, 1)] * len(outcomes),
            "reviewer": ["Leder"] * len(outcomes),
            "match_group": [m for m, _ in outcomes],
            "sanction_type": ["Skærpet rådighedssanktion"] * len(outcomes),
            **{f"p{i}": [True] * len(outcomes) for i in range(1, 9)},
            "outcome": [o for _, o in outcomes],
        }
    )
    store.import_person("sanction_reviews", reviews, origin="test-reviews")
    return store


def _app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overblik_shows_each_target_card(app_env: Path) -> None:
    at = _app(kommune="710", aar="2022")
    assert at.title[0].value == "Favrskov: Testplan 2022"
    shown = _metrics(at)
    assert shown[:4] == [
        ("Værdi", "108"),
        ("Mål", "117"),
        ("Afstand til mål", "−9"),
        ("Fremskrivning", "108"),
    ]
    assert shown[4:8] == [
        ("Værdi", "84"),
        ("Mål", "75"),
        ("Afstand til mål", "+9"),
        ("Fremskrivning", "84"),
    ]
    text = _markdown(at)
    assert text.count("Nået") == 2
    assert "> 2 nået" in text
    assert not at.warning  # not demo data
    # Footnote under each chart, download buttons (PNG, SVG, CSV, Excel) for each.
    assert any("Kilde: Jobindsats (tabel y25i09)." in c.value for c in at.caption)
    labels = [getattr(b, "label", None) for b in at.get("download_button")]
    assert labels.count("PNG") == 2 and labels.count("CSV") == 2
    assert at.query_params["kommune"] == ["710"] or at.query_params["kommune"] == "710"


def test_overblik_without_plan_points_to_kommuner(app_env: Path, tmp_path: Path) -> None:
    (loaders.targets_dir() / "710-2022.toml").unlink()
    at = _app(kommune="710", aar="2022")
    assert "ingen beskæftigelsesplan" in at.info[0].value


def test_maal_drilldown_and_target_switch(app_env: Path) -> None:
    at = _app("views/maal.py", kommune="710", aar="2022", maal="2")
    assert at.title[0].value == "Langtidsledige (gennemsnit i året)"
    shown = dict(_metrics(at))
    assert shown["Værdi"] == "108"
    assert shown["Udgangspunkt"] == "152"
    text = _markdown(at)
    assert "ligger nr. **2** af 3 kommuner" in text
    tables = at.dataframe
    trend = tables[0].value
    assert len(trend) == 24  # 2021 and 2022, month by month
    # Shown in the metric's display format (",.0f", full-time persons: no unit suffix).
    assert trend["Værdi"].tolist()[:1] == ["150"]
    assert trend["Værdi"].tolist()[-1] == "116"
    # Breakdown by benefit group: the suppressed group stays blank and is marked <5.
    split = tables[1].value
    udh = split[split["Gruppe"] == "Uddannelseshjælp"]
    assert len(udh) == 12
    # A column with gaps is shown as Danish text: blank, never "None" (Streamlit would
    # draw a missing number as "None").
    assert (udh["Værdi"] == "").all()
    assert udh["Bemærkning"].str.startswith("<5").all()
    dec = split[split["Periode"] == "2022M12"].set_index("Gruppe")["Værdi"]
    assert dec["A-dagpenge"] == "70" and dec["Kontanthjælp"] == ""
    # Rows that are not suppressed have a blank note (this was the literal text "None").
    shown = split[split["Gruppe"] == "A-dagpenge"]["Bemærkning"]
    assert (shown == "").all()
    for table in tables:
        assert not table.value.isna().any().any()
        assert "None" not in table.value.astype(str).to_numpy().ravel().tolist()
    # Comparison: Favrskov, the region (incomplete: blank), the country (published), the
    # group (summed). The region's gaps make the column Danish text.
    comp = tables[2].value
    dec = comp[comp["Periode"] == "2022M12"].set_index("Niveau")["Værdi"]
    assert dec["kommune"] == "116"
    assert dec["region"] == ""
    assert dec["land"] == "1.000"
    assert dec["gruppe"] == "466"
    # Why the region is blank: 3 of its 19 municipalities loaded, 16 missing.
    notes = comp[comp["Periode"] == "2022M12"].set_index("Niveau")["Bemærkning"]
    assert notes["region"] == "Ikke opgjort: 16 af 19 kommuner mangler tal for perioden"
    assert notes["kommune"] == notes["land"] == notes["gruppe"] == ""
    assert any(
        c.value.startswith("Region Midtjylland: Ikke opgjort: 16 af 19 kommuner")
        for c in at.caption
    )

    # Switch target: the URL follows and the page shows the other target.
    at.selectbox(key="maal:maal").select("1a").run()
    assert not at.exception
    assert at.title[0].value == "Virksomhedsbesøg i året"
    assert dict(_metrics(at))["Værdi"] == "84"
    assert at.query_params["maal"] in ("1a", ["1a"])


def test_kommuner_without_plan_gets_all_kpis(app_env: Path) -> None:
    at = _app("views/kommuner.py", kommune="751", aar="2022")
    assert at.title[0].value == "Aarhus Kommune"
    assert any("ingen planfil" in c.value for c in at.caption)
    overview = at.dataframe[0].value.set_index("Nøgletal")
    row = overview.loc["Langtidsledige (fuldtidspersoner)"]
    assert row["Seneste periode"] == "dec 2022"
    assert row["Aarhus"] == "300"
    assert row["Region"] == "–"  # 3 of the region's 19 municipalities loaded: no sum
    assert row["Hele landet"] == "1.000"
    assert row["Sammenligningsgruppe"] == "466"
    assert row["Placering 2022"] == "3 af 3"
    assert row["Bemærkning"] == "Region: Ikke opgjort: 16 af 19 kommuner mangler tal for perioden"


def test_kommuner_with_plan_shows_its_evaluation(app_env: Path) -> None:
    at = _app("views/kommuner.py", kommune="710", aar="2022")
    plan_table = at.dataframe[0].value.set_index("Mål")
    # As on the Overblik cards, in each metric's format: average 108 against at most 117,
    # gap 108 - 117 = -9 (a minus sign); 84 visits against at least 75, gap +9.
    ltu = plan_table.loc["Langtidsledige (gennemsnit i året)"]
    assert (ltu["Værdi"], ltu["Målværdi"], ltu["Afstand til mål"], ltu["Fremskrivning"]) == (
        "108",
        "117",
        "−9",
        "108",
    )
    visits = plan_table.loc["Virksomhedsbesøg i året"]
    assert (visits["Værdi"], visits["Afstand til mål"], visits["Status"]) == ("84", "+9", "nået")


def test_ledelsestilsyn_error_rate_with_interval(app_env: Path) -> None:
    at = _app("views/ledelsestilsyn.py", kommune="710")
    assert _metrics(at) == [
        ("Gennemgåede sager", "10"),
        ("Sager med fejl", "5"),
        ("Fejlandel", "50 %"),
        ("95 %-interval", "24–76 %"),
    ]
    by_group = at.dataframe[0].value.set_index("Gruppe")
    # An aggregate view: 4 errors of 6 leaves 2 without (fewer than 5), 1 of 4 is about 4
    # cases: both groups are suppressed, only the 6 cases themselves are shown.
    assert by_group.loc["Aktivitetsparat", "Antal sager"] == "6"
    assert by_group.loc["Jobparat", "Antal sager"] == ""
    for group in ("Aktivitetsparat", "Jobparat"):
        assert by_group.loc[group, "Sager med fejl"] == by_group.loc[group, "Fejlandel"] == ""
        assert by_group.loc[group, "Bemærkning"] == "<5 (diskretioneret)"
    # No case ids on the screen.
    assert "S001" not in str([d.value for d in at.dataframe])
    at.selectbox(key="ledelsestilsyn:tilsyn").select("checklist_point").run()
    points = at.dataframe[0].value
    assert len(points) == 8
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["data"][0]["orientation"] == "h"  # long labels read across


def test_data_page_lists_what_is_loaded(app_env: Path) -> None:
    at = _app("views/data.py")
    loaded = at.dataframe[0].value.set_index("Datasæt")
    # 4 areas x 24 months of totals + 3 benefit groups x 12 months for Favrskov.
    assert loaded.loc["y25i09", "Rækker"] == 4 * 24 + 3 * 12
    assert loaded.loc["y25i09", "Fra"] == "jan 2021"
    assert loaded.loc["y25i09", "Til"] == "dec 2022"
    assert loaded.loc["sanction_reviews", "Rækker"] == 10
    assert not at.warning and not at.error
    log = at.dataframe[1].value
    assert set(log["Fil/kilde"]) == {"test-fixture", "test-reviews"}


def test_demo_data_is_labelled_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "demo-data"
    build_store(data_dir, source="demo: syntetiske data (seed 1)")
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "710-2022.toml").write_text(PLAN, encoding="utf-8")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(data_dir))
    monkeypatch.setattr(loaders, "TARGETS_DIR", targets)
    st.cache_data.clear()
    st.cache_resource.clear()
    for page in (
        None,
        "views/maal.py",
        "views/kommuner.py",
        "views/ledelsestilsyn.py",
        "views/data.py",
    ):
        at = _app(page, kommune="710", aar="2022")
        assert any("Demodata – ikke rigtige tal" in w.value for w in at.warning), page
    at = _app(None, kommune="710", aar="2022")
    assert any(c.value.startswith("Demodata – ikke rigtige tal.") for c in at.caption)


@pytest.fixture
def demo_env(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The session's demo store with the repository's plan files."""
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(demo_store.data_dir))
    monkeypatch.setattr(loaders, "TARGETS_DIR", Path(__file__).resolve().parents[1] / "targets")
    yield demo_store


@pytest.mark.parametrize(
    "page",
    [None, "views/maal.py", "views/kommuner.py", "views/ledelsestilsyn.py", "views/data.py"],
)
@pytest.mark.parametrize("kommune", ["710", "101"])
def test_every_page_runs_on_the_demo_store(demo_env: Store, page: str | None, kommune: str) -> None:
    # 101 København: no plan and no person data (no sanction reviews) in the demo.
    at = _app(page, kommune=kommune, aar="2022")
    assert any("Demodata – ikke rigtige tal" in w.value for w in at.warning)
    assert not at.error or page == "views/data.py"  # Data lists the demo datasets
    # No table shows a missing value as "None" (or NaN): blank cells only.
    for table in at.dataframe:
        df = table.value
        assert not df.isna().any().any(), (page, df.columns[df.isna().any()].tolist())
        assert "None" not in df.astype(str).to_numpy().ravel().tolist(), page


def test_every_favrskov_target_drills_down_on_the_demo_store(demo_env: Store) -> None:
    at = _app("views/maal.py", kommune="710", aar="2022")
    for t in loaders.load_plan(*_favrskov_ref()).targets:
        at.selectbox(key="maal:maal").select(t.id).run()
        assert not at.exception, (t.id, [e.value for e in at.exception])
        assert at.title[0].value == t.label


def _favrskov_ref() -> tuple[str, int]:
    ref = loaders.find_plan("710", 2022)
    assert ref is not None
    return ref.path, ref.mtime


def test_ledelsestilsyn_without_reviews_still_shows_national_references(app_env: Path) -> None:
    # The fixture has sanction reviews for Favrskov only: København has no person data.
    at = _app("views/ledelsestilsyn.py", kommune="101")
    assert "ingen gennemgåede sanktionssager for København" in at.info[0].value
    assert not at.metric  # no own figures
    headers = [h.value for h in at.subheader]
    assert "Ankestyrelsens landsresultater" in headers
    assert any(h.startswith("Sagsbehandling: STAR") for h in headers)
    ankestyrelsen, star = (t.value for t in at.dataframe)
    # Skærpet rådighedssanktion, 2nd study: 52 of 61 = 85,2 % (DOMAIN.md).
    row = ankestyrelsen.set_index("Undersøgelse").loc["Skærpet rådighedssanktion, 2. undersøgelse"]
    assert (row["Antal sager"], row["Ændret/hjemvist"]) == ("61", "52")
    assert row["Andel ændret/hjemvist"] == "85,2 %"
    # STAR focus audit of ressourceforløb: 59 % had 6 follow-up talks in 12 months (n = 313).
    star = star.set_index("Indikator")
    follow_up = star.loc["Mindst 6 opfølgningssamtaler inden for 12 måneder"]
    assert (follow_up["Landsplan"], follow_up["Antal sager"]) == ("59 %", "313")
    assert star.loc["Rettidig revurdering af ledighedsydelse", "Landsplan"] == "65 %"
    # A share the audit does not give, and a missing n, are blank, never "None".
    for table in (ankestyrelsen, star):
        cells = table.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and "nan" not in cells
    assert "" in star["Antal sager"].tolist()


def test_downloads_without_chromium_offer_csv_and_excel(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import components, export

    missing = tmp_path / "no-such-chromium"
    monkeypatch.setattr(export, "CHROMIUM", str(missing))
    monkeypatch.setenv("BROWSER_PATH", str(missing))
    assert export.browser_path() is None
    for page, params in (
        (None, {"kommune": "710", "aar": "2022"}),
        ("views/maal.py", {"kommune": "710", "aar": "2022", "maal": "2"}),
    ):
        at = _app(page, **params)  # _app fails on any exception on the page
        labels = [getattr(b, "label", None) for b in at.get("download_button")]
        assert "PNG" not in labels and "SVG" not in labels, page
        assert labels.count("CSV") == labels.count("Excel") > 0, page
        notes = [c.value for c in at.caption if c.value.startswith("PNG/SVG kræver Chromium")]
        assert notes and notes[0] == components.NO_CHROMIUM_NOTE, page


BENCHMARK = {
    # area: {period: (actual, expected, rank)}; hand-worked for Favrskov 2022QMAT04:
    # (3410 - 3660) / 3660 * 100 = -6,83 %, 250 fewer than expected, rank 2 of 3.
    "710": {"2022QMAT02": (3460.0, 3690.0, 2.0), "2022QMAT04": (3410.0, 3660.0, 2.0)},
    "751": {"2022QMAT02": (31000.0, 30000.0, 3.0), "2022QMAT04": (31500.0, 30000.0, 3.0)},
    "730": {"2022QMAT02": (9000.0, 9900.0, 1.0), "2022QMAT04": (8900.0, 9800.0, 1.0)},
}


def _add_benchmark(store: Store) -> None:
    rows: list[dict[str, Any]] = []
    for code, periods in BENCHMARK.items():
        for i, measure in enumerate(
            ("faktisk_fuldtidspersoner", "forventet_fuldtidspersoner", "placering")
        ):
            values: dict[str, float | None] = {p: v[i] for p, v in periods.items()}
            rows += _rows("y30r21", measure, values, code, "Jobindsats (STAR)")
    df = pl.DataFrame(rows).select(AggregateSchema.column_names())
    store.import_aggregate(df, origin="test-benchmark")


def test_kommuner_shows_star_benchmark(app_env: Path) -> None:
    from metrics import api

    ids = {m.id for m in api.list_metrics()}
    if not {"benchmark_forskel_pct", "benchmark_placering"} <= ids:
        pytest.skip("metrics has no STAR benchmark yet")
    _add_benchmark(Store(app_env))
    at = _app("views/kommuner.py", kommune="710", aar="2022")
    assert "STAR's benchmark: faktisk mod forventet forsørgelse" in [h.value for h in at.subheader]
    shown = dict(_metrics(at))
    assert shown["Placering blandt kommunerne"] == "2 af 3"
    assert shown["Faktisk mod forventet"] == "−6,8 %"
    assert shown["Periode"] == "jan 2022-dec 2022"  # the rolling year by its months
    assert "6,8 % færre fuldtidspersoner" in _markdown(at)
    # The chart's footnote and its four downloads.
    assert any("tabel y30r21" in c.value and "Rullende år" in c.value for c in at.caption)
    keys = [b.key for b in at.get("download_button") if "benchmark" in str(b.key)]
    assert len(keys) in (2, 4)  # CSV/Excel, plus PNG/SVG where chromium is installed
    # The overview of all KPIs does not list the benchmark as an ordinary KPI.
    overview = at.dataframe[1].value
    assert not overview["Nøgletal"].str.contains("benchmark").any()


def test_plan_table_formats_shares_like_the_cards() -> None:
    from dashboard import components

    # Hand-worked: 5 women of 11 refugees = 45,45 % against a target of 50 %, gap
    # 45,45 - 50 = -4,55 percentage points; shown with the metric's ".0f": 45 %, 50 %,
    # −5 %-point. The Eastern European share 7,79 % against 5 % (".1f"): 7,8 %, 5,0 %,
    # +2,8 %-point. A figure that is not there is blank.
    evaluation = pl.DataFrame(
        {
            "label": ["Kvindeandel", "Østeuropæere", "Uden tal"],
            "metric_id": [
                "flygtninge_kvindeandel",
                "andel_oesteuropaeiske_forsikrede",
                "flygtninge_kvindeandel",
            ],
            "unit": ["pct", "pct", "pct"],
            "status": ["ikke nået", "ikke nået", "ingen data"],
            "value": [5 / 11 * 100, 7.79, None],
            "target": [50.0, 5.0, 50.0],
            "gap": [5 / 11 * 100 - 50, 2.79, None],
            "projection": [5 / 11 * 100, 7.79, None],
            "suppressed": [False, False, False],
            "explanation": ["a", "b", None],
        }
    )
    table = components.evaluation_table(evaluation).rows_by_key("Mål", named=True, unique=True)
    women = table["Kvindeandel"]
    assert (women["Værdi"], women["Målværdi"], women["Afstand til mål"]) == (
        "45 %",
        "50 %",
        "−5 %-point",
    )
    assert women["Fremskrivning"] == "45 %"
    east = table["Østeuropæere"]
    assert (east["Værdi"], east["Målværdi"], east["Afstand til mål"]) == (
        "7,8 %",
        "5,0 %",
        "+2,8 %-point",
    )
    none = table["Uden tal"]
    assert (none["Værdi"], none["Afstand til mål"], none["Fremskrivning"]) == ("", "", "")


def test_an_unknown_page_in_a_link_is_named_in_danish() -> None:
    """``/maal`` is a page; ``/foo`` is not (the start page has the empty path); an app
    served under a prefix keeps its page names."""
    from dashboard.state import unknown_page

    known = ["", "maal", "kommuner"]
    assert unknown_page("http://localhost:8501/", known) is None
    assert unknown_page("http://localhost:8501/maal?kommune=710", known) is None
    assert unknown_page("http://localhost:8501/foo", known) == "foo"
    assert unknown_page("https://x.dk/jobmaal/kommuner", known, base="jobmaal") is None
    assert unknown_page("https://x.dk/jobmaal/", known, base="/jobmaal/") is None
    assert unknown_page("https://x.dk/jobmaal/foo", known, base="jobmaal") == "foo"
    assert unknown_page(None, known) is None
