"""Streamlit entry point: a thin router over the pages, grouped by role.

Which pages a visitor gets comes from ``dashboard.auth`` (login and role table, or the
local mode); every case page checks the role again itself.

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

from dashboard import auth  # noqa: E402
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
rounds = st.Page(
    _PAGES / "review_rounds.py",
    title="Stikprøver",
    icon=":material/casino:",
    url_path="stikproever",
)
form = st.Page(
    _PAGES / "review_form.py",
    title="Gennemgang",
    icon=":material/rate_review:",
    url_path="gennemgang",
)
results = st.Page(
    _PAGES / "review_results.py",
    title="Tilsynsresultater",
    icon=":material/monitoring:",
    url_path="tilsynsresultater",
)
kommuner = st.Page(
    _PAGES / "kommuner.py", title="Kommuner", icon=":material/map:", url_path="kommuner"
)
data = st.Page(_PAGES / "data.py", title="Data", icon=":material/database:", url_path="data")

PAGE_IDS = {
    "overblik": overblik,
    "maal": maal,
    "ledelsestilsyn": tilsyn,
    "review_rounds": rounds,
    "review_form": form,
    "review_results": results,
    "kommuner": kommuner,
    "data": data,
}
GROUPS = {
    "Udvalg": ["overblik"],
    "Ledelse": ["maal", "ledelsestilsyn", "review_rounds", "review_form", "review_results"],
    "Analyse": ["kommuner", "data"],
}

viewer = auth.current()
if viewer.mode == "login" and not viewer.logged_in:
    nav = st.navigation([st.Page(auth.login_page, title="Log ind", icon=":material/login:")])
else:
    allowed = {group: [PAGE_IDS[p] for p in ids if viewer.can(p)] for group, ids in GROUPS.items()}
    visible = {group: pages for group, pages in allowed.items() if pages}
    if not visible:  # logged in without a role: nothing but the explanation
        visible = {"": [st.Page(auth.no_access_page, title="Ingen adgang")]}
    auth.sidebar(viewer)
    nav = st.navigation(visible)
    auth.banner(viewer)
nav.run()
