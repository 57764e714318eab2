"""Each step of judging a target on its own, with hand-worked numbers.

The steps (``metrics/evaluation/``) are pure functions over a target's series or over the
small records the steps before them return; ``tests/test_targets_evaluate.py`` checks
them composed by ``evaluate_plan``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from domain import areas
from domain.canonical import TOTAL
from domain.periods import parse_period
from domain.registry import get_metric
from domain.targets import Target
from metrics.evaluation import checks, explain, steps
from metrics.evaluation.projection import (
    NONE,
    Projection,
    project_last,
    project_mean,
    project_months,
    project_sum,
    projection,
    slope,
)
from metrics.evaluation.result import Method, Status, TargetResult
from metrics.evaluation.steps import Completeness, Seen, YearValue
from metrics.kpis import RAW_SCHEMA

LTU = get_metric("langtidsledige")  # monthly count, yearly mean, about persons
VISITS = get_metric("virksomhedsbesoeg")  # monthly count, yearly sum, not about persons
SELF_SUPPORT = get_metric("flygtninge_varig_selvforsoergelse")  # yearly sum, persons
FLEX_UP = get_metric("fleksjob_andel_op")  # a share, reference month June
BENCHMARK = get_metric("benchmark_forskel_pct")  # rolling year by quarter, year-end value

Cell = float | tuple[float, float] | None


def raw(cells: Mapping[str, Cell], area: str = "710") -> pl.DataFrame:
    """A metric's raw frame (``kpis.RAW_SCHEMA``) for one area: a number is a count, a
    pair (numerator, denominator) a share, None a cell the publisher suppressed."""
    rows = []
    for code, cell in cells.items():
        p = parse_period(code)
        num, den = cell if isinstance(cell, tuple) else (cell, None)
        rows.append(
            {
                "period": p.code,
                "period_start": p.start,
                "period_end": p.end,
                "area_code": area,
                "area_name": areas.area(area).name,
                "area_level": "kommune",
                "group": TOTAL,
                "numerator": num,
                "denominator": den,
                "in_suppressed": cell is None,
                "total_unknown": False,
            }
        )
    return pl.DataFrame(rows, schema=RAW_SCHEMA)


def months(first: str, last: str, value: Cell) -> dict[str, Cell]:
    y1, m1 = int(first[:4]), int(first[5:])
    y2, m2 = int(last[:4]), int(last[5:])
    out: dict[str, Cell] = {}
    for i in range(y1 * 12 + m1 - 1, y2 * 12 + m2):
        out[f"{i // 12}M{i % 12 + 1:02d}"] = value
    return out


def series(
    cells: Mapping[str, Cell], metric_id: str = "langtidsledige", cut: str | None = None
) -> pl.DataFrame:
    """The target series (``steps.target_series``) of ``raw(cells)`` for 710, cut at
    ``cut``."""
    metric = get_metric(metric_id)
    end = parse_period(cut).end if cut else None
    return steps.target_series(raw(cells), metric, "710", None, end)


def target(**kw: object) -> Target:
    base: dict[str, object] = {
        "id": "t",
        "label": "Langtidsledige",
        "metric_id": "langtidsledige",
        "kind": "max",
        "target": 117.0,
        "unit": "fuldtidspersoner",
        "wording": "w",
    }
    return Target.model_validate({**base, **kw})


# --- the target's series -------------------------------------------------------------


def test_target_series_restricts_cuts_and_marks_unknown_periods() -> None:
    """710 Jan-Mar 2022 at 10, 11 and suppressed; 751 beside it; a quarter row that is not
    the metric's grain. Cut at February: Jan 10 and Feb 11 remain, sorted. Cut at March:
    March is unknown, its numerator null (never a partial number)."""
    cells = {"2022M02": 11.0, "2022M01": 10.0, "2022M03": None, "2022Q01": 99.0}
    frame = pl.concat([raw(cells), raw({"2022M01": 50.0}, area="751")])
    cut = steps.target_series(frame, LTU, "710", None, parse_period("2022M02").end)
    assert cut.get_column("period").to_list() == ["2022M01", "2022M02"]
    assert cut.get_column("numerator").to_list() == [10.0, 11.0]
    full = steps.target_series(frame, LTU, "710", None, None)
    assert full.get_column(steps.UNKNOWN).to_list() == [False, False, True]
    assert full.get_column("numerator").to_list() == [10.0, 11.0, None]
    assert steps.last_day(full) == date(2022, 3, 31)


# --- baseline ------------------------------------------------------------------------


def test_baseline_is_the_yearly_mean_over_the_baseline_period() -> None:
    """Aug-Dec 2020 at 160 (5 months), Jan-Jul 2021 at 170 (7 months); the months either
    side (Jul 2020, Aug 2021) at 999 are outside 2020M08-2021M07:
    (5 * 160 + 7 * 170) / 12 = (800 + 1190) / 12 = 1990 / 12 = 165.8333."""
    cells = {
        "2020M07": 999.0,
        **months("2020M08", "2020M12", 160.0),
        **months("2021M01", "2021M07", 170.0),
        "2021M08": 999.0,
    }
    b = steps.baseline(series(cells), LTU, target(baseline_period="2020M08-2021M07"))
    assert b.computed == pytest.approx(1990 / 12)
    assert (b.hidden, b.unknown_periods, b.used) == (False, (), pytest.approx(1990 / 12))


def test_baseline_over_a_suppressed_month_falls_back_to_the_plans_figure() -> None:
    """Jan 2021 suppressed at the source inside 2020M08-2021M07: no baseline from the data;
    the plan's stated 164.8 stands in."""
    cells = {**months("2020M08", "2021M07", 165.0), "2021M01": None}
    t = target(baseline_period="2020M08-2021M07", baseline=164.8)
    b = steps.baseline(series(cells), LTU, t)
    assert (b.computed, b.unknown_periods, b.used) == (None, ("2021M01",), 164.8)


