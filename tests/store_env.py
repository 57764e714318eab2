"""An empty store in a temporary folder as the pages' store (``JOBMAAL_DATA_DIR``), with
Streamlit's caches cleared before and after: for tests of the page builds that import
their own rows. Import the fixture into a test module to use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from data_connectors.store import Store


@pytest.fixture(name="store_env")
def store_env_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    store = Store(tmp_path / "data")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(store.data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield store
    st.cache_data.clear()
    st.cache_resource.clear()
