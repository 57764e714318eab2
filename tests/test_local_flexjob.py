"""Flexjob hours (target 6) from the municipality's person-level months.

The plan's definition (DOMAIN.md, target 6): new scheme (from 2013), registered hours for
at least six months, June as reference month; up / down / unchanged since the start for
the 1-5 and 6-10 hour bands, and the share above 10 hours. Every expected figure below is
worked out by hand from the rows written in this file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from data_connectors.local import read_local, store_local
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from domain.canonical import TOTAL
from metrics import api
from metrics.kpis import compute_raw
from tests.builders import inputs_of, make_agg

MONTHS = [f"2021M{m:02d}" for m in range(1, 7)]
B = None  # blank: no hours registered that month
# person: (start date, scheme, start hours or "", hours Jan-Jun 2021)
PERSONS: dict[str, tuple[str, str, str, list[float | None]]] = {
    "F1": ("2021-01-01", "Ny", "", [3, 3, 3, 4, 4, 5]),  # 1-5 at start, 5 > 3: up
    "F2": ("2021-01-15", "Ny", "", [4, 4, 4, 4, 4, 4]),  # 1-5, unchanged
    "F3": ("2021-01-01", "Ny", "", [5, 5, 5, 5, 4, 4]),  # 1-5, down
    "F4": ("2021-01-01", "Ny", "", [8, 8, 9, 9, 10, 10]),  # 6-10, up
    "F5": ("2021-02-01", "Ny", "", [B, 2, 3, 3, 3, 3]),  # only 5 months: not classified
    "F6": ("2021-01-01", "Gammel", "", [3, 3, 4, 4, 5, 5]),  # old scheme: left out
    "F7": ("2015-03-01", "Ny", "6", [12, 12, 12, 12, 12, 12]),  # 6 at start (given): up
    "F8": ("2016-05-01", "Ny", "", [7, 7, 7, 7, 7, 7]),  # start before the extract: unknown
    "F9": ("2021-01-01", "Ny", "", [B, B, B, B, B, B]),  # no hours registered
    "F10": ("2021-01-01", "Ny", "", [11, 11, 11, 11, 11, 11]),  # above 10 at start
    "F11": ("2021-01-01", "Ny", "", [2, 2, B, 2, 2, 2]),  # 5 registered months: not classified
}
HEADER = "Person-id;Måned;Kommune;Startdato;Ordning;Effektive timer pr. uge;Timer ved start\n"


def _cell(h: float | None) -> str:
    return "" if h is None else f"{h:g}".replace(".", ",")


def flex_file(tmp_path: Path, persons: dict[str, tuple[str, str, str, list[float | None]]]) -> Path:
    lines = []
    for pid, (start, scheme, at_start, hours) in persons.items():
        first = 1 if start < "2021-02" else int(start[5:7])
        for m, h in zip(MONTHS, hours, strict=True):
            if int(m[-2:]) < first:
                continue
            lines.append(f"{pid};{m};Favrskov;{start};{scheme};{_cell(h)};{at_start}")
    p = tmp_path / "flex.csv"
    p.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture
def flex_store(tmp_path: Path, store: Store) -> Store:
    p = flex_file(tmp_path, PERSONS)
    data = read_local(p)
    assert data.template_id == "person_flexjob_months"
    store_local(store, [(data, str(p), None)])
    return store


def _raw(ins: dict[str, pl.LazyFrame], metric: str, breakdown: str | None = None) -> dict:
    raw = compute_raw(ins, metric, breakdown=breakdown).filter(pl.col("area_code") == "710")
    return {
        (r["period"], r["group"]): (r["numerator"], r["denominator"])
        for r in raw.iter_rows(named=True)
    }


def test_up_down_unchanged_by_band_at_start(flex_store: Store) -> None:
    ins = flex_store.inputs()
    # 1-5 at start: F1 up, F2 unchanged, F3 down (F5, F11: fewer than six registered
    # months). 6-10 at start: F4 (8 -> 10) and F7 (6 given -> 12) up; F8 has no known start.
    assert _raw(ins, "fleksjob_andel_op", "hours_band") == {
        ("2021M06", "1-5 timer"): (1.0, 3.0),
        ("2021M06", "6-10 timer"): (2.0, 2.0),
    }
    assert _raw(ins, "fleksjob_andel_ned", "hours_band")[("2021M06", "1-5 timer")] == (1.0, 3.0)
    assert _raw(ins, "fleksjob_andel_uaendret", "hours_band")[("2021M06", "6-10 timer")] == (
        0.0,
        2.0,
    )
    # Both bands together: 3 of 5 went up.
    assert _raw(ins, "fleksjob_andel_op") == {("2021M06", TOTAL): (3.0, 5.0)}


def test_share_above_10_hours_of_all_new_scheme_persons(flex_store: Store) -> None:
    # June 2021, new scheme: F1 F2 F3 F5 F11 (1-5), F4 F8 (6-10), F7 F10 (above 10), F9
    # (no hours): 2 of 10 above 10 hours = 20 %. F6 (old scheme) is left out.
    assert _raw(flex_store.inputs(), "fleksjob_andel_over_10_timer") == {
        ("2021M06", TOTAL): (2.0, 10.0)
    }


def test_only_june_is_the_reference_month(flex_store: Store) -> None:
    raw = compute_raw(flex_store.inputs(), "fleksjob_andel_op")
    assert raw["period"].to_list() == ["2021M06"]


def test_persons_win_over_the_aggregate_for_their_municipality(flex_store: Store) -> None:
    rows = [
        {"period": "2021M06", "area_code": code, "measure_id": m, "hours_band": "1-5 timer",
         "value": v}
        for code in ("710", "751")
        for m, v in (("personer_op", 50), ("personer_ned", 25), ("personer_uaendret", 25))
    ]  # fmt: skip
    ins = dict(flex_store.inputs())
    ins["fleksjob_timeudvikling"] = make_agg("fleksjob_timeudvikling", rows).lazy()
    raw = compute_raw(ins, "fleksjob_andel_op", breakdown="hours_band")
    got = {
        (r["area_code"], r["group"]): (r["numerator"], r["denominator"])
        for r in raw.iter_rows(named=True)
    }
    assert got[("710", "1-5 timer")] == (1.0, 3.0)  # from the persons
    assert got[("751", "1-5 timer")] == (50.0, 100.0)  # from the aggregate


def test_metric_needs_either_source() -> None:
    assert api.kpi_series({}, "fleksjob_andel_over_10_timer").is_empty()
    rows = [{"period": "2021M06", "measure_id": "personer", "hours_band": b, "value": v}
            for b, v in (("Over 10 timer", 30), ("1-5 timer", 70), (TOTAL, 100))]  # fmt: skip
    ins = inputs_of(fleksjob_timeudvikling=make_agg("fleksjob_timeudvikling", rows))
    out = api.kpi_series(ins, "fleksjob_andel_over_10_timer")
    assert out["value"].to_list() == [pytest.approx(30.0)]


def test_bad_rows_name_file_row_and_column(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(HEADER + "F1;2021M01;710;2021-03-01;Ny;3;\n", encoding="utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert str(e.value) == (
        f"{p}: row 2, column 'Måned': a month before the flexjob's start date: "
        "expected months from the start on"
    )
    p.write_text(HEADER + "F1;2021M04;710;2021-03-01;Halv;3;\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Ordning': unknown value 'Halv'"):
        read_local(p)
    p.write_text(HEADER + "F1;2021M04;710;2021-03-01;Ny;40;\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"row 2, column 'Effektive timer pr. uge': value 40"):
        read_local(p)
    p.write_text(
        HEADER + "F1;2021M04;710;2021-03-01;Ny;3;\nF1;2021-04;710;2021-03-01;Ny;4;\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match=r"row 3, column 'Person-id': the same person and month"):
        read_local(p)
    p.write_text(HEADER + "2505851234;2021M04;710;2021-03-01;Ny;3;\n", encoding="utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert e.value.column == "Person-id" and "CPR" in str(e.value)
    assert "2505851234" not in str(e.value)


def test_demo_favrskov_reproduces_the_plans_hours_bands(demo_store: Store) -> None:
    # DOMAIN.md, target 6 / plan figure 11: the last three years 60-63 % of new-scheme
    # flexjobs in 1-10 hours and 31-33 % above 10 hours (June, the reference month).
    df = demo_store.scan("fleksjob_timeudvikling").filter(
        (pl.col("area_code") == "710") & (pl.col("measure_id") == "personer")
    )
    counts = df.collect()
    for year in (2019, 2020, 2021):
        june = counts.filter(pl.col("period") == f"{year}M06")
        n = dict(june.select("hours_band", "value").iter_rows())
        share_1_10 = (n["1-5 timer"] + n["6-10 timer"]) / n[TOTAL]
        share_over = n["Over 10 timer"] / n[TOTAL]
        assert 0.60 <= share_1_10 <= 0.63, year
        assert 0.31 <= share_over <= 0.33, year
    out = api.kpi_series(demo_store.inputs(), "fleksjob_andel_over_10_timer", area_codes=["710"])
    value = dict(zip(out["period"], out["value"], strict=True))["2021M06"]
    assert 31.0 <= value <= 33.0
