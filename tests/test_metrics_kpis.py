"""Each metric on small hand-made canonical frames; expected values worked by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from domain.canonical import (
    TOTAL,
    RefugeeMonthSchema,
    validate,
)
from domain.periods import month_range
from metrics import api
from tests.builders import inputs_of, make_agg, monthly, self_support

# -- registry ---------------------------------------------------------------------------


def test_registry_has_every_plan_metric_with_definitions() -> None:
    ids = {m.id for m in api.list_metrics()}
    for needed in (
        "virksomhedsbesoeg",
        "virksomhedskampagner",
        "langtidsledige",
        "andel_oesteuropaeiske_forsikrede",
        "flygtninge_varig_selvforsoergelse",
        "flygtninge_kvindeandel",
        "uddannelseshjaelp",
        "fleksjob_andel_op",
        "fleksjob_andel_ned",
        "fleksjob_andel_uaendret",
        "fleksjob_andel_over_10_timer",
        "sanktion_fejlrate",
    ):
        assert needed in ids
    for m in api.list_metrics():
        assert m.definition and m.source_ref and m.label
        assert m.better in ("lower", "higher")
        assert m.grain in ("month", "quarter", "year")
        format(1234.5, m.fmt)


def test_unknown_metric_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="unknown metric 'nope'"):
        api.get_metric("nope")


def test_breakdown_not_offered_is_refused() -> None:
    df = monthly("y25i09", "fuldtidspersoner", {"2022M01": 100})
    with pytest.raises(ValueError, match="cannot be broken down by 'sex'"):
        api.kpi_series(inputs_of(y25i09=df), "langtidsledige", breakdown="sex")


def test_missing_input_gives_empty_series_with_columns() -> None:
    out = api.kpi_series({}, "langtidsledige")
    assert out.is_empty()
    assert tuple(out.columns) == api.SERIES_COLUMNS


# -- table 5 of the Favrskov plan -------------------------------------------------------


def table5_rows() -> pl.DataFrame:
    # Table 5: (month, insured unemployed, of which Eastern European).
    table = [
        ("2020M01", 661, 48),
        ("2020M04", 863, 71),
        ("2020M07", 1025, 89),
        ("2020M10", 933, 82),
        ("2021M01", 882, 82),
        ("2021M04", 910, 78),
        ("2021M07", 716, 90),
    ]
    rows: list[dict[str, Any]] = []
    for period, total, east in table:
        polen = east // 2
        rows += [
            {"period": period, "measure_id": "fuldtidspersoner", "value": total},
            {"period": period, "measure_id": "fuldtidspersoner", "origin": "Polen", "value": polen},
            {
                "period": period,
                "measure_id": "fuldtidspersoner",
                "origin": "Rumænien",
                "value": east - polen,
            },
            {
                "period": period,
                "measure_id": "fuldtidspersoner",
                "origin": "Danmark",
                "value": total - east,
            },
        ]
    return make_agg("fasit_forsikrede_oprindelse", rows)


def test_table5_shares_are_computed_from_the_counts() -> None:
    out = api.kpi_series(
        inputs_of(fasit_forsikrede_oprindelse=table5_rows()), "andel_oesteuropaeiske_forsikrede"
    )
    by_period = dict(zip(out["period"], out["value"], strict=True))
    # 48 / 661 = 0.07262 -> 7.3 %, as the plan states.
    assert round(by_period["2020M01"], 1) == 7.3
    # 90 / 716 = 0.12570 -> 12.6 %, where the plan states 11.6 %.
    assert round(by_period["2021M07"], 1) == 12.6
    # 82 / 882 = 0.09297 -> 9.3 % (the plan states 8.8 %).
    assert by_period["2021M01"] == pytest.approx(100 * 82 / 882)
    row = out.filter(pl.col("period") == "2021M07").row(0, named=True)
    assert (row["numerator"], row["denominator"]) == (90.0, 716.0)


def test_eastern_share_country_list_is_configurable() -> None:
    out = api.kpi_series(
        inputs_of(fasit_forsikrede_oprindelse=table5_rows()),
        "andel_oesteuropaeiske_forsikrede",
        countries=["Polen"],
        start="2020M01",
        end="2020M01",
    )
    # Polen alone in Jan 2020: 48 // 2 = 24 of 661 -> 3.63 %.
    assert out["value"][0] == pytest.approx(100 * 24 / 661)


def test_eastern_share_without_total_row_sums_the_origins() -> None:
    rows = [
        {"period": "2022M01", "measure_id": "fuldtidspersoner", "origin": o, "value": v}
        for o, v in (("Danmark", 80), ("Polen", 15), ("Øvrige lande", 5))
    ]
    out = api.kpi_series(
        inputs_of(fasit_forsikrede_oprindelse=make_agg("fasit_forsikrede_oprindelse", rows)),
        "andel_oesteuropaeiske_forsikrede",
    )
    # 15 / (80 + 15 + 5) = 15 %.
    assert out["value"][0] == pytest.approx(15.0)
    assert out["denominator"][0] == 100.0


# -- counts -----------------------------------------------------------------------------


def test_long_term_unemployed_monthly_and_yearly_average() -> None:
    months = month_range("2022M01", "2022M04")
    df = monthly("y25i09", "fuldtidspersoner", dict(zip(months, [120, 110, 100, 90], strict=True)))
    ins = inputs_of(y25i09=df)
    out = api.kpi_series(ins, "langtidsledige", start="2022M02", end="2022M03")
    assert out["period"].to_list() == ["2022M02", "2022M03"]
    assert out["value"].to_list() == [110.0, 100.0]
    assert out["period_start"].to_list() == [date(2022, 2, 1), date(2022, 3, 1)]
    # Yearly average of the months seen: (120 + 110 + 100 + 90) / 4 = 105.
    r = api.ranking(ins, "langtidsledige", year=2022)
    assert r["value"].to_list() == [105.0]


def test_youth_benefit_by_visitation_category() -> None:
    rows = [
        {"period": "2022M01", "measure_id": "fuldtidspersoner", "value": 220},
        {
            "period": "2022M01",
            "measure_id": "fuldtidspersoner",
            "match_group": "Aktivitetsparat",
            "value": 170,
        },
        {
            "period": "2022M01",
            "measure_id": "fuldtidspersoner",
            "match_group": "Uddannelsesparat",
            "value": 30,
        },
        {
            "period": "2022M01",
            "measure_id": "fuldtidspersoner",
            "match_group": "Åbenlyst uddannelsesparat",
            "value": 20,
        },
    ]
    ins = inputs_of(y38a02=make_agg("y38a02", rows))
    total = api.kpi_series(ins, "uddannelseshjaelp")
    assert total["group"].to_list() == [TOTAL]
    assert total["value"].to_list() == [220.0]
    split = api.kpi_series(ins, "uddannelseshjaelp", breakdown="match_group")
    assert dict(zip(split["group"], split["value"], strict=True)) == {
        "Aktivitetsparat": 170.0,
        "Uddannelsesparat": 30.0,
        "Åbenlyst uddannelsesparat": 20.0,
    }


def test_small_person_counts_are_suppressed_but_activity_counts_are_not() -> None:
    ltu = monthly("y25i09", "fuldtidspersoner", {"2022M01": 3, "2022M02": 0, "2022M03": None})
    out = api.kpi_series(inputs_of(y25i09=ltu), "langtidsledige")
    assert out["suppressed"].to_list() == [True, False, True]
    assert out["value"].to_list() == [None, 0.0, None]
    assert out["numerator"].to_list() == [None, 0.0, None]
    crm = monthly("crm_virksomhedsservice", "virksomhedsbesoeg", {"2022M01": 3})
    visits = api.kpi_series(inputs_of(crm_virksomhedsservice=crm), "virksomhedsbesoeg")
    assert visits["value"].to_list() == [3.0]
    assert visits["suppressed"].to_list() == [False]


# -- flexjob ----------------------------------------------------------------------------


def test_flexjob_hours_progression_shares_from_counts() -> None:
    rows = []
    for band, (up, down, same) in {"1-5 timer": (30, 10, 60), "6-10 timer": (12, 8, 20)}.items():
        for m, v in (("personer_op", up), ("personer_ned", down), ("personer_uaendret", same)):
            rows.append({"period": "2021M06", "measure_id": m, "hours_band": band, "value": v})
        # The extract's stated share for 1-5 is wrong on purpose (35 instead of 30).
        rows.append(
            {
                "period": "2021M06",
                "measure_id": "andel_op",
                "hours_band": band,
                "value": 35 if band == "1-5 timer" else 30,
            }
        )
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    up = api.kpi_series(ins, "fleksjob_andel_op", breakdown="hours_band")
    got = dict(zip(up["group"], up["value"], strict=True))
    # 1-5: 30 / (30 + 10 + 60) = 30 %; 6-10: 12 / (12 + 8 + 20) = 30 %.
    assert got == {"1-5 timer": pytest.approx(30.0), "6-10 timer": pytest.approx(30.0)}
    down = api.kpi_series(ins, "fleksjob_andel_ned", breakdown="hours_band")
    # 1-5: 10 / 100 = 10 %; 6-10: 8 / 40 = 20 %.
    assert down["value"].to_list() == [pytest.approx(10.0), pytest.approx(20.0)]
    same = api.kpi_series(ins, "fleksjob_andel_uaendret", breakdown="hours_band")
    assert same["value"].to_list() == [pytest.approx(60.0), pytest.approx(50.0)]
    # Without breakdown (no total row): (30 + 12) / (100 + 40) = 30 %.
    tot = api.kpi_series(ins, "fleksjob_andel_op")
    assert tot["value"].to_list() == [pytest.approx(30.0)]


def test_flexjob_share_over_10_hours_of_all_new_scheme_persons() -> None:
    # The municipality's own hours data (jobindsats' y08a02 has no hours breakdown):
    # new-scheme persons in June by June's hours band, persons without hours included.
    counts = {
        "1-5 timer": 180,
        "6-10 timer": 226,
        "Over 10 timer": 210,
        "Uden registrerede timer": 40,
    }
    rows = [
        {"period": "2021M06", "measure_id": "personer", "hours_band": b, "value": v}
        for b, v in counts.items()
    ]
    rows.append({"period": "2021M06", "measure_id": "personer", "value": 656})
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    out = api.kpi_series(ins, "fleksjob_andel_over_10_timer")
    # 210 / 656 = 32.01 % (the plan: 31-33 % above 10 hours).
    assert out["value"].to_list() == [pytest.approx(100 * 210 / 656)]


# -- refugees ---------------------------------------------------------------------------


def test_refugees_from_fasit_extract_by_route_and_women_share() -> None:
    # Table 6 of the plan: job 6 (4 women), education 2 (2 women), IGU 0: 8, 6 women.
    rows = []
    for route, total, women in (("Job", 6, 4), ("Uddannelse", 2, 2), ("IGU", 0, 0)):
        rows += [
            {
                "period": "2021M08",
                "measure_id": "personer_varig_selvforsoergelse",
                "route": route,
                "value": total,
            },
            {
                "period": "2021M08",
                "measure_id": "personer_varig_selvforsoergelse",
                "route": route,
                "sex": "Kvinder",
                "value": women,
            },
        ]
    rows += [
        {"period": "2021M08", "measure_id": "personer_varig_selvforsoergelse", "value": 8},
        {
            "period": "2021M08",
            "measure_id": "personer_varig_selvforsoergelse",
            "sex": "Kvinder",
            "value": 6,
        },
    ]
    ins = inputs_of(fasit_selvforsoergelse=make_agg("fasit_selvforsoergelse", rows))
    total = api.kpi_series(ins, "flygtninge_varig_selvforsoergelse")
    assert total["value"].to_list() == [8.0]
    share = api.kpi_series(ins, "flygtninge_kvindeandel")
    # 6 / 8 = 75 % as the plan states, but it tells that 8 - 6 = 2 men reached it: a
    # figure about fewer than 5 persons, so the share is suppressed.
    assert share["suppressed"].to_list() == [True]
    assert share["value"].to_list() == [None]
    by_route = api.kpi_series(ins, "flygtninge_varig_selvforsoergelse", breakdown="route")
    # Education 2 is about fewer than 5 persons: suppressed. Job 6 alone would give it back
    # as 8 - 6 - 0, so the smallest shown positive group (Job) is suppressed too; IGU 0
    # is shown.
    assert by_route.filter(pl.col("group") == "Uddannelse")["suppressed"].to_list() == [True]
    assert by_route.filter(pl.col("group") == "Job")["suppressed"].to_list() == [True]
    assert by_route.filter(pl.col("group") == "IGU")["value"].to_list() == [0.0]
    assert by_route.height == 3


def test_complementary_suppression_leaves_larger_groups_shown() -> None:
    # 2021M08, by route: Job 20, Uddannelse 9, IGU 3 (total 32). IGU 3 < 5 is suppressed;
    # the smallest shown positive group (Uddannelse 9) goes too; Job 20 stays.
    rows = [
        {
            "period": "2021M08",
            "measure_id": "personer_varig_selvforsoergelse",
            "route": r,
            "value": v,
        }
        for r, v in (("Job", 20), ("Uddannelse", 9), ("IGU", 3))
    ]
    ins = inputs_of(fasit_selvforsoergelse=make_agg("fasit_selvforsoergelse", rows))
    out = api.kpi_series(ins, "flygtninge_varig_selvforsoergelse", breakdown="route")
    shown = dict(zip(out["group"], out["value"], strict=True))
    assert shown == {"Job": 20.0, "Uddannelse": None, "IGU": None}
    # Women's share 10 of 16 = 62.5 %: 6 men and 10 women, both at least 5: shown.
    ws = self_support("2021M08", total=16, women=10)
    ins = inputs_of(fasit_selvforsoergelse=make_agg("fasit_selvforsoergelse", ws))
    assert api.kpi_series(ins, "flygtninge_kvindeandel")["value"].to_list() == [62.5]


def _refugee_months(person: str, sex: str, flags: str, first: str = "2021M01") -> list[dict]:
    """flags: one char per month from ``first``: 'S' on support, 'J' self-supporting via job,
    'U' via education, '-' neither."""
    out = []
    months = month_range(first, "2023M12")
    for m, f in zip(months, flags, strict=False):
        route = {"J": "Job", "U": "Uddannelse"}.get(f)
        out.append(
            {
                "person_id": person,
                "municipality_code": "710",
                "month": m,
                "sex": sex,
                "on_support": f == "S",
                "self_supporting": route is not None,
                "route": route,
            }
        )
    return out


def test_refugees_from_person_months() -> None:
    rows = (
        # Reaches 6 months of job in 2021M07 (months 2-7).
        _refugee_months("a", "Kvinder", "SJJJJJJJJ")
        # Only 5 months self-supporting: never counted.
        + _refugee_months("b", "Mænd", "SSJJJJJS")
        # Breaks after 3 months, then 6 in a row via education: reaches it in 2021M12.
        + _refugee_months("c", "Mænd", "SJJJSSUUUUUU")
        # Self-supporting from the start of the data, never on support: not counted.
        + _refugee_months("d", "Kvinder", "JJJJJJJ")
        + _refugee_months("e", "Kvinder", "SUUUUUU")
        + _refugee_months("f", "Kvinder", "SUUUUUU")
        + _refugee_months("g", "Kvinder", "SUUUUUU")
        + _refugee_months("h", "Kvinder", "SUUUUUU")
        + _refugee_months("i", "Kvinder", "SJJJJJJ")
    )
    df = validate(pl.DataFrame(rows), RefugeeMonthSchema, "refugees")
    ins = {"person_refugee_months": df.lazy()}
    out = api.kpi_series(ins, "flygtninge_varig_selvforsoergelse")
    # 2021M07: a, e, f, g, h, i (6); 2021M12: c (1: fewer than 5, suppressed); every
    # other month the records cover (2021M01-2021M12) is a month with nobody: 0. The
    # year's 7 is shown, so December alone would be 7 - 6: July is hidden with it
    # (complementary suppression), and the year only tells that the two make 7.
    assert out["period"].to_list() == month_range("2021M01", "2021M12")
    got = dict(zip(out["period"], out["value"], strict=True))
    assert got == {m: 0.0 for m in month_range("2021M01", "2021M11") if m != "2021M07"} | {
        "2021M07": None,
        "2021M12": None,
    }
    assert out.filter(pl.col("suppressed"))["period"].to_list() == ["2021M07", "2021M12"]
    # The year: 7 persons, 6 of them women -> 85.7 %.
    r = api.ranking(ins, "flygtninge_varig_selvforsoergelse", year=2021)
    assert r["value"].to_list() == [7.0]
    # 6 of 7 are women (85.7 %), which tells that 1 man reached it: not shown or ranked.
    w = api.ranking(ins, "flygtninge_kvindeandel", year=2021)
    assert w["value"].drop_nulls().to_list() == []
    by_route = api.ranking(ins, "flygtninge_varig_selvforsoergelse", year=2021)
    assert by_route["rank"].to_list() == [1]


# -- sanction error rate ----------------------------------------------------------------


def test_sanction_error_rate_by_quarter() -> None:
    from tests.test_metrics_sanctions import reviews

    df = reviews(
        [("Ændret", date(2022, 2, 1))] * 2
        + [("Stadfæstet", date(2022, 3, 1))] * 8
        + [("Hjemvist", date(2022, 5, 1))] * 5
        + [("Stadfæstet", date(2022, 5, 1))] * 5
    )
    out = api.kpi_series({"sanction_reviews": df.lazy()}, "sanktion_fejlrate")
    assert out["period"].to_list() == ["2022Q01", "2022Q02"]
    # Q1: 2 errors of 10 -> a figure about 2 cases, suppressed; Q2: 5 of 10 = 50 %.
    assert out["suppressed"].to_list() == [True, False]
    assert out["value"].to_list() == [None, pytest.approx(50.0)]


def test_the_registry_resolves_and_a_broken_entry_is_named() -> None:
    from dataclasses import replace

    from domain.registry import METRICS
    from metrics.kpis import FUNCTIONS, RegistryError, check_registry

    check_registry()  # the shipped registry: every metric, source and breakdown resolves
    bad = dict(METRICS)
    bad["langtidsledige"] = replace(
        METRICS["langtidsledige"], sources=("y25i9",), breakdowns=("benefit_group",)
    )
    bad["ny_kpi"] = replace(METRICS["ledighedsydelse"], id="ny_kpi", breakdowns=("sex", "route"))
    with pytest.raises(RegistryError) as info:
        check_registry(bad, FUNCTIONS)
    msg = str(info.value)
    assert "metric langtidsledige: unknown source(s) y25i9" in msg
    assert "metric ny_kpi has no function in metrics.kpis.FUNCTIONS" in msg
    assert "metric ny_kpi: breakdown(s) route not a dimension of y09a02" in msg
    orphan = {k: v for k, v in METRICS.items() if k != "sanktion_fejlrate"}
    with pytest.raises(RegistryError, match="function sanktion_fejlrate has no metric"):
        check_registry(orphan, FUNCTIONS)


def test_a_plain_count_is_one_registry_entry() -> None:
    """``langtidsledige`` is declared as ``Count("y25i09", "fuldtidspersoner")``: no
    function of its own, and a count naming a measure its dataset lacks is refused."""
    from dataclasses import replace

    from domain.registry import METRICS, Count
    from metrics.kpis import _FUNCTIONS, FUNCTIONS, RegistryError, check_registry

    ltu = METRICS["langtidsledige"]
    assert ltu.count == Count("y25i09", "fuldtidspersoner")
    assert "langtidsledige" not in _FUNCTIONS and "langtidsledige" in FUNCTIONS
    bad = {**METRICS, "langtidsledige": replace(ltu, count=Count("y25i09", "kroner"))}
    with pytest.raises(RegistryError, match="y25i09 has no measure 'kroner'"):
        check_registry(bad, FUNCTIONS)
    elsewhere = {**METRICS, "langtidsledige": replace(ltu, count=Count("y01a02", "personer"))}
    with pytest.raises(RegistryError, match="count's dataset y01a02 is not a source"):
        check_registry(elsewhere, FUNCTIONS)