def test_baseline_of_a_reference_month_share() -> None:
    """June is the reference month: over 2021M01-2021M12 with March 28/100, June 30/100 and
    September 40/100 the baseline is June's 30 %. Over 2021M01-2021M05 (no June) the latest
    period in range stands in: April 29/100 = 29 %."""
    cells: dict[str, Cell] = {
        "2021M03": (28.0, 100.0),
        "2021M04": (29.0, 100.0),
        "2021M06": (30.0, 100.0),
        "2021M09": (40.0, 100.0),
    }
    s = series(cells, "fleksjob_andel_op")
    flex = {"metric_id": "fleksjob_andel_op", "kind": "increase", "target": None, "unit": "pct"}
    year = steps.baseline(s, FLEX_UP, target(**flex, baseline_period="2021M01-2021M12"))
    assert year.computed == pytest.approx(30.0)
    spring = steps.baseline(s, FLEX_UP, target(**flex, baseline_period="2021M01-2021M05"))
    assert spring.computed == pytest.approx(29.0)


def test_small_baseline_is_hidden_and_not_replaced_by_the_stated_figure() -> None:
    """6 of 8 = 75 %, but the complement is 8 - 6 = 2 persons (< 5): hidden, and the plan's
    stated 75 % would show the same figure, so neither is used."""
    flex = {"metric_id": "fleksjob_andel_op", "kind": "increase", "target": None, "unit": "pct"}
    t = target(**flex, baseline_period="2021M06", baseline=75.0)
    b = steps.baseline(series({"2021M06": (6.0, 8.0)}, "fleksjob_andel_op"), FLEX_UP, t)
    assert (b.computed, b.hidden, b.used, b.stated_shown) == (None, True, None, None)


# --- year value ----------------------------------------------------------------------


def test_year_value_is_the_mean_so_far() -> None:
    """Jan-Jun 2022 at 130, 128, 126, 124, 122, 120 (and Dec 2021 at 500, another year):
    750 / 6 = 125 over 2022M01-2022M06."""
    values = [130.0, 128.0, 126.0, 124.0, 122.0, 120.0]
    year: dict[str, Cell] = dict(zip(months("2022M01", "2022M06", None), values, strict=True))
    v = steps.year_value(series({"2021M12": 500.0, **year}), LTU, 2022)
    assert v.value == pytest.approx(125.0)
    assert (v.covered, v.n_year, v.suppressed) == ("2022M01-2022M06", 6, False)
    assert v.known == (130.0, 128.0, 126.0, 124.0, 122.0, 120.0)


