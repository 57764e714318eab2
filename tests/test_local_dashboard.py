"""The Data page's templates and upload section, and the missing-data notices on Overblik
and Mål, on an empty store (AppTest; Streamlit's AppTest cannot drive a file upload, so
the upload path itself is covered by read_local / store_local in the other tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import loaders

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
PLAN = """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2022
title = "Testplan 2022"

[[targets]]
id = "3"
label = "Andel østeuropæiske forsikrede ledige"
metric_id = "andel_oesteuropaeiske_forsikrede"
kind = "max"
target = 5.0
unit = "pct"
wording = "Højst 5 %."

[[targets]]
id = "6c"
label = "Andel over 10 timer"
metric_id = "fleksjob_andel_over_10_timer"
kind = "increase"
baseline_period = "2021M06"
unit = "pct"
wording = "Andelen over 10 timer skal stige."
"""


@pytest.fixture
def empty_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "710-2022.toml").write_text(PLAN, encoding="utf-8")
    (targets / "comparison_groups.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(loaders, "TARGETS_DIR", targets)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


def _run(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_overblik_says_which_data_is_missing(empty_env: Path) -> None:
    at = _run(kommune="710", aar="2022")
    warnings = [w.value for w in at.warning]
    assert any(
        "Data mangler:** Forsikrede ledige efter oprindelsesland (`fasit_forsikrede_oprindelse`)"
        in w
        and "Fasit" in w
        for w in warnings
    ), warnings
    assert any("Timer i fleksjob" in w or "Udvikling i timer i fleksjob" in w for w in warnings)
    # No template is named twice for one target (fleksjob_timeudvikling is computed from
    # person_flexjob_months: one notice, one link).
    assert sum("fleksjob" in w.lower() for w in warnings) == 1


def test_maal_says_which_data_is_missing(empty_env: Path) -> None:
    at = _run("views/maal.py", kommune="710", aar="2022", maal="3")
    assert any("fasit_forsikrede_oprindelse" in w.value for w in at.warning)


def test_data_page_offers_templates_and_upload_on_an_empty_store(empty_env: Path) -> None:
    at = _run("views/data.py", skabelon="sanction_reviews")
    assert "Lageret er tomt" in at.info[0].value
    assert at.selectbox[0].value == "sanction_reviews"
    labels = [getattr(b, "label", None) for b in at.get("download_button")]
    assert "Excel-skabelon" in labels and "CSV-skabelon" in labels
    assert at.get("file_uploader")
    assert not at.button  # nothing to confirm before a file is checked
