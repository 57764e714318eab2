"""Case-work compliance (metrics/compliance.py) and the case-event template, against
hand-worked examples; national figures from DOMAIN.md (59 %, about half, 65 %)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_connectors.local import TEMPLATES, import_files, read_local
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from metrics import compliance


def ev(pid: str, team: str | None, event: str, day: date) -> dict[str, object]:
    return {
        "person_id": pid,
        "municipality_code": "710",
        "team": team,
        "event": event,
        "event_date": day,
    }


def extract() -> pl.DataFrame:
    """Ressourceforløb started 1 March 2021 (12 months: to 28 February 2022, due 2022M02):
    Team A R01-R10, R01-R06 with 6 conversations (R01's sixth on 28 February 2022, the
    last day inside), R07-R10 with 5 inside and one on 1 March 2022 (outside): 6 of 10.
    Team B R11-R15, R11-R14 with 6, R15 with 5: 4 of 5. In all 10 of 15 = 66,7 %.
    R16 started 1 June 2021 is not due before the extract ends (1 March 2022).

    Ledighedsydelse started 10 January 2022 (Team B, L01-L06): CV on day 21 (31 January)
    for L01-L03, on day 22 for L04, none for L05-L06: 3 of 6.

    Re-assessment due 15 February 2022 (no team, V01-V05): done on the due date (V01), 92
    days before (15 November 2021, V02), 93 days before (V03), a day late (V04), never
    (V05): 2 of 5."""
    rows = []
    start = date(2021, 3, 1)
    for i in range(1, 17):
        pid, team = f"R{i:02d}", "Team A" if i <= 10 else "Team B"
        first = date(2021, 6, 1) if i == 16 else start
        rows.append(ev(pid, team, "ressourceforloeb_start", first))
        inside = 5 if i in (7, 8, 9, 10, 15) else 6
        for k in range(inside):
            day = date(2022, 2, 28) if (i == 1 and k == 5) else first + timedelta(days=30 * k + 5)
            rows.append(ev(pid, team, "opfoelgningssamtale", day))
        if inside == 5 and i != 15:
            rows.append(ev(pid, team, "opfoelgningssamtale", date(2022, 3, 1)))
    for i in range(1, 7):
        pid = f"L{i:02d}"
        rows.append(ev(pid, "Team B", "ledighedsydelse_start", date(2022, 1, 10)))
        if i <= 3:
            rows.append(ev(pid, "Team B", "cv_jobnet", date(2022, 1, 31)))
        elif i == 4:
            rows.append(ev(pid, "Team B", "cv_jobnet", date(2022, 2, 1)))
    due = date(2022, 2, 15)
    done = {1: due, 2: date(2021, 11, 15), 3: date(2021, 11, 14), 4: date(2022, 2, 16)}
    for i in range(1, 6):
        pid = f"V{i:02d}"
        rows.append(ev(pid, None, "revurdering_frist", due))
        if i in done:
            rows.append(ev(pid, None, "revurdering", done[i]))
    return pl.DataFrame(rows)


def row(df: pl.DataFrame, indicator: str, team: str) -> dict[str, object]:
    (hit,) = df.filter((pl.col("indicator") == indicator) & (pl.col("team") == team)).iter_rows(
        named=True
    )
    return hit


def test_indicators_unsuppressed() -> None:
    res = compliance.compliance(extract(), suppress=False)
    rf_a = row(res, "samtaler_ressourceforloeb", "Team A")
    assert (rf_a["period"], rf_a["n"], rf_a["met"]) == ("2022M02", 10, 6)
    rf_b = row(res, "samtaler_ressourceforloeb", "Team B")
    assert (rf_b["n"], rf_b["met"]) == (5, 4)
    cv = row(res, "cv_3_uger", "I alt")
    assert (cv["period"], cv["n"], cv["met"], cv["share"]) == ("2022M01", 6, 3, 50.0)
    rv = row(res, "rettidig_revurdering", compliance.UNKNOWN_TEAM)
    assert (rv["period"], rv["n"], rv["met"], rv["share"]) == ("2022M02", 5, 2, 40.0)
    # R16's 12 months are not over: only the March 2021 starts are counted.
    assert res.filter(pl.col("indicator") == "samtaler_ressourceforloeb")[
        "period"
    ].unique().to_list() == ["2022M02"]


def test_indicators_with_the_under_5_rule_and_national_figures() -> None:
    res = compliance.compliance(extract())
    total = row(res, "samtaler_ressourceforloeb", "I alt")
    assert (total["n"], total["met"]) == (15, 10)
    assert round(total["share"], 1) == 66.7  # type: ignore[arg-type]
    assert total["national"] == 59.0
    team_a = row(res, "samtaler_ressourceforloeb", "Team A")  # 4 not met: hidden
    assert team_a["n"] == 10 and team_a["share"] is None and team_a["suppressed"]
    cv = row(res, "cv_3_uger", "I alt")  # 3 of 6: hidden
    assert cv["share"] is None and cv["met"] is None and cv["national"] == 50.0
    rv = row(res, "rettidig_revurdering", "I alt")
    assert rv["share"] is None and rv["national"] == 65.0
    summary = compliance.compliance_total(extract())
    assert summary["indicator"].to_list() == list(compliance.INDICATORS)
    assert summary["n"].to_list() == [15, 6, 5]


def test_as_of_decides_what_is_due() -> None:
    """On 30 January 2022 no ressourceforløb has run 12 months, no CV deadline (31 January)
    and no re-assessment due date has passed: nothing to count."""
    assert compliance.compliance(extract(), as_of=date(2022, 1, 30)).is_empty()
    assert compliance.compliance(extract(), municipality="101").is_empty()


HEADER = "Person-id;Kommune;Team;Hændelse;Dato\n"


def test_case_event_template_reads_and_stores(tmp_path: Path) -> None:
    assert "case_events" in TEMPLATES
    f = tmp_path / "haendelser.csv"
    f.write_text(
        HEADER
        + "P-1;Favrskov;Team A;Ressourceforløb start;2021-03-01\n"
        + "P-1;710;Team A;Samtale;2021-04-01\n"
        + "P-2;710;;CV på Jobnet;15-01-2022\n",
        encoding="utf-8",
    )
    data = read_local(f)
    assert data.template_id == "case_events" and data.target_kind == "person"
    assert data.df["event"].to_list() == [
        "ressourceforloeb_start",
        "opfoelgningssamtale",
        "cv_jobnet",
    ]
    assert data.df["team"].to_list() == ["Team A", "Team A", None]
    store = Store(tmp_path / "data")
    import_files(store, [f], "case_events")
    assert store.scan_person("case_events").collect().height == 3


@pytest.mark.parametrize(
    ("body", "row_no", "column", "message"),
    [
        ("P-1;710;A;Kaffepause;2022-01-01\n", 2, "Hændelse", ""),
        ("0101901234;710;A;Samtale;2022-01-01\n", 2, "Person-id", "CPR"),
        ("P-1;710;A;Samtale;2022-01-01\nP-1;710;A;Samtale;2022-01-01\n", 3, "Person-id", "same"),
    ],
)
def test_case_event_template_refuses_bad_rows(
    tmp_path: Path, body: str, row_no: int, column: str, message: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read_local(f, "case_events")
    assert exc.value.row == row_no and exc.value.column == column
    assert message in str(exc.value)
    assert "0101901234" not in str(exc.value)


def test_ledelsestilsyn_page_shows_own_compliance_against_star(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extract above on the page: 10 of 15 ressourceforløb = 67 % (landsplan 59 %);
    CV 3 of 6 and re-assessment 2 of 5 are shown as <5."""
    data_dir = tmp_path / "data"
    Store(data_dir).import_person("case_events", extract(), origin="test-events")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(
        str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py"), default_timeout=60
    )
    at.query_params["kommune"] = "710"
    at.run()
    at.switch_page("views/ledelsestilsyn.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = {m.label: m.value for m in at.metric}
    assert shown[compliance.INDICATORS["samtaler_ressourceforloeb"]] == "67 %"
    assert shown[compliance.INDICATORS["cv_3_uger"]] == "<5"
    assert shown[compliance.INDICATORS["rettidig_revurdering"]] == "<5"
    table = at.dataframe[0].value
    assert "R01" not in table.to_string()
    st.cache_data.clear()
    st.cache_resource.clear()