def test_year_value_of_a_reference_month_metric_is_june() -> None:
    """Every month of 2022 at 20/100, June at 35/100: the value is June's 35 %."""
    cells: dict[str, Cell] = {
        **months("2022M01", "2022M12", (20.0, 100.0)),
        "2022M06": (35.0, 100.0),
    }
    v = steps.year_value(series(cells, "fleksjob_andel_op"), FLEX_UP, 2022)
    assert (v.value, v.used, v.n_year) == (pytest.approx(35.0), ("2022M06",), 12)


def test_year_value_over_a_month_suppressed_at_the_source_is_not_formed() -> None:
    """Jan 120, Feb suppressed by the publisher, Mar 120: a mean over Jan and Mar would
    treat February as average, so there is no value."""
    v = steps.year_value(series({"2022M01": 120.0, "2022M02": None, "2022M03": 120.0}), LTU, 2022)
    assert (v.value, v.unknown_periods, v.at_source, v.suppressed) == (
        None,
        ("2022M02",),
        True,
        True,
    )


def test_small_year_count_is_suppressed() -> None:
    """Refugees into self-support: January 1, February 2 -> 3 persons in the year so far,
    fewer than 5: the value is formed (3) but suppressed."""
    v = steps.year_value(
        series({"2022M01": 1.0, "2022M02": 2.0}, "flygtninge_varig_selvforsoergelse"),
        SELF_SUPPORT,
        2022,
    )
    assert v.value == 3.0
    assert v.figure.small and v.suppressed and not v.lone_hidden


def test_mean_so_far_over_one_hidden_month_is_suppressed() -> None:
    """Jan-Dec 2022 at 120 but March 100 and May 3. May (3 < 5) is hidden, and complementary
    suppression over the year hides the smallest other month, March (100). Seen up to
    April, the mean so far (120 + 120 + 100 + 120) / 4 = 115 would give March away (4 * 115
    minus the other three), so it is suppressed. Up to June two hidden months are in the
    mean: (4 * 120 + 100 + 3) / 6 = 583 / 6 = 97.17 is shown."""
    cells = {**months("2022M01", "2022M12", 120.0), "2022M03": 100.0, "2022M05": 3.0}
    april = steps.year_value(series(cells, cut="2022M04"), LTU, 2022)
    assert april.value == pytest.approx(115.0)
    assert april.lone_hidden and april.suppressed
    june = steps.year_value(series(cells, cut="2022M06"), LTU, 2022)
    assert june.value == pytest.approx(583 / 6)
    assert not june.lone_hidden and not june.suppressed


# --- completeness --------------------------------------------------------------------


def test_a_missing_december_keeps_the_year_open() -> None:
    """Jan-Nov 2022 seen, the cut in January 2023: the year is over by date but December
    is missing, so it is not complete and a note says so."""
    s = series(months("2022M01", "2022M11", 100.0))
    v = steps.year_value(s, LTU, 2022)
    c = steps.completeness(s, LTU, 2022, date(2023, 1, 31), v)
    assert c == Completeness("2022M12", False, False, True, False)


def test_a_month_missing_inside_the_year_does_not_stop_completeness() -> None:
    """No March at all, the other 11 months at 110 but December 99, cut 31 December:
    complete, the mean over the months seen (10 * 110 + 99) / 11 = 1199 / 11 = 109."""
    cells = {**months("2022M01", "2022M12", 110.0), "2022M12": 99.0}
    del cells["2022M03"]
    s = series(cells)
    v = steps.year_value(s, LTU, 2022)
    c = steps.completeness(s, LTU, 2022, date(2022, 12, 31), v)
    assert (c.year_over, c.complete, c.last_missing) == (True, True, False)
    assert (v.value, v.n_year) == (pytest.approx(109.0), 11)


def test_a_month_suppressed_at_the_source_makes_the_year_undecidable() -> None:
    """Jan-Dec at 120, June suppressed by the publisher: over by date and December is in,
    but the mean cannot be formed: not complete, undecidable."""
    s = series({**months("2022M01", "2022M12", 120.0), "2022M06": None})
    v = steps.year_value(s, LTU, 2022)
    c = steps.completeness(s, LTU, 2022, date(2022, 12, 31), v)
    assert (c.year_over, c.complete, c.undecidable) == (True, False, True)
    mid = steps.completeness(s, LTU, 2022, date(2022, 8, 31), v)
    assert (mid.year_over, mid.last_missing, mid.undecidable) == (False, False, True)


