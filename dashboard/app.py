"""Streamlit entry point: a thin router over the pages, grouped by role.

Run with ``streamlit run dashboard/app.py`` (``make run``). Streamlit puts ``dashboard/``
on ``sys.path``, not the repository root, so the root is added here before any project
import (the editable install covers it too; this keeps a plain checkout working).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard.components import page_css  # noqa: E402

# Not "pages/": Streamlit would also auto-register a pages/ folder and run a deep link such
# as /maal on its own, without this router (raw file names in the sidebar, narrow layout).
_PAGES = Path(__file__).resolve().parent / "views"

st.set_page_config(
    page_title="jobmaal – beskæftigelsesplanens mål",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="expanded",
)
page_css()

overblik = st.Page(
    _PAGES / "overblik.py", title="Overblik", icon=":material/dashboard:", default=True
)
maal = st.Page(_PAGES / "maal.py", title="Mål", icon=":material/target:", url_path="maal")
tilsyn = st.Page(
    _PAGES / "ledelsestilsyn.py",
    title="Ledelsestilsyn",
    icon=":material/fact_check:",
    url_path="ledelsestilsyn",
)
kommuner = st.Page(
    _PAGES / "kommuner.py", title="Kommuner", icon=":material/map:", url_path="kommuner"
)
data = st.Page(_PAGES / "data.py", title="Data", icon=":material/database:", url_path="data")

nav = st.navigation(
    {
        "Udvalg": [overblik],
        "Ledelse": [maal, tilsyn],
        "Analyse": [kommuner, data],
    }
)
nav.run()
