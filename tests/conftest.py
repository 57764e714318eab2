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
