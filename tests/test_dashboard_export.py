"""Exports: CSV for Danish Excel, Excel, PNG/SVG; suppression and no person ids."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, export, fmt

FOOT = export.Footnote(
    source="Jobindsats",
    table_ids=("y25i09",),
    first_period="2022M01",
    last_period="2022M02",
    retrieved=date(2023, 3, 1),
    demo=True,
)


def _series() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "metric_id": ["langtidsledige"] * 3,
            "period": ["2022M01", "2022M02", "2022M03"],
            "period_start": [date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)],
            "area_code": ["710"] * 3,
            "area_name": ["Favrskov"] * 3,
            "group": ["I alt"] * 3,
            "value": [1234.5, None, 7.25],
            "numerator": [1234.5, 3.0, 7.25],
            "denominator": [None, None, None],
            "suppressed": [False, True, False],
            "person_id": ["p1", "p2", "p3"],
        },
        schema_overrides={"denominator": pl.Float64},
    )


def test_csv_is_for_danish_excel() -> None:
    data = export.to_csv(_series(), FOOT)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    header = lines[0].split(";")
    # The period code, its first day and (issue 12, item 6) the period as Danish text.
    assert header[:5] == ["KPI", "Periode", "Periodestart", "Periode (tekst)", "Områdekode"]
    assert "person_id" not in text and "p1" not in text
    row1 = dict(zip(header, lines[1].split(";"), strict=True))
    assert row1["Værdi"] == "1234,5"  # decimal comma, no thousands separator in data
    assert row1["Periodestart"] == "2022-01-01"
    assert row1["Periode (tekst)"] == "januar 2022"
    row2 = dict(zip(header, lines[2].split(";"), strict=True))
    # Suppressed: the value and the count behind it are blank, the row is marked <5.
    assert row2["Værdi"] == "" and row2["Tæller"] == ""
    assert row2["Bemærkning"].startswith("<5")
    row3 = dict(zip(header, lines[3].split(";"), strict=True))
    assert row3["Værdi"] == "7,25"
    # Footnote rows under the data, after a blank line.
    assert lines[4] == ""
    assert lines[5] == "Demodata – ikke rigtige tal."
    assert lines[6] == "Kilde: Jobindsats (tabel y25i09)."
    assert lines[7] == "Perioder: jan 2022 – feb 2022."
    assert lines[8] == "Data hentet: 1. marts 2023."


def test_excel_is_readable_and_keeps_suppressed_blank(tmp_path: Path) -> None:
    data = export.to_excel(_series(), FOOT)
    assert data[:2] == b"PK"
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    sheets = pl.read_excel(path, engine="calamine", sheet_id=0, has_header=True)
    assert list(sheets) == ["Data", "Om data"]  # the data first
    df = sheets["Data"]
    assert "person_id" not in df.columns
    assert df["Område"][0] == "Favrskov"
    assert df["Værdi"][0] == pytest.approx(1234.5)
    assert df["Værdi"][1] is None
    assert df["Bemærkning"][1].startswith("<5")
    # Issue 12, item 6: the footnote moved from under the data to the sheet "Om data"; the
    # data sheet is a clean table of the three rows (autofilter over all of it).
    assert df.height == 3
    cells = [str(v) for col in df.iter_columns() for v in col.to_list() if v is not None]
    assert not any("Kilde" in c or "Demodata" in c for c in cells)
    about = pl.read_excel(path, engine="calamine", sheet_name="Om data", has_header=False)
    texts = about[about.columns[-1]].to_list()
    assert "Kilde: Jobindsats (tabel y25i09)." in texts
    assert "Demodata – ikke rigtige tal." in texts
    assert "Data hentet: 1. marts 2023." in texts


def test_prepare_drops_ids_and_blanks_suppressed() -> None:
    out = export.prepare(_series())
    assert "person_id" not in out.columns
    assert out["Værdi"].to_list() == [1234.5, None, 7.25]
    assert out["Tæller"].to_list() == [1234.5, None, 7.25]


def test_footnote_text_without_demo() -> None:
    f = export.Footnote(source="Fasit", table_ids=("a", "b"), retrieved=None)
    text = f.text()
    assert "Demodata" not in text
    assert "Kilde: Fasit (tabeller a, b)." in text
    assert "Data hentet: –." in text
    assert export.SUPPRESSION_NOTE in text


def test_danish_number_formats() -> None:
    assert fmt.number(1234.5, ",.1f") == "1.234,5"
    assert fmt.number(None) == "–"
    assert fmt.number(3.0, suppressed=True) == "<5"
    assert fmt.with_unit(5.0, "pct", ".1f") == "5,0 %"
    assert fmt.signed(-9.0, "fuldtidspersoner") == "−9"
    assert (
        fmt.signed(1.25, "pct", ".1f") == "+1,2 %-point"
        or fmt.signed(1.25, "pct", ".1f") == "+1,3 %-point"
    )
    assert fmt.period_label("2022M03") == "mar 2022"


def test_charts_use_danish_separators() -> None:
    s = _series()
    fig = charts.trend(s, title="t", unit="fuldtidspersoner", target=117.0, target_year=2022)
    assert fig.layout.separators == ",."
    names = [t.name for t in fig.data]
    assert "Mål (117)" in names
    # Month ticks in Danish.
    assert list(fig.layout.xaxis.ticktext)[:2] == ["jan 22", "feb 22"]


def test_ranking_highlights_the_chosen_municipality() -> None:
    r = pl.DataFrame(
        {
            "area_code": ["730", "710", "751"],
            "area_name": ["Randers", "Favrskov", "Aarhus"],
            "value": [50.0, 108.0, 300.0],
            "rank": [1, 2, 3],
            "n_areas": [3, 3, 3],
        }
    )
    fig = charts.ranking_bar(r, highlight_code="710", title="t", unit="fuldtidspersoner")
    bar = fig.data[0]
    assert list(bar.y) == ["1. Randers", "2. Favrskov", "3. Aarhus"]
    assert list(bar.marker.color) == [charts.MUTED, charts.HIGHLIGHT, charts.MUTED]


def test_file_stem() -> None:
    assert export.file_stem("Favrskov", "2022", "Østeuropæere") == "favrskov-2022-oesteuropaeere"


@pytest.mark.browser
def test_png_and_svg_via_kaleido() -> None:
    if export.browser_path() is None:
        pytest.skip("chromium not installed (/usr/bin/chromium)")
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[1000.5, 2000.0, 1500.0]))
    charts.base_layout(fig, title="Test æøå", unit="fuldtidspersoner")
    png = export.figure_bytes(fig, "png", FOOT)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = export.figure_bytes(fig, "svg", FOOT)
    head = svg[:100].lstrip()
    assert head.startswith(b"<svg") or head.startswith(b"<?xml")
    # The footnote is part of the exported image, Danish separators in the ticks.
    text = svg.decode("utf-8")
    assert "Demodata – ikke rigtige tal." in text
    assert "1.500" in text or "1.000" in text
    # Second image reuses the running browser (no new start): same module flag.
    assert export._kaleido_started
    png2 = export.figure_bytes(fig, "png")
    assert io.BytesIO(png2).read(8) == b"\x89PNG\r\n\x1a\n"


def test_rolling_year_labels_and_benchmark_chart() -> None:
    assert fmt.period_label("2022QMAT04") == "år til 4. kvt. 2022"
    assert (
        fmt.period_span("2019QMAT02", "2022QMAT04") == "år til 2. kvt. 2019 – år til 4. kvt. 2022"
    )
    df = pl.DataFrame(
        {
            "period": ["2022QMAT04", "2022QMAT02"],
            "faktisk": [3410.0, 3460.0],
            "forventet": [3660.0, 3690.0],
        }
    )
    fig = charts.benchmark(df, title="t")
    expected, actual = fig.data
    assert list(actual.x) == ["2. kvt. 2022", "4. kvt. 2022"]  # sorted by period
    assert list(actual.y) == [3460.0, 3410.0] and list(expected.y) == [3690.0, 3660.0]
    assert fig.layout.separators == ",."


def test_table_cells_are_blank_when_missing() -> None:
    from dashboard import components

    assert components.number_cell(None) == ""
    assert components.number_cell(float("nan")) == ""
    assert components.number_cell(1234.5) == "1.234,5"
    assert components.number_cell(150.0) == "150"
    out = components.blank_text(pl.DataFrame({"note": [None, "<5"]}, schema={"note": pl.String}))
    assert out["note"].to_list() == ["", "<5"]


def test_csv_defuses_formula_like_text_but_keeps_negative_numbers() -> None:
    """OWASP CSV injection: a group named ``=HYPERLINK(...)`` must open as text."""
    df = pl.DataFrame(
        {
            "group": ['=HYPERLINK("http://x.example","Klik")', "@SUM(A1)", "+1", "-x", "Job"],
            "value": [1.5, 2.0, 3.0, -1.5, 4.0],
        }
    )
    note = export.Footnote(source="=cmd|' /C calc'!A0")
    lines = export.to_csv(df, note).decode("utf-8-sig").splitlines()
    cells = [line.split(";")[0] for line in lines[1:6]]
    assert cells == [
        '"\'=HYPERLINK(""http://x.example"",""Klik"")"',
        "'@SUM(A1)",
        "'+1",
        "'-x",
        "Job",
    ]
    assert [line.split(";")[1] for line in lines[1:6]] == ["1,5", "2", "3", "-1,5", "4"]
    assert "Kilde: =cmd|' /C calc'!A0." in lines  # the footnote line starts with "Kilde:"
