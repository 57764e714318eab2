"""Data values never reach the page as raw HTML (issue 11: a plan file's municipality name
went into ``unsafe_allow_html``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import components, loaders
from tests.test_dashboard_pages import APP, PLAN, TIMEOUT

EVIL = '<img src=x onerror="alert(1)">Favrskov'


def test_a_plan_name_with_html_is_shown_as_text(app_env: Path) -> None:
    plan = PLAN.replace('municipality_name = "Favrskov"', f"municipality_name = '{EVIL}'")
    assert EVIL in plan
    (app_env.parent / "targets" / "710-2022.toml").write_text(plan, encoding="utf-8")
    st.cache_data.clear()
    st.cache_resource.clear()
    for page in ("views/overblik.py", "views/maal.py"):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.query_params.update({"kommune": "710", "aar": "2022", "maal": "2"})
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        raw_html = [m.value for m in at.markdown if m.allow_html]
        assert raw_html, page
        assert not any("<img" in v for v in raw_html), page
        if page.endswith("maal.py"):
            assert any(
                "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Favrskov" in v for v in raw_html
            )
    st.cache_data.clear()


def test_status_badge_escapes_its_text() -> None:
    assert "<script>" not in components.status_badge("<script>x</script>")


def test_a_malformed_comparison_groups_file_is_an_error_not_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It used to be swallowed (``except Exception``), so the group quietly vanished."""
    (tmp_path / "comparison_groups.toml").write_text("[[group]]\nid = 'x'\n", encoding="utf-8")
    monkeypatch.setattr(loaders, "TARGETS_DIR", tmp_path)
    st.cache_resource.clear()
    with pytest.raises(ValueError, match=r"comparison_groups\.toml"):
        loaders.comparison_group("710")
    (tmp_path / "comparison_groups.toml").unlink()
    st.cache_resource.clear()
    assert loaders.comparison_group("710") is None  # no file: no group
    st.cache_resource.clear()


def test_the_kommuner_link_names_the_plan_by_year_never_by_a_server_path(app_env: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({"kommune": "710", "aar": "2022"})
    at.run()
    at.switch_page("views/kommuner.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    plan = at.query_params["plan"]
    assert plan in ("2022", ["2022"])
    assert "Planens mål: Favrskov 2022: Testplan 2022" in [s.value for s in at.subheader]


@pytest.mark.parametrize(
    ("page", "params", "shown"),
    [
        ("views/overblik.py", {"kommune": "999", "aar": "2022"}, "kommune »999«"),
        ("views/overblik.py", {"kommune": "710", "aar": "1800"}, "planår »1800«"),
        ("views/maal.py", {"kommune": "710", "aar": "2022", "maal": "abc"}, "mål »abc«"),
        ("views/kommuner.py", {"kommune": "999"}, "kommune »999«"),
    ],
)
def test_a_bad_link_shows_a_danish_message_and_no_numbers(
    app_env: Path, page: str, params: dict[str, str], shown: str
) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page(page)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert f"Linket peger på {shown}, som ikke findes her" in errors
    assert not at.metric and not at.dataframe  # no other municipality's or year's numbers
    assert any(m.value.startswith("[Vis i stedet ") for m in at.markdown)
