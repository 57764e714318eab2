"""A chart per kind of target (``dashboard.target_charts``), status pr. month, and figures
that agree with themselves.

Hand-worked cases:

* Running total of 7 company visits a month (the AppTest store of
  ``tests/test_dashboard_pages.py``): 7, 14, ..., 84 in December; status pr. June 2022:
  6 * 7 = 42 against the target 75.
* Running average of long-term unemployed 100 in Jan-Jun and 116 in Jul-Dec 2022: 100 for
  January to June, July (600 + 116) / 7 = 102,29, December (600 + 696) / 12 = 108.
* A share's running average is the ratio of the running sums: 1 of 10 and 3 of 10 give
  10 % then 4 / 20 = 20 %, not the mean of 10 % and 30 % of unequal bases (here equal).
* A month without a visible figure (fewer than 5 persons) stops the running line: 3, hidden,
  7 gives 3, gap, gap: after the gap it would be a guess.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.figures import figures
from dashboard.target_charts import TargetLine, running, target_chart, window
from data_connectors.store import Store
from domain.registry import get_metric
from metrics.danish import display_spec
from tests.test_dashboard_pages import APP, TIMEOUT, demo_env  # noqa: F401


def _series(values: list[float | None], *, year: int = 2022, num=None, den=None) -> pl.DataFrame:
    n = len(values)
    return pl.DataFrame(
        {
            "period": [f"{year}M{m:02d}" for m in range(1, n + 1)],
            "period_start": [date(year, m, 1) for m in range(1, n + 1)],
            "value": values,
            "numerator": num if num is not None else values,
            "denominator": den if den is not None else [None] * n,
            "suppressed": [v is None for v in values],
        },
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64},
    )


def _trace(fig: go.Figure, name_start: str) -> go.BaseTraceType:
    found = [t for t in fig.data if (t.name or "").startswith(name_start)]
    assert found, [t.name for t in fig.data]
    return found[0]


def test_every_yearly_aggregation_has_its_chart_kind() -> None:
    assert get_metric("virksomhedsbesoeg").chart_kind == "cumulative"
    assert get_metric("langtidsledige").chart_kind == "running_average"
    assert get_metric("fleksjob_andel_op").chart_kind == "reference_month"
    assert window(get_metric("fleksjob_andel_op"), 2022) == (None, "2022M12")
    assert window(get_metric("langtidsledige"), 2022) == ("2021M01", "2022M12")


def test_running_total_and_average_by_hand() -> None:
    visits = get_metric("virksomhedsbesoeg")
    assert running(_series([7.0] * 12), visits, how="sum")["running"].to_list()[-1] == 84
    ltu = get_metric("langtidsledige")
    avg = running(_series([100.0] * 6 + [116.0] * 6), ltu, how="mean")["running"].to_list()
    assert avg[:6] == [100.0] * 6
    assert avg[6] == pytest.approx(716 / 7)
    assert avg[-1] == pytest.approx(108.0)
    share = get_metric("flygtninge_kvindeandel")  # a share of a yearly sum
    s = _series([10.0, 30.0], num=[1.0, 3.0], den=[10.0, 10.0])
    assert running(s, share, how="sum")["running"].to_list() == pytest.approx([10.0, 20.0])


def test_a_hidden_month_stops_the_running_line_never_a_zero() -> None:
    visits = get_metric("virksomhedsbesoeg")
    assert running(_series([3.0, None, 7.0]), visits, how="sum")["running"].to_list() == [
        3.0,
        None,
        None,
    ]
    fig = target_chart(
        _series([3.0, None, 7.0]),
        visits,
        TargetLine(target=75.0, year=2022, so_far=15.0, last_month="2022M03"),
        title="t",
    )
    ytd = _trace(fig, "År til dato (2022)")
    assert list(ytd.y) == [3.0, None, None]
    # the year to date the card gives (15) is one mark at March, not a line through 0
    mark = _trace(fig, "År til dato, alle måneder")
    assert list(mark.y) == [15.0] and mark.mode == "markers"
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "1 måneder med færre end 5 personer vises ikke" in notes


def test_reference_month_is_one_bar_a_year_with_the_target_on_the_plan_year() -> None:
    """June of 2020, 2021 and 2022 (46,8 %) against the target 45,4 % for 2022; the other
    months are not drawn."""
    metric = get_metric("fleksjob_andel_op")
    rows = []
    for y, v in ((2020, 44.0), (2021, 45.0), (2022, 46.8)):
        for m in range(1, 13):
            rows.append((f"{y}M{m:02d}", date(y, m, 1), v if m == 6 else 99.0))
    s = pl.DataFrame(
        {
            "period": [r[0] for r in rows],
            "period_start": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "numerator": [None] * len(rows),
            "denominator": [None] * len(rows),
            "suppressed": [False] * len(rows),
        },
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64},
    )
    fig = target_chart(s, metric, TargetLine(target=45.4, year=2022, spec=",.1f"), title="t")
    bars = fig.data[0]
    assert list(bars.x) == ["2020", "2021", "2022"]
    assert list(bars.y) == [44.0, 45.0, 46.8]
    target = _trace(fig, "Mål 2022")
    assert list(target.x) == ["2022"] and list(target.y) == [45.4]
    assert target.name == "Mål 2022 (45,4 %)"


def test_end_of_year_share_has_the_target_at_december() -> None:
    metric = get_metric("andel_oesteuropaeiske_forsikrede")
    assert metric.chart_kind == "end_of_year"
    s = _series([6.0] * 12, num=[6.0] * 12, den=[100.0] * 12)
    fig = target_chart(s, metric, TargetLine(target=5.0, year=2022), title="t")
    star = _trace(fig, "Mål ved årets udgang")
    assert list(star.x) == [date(2022, 12, 1)] and list(star.y) == [5.0]


def test_figures_agree_with_themselves() -> None:
    """Value 46,79 % against target 45,39 %: both shown with one decimal (the target
    needs it), the gap from the shown numbers 46,8 - 45,4 = +1,4; a whole-number target
    keeps the metric's precision."""
    share = get_metric("fleksjob_andel_op")
    assert display_spec(share.fmt, 45.39) == ",.1f"
    assert display_spec(share.fmt, 45.0) == ",.0f"
    f = figures(share, value=46.79, target=45.39, unit="pct")
    assert f.text("value") == "46,8 %" and f.text("target") == "45,4 %"
    assert f.gap_text == "+1,4" and f.gap_label == "Afstand til mål (%-point)"
    ltu = get_metric("langtidsledige")
    f = figures(ltu, value=108.4, target=117.0)
    assert (f.text("value"), f.text("target"), f.gap_text) == ("108", "117", "−9")


