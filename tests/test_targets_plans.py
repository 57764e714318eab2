"""Targets as data: the shipped plans and comparison groups, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_connectors.plans import available_plans, find_plan, load_comparison_groups, load_plan
from metrics import api

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "targets"


def test_shipped_favrskov_plan_has_the_six_targets_of_the_plan() -> None:
    plan = load_plan(TARGETS / "710-2022.toml")
    assert (plan.municipality_code, plan.year) == ("710", 2022)
    assert {t.goal for t in plan.targets} == {1, 2, 3, 4, 5, 6}
    by_id = {t.id: t for t in plan.targets}
    # DOMAIN.md, table of targets.
    assert by_id["1a"].target == 75 and by_id["1a"].kind == "min"
    assert by_id["2"].target == 117 and by_id["2"].kind == "max"
    assert (by_id["2"].stated_reduction, by_id["2"].reduction_unit) == (29, "pct")
    assert by_id["2"].baseline_period == "2020M08-2021M07"
    assert by_id["3"].target == 5.0 and by_id["3"].baseline == 11.6
    assert (by_id["3"].stated_reduction, by_id["3"].reduction_unit) == (6.6, "points")
    assert len(by_id["3"].countries or []) == 13
    assert len(by_id["3"].stated) == 7
    assert by_id["4a"].target == 16 and by_id["4a"].baseline == 8
    assert by_id["4b"].target == 50.0
    assert by_id["5"].target == 216 and by_id["5"].stated_reduction == 5
    assert {by_id["6a"].group, by_id["6b"].group} == {"1-5 timer", "6-10 timer"}
    assert "117 langtidsledige" in by_id["2"].wording


def test_several_municipalities_and_years_side_by_side() -> None:
    plans = available_plans(TARGETS)
    assert ("710", 2022) in [(c, y) for c, y, _ in plans]
    assert len(plans) >= 2
    for _, _, path in plans:
        load_plan(path)
    assert find_plan("710", 2022, TARGETS).year == 2022
    with pytest.raises(LookupError, match="no plan for municipality 710 and year 1999"):
        find_plan("710", 1999, TARGETS)


def test_comparison_groups_file() -> None:
    groups = load_comparison_groups(TARGETS / "comparison_groups.toml")
    rar = next(g for g in groups if g.id == "rar-oestjylland")
    assert "710" in rar.members
    assert rar.valid_to is not None and rar.valid_to.year == 2024
    assert load_comparison_groups(TARGETS / "nope.toml") == []


def test_parse_plan_errors_name_origin_and_field() -> None:
    text = (TARGETS / "710-2022.toml").read_text(encoding="utf-8")
    bad = text.replace('metric_id = "langtidsledige"', 'metric_id = "langtid"', 1)
    with pytest.raises(ValueError, match=r"^plan\.toml: field targets\.2\.metric_id: .*langtid"):
        api.parse_plan(bad, origin="plan.toml")
    with pytest.raises(ValueError, match=r"x\.toml: not valid TOML"):
        api.parse_plan("year = ", origin="x.toml")
    with pytest.raises(ValueError, match="field year"):
        api.parse_plan(text.replace("year = 2022", 'year = "next"'))
    with pytest.raises(ValueError, match="needs a target value"):
        api.parse_plan(text.replace("target = 117\n", "", 1))


def test_load_plan_errors_name_the_file(tmp_path: Path) -> None:
    p = tmp_path / "710-2022.toml"
    p.write_text('municipality_code = "710"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=f"{p}: field municipality_name"):
        load_plan(p)
    q = tmp_path / "751-2022.toml"
    q.write_text((TARGETS / "710-2022.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="file name says 751-2022"):
        load_plan(q)
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_plan(tmp_path / "none.toml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # Target 2 (langtidsledige) counts full-time persons, not percent.
        (
            'unit = "fuldtidspersoner"',
            'unit = "pct"',
            r"^p\.toml: field targets\.2\.unit: .*'pct' does not match .*langtidsledige "
            r".*'fuldtidspersoner'",
        ),
        # A count can never be below zero.
        (
            "target = 117",
            "target = -5",
            r"^p\.toml: field targets\.2\.target: .*-5 is negative",
        ),
        # A reversed range would silently give no baseline.
        (
            'baseline_period = "2020M08-2021M07"',
            'baseline_period = "2022M01-2021M01"',
            r"^p\.toml: field targets\.2\.baseline_period: .*2022M01 is after .*2021M01",
        ),
    ],
)
def test_parse_plan_rejects_wrong_unit_negative_count_and_reversed_baseline(
    old: str, new: str, message: str
) -> None:
    text = (TARGETS / "710-2022.toml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ValueError, match=message):
        api.parse_plan(text.replace(old, new, 1), origin="p.toml")


def test_shipped_plans_units_match_their_metrics() -> None:
    for _, _, path in available_plans(TARGETS):
        for t in load_plan(path).targets:
            assert t.unit == api.get_metric(t.metric_id).unit, (path.name, t.id)


def test_group_typo_is_rejected_naming_the_known_values() -> None:
    from pathlib import Path

    from metrics.api import parse_plan

    text = (Path(__file__).resolve().parents[1] / "targets" / "710-2022.toml").read_text("utf-8")
    assert 'group = "1-5 timer"' in text
    with pytest.raises(ValueError, match=r"group '1-5 time' is not a value of hours_band") as e:
        parse_plan(text.replace('group = "1-5 timer"', 'group = "1-5 time"', 1), origin="p.toml")
    assert "p.toml" in str(e.value) and "1-5 timer" in str(e.value)