def test_the_period_that_closes_the_year() -> None:
    assert steps.last_period_needed(LTU, 2022) == "2022M12"
    assert steps.last_period_needed(FLEX_UP, 2022) == "2022M06"
    assert steps.last_period_needed(BENCHMARK, 2022) == "2022QMAT04"


# --- projection ----------------------------------------------------------------------


def test_slope_is_least_squares() -> None:
    """130, 128, ..., 120: -2 per period; 1, 2, 4: x mean 1, y mean 7/3,
    sum (x - 1)(y - 7/3) = (-1)(-4/3) + 0 + (1)(5/3) = 3, sum (x - 1)^2 = 2 -> 1.5."""
    assert slope([130, 128, 126, 124, 122, 120]) == pytest.approx(-2.0)
    assert slope([1, 2, 4]) == pytest.approx(1.5)
    assert slope([7]) == 0.0


def test_project_months_damps_and_clamps() -> None:
    """100, 102, ..., 110: level (106 + 108 + 110) / 3 = 108, slope 2; months after:
    108 + 2 * 1.8 = 111.6, 108 + 2 * 2.44 = 112.88; clamped to the 12 seen (max 110):
    110, 110. Two seen (130, 120): the latest, 120, no trend."""
    rising = [100.0, 102.0, 104.0, 106.0, 108.0, 110.0]
    assert project_months(rising, 2) == pytest.approx([110.0, 110.0])
    assert project_months([*[150.0] * 6, *rising], 2) == pytest.approx([111.6, 112.88])
    assert project_months([130.0, 120.0], 3) == [120.0, 120.0, 120.0]
    assert project_months(rising, 0) == []


def test_project_mean() -> None:
    """Twelve months at 165 before, then Jan-Jun 118, 116, 114, 112, 110, 108 (sum 678).
    Level (112 + 110 + 108) / 3 = 110, slope -2: July 110 - 2 * 1.8 = 106.4, below the
    lowest of the last 12 seen (108), so 108, and so on: (678 + 6 * 108) / 12 = 110.5."""
    year = [118.0, 116.0, 114.0, 112.0, 110.0, 108.0]
    assert project_mean([*[165.0] * 12, *year], year, 12) == pytest.approx(110.5)


def test_project_sum_is_the_run_rate() -> None:
    """24 visits in 3 months -> 24 * 12 / 3 = 96 in the year."""
    assert project_sum(24.0, 3, 12) == pytest.approx(96.0)


def test_project_last_carries_the_trend_to_december() -> None:
    """Quarters ending 31 March and 30 June at 10 and 12: slope 2 per 3 months, 6 months
    to December -> 12 + 2 * 6 / 3 = 16. A share at 90, 98 would reach 98 + 8 * 2 = 114:
    kept at 100. Falling 10, 2 would reach 2 - 8 * 2 = -14: kept at 0."""
    ends = [date(2022, 3, 31), date(2022, 6, 30)]
    assert project_last([10.0, 12.0], ends, 2022, 4, False) == pytest.approx(16.0)
    assert project_last([90.0, 98.0], ends, 2022, 4, True) == 100.0
    assert project_last([10.0, 2.0], ends, 2022, 4, False) == 0.0


def year_value(value: float | None, n_year: int = 6, known: tuple[float, ...] = ()) -> YearValue:
    fig = steps.Figure(value, None, value, False) if value is not None else steps.NO_FIGURE
    return YearValue(("2022M06",) if value is not None else (), (), fig, n_year, known, False)


OPEN = Completeness("2022M12", False, False, False, False)
SEEN = Seen((40.0, 42.0), (date(2022, 2, 28), date(2022, 3, 31)), "2022M03", False)


def test_projection_picks_the_method_by_year_rule() -> None:
    """A reference-month share: June 35 % known -> that value; not yet -> the latest seen,
    42 %. A summed share: the share so far. A complete year: the year's value. A year
    that cannot be formed: nothing. A yearly sum: 24 in 3 months -> 96."""
    assert projection(FLEX_UP, 2022, year_value(35.0), OPEN, SEEN) == Projection(
        35.0, Method.REF_MONTH
    )
    assert projection(FLEX_UP, 2022, year_value(None), OPEN, SEEN) == Projection(
        42.0, Method.REF_MONTH_LATEST
    )
    share_sum = dataclasses.replace(FLEX_UP, year_agg="sum", ref_month=None)
    assert projection(share_sum, 2022, year_value(12.5), OPEN, SEEN) == Projection(
        12.5, Method.SUM_RATE
    )
    done = dataclasses.replace(OPEN, year_over=True, complete=True)
    assert projection(LTU, 2022, year_value(115.0), done, SEEN) == Projection(
        115.0, Method.COMPLETE
    )
    lost = dataclasses.replace(OPEN, undecidable=True)
    assert projection(LTU, 2022, year_value(None), lost, SEEN) is NONE
    visits = year_value(24.0, n_year=3)
    assert projection(VISITS, 2022, visits, OPEN, SEEN) == Projection(96.0, Method.SUM)


