"""Judging targets: value, gap, projection, status, baselines and the plan's own figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from domain.periods import month_range
from metrics import api, evaluate
from tests.builders import inputs_of, make_agg, monthly, self_support
from tests.test_metrics_kpis import table5_rows

ROOT = Path(__file__).resolve().parents[1]

HEAD = """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2022
title = "Test"
"""

LTU_TARGET = """
[[targets]]
id = "2"
label = "Langtidsledige"
metric_id = "langtidsledige"
kind = "max"
target = 117
baseline_period = "2020M08-2021M07"
stated_reduction = 29
reduction_unit = "pct"
unit = "fuldtidspersoner"
wording = "Der må i gennemsnit maksimalt være 117 langtidsledige jobparate borgere i 2022."
"""


def _plan(*targets: str) -> api.Plan:
    return api.parse_plan(HEAD + "".join(targets))


def _ltu(values_2022: list[float], baseline: float = 165.0) -> dict[str, pl.LazyFrame]:
    base = dict.fromkeys(month_range("2020M08", "2021M07"), baseline)
    year = dict(zip(month_range("2022M01", "2022M12"), values_2022, strict=False))
    return inputs_of(y25i09=monthly("y25i09", "fuldtidspersoner", {**base, **year}))


def _row(df: pl.DataFrame, target_id: str) -> dict:
    return df.filter(pl.col("id") == target_id).row(0, named=True)


def test_mid_year_is_never_met_or_missed_and_projection_uses_trend() -> None:
    ins = _ltu([130, 128, 126, 124, 122, 120])
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M06"), "2")
    # Value so far: (130 + 128 + 126 + 124 + 122 + 120) / 6 = 750 / 6 = 125.
    assert row["value"] == pytest.approx(125.0)
    assert row["gap"] == pytest.approx(125.0 - 117.0)
    # Level of the last 3 months = 122, slope of the last 6 = -2 per month, damped 0.8:
    # July = 122 - 2 * (1 + 0.8) = 118.4, below the lowest of the last 12 months seen
    # (2021M02-M07 at 165 and 2022M01-M06: lowest 120), so clamped to 120; later months
    # fall further and are clamped too: 6 * 120 = 720.
    # Projection: (750 + 720) / 12 = 122.5 > 117 -> at risk.
    assert row["projection"] == pytest.approx(122.5)
    assert row["status"] == "i risiko"
    assert row["periods_covered"] == "2022M01-2022M06"
    assert row["n_periods"] == 6
    assert row["year_complete"] is False
    assert "gennemsnit" in row["projection_method"]
    assert "117" in row["explanation"] and "i risiko" in row["explanation"]


def test_on_track_mid_year() -> None:
    ins = _ltu([118, 116, 114, 112, 110, 108])
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M06"), "2")
    assert row["status"] == "på rette vej"


def test_complete_year_is_met_or_missed() -> None:
    met = _ltu([120] * 6 + [110] * 6)
    row = _row(api.evaluate_plan(met, _plan(LTU_TARGET)), "2")
    # (6 * 120 + 6 * 110) / 12 = 115 <= 117.
    assert row["value"] == pytest.approx(115.0)
    assert (row["status"], row["year_complete"]) == ("nået", True)
    missed = _ltu([120] * 12)
    assert _row(api.evaluate_plan(missed, _plan(LTU_TARGET)), "2")["status"] == "ikke nået"
    # The same complete data seen as of June is only on track / at risk.
    early = _row(api.evaluate_plan(met, _plan(LTU_TARGET), as_of="2022M06"), "2")
    assert early["status"] in ("på rette vej", "i risiko")


def test_reduction_consistency_against_the_baseline() -> None:
    # Baseline 165: 1 - 117 / 165 = 29.1 % -> consistent with the stated 29 %.
    row = _row(api.evaluate_plan(_ltu([120]), _plan(LTU_TARGET)), "2")
    assert row["baseline"] == pytest.approx(165.0)
    assert row["reduction_consistent"] is True
    # The plan's implied baseline: 117 / (1 - 0.29) = 164.8.
    assert any("164,8" in n for n in row["notes"])
    # Baseline 140: 1 - 117 / 140 = 16.4 % -> not consistent.
    row = _row(api.evaluate_plan(_ltu([120], baseline=140), _plan(LTU_TARGET)), "2")
    assert row["reduction_consistent"] is False
    assert any("16,4" in n for n in row["notes"])


def test_no_data_gives_ingen_data() -> None:
    row = _row(api.evaluate_plan({}, _plan(LTU_TARGET)), "2")
    assert row["status"] == "ingen data"
    assert row["value"] is None
    assert tuple(api.evaluate_plan({}, _plan(LTU_TARGET)).columns) == api.EVALUATION_COLUMNS


def _shipped_plan() -> api.Plan:
    return api.parse_plan((ROOT / "targets" / "710-2022.toml").read_text(encoding="utf-8"))


def test_table5_stated_shares_against_counts() -> None:
    target = next(t for t in _shipped_plan().targets if t.id == "3")
    svc = api.stated_vs_computed(target)
    got = dict(zip(svc["period"], svc["agrees"], strict=True))
    # 48/661 = 7.26 -> 7.3 ok; 71/863 = 8.23 -> 8.2 ok; 89/1025 = 8.68 -> 8.7 vs 8.6;
    # 82/933 = 8.79 -> 8.8 ok; 82/882 = 9.30 vs 8.8; 78/910 = 8.57 vs 9.9;
    # 90/716 = 12.57 -> 12.6 vs the stated 11.6.
    assert got == {
        "2020M01": True,
        "2020M04": True,
        "2020M07": False,
        "2020M10": True,
        "2021M01": False,
        "2021M04": False,
        "2021M07": False,
    }
    jul = svc.filter(pl.col("period") == "2021M07").row(0, named=True)
    assert round(jul["computed_from_counts"], 1) == 12.6


def test_eastern_target_reports_disagreement_and_inconsistent_reduction() -> None:
    plan = _shipped_plan()
    plan3 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "3"]})
    rows = [
        {"period": p, "measure_id": "fuldtidspersoner", "value": 600}
        for p in month_range("2022M01", "2022M03")
    ] + [
        {"period": p, "measure_id": "fuldtidspersoner", "origin": "Polen", "value": 60}
        for p in month_range("2022M01", "2022M03")
    ]
    df = pl.concat([table5_rows(), make_agg("fasit_forsikrede_oprindelse", rows)])
    row = _row(api.evaluate_plan(inputs_of(fasit_forsikrede_oprindelse=df), plan3), "3")
    # Baseline from the counts in Jul 2021: 90 / 716 = 12.57 %, stated 11.6 %.
    assert row["baseline"] == pytest.approx(100 * 90 / 716)
    assert row["baseline_stated"] == pytest.approx(11.6)
    # 12.57 - 5 = 7.57 points, not the stated 6.6.
    assert row["reduction_consistent"] is False
    assert any("11,6 % for juli 2021" in n and "12,6 %" in n for n in row["notes"])
    # Value at the latest month: 60 / 600 = 10 %; year not over -> at risk, not missed.
    assert row["value"] == pytest.approx(10.0)
    assert row["status"] == "i risiko"


def test_increase_target_on_reference_month() -> None:
    plan = _shipped_plan()
    plan6 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "6a"]})
    rows = []
    for period, (up, down, same) in {"2021M06": (30, 10, 60), "2022M06": (35, 10, 55)}.items():
        for m, v in (("personer_op", up), ("personer_ned", down), ("personer_uaendret", same)):
            rows.append({"period": period, "measure_id": m, "hours_band": "1-5 timer", "value": v})
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    row = _row(api.evaluate_plan(ins, plan6), "6a")
    # Baseline June 2021: 30 / 100 = 30 %; June 2022: 35 / 100 = 35 % > 30 %.
    assert row["baseline"] == pytest.approx(30.0)
    assert row["target"] == pytest.approx(30.0)
    assert row["value"] == pytest.approx(35.0)
    # Data ends in June 2022: the year is not over, so only on track.
    assert row["status"] == "på rette vej"
    done = _row(api.evaluate_plan(ins, plan6, as_of="2023M01"), "6a")
    assert done["status"] == "nået"


def test_count_target_run_rate_projection() -> None:
    visits = monthly(
        "crm_virksomhedsservice",
        "virksomhedsbesoeg",
        dict.fromkeys(month_range("2022M01", "2022M03"), 8),
    )
    plan = _shipped_plan()
    plan1 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "1a"]})
    row = _row(api.evaluate_plan(inputs_of(crm_virksomhedsservice=visits), plan1), "1a")
    # 3 * 8 = 24 so far; 24 * 12 / 3 = 96 >= 75 -> on track.
    assert row["value"] == 24.0
    assert row["projection"] == pytest.approx(96.0)
    assert row["status"] == "på rette vej"
    assert row["gap"] == pytest.approx(24.0 - 75.0)


def test_as_of_must_be_a_period() -> None:
    with pytest.raises(ValueError):
        api.evaluate_plan({}, _plan(LTU_TARGET), as_of="juni")


def test_demo_data_reproduces_the_plan(demo_store) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("data_connectors.demo")
    result = api.evaluate_plan(demo_store.inputs(), _shipped_plan(), as_of="2022M06")
    assert set(result["status"]) <= {"på rette vej", "i risiko", "ingen data"}
    ltu = _row(result, "2")
    # DOMAIN.md: 117 is a 29 % fall against Aug 2020-Jul 2021, i.e. a baseline near 164.8.
    if ltu["baseline"] is not None:
        assert ltu["reduction_consistent"] is True


def test_explanation_uses_danish_period_text_and_no_unit_word() -> None:
    # 6 months of 6 visits and 6 of 7: 36 + 42 = 78 visits in 2022 >= 75 -> met.
    counts = dict.fromkeys(month_range("2022M01", "2022M06"), 6)
    counts.update(dict.fromkeys(month_range("2022M07", "2022M12"), 7))
    visits = monthly("crm_virksomhedsservice", "virksomhedsbesoeg", counts)
    plan = _shipped_plan()
    plan1 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "1a"]})
    row = _row(api.evaluate_plan(inputs_of(crm_virksomhedsservice=visits), plan1), "1a")
    assert row["explanation"] == (
        "Virksomhedsbesøg i året er 78 (januar-december 2022) mod et mål på mindst 75, "
        "så målet er nået."
    )
    assert row["periods_covered"] == "2022M01-2022M12"
    assert row["periods_label"] == "januar-december 2022"
    assert row["n_periods"] == 12
    mid = _row(
        api.evaluate_plan(inputs_of(crm_virksomhedsservice=visits), plan1, as_of="2022M06"), "1a"
    )
    assert (mid["periods_covered"], mid["periods_label"]) == ("2022M01-2022M06", "januar-juni 2022")
    assert "(januar-juni 2022)" in mid["explanation"]


def test_reference_month_metric_covers_only_the_reference_month() -> None:
    plan = _shipped_plan()
    plan6 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "6a"]})
    rows = []
    counts = {"2021M06": (30, 10, 60)}
    # Every month of 2022 is published; only June counts: 35 / (35 + 10 + 55) = 35 %.
    counts.update(dict.fromkeys(month_range("2022M01", "2022M12"), (20, 10, 70)))
    counts["2022M06"] = (35, 10, 55)
    for period, (up, down, same) in counts.items():
        for m, v in (("personer_op", up), ("personer_ned", down), ("personer_uaendret", same)):
            rows.append({"period": period, "measure_id": m, "hours_band": "1-5 timer", "value": v})
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    row = _row(api.evaluate_plan(ins, plan6), "6a")
    assert row["value"] == pytest.approx(35.0)
    assert (row["periods_covered"], row["periods_label"], row["n_periods"]) == (
        "2022M06",
        "juni 2022",
        1,
    )
    assert "(juni 2022)" in row["explanation"] and "2022M" not in row["explanation"]
    assert row["status"] == "nået"


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        ("2022M06", None, "juni 2022"),
        ("2022M01", "2022M12", "januar-december 2022"),
        ("2021M08", "2022M07", "august 2021-juli 2022"),
        ("2022Q02", None, "2. kvartal 2022"),
        ("2022Q01", "2022Q04", "1.-4. kvartal 2022"),
        ("2022Y01", None, "2022"),
        ("2022MYTD05", None, "januar-maj 2022"),
        # A rolling year: 2022QMAT02 is July 2021 to June 2022.
        ("2022QMAT02", None, "juli 2021-juni 2022"),
        ("", None, ""),
    ],
)
def test_period_label(first: str, last: str | None, text: str) -> None:
    assert api.period_label(first, last) == text


def test_reference_month_not_yet_published_says_so_and_shows_the_latest() -> None:
    plan = _shipped_plan()
    plan6 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "6a"]})
    rows = []
    counts = {"2021M06": (30, 10, 60), "2022M03": (28, 12, 60)}
    for period, (up, down, same) in counts.items():
        for m, v in (("personer_op", up), ("personer_ned", down), ("personer_uaendret", same)):
            rows.append({"period": period, "measure_id": m, "hours_band": "1-5 timer", "value": v})
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    row = _row(api.evaluate_plan(ins, plan6, as_of="2022M03"), "6a")
    # Target: above the June 2021 level 30 / 100 = 30 %; latest (March 2022) 28 / 100 = 28 %.
    assert row["explanation"] == (
        "Andel i fleksjob 1-5 timer, der er gået op i timer, er endnu ikke opgjort for "
        "juni 2022. Seneste tal (marts 2022) er 28 % mod et mål på over 30 %, så målet er "
        "i risiko."
    )
    assert (row["periods_covered"], row["periods_label"], row["n_periods"]) == ("", "", 0)


def test_projection_damps_the_trend() -> None:
    # Rising: 100, 102, ..., 110 (Jan-Jun); the last 12 months seen range 100-165, so the
    # clamp does not bind. Level = (106 + 108 + 110) / 3 = 108, slope = 2 per month.
    # k-th month after June: 108 + 2 * (1 + 0.8 + ... + 0.8**k):
    #   steps 1.8, 2.44, 2.952, 3.3616, 3.68928, 3.951424
    #   -> 111.6 + 112.88 + 113.904 + 114.7232 + 115.37856 + 115.902848 = 684.388608.
    # Projection: (630 + 684.388608) / 12 = 109.532384 (undamped: (630 + 702) / 12 = 111).
    ins = _ltu([100, 102, 104, 106, 108, 110])
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M06"), "2")
    assert row["projection"] == pytest.approx(1314.388608 / 12)
    assert row["status"] == "på rette vej"


def test_short_falling_series_does_not_project_below_the_clamp() -> None:
    # Only Jan-Apr 2022 in the data: 130, 120, 110, 100 (sum 460). Level 110, slope -10:
    # May would be 110 - 10 * 1.8 = 92, below the lowest month seen (100), so every
    # remaining month is 100: (460 + 8 * 100) / 12 = 105.0.
    # (A straight line would give 90, 80, ..., 20 = 440 and (460 + 440) / 12 = 75.)
    values: dict[str, float | None] = dict(
        zip(month_range("2022M01", "2022M04"), [130.0, 120.0, 110.0, 100.0], strict=True)
    )
    ins = inputs_of(y25i09=monthly("y25i09", "fuldtidspersoner", values))
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M04"), "2")
    assert row["projection"] == pytest.approx(105.0)
    assert row["status"] == "på rette vej"


def test_fewer_than_three_months_project_the_latest_level() -> None:
    # Jan 130, Feb 120 and nothing before: the 10 remaining months at 120, no trend:
    # (250 + 10 * 120) / 12 = 1450 / 12 = 120.83 > 117 -> at risk.
    values: dict[str, float | None] = {"2022M01": 130.0, "2022M02": 120.0}
    ins = inputs_of(y25i09=monthly("y25i09", "fuldtidspersoner", values))
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M02"), "2")
    assert row["projection"] == pytest.approx(1450 / 12)
    assert row["status"] == "i risiko"


def _ltu_with_suppressed_june() -> dict[str, pl.LazyFrame]:
    values: dict[str, float | None] = dict.fromkeys(month_range("2022M01", "2022M12"), 120.0)
    values["2022M06"] = None  # suppressed by the publisher
    return inputs_of(y25i09=monthly("y25i09", "fuldtidspersoner", values))


def test_year_with_a_suppressed_month_is_neither_complete_nor_judged() -> None:
    # 11 months of 120 and June suppressed: a mean over the 11 (120) would be wrong
    # whatever June was, so the year's value is suppressed and not judged.
    ins = _ltu_with_suppressed_june()
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET)), "2")
    assert row["value"] is None and row["gap"] is None and row["projection"] is None
    assert row["suppressed"] is True
    assert row["year_complete"] is False
    assert row["status"] == "ingen data"
    assert (row["periods_covered"], row["n_periods"]) == ("2022M01-2022M12", 12)
    assert any("juni 2022" in n and "diskretioneret" in n for n in row["notes"])
    assert "juni 2022" in row["explanation"] and "målet ikke vurderes" in row["explanation"]
    assert "120" not in row["explanation"]
    # ranking(year=) agrees: the municipality's 2022 value is suppressed, so not ranked.
    assert api.ranking(ins, "langtidsledige", year=2022).is_empty()
    # Mid-year, after June: not projected either.
    mid = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M08"), "2")
    assert (mid["status"], mid["projection"], mid["year_complete"]) == ("ingen data", None, False)


def test_baseline_over_a_suppressed_month_is_not_computed() -> None:
    # Aug 2020-Jul 2021 at 165 but Jan 2021 suppressed: no baseline from the data.
    base: dict[str, float | None] = dict.fromkeys(month_range("2020M08", "2021M07"), 165.0)
    base["2021M01"] = None
    year = dict.fromkeys(month_range("2022M01", "2022M12"), 110.0)
    ins = inputs_of(y25i09=monthly("y25i09", "fuldtidspersoner", {**base, **year}))
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET)), "2")
    assert row["baseline"] is None and row["reduction_consistent"] is None
    assert any("Basislinjen kan ikke beregnes" in n and "januar 2021" in n for n in row["notes"])
    # The year itself is fine: 110 <= 117.
    assert (row["value"], row["status"]) == (pytest.approx(110.0), "nået")


def test_extract_share_note_never_prints_a_share_of_fewer_than_5_persons() -> None:
    plan = _shipped_plan()
    plan6 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "6a"]})

    def rows_for(up: int, down: int, same: int, stated: float) -> list[dict[str, object]]:
        out: list[dict[str, object]] = [
            {
                "period": "2022M06",
                "measure_id": "andel_op",
                "hours_band": "1-5 timer",
                "value": stated,
            }
        ]
        for m, v in (("personer_op", up), ("personer_ned", down), ("personer_uaendret", same)):
            out.append(
                {"period": "2022M06", "measure_id": m, "hours_band": "1-5 timer", "value": v}
            )
        return out

    # 30 of 100 went up = 30 %, the extract states 40 %: the disagreement is reported.
    big = inputs_of(
        fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows_for(30, 10, 60, 40.0))
    )
    notes = _row(api.evaluate_plan(big, plan6), "6a")["notes"]
    assert any("Udtrækket angiver 40,0 %" in n and "30,0 %" in n for n in notes)
    # 3 of 100 went up = 3 %, stated 4 %: a share about 3 persons is not printed.
    small = inputs_of(
        fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows_for(3, 37, 60, 4.0))
    )
    notes = _row(api.evaluate_plan(small, plan6), "6a")["notes"]
    assert not any("Udtrækket angiver" in n for n in notes)


def test_projection_from_a_small_latest_figure_is_not_shown() -> None:
    plan = _shipped_plan()
    t6 = next(t for t in plan.targets if t.id == "6a").model_copy(update={"target": 45.0})
    plan6 = plan.model_copy(update={"targets": [t6]})
    # June 2021, 1-5 hours: 2 up, 1 down, 2 unchanged = 40 % up of 5 persons. 2 < 5, so
    # the 40 % must not reach the output as a projection or as "Seneste tal".
    rows = [
        {"period": "2021M06", "measure_id": m, "hours_band": "1-5 timer", "value": v}
        for m, v in (("personer_op", 2), ("personer_ned", 1), ("personer_uaendret", 2))
    ]
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    row = _row(api.evaluate_plan(ins, plan6, as_of="2022M03"), "6a")
    assert row["projection"] is None
    assert "40" not in row["explanation"]
    assert not any("40" in n for n in row["notes"])


def test_small_baseline_is_not_replaced_by_the_plans_stated_figure() -> None:
    # Shipped 4b: the plan states a 75 % women's share (6 of 8) for Jan-Aug 2021. With 6
    # women of 8 the complement is 2 men: fewer than 5 persons, so neither the computed nor
    # the stated baseline may be shown.
    plan = _shipped_plan()
    plan4 = plan.model_copy(update={"targets": [t for t in plan.targets if t.id == "4b"]})
    rows = self_support("2021M08", total=8, women=6)
    ins = inputs_of(fasit_selvforsoergelse=make_agg("fasit_selvforsoergelse", rows))
    row = _row(api.evaluate_plan(ins, plan4), "4b")
    assert row["baseline"] is None
    assert row["baseline_stated"] is None
    assert any("Basislinjen er diskretioneret" in n for n in row["notes"])


def test_evaluate_targets_gives_typed_results_that_render_as_the_rows() -> None:
    # The mid-year example above: value 125 so far, projection 122.5 > 117 -> at risk by
    # the yearly-mean method.
    ins = _ltu([130, 128, 126, 124, 122, 120])
    (result,) = evaluate.evaluate_targets(ins, _plan(LTU_TARGET), as_of="2022M06")
    assert isinstance(result, evaluate.TargetResult)
    assert (result.status, result.method) == (evaluate.Status.AT_RISK, evaluate.Method.MEAN)
    assert result.value == pytest.approx(125.0)
    assert result.projection == pytest.approx(122.5)
    row = _row(api.evaluate_plan(ins, _plan(LTU_TARGET), as_of="2022M06"), "2")
    assert row["status"] == evaluate.STATUS_LABELS[result.status] == "i risiko"
    assert row["projection_method"] == evaluate.METHOD_LABELS[evaluate.Method.MEAN]
    assert row["explanation"] == result.explanation
    assert row["notes"] == list(result.notes)


def test_the_metric_is_computed_once_per_target(monkeypatch: pytest.MonkeyPatch) -> None:
    # Target 3 states its own figures: their check reads the same raw frame as the value.
    calls: list[str] = []
    real = evaluate.compute_raw

    def counting(*args: Any, **kwargs: Any) -> pl.DataFrame:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluate, "compute_raw", counting)
    plan = _shipped_plan()
    rows = [
        {"period": p, "measure_id": "fuldtidspersoner", "value": 600}
        for p in month_range("2022M01", "2022M03")
    ]
    ins = inputs_of(
        fasit_forsikrede_oprindelse=pl.concat(
            [table5_rows(), make_agg("fasit_forsikrede_oprindelse", rows)]
        )
    )
    result = api.evaluate_plan(ins, plan)
    assert sorted(calls) == sorted(t.metric_id for t in plan.targets)
    # The stated figures were still checked: 8.6 for July 2020 against 89 / 1025 = 8.7.
    assert any("8,6 % for juli 2020" in n for n in _row(result, "3")["notes"])
