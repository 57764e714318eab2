"""``jobmaal warm`` fills the page cache so that a fresh process builds a plan's pages
from disk without computing a metric."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import streamlit as st
from click.testing import CliRunner

from cli.main import cli
from dashboard import loaders, page_cache, pagedata, pagedata_data, sections, warm
from data_connectors.store import Store
from metrics import kpis


def _fresh_process() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    kpis.clear_cache()


def test_after_warm_the_plan_pages_need_no_computation(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warm, forget everything in the process, then build Overblik, each target's
    comparison and ranking (as Mål shows them), Kommuner's table for Favrskov 2022 and
    the Data page (its reconciliations
    compute person-level KPIs) with the store's tables made unreadable:
    every figure comes from the cache. Without the warm step the same build needs them."""
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(demo_store.data_dir))
    key = loaders.store_key()
    page_cache.clear(demo_store.data_dir)
    ref = loaders.find_plan("710", 2022)
    assert ref is not None

    def no_tables(_key: loaders.StoreKey) -> None:
        raise AssertionError("a metric was computed")

    try:
        _fresh_process()
        with monkeypatch.context() as m:
            m.setattr(loaders, "inputs", no_tables)
            with pytest.raises(AssertionError, match="a metric was computed"):
                pagedata.plan_page(key, ref)
        _fresh_process()
        done = warm.warm(key)
        assert "710-2022" in done.plans and "710-2023" in done.plans
        expected = pagedata.plan_page(key, ref)
        _fresh_process()
        with monkeypatch.context() as m:
            m.setattr(loaders, "inputs", no_tables)
            page = pagedata.plan_page(key, ref)
            for view in page.targets:
                t = view.target
                sections.comparison_data(
                    key,
                    view.metric,
                    muni="710",
                    year=2022,
                    breakdown=t.breakdown if t.group else None,
                    group=t.group,
                )
                sections.ranking_data(key, view.metric, year=2022)
            overview = sections.kpi_overview(
                key, sections.overview_metrics(), muni="710", name="Favrskov", year=2022
            )
            data = pagedata_data.build(pagedata_data.DataSelection(key=key, now=datetime.now(UTC)))
        assert [v.result for v in page.targets] == [v.result for v in expected.targets]
        assert page.summary == expected.summary
        assert "langtidsledige" in overview["id"].to_list()  # Kommuner's table, from disk
        assert len(data.reconciliations) == 2  # long-term unemployed, Eastern European share
        assert all(r.table.height for r in data.reconciliations)
    finally:
        page_cache.clear(demo_store.data_dir)
        _fresh_process()


def test_the_warm_command_names_the_plans(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(demo_store.data_dir))
    try:
        out = CliRunner().invoke(cli, ["warm"])
        assert out.exit_code == 0, out.output
        assert "page cache filled: 710-2022, 710-2023 (14 targets)" in out.output
    finally:
        page_cache.clear(demo_store.data_dir)
        _fresh_process()