def test_projection_from_a_small_latest_figure_is_hidden() -> None:
    """The latest share seen is about fewer than 5 persons: the projection carried from it
    still sets the status (``value``) but is not shown."""
    small = dataclasses.replace(SEEN, last_small=True)
    p = projection(FLEX_UP, 2022, year_value(None), OPEN, small)
    assert (p.value, p.method, p.hidden, p.shown) == (42.0, Method.REF_MONTH_LATEST, True, None)
    # A reference month's own value is not carried from the latest figure: not hidden.
    assert not projection(FLEX_UP, 2022, year_value(35.0), OPEN, small).hidden


# --- status --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("max", 117.0, Status.MET),  # at most 117: equal meets
        ("max", 117.0 + 1e-12, Status.MET),  # float noise above still meets
        ("max", 117.1, Status.MISSED),
        ("min", 117.0, Status.MET),  # at least 117: equal meets
        ("min", 116.9, Status.MISSED),
        ("increase", 117.0, Status.MISSED),  # strictly above the level: equal does not
        ("increase", 117.1, Status.MET),
        ("decrease", 117.0, Status.MISSED),  # strictly below: equal does not
        ("decrease", 116.9, Status.MET),
    ],
)
def test_status_of_a_complete_year_per_kind(kind: str, value: float, expected: Status) -> None:
    assert steps.status(kind, 117.0, value, None, complete=True) is expected


@pytest.mark.parametrize(
    ("kind", "projected", "expected"),
    [
        ("max", 117.0, Status.ON_TRACK),
        ("max", 117.5, Status.AT_RISK),
        ("min", 117.0, Status.ON_TRACK),
        ("increase", 117.0, Status.AT_RISK),
        ("decrease", 116.0, Status.ON_TRACK),
    ],
)
def test_status_of_an_open_year_follows_the_projection(
    kind: str, projected: float, expected: Status
) -> None:
    # The value so far (200) is ignored before the year is complete.
    assert steps.status(kind, 117.0, 200.0, projected, complete=False) is expected


def test_status_without_a_level_or_anything_to_judge_is_no_data() -> None:
    assert steps.status("max", None, 100.0, 100.0, complete=True) is Status.NO_DATA
    assert steps.status("max", 117.0, None, None, complete=True) is Status.NO_DATA
    assert steps.status("max", 117.0, None, None, complete=False) is Status.NO_DATA


# --- checks of the plan's own figures ------------------------------------------------


def test_reduction_against_the_data_baseline() -> None:
    """Target 117 after a stated 29 % fall: the plan implies 117 / 0.71 = 164.79; the
    data's 165 gives 1 - 117 / 165 = 29.09 %, within 1 point: consistent. A baseline of 140
    gives 16.43 %: not. In points: 12.57 % - 5 % = 7.57 points, not the stated 6.6."""
    t = target(stated_reduction=29.0, reduction_unit="pct")
    r = checks.reduction(t, 165.0)
    assert r is not None and r.consistent is True
    assert r.implied_baseline == pytest.approx(164.788732, rel=1e-6)
    assert r.implied == pytest.approx(29.090909, rel=1e-6)
    low = checks.reduction(t, 140.0)
    assert low is not None and low.consistent is False
    share = target(
        metric_id="andel_oesteuropaeiske_forsikrede",
        unit="pct",
        target=5.0,
        stated_reduction=6.6,
        reduction_unit="points",
    )
    points = checks.reduction(share, 12.57)
    assert points is not None and points.implied == pytest.approx(7.57)
    assert points.consistent is False
    assert checks.reduction(target(), 165.0) is None


def test_stated_baseline_against_the_data() -> None:
    """Counts: a stated 164.8 beside the data's 165 is within 1; 163 is not."""
    assert not checks.baseline_differs(target(baseline=164.8), LTU, 165.0)
    assert checks.baseline_differs(target(baseline=163.0), LTU, 165.0)
    assert not checks.baseline_differs(target(baseline=163.0), LTU, None)


