"""The review register as the pages use it: one migrated database per process."""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st

from dashboard import loaders
from data_connectors.review import ReviewDB
from data_connectors.settings import Settings, review_database_url


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(fingerprint: str) -> ReviewDB:
    """Opened and migrated once per database (keyed by a hash: never the URL itself)."""
    db = ReviewDB(review_database_url(Settings()))
    db.upgrade()
    return db


def db() -> ReviewDB:
    """The register of the current settings (``JOBMAAL_DATABASE_URL`` or the data dir)."""
    url = review_database_url(Settings()).get_secret_value()
    return _open(hashlib.sha256(url.encode()).hexdigest())


def sanction_cases() -> pl.DataFrame:
    """The imported sanction cases (the population rounds are drawn from)."""
    lf = loaders.inputs(loaders.store_key()).get("sanction_cases")
    return lf.collect() if lf is not None else pl.DataFrame()
