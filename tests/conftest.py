"""Shared fixtures: an empty store per test and one demo store per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data_connectors.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store in a temporary data dir."""
    return Store(tmp_path / "data")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The embedded demo data, built once per test session. Do not write to it."""
    from data_connectors.demo import build_demo

    s = Store(tmp_path_factory.mktemp("demo") / "data")
    build_demo(s)
    yield s


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test touch ./data or a developer's secrets."""
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "settings-data"))
    monkeypatch.delenv("JOBMAAL_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBMAAL_JOBINDSATS_API_KEY", raising=False)


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The hand-worked store of ``tests/test_dashboard_pages.py`` (its docstring works the
    numbers) with its plan and comparison group, for AppTests; yields the data dir."""
    import streamlit as st

    from dashboard import loaders
    from tests.test_dashboard_pages import GROUPS, PLAN, build_store

    data_dir = tmp_path / "data"
    build_store(data_dir)
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "710-2022.toml").write_text(PLAN, encoding="utf-8")
    (targets / "comparison_groups.toml").write_text(GROUPS, encoding="utf-8")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(data_dir))
    monkeypatch.setattr(loaders, "TARGETS_DIR", targets)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield data_dir
    st.cache_data.clear()
    st.cache_resource.clear()