# --- explanation and labels ----------------------------------------------------------


def facts(**kw: object) -> explain.Facts:
    base: dict[str, object] = {
        "status": Status.MET,
        "value": 78.0,
        "level": 75.0,
        "projection": 78.0,
        "method": Method.COMPLETE,
        "covered": "januar-december 2022",
        "year": 2022,
        "suppressed": False,
        "latest": "december 2022",
        "source": "",
    }
    return explain.Facts(**{**base, **kw})  # type: ignore[arg-type]


VISITS_TARGET = {
    "label": "Virksomhedsbesøg i året",
    "metric_id": "virksomhedsbesoeg",
    "kind": "min",
    "target": 75.0,
    "unit": "antal",
}


def test_explanation_sentences() -> None:
    t = target(**VISITS_TARGET)
    assert explain.explanation(t, VISITS, facts()) == (
        "Virksomhedsbesøg i året er 78 (januar-december 2022) mod et mål på mindst 75, "
        "så målet er nået."
    )
    mid = facts(
        status=Status.ON_TRACK,
        value=24.0,
        projection=96.0,
        method=Method.SUM,
        covered="januar-marts 2022",
    )
    assert explain.explanation(t, VISITS, mid) == (
        "Virksomhedsbesøg i året er 24 (januar-marts 2022) mod et mål på mindst 75; "
        "fremskrevet til årets udgang giver det 96, så målet er på rette vej."
    )
    hidden = facts(
        status=Status.AT_RISK, value=3.0, level=117.0, suppressed=True, covered="januar-juni 2022"
    )
    assert explain.explanation(target(), LTU, hidden) == (
        "Langtidsledige er diskretioneret for januar-juni 2022 (færre end 5 personer); med et "
        "mål på højst 117 fuldtidspersoner er målet i risiko."
    )
    empty = facts(status=Status.NO_DATA, value=None, projection=None, method=None)
    assert explain.explanation(target(), LTU, empty) == (
        "Der er ingen data for langtidsledige i 2022."
    )


def result(status: Status, method: Method | None) -> TargetResult:
    return TargetResult(
        id="1a",
        goal=1,
        label="L",
        metric_id="virksomhedsbesoeg",
        kind="min",
        value=24.0,
        target=75.0,
        gap=-51.0,
        status=status,
        projection=96.0,
        method=method,
        baseline=None,
        baseline_stated=None,
        baseline_period=None,
        unit="antal",
        periods_covered="",
        periods_label="",
        n_periods=3,
        year_complete=False,
        suppressed=False,
        explanation="",
        reduction_consistent=None,
        notes=("a",),
        wording="w",
    )


def test_a_result_is_rendered_with_danish_labels() -> None:
    row = explain.row(result(Status.ON_TRACK, Method.SUM))
    assert row["status"] == "på rette vej"
    assert row["projection_method"] == (
        "antal indtil nu fremskrevet til hele året (samme tempo resten af året)"
    )
    assert row["notes"] == ["a"]
    assert explain.row(result(Status.NO_DATA, None))["projection_method"] == ""
    assert set(explain.STATUS_LABELS) == set(Status)
    assert set(explain.METHOD_LABELS) == set(Method)


def test_danish_labels_appear_only_in_the_rendering_module() -> None:
    """Logic compares keys: no other evaluation module holds a label as a string literal."""
    root = Path(__file__).resolve().parents[1] / "metrics"
    sources = [root / "evaluate.py", *(root / "evaluation").glob("*.py")]
    labels = [*explain.STATUS_LABELS.values(), *explain.METHOD_LABELS.values()]
    for path in sources:
        if path.name == "explain.py":
            continue
        text = path.read_text(encoding="utf-8")
        literals = re.findall(r"\"([^\"\n]*)\"", text)
        assert not [s for s in literals if s in labels], path


def test_unit_text() -> None:
    assert explain.unit_text("pct", 12.57, ".1f") == "12,6 %"
    assert explain.unit_text("antal", 1234.0, ",.0f") == "1.234"
    assert explain.unit_text("placering", 3.0, ".0f") == "nr. 3"
    assert explain.unit_text("fuldtidspersoner", 117.0, ",.0f") == "117 fuldtidspersoner"
