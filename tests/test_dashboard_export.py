"""Exports: CSV for Danish Excel, Excel, PNG/SVG; suppression and no person ids."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, export
from metrics import danish

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
    assert danish.number(1234.5, ",.1f") == "1.234,5"
    assert danish.number(None) == "–"
    assert danish.number(3.0, suppressed=True) == "<5"
    assert danish.with_unit(5.0, "pct", ".1f") == "5,0 %"
    assert danish.signed(-9.0, "fuldtidspersoner") == "−9"
    assert (
        danish.signed(1.25, "pct", ".1f") == "+1,2 %-point"
        or danish.signed(1.25, "pct", ".1f") == "+1,3 %-point"
    )
    assert danish.period_short("2022M03") == "mar 2022"


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
    # a rolling year by its months, as the explanations say it (metrics.danish)
    assert danish.period_short("2022QMAT04") == "jan 2022-dec 2022"
    assert danish.period_label("2022QMAT04") == "januar-december 2022"
    assert danish.period_span("2019QMAT02", "2022QMAT04") == "jul 2018-jun 2019 – jan 2022-dec 2022"
    df = pl.DataFrame(
        {
            "period": ["2022QMAT04", "2022QMAT02"],
            "faktisk": [3410.0, 3460.0],
            "forventet": [3660.0, 3690.0],
        }
    )
    fig = charts.benchmark(df, title="t")
    expected, actual = fig.data
    assert list(actual.x) == ["jul 2021-jun 2022", "jan 2022-dec 2022"]  # sorted by period
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


# -- issue 12, item 6: report-ready exports --------------------------------------------


def _rounding_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "metric_id": ["langtidsledige"] * 4,
            "period": ["2022M01", "2022M06", "2022QMAT02", "2022"],
            "area_level": ["kommune", "kommune", "land", "kommune"],
            "value": [3170.1000000000004, 12.34, -0.004, 1 / 3],
            "numerator": [1 / 3, 2.675, 7.0, None],
        },
        schema_overrides={"numerator": pl.Float64},
    )


def test_csv_rounds_as_shown_and_names_the_period() -> None:
    """Worked by hand:

    * default (the page passes no format): every decimal number to at most 2 decimals:
      3170.1000000000004 -> 3170,1; 12.34 stays; -0.004 -> 0 (never "-0"); 1/3 -> 0,33.
    * the metric's format ``,.0f`` (langtidsledige, whole fuldtidspersoner): the value
      column to 0 decimals: 3170, 12, 0, 0; the other numbers (numerator) stay at two:
      1/3 -> 0,33, 2.675 -> 2,67 (the double is just below 2.675), 7 -> 7.
    * ``.1f`` (a share shown with one decimal): 12.34 -> 12,3; 1/3 -> 0,3.
    * periods: 2022M01 "januar 2022", 2022M06 "juni 2022", the rolling year 2022QMAT02 is
      the four quarters up to June 2022: "juli 2021-juni 2022"; the year 2022Y01 "2022".
    """

    def column(data: bytes, name: str) -> list[str]:
        lines = data.decode("utf-8-sig").split("\r\n")
        header = lines[0].split(";")
        return [line.split(";")[header.index(name)] for line in lines[1:5]]

    plain = export.to_csv(_rounding_frame())
    assert "3170,1000000000004" not in plain.decode("utf-8-sig")
    assert column(plain, "Værdi") == ["3170,1", "12,34", "0", "0,33"]
    # 2.675 is stored as 2.67499999999999982..., so it shows (and is written) as 2,67.
    assert column(plain, "Tæller") == ["0,33", "2,67", "7", ""]
    whole = export.to_csv(_rounding_frame(), spec=",.0f")
    assert column(whole, "Værdi") == ["3170", "12", "0", "0"]
    assert column(whole, "Tæller")[0] == "0,33"
    one = export.to_csv(_rounding_frame(), spec=".1f")
    assert column(one, "Værdi") == ["3170,1", "12,3", "0", "0,3"]
    # The code stays (as do raw codes like the area level); the text stands beside it.
    assert column(plain, "Periode") == ["2022M01", "2022M06", "2022QMAT02", "2022"]
    assert column(plain, "Periode (tekst)") == [
        "januar 2022",
        "juni 2022",
        "juli 2021-juni 2022",
        "2022",
    ]
    assert column(plain, "Niveau") == ["kommune", "kommune", "land", "kommune"]
    lines = plain.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";")[:3] == ["KPI", "Periode", "Periode (tekst)"]


def test_readable_period_keeps_an_unknown_code() -> None:
    assert export.readable_period("2022M12") == "december 2022"
    assert export.readable_period("uge 7") == "uge 7"
    assert export.readable_period(None) is None
    assert export.decimals(",.1f") == 1 and export.decimals(".0f") == 0
    assert export.decimals(None) == 2 and export.decimals(",d") == 2


def test_excel_has_a_clean_table_and_a_sheet_about_the_data(tmp_path: Path) -> None:
    """Data sheet: header and the four rows, an autofilter over exactly them (A1:F5: six
    columns KPI, Periode, Periode (tekst), Niveau, Værdi, Tæller; header + 4 rows). Om
    data: the metric's definition from the registry (DOMAIN.md: at least 80 % of the time
    in the last 52 weeks, counted in fuldtidspersoner; Jobindsats y25i09) and the
    footnote."""
    from domain.registry import get_metric

    metric = get_metric("langtidsledige")
    data = export.to_excel(_rounding_frame(), FOOT, spec=",.0f", metric=metric)
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    sheets = pl.read_excel(path, engine="calamine", sheet_id=0, has_header=True)
    assert list(sheets) == ["Data", "Om data"]
    df = sheets["Data"]
    assert df.columns == ["KPI", "Periode", "Periode (tekst)", "Niveau", "Værdi", "Tæller"]
    assert df.height == 4
    assert df["Værdi"].to_list() == [3170, 12, 0, 0]
    assert df["Periode (tekst)"][2] == "juli 2021-juni 2022"
    with zipfile.ZipFile(path) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert '<autoFilter ref="A1:F5"/>' in sheet1
    assert "_FilterDatabase" in workbook
    about = pl.read_excel(path, engine="calamine", sheet_name="Om data", has_header=False)
    rows = dict(
        zip(about[about.columns[0]].to_list(), about[about.columns[1]].to_list(), strict=True)
    )
    assert rows["Nøgletal"] == metric.label
    assert "80 % af tiden de seneste 52 uger" in rows["Definition"]
    assert "fuldtidspersoner" in rows["Definition"]
    assert "y25i09" in rows["Kilde og tabeller"]
    lines = about[about.columns[1]].to_list()
    assert "Kilde: Jobindsats (tabel y25i09)." in lines
    assert export.SUPPRESSION_NOTE in lines


def test_ranking_labels_all_98_municipalities() -> None:
    """98 municipalities: every one has its own forced tick label (no thinning), the chart
    is at least 16 px a bar high, and the chosen one (number 41) is bold, in the highlight
    colour, with its value on the bar."""
    names = [f"Kommune {i:02d}" for i in range(1, 99)]
    names[40] = "Favrskov"
    r = pl.DataFrame(
        {
            "area_code": [str(100 + i) for i in range(98)],
            "area_name": names,
            "value": [200.0 - i for i in range(98)],
            "rank": list(range(1, 99)),
            "n_areas": [98] * 98,
        }
    )
    fig = charts.ranking_bar(r, highlight_code="140", title="t", unit="pct", spec=".1f")
    axis = fig.layout.yaxis
    assert axis.tickmode == "array"
    assert list(axis.tickvals) == list(fig.data[0].y)
    assert len(axis.ticktext) == 98
    assert all(name in text for name, text in zip(names, axis.ticktext, strict=True))
    assert axis.ticktext[40] == f'<b><span style="color:{charts.HIGHLIGHT}">41. Favrskov</span></b>'
    assert fig.layout.height >= 16 * 98
    assert fig.data[0].text[40] == "160,0 %"  # 200 - 40
    assert [t for t in fig.data[0].text if t] == ["160,0 %"]


def test_card_title_from_the_data() -> None:
    from dashboard import components
    from domain.registry import get_metric

    s = _series()
    metric = components.data_metric(s)
    assert metric is not None and metric.id == "langtidsledige"
    assert components.data_title(s, metric) == f"{get_metric('langtidsledige').label}, Favrskov"
    assert components.data_metric(s.drop("metric_id")) is None
    assert components.data_metric(s.with_columns(pl.lit("findes-ikke").alias("metric_id"))) is None


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (bytes 16-24, big-endian)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.browser
def test_card_chart_exports_at_twice_the_scale_with_title_and_legend() -> None:
    """A card's chart (compact: no title, no legend on the page) exported as PNG: 1100 x
    (600 + 16 px a footnote line) CSS pixels at scale 2. FOOT has 5 lines (demo label,
    source, periods, Data hentet, suppression rule): 1100 x 680 -> 2200 x 1360, twice the
    1100 x 680 the issue found. The SVG carries the title, the legend entries, the source
    and the demo label as text."""
    if export.browser_path() is None:
        pytest.skip("chromium not installed (/usr/bin/chromium)")
    from dashboard.target_charts import TargetLine, target_chart
    from domain.registry import get_metric

    vals = [100.0] * 6 + [116.0] * 6
    s = pl.DataFrame(
        {
            "period": [f"2022M{m:02d}" for m in range(1, 13)],
            "period_start": [date(2022, m, 1) for m in range(1, 13)],
            "value": vals,
            "numerator": vals,
            "denominator": [None] * 12,
            "suppressed": [False] * 12,
        },
        schema_overrides={"denominator": pl.Float64},
    )
    fig = target_chart(
        s,
        get_metric("langtidsledige"),
        TargetLine(target=117.0, year=2022),
        title="x",
        compact=True,
    )
    assert fig.layout.title.text is None and fig.layout.showlegend is False  # as on the page
    assert len(FOOT.lines()) == 5
    title = "Langtidsledige, Favrskov 2022"
    png = export.figure_bytes(fig, "png", FOOT, title=title, legend=True)
    assert _png_size(png) == (2200, 1360)
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/export-card.png").write_bytes(png)
    svg = export.figure_bytes(fig, "svg", FOOT, title=title, legend=True).decode("utf-8")
    assert title in svg
    assert "Mål (117)" in svg  # a legend entry (the target line, named by target_charts)
    assert 'class="legend"' in svg
    assert "Kilde: Jobindsats (tabel y25i09)." in svg
    assert "Data hentet: 1. marts 2023." in svg
    assert export.DEMO_LABEL in svg
    # Without title/legend the export keeps the page's figure as it is (no legend).
    bare = export.figure_bytes(fig, "svg", FOOT).decode("utf-8")
    assert title not in bare and 'class="legend"' not in bare


@pytest.mark.browser
def test_ranking_export_labels_every_municipality() -> None:
    """The ranking's PNG/SVG at the chart's own height: 98 tick labels in the SVG, the
    image 16 px a bar high (98 * 16 + 120 = 1688 CSS px, plus 4 footnote lines * 16 =
    1752), the PNG twice that."""
    if export.browser_path() is None:
        pytest.skip("chromium not installed (/usr/bin/chromium)")
    names = [f"Kommune {i:02d}" for i in range(1, 99)]
    r = pl.DataFrame(
        {
            "area_code": [str(100 + i) for i in range(98)],
            "area_name": names,
            "value": [200.0 - i for i in range(98)],
            "rank": list(range(1, 99)),
            "n_areas": [98] * 98,
        }
    )
    fig = charts.ranking_bar(r, highlight_code="140", title="t", unit="pct", spec=".1f")
    foot = export.Footnote(source="Jobindsats", retrieved=date(2023, 3, 1))
    assert len(foot.lines()) == 3
    svg = export.figure_bytes(fig, "svg", foot).decode("utf-8")
    ticks = re.findall(r'<g class="ytick">.*?</g>', svg)
    assert len(ticks) == 98
    assert all(f"{k}. {n}" in svg for k, n in enumerate(names, start=1))
    png = export.figure_bytes(fig, "png", foot)
    assert _png_size(png) == (2200, 2 * (98 * 16 + 120 + 3 * 16))