def _app(page: str | None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chart(at: AppTest, i: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _named(spec: dict, start: str) -> dict:
    found = [t for t in spec["data"] if str(t.get("name", "")).startswith(start)]
    assert found, [t.get("name") for t in spec["data"]]
    return found[0]


def test_maal_draws_a_yearly_sum_as_a_running_total(app_env: Path) -> None:
    at = _app("views/maal.py", kommune="710", aar="2022", maal="1a")
    spec = _chart(at)
    assert _named(spec, "År til dato (2022)")["y"][-1] == 84
    assert _named(spec, "Mål")["y"] == [75, 75]


def test_maal_draws_a_yearly_average_with_its_running_average(app_env: Path) -> None:
    at = _app("views/maal.py", kommune="710", aar="2022", maal="2")
    spec = _chart(at)
    run = _named(spec, "Årets gennemsnit til dato")["y"]
    assert run[0] == 100 and run[-1] == pytest.approx(108)
    assert _named(spec, "Samme måned året før (2021)")["y"][0] == 150


def test_status_pr_june_on_overblik_and_maal(app_env: Path) -> None:
    """pr=2022M06: 42 company visits so far against 75 (a sum is judged on the whole year,
    so not yet reached), the chart stops at June; the link to Mål keeps the month."""
    at = _app(None, kommune="710", aar="2022", pr="2022M06")
    assert "pr. juni 2022" in at.caption[0].value
    shown = [(m.label, m.value) for m in at.metric]
    assert ("Værdi", "42") in shown
    at = _app("views/maal.py", kommune="710", aar="2022", maal="1a", pr="2022M06")
    assert dict((m.label, m.value) for m in at.metric)["Værdi"] == "42"
    ytd = _named(_chart(at), "År til dato (2022)")
    assert ytd["y"][-1] == 42 and len(ytd["y"]) == 6


def test_a_bad_status_month_stops_with_a_danish_message(app_env: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({"kommune": "710", "aar": "2022", "pr": "2031M13"})
    at.run()
    assert "Linket peger på status pr." in at.error[0].value
    assert not at.metric  # no numbers under a link that asked for something else


def test_every_chart_kind_on_the_demo_store(demo_env: Store) -> None:  # noqa: F811
    """Favrskov 2022: target 6a (flexjob in June) as bars year by year, target 4a
    (refugees: months nearly all under 5) as a running total with the note, never
    zeros for hidden months."""
    at = _app("views/maal.py", kommune="710", aar="2022", maal="6a")
    spec = _chart(at)
    assert spec["data"][0]["type"] == "bar"
    assert "2022" in spec["data"][0]["x"]
    assert _named(spec, "Mål 2022")["x"] == ["2022"]
    # the hours-band breakdown: bars year by year, both bands visible (not one dot each)
    split = _chart(at, 1)
    bands = {t["name"]: t for t in split["data"]}
    assert {"1-5 timer", "6-10 timer"} <= set(bands)
    assert all(t["type"] == "bar" and "2022" in t["x"] for t in bands.values())
    # the comparison shows the target's own band, with the country and the region
    comp = _chart(at, 2)
    assert "(1-5 timer)" in comp["layout"]["title"]["text"]
    assert {"Favrskov", "Hele landet", "Region Midtjylland"} <= {t["name"] for t in comp["data"]}
    at = _app("views/maal.py", kommune="710", aar="2022", maal="4a")
    spec = _chart(at)
    months = _named(spec, "Månedens tal")["y"]
    notes = " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
    hidden = int(notes.split(" måneder med færre end 5 personer vises ikke")[0].split()[-1])
    assert hidden > 0 and months.count(None) == hidden  # gaps, not zeros


def test_overblik_builds_the_committee_report_on_request(app_env: Path) -> None:
    """The button builds the PDF for the plan and month shown, then offers it; the file
    is the one ``jobmaal report`` writes (its name carries the month)."""
    at = _app(None, kommune="710", aar="2022", pr="2022M06")
    assert not [b for b in at.get("download_button") if "rapporten" in str(b.label)]
    next(b for b in at.button if "rapport" in b.label.lower()).click().run()
    assert not at.exception, [e.value for e in at.exception]
    offered = [b for b in at.get("download_button") if "Hent rapporten" in str(b.label)]
    assert len(offered) == 1
    assert offered[0].proto.url  # a file is served
