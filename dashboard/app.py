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
from streamlit.navigation.page import StreamlitPage  # noqa: E402

from dashboard import auth, state  # noqa: E402
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

# id -> (file, title, icon, url path); the id is what dashboard.auth grants.
PAGES = {
    "overblik": ("overblik.py", "Overblik", ":material/dashboard:", "overblik"),
    "maal": ("maal.py", "Mål", ":material/target:", "maal"),
    "ledelsestilsyn": ("ledelsestilsyn.py", "Ledelsestilsyn", ":material/fact_check:", None),
    "review_rounds": ("review_rounds.py", "Stikprøver", ":material/casino:", "stikproever"),
    "review_form": ("review_form.py", "Gennemgang", ":material/rate_review:", "gennemgang"),
    "review_results": (
        "review_results.py",
        "Tilsynsresultater",
        ":material/monitoring:",
        "tilsynsresultater",
    ),
    "kommuner": ("kommuner.py", "Kommuner", ":material/map:", None),
    "data": ("data.py", "Data", ":material/database:", None),
}
GROUPS = {
    "Udvalg": ["overblik"],
    "Ledelse": ["maal", "ledelsestilsyn", "review_rounds", "review_form", "review_results"],
    "Analyse": ["kommuner", "data"],
}


def _pages(default: str) -> dict[str, StreamlitPage]:
    """Every page; ``default`` opens at the root URL (the viewer's start page)."""
    out = {}
    for pid, (file, title, icon, url) in PAGES.items():
        out[pid] = st.Page(
            _PAGES / file,
            title=title,
            icon=icon,
            url_path=None if pid == default else (url or file.removesuffix(".py")),
            default=pid == default,
        )
    return out


# Pages other pages link to (st.page_link needs them registered in the navigation).
# (A comment, not a docstring: Streamlit's magic would print a bare string on the page.)
LINKED = ("maal", "kommuner", "data")

viewer = auth.current()
if viewer.mode == "login" and not viewer.logged_in:
    st.navigation([st.Page(auth.login_page, title="Log ind", icon=":material/login:")]).run()
    st.stop()
allowed = {group: [p for p in ids if viewer.can(p)] for group, ids in GROUPS.items()}
allowed = {group: ids for group, ids in allowed.items() if ids}
auth.sidebar(viewer)
if not allowed:  # logged in without a (known) role: nothing but the explanation
    st.navigation([st.Page(auth.no_access_page, title="Ingen adgang")]).run()
    st.stop()
PAGE_IDS = _pages(next(iter(allowed.values()))[0])
if all(viewer.can(p) for p in LINKED):
    # The usual sidebar menu, with only the pages this viewer may open.
    page = st.navigation({g: [PAGE_IDS[p] for p in ids] for g, ids in allowed.items()})
else:
    # A role without pages that others link to (udvalg, sagsbehandler): every page stays
    # registered so links work, the menu lists the allowed ones, the rest are refused.
    page = st.navigation(list(PAGE_IDS.values()), position="hidden")
    for group, ids in allowed.items():
        st.sidebar.caption(group)
        for p in ids:
            st.sidebar.page_link(PAGE_IDS[p])
auth.banner(viewer)
missing = state.unknown_page(
    st.context.url,
    [p.url_path for p in PAGE_IDS.values()],
    base=str(st.get_option("server.baseUrlPath") or ""),
)
if missing is not None:
    st.error(f"Siden »{missing}« findes ikke i jobmaal.", icon=":material/link_off:")
    st.page_link(PAGE_IDS[next(iter(allowed.values()))[0]], label="Gå til startsiden")
    st.stop()
page_id = next(k for k, v in PAGE_IDS.items() if v.url_path == page.url_path)
if not viewer.can(page_id):
    st.error(
        f"Din rolle ({viewer.role_label}) giver ikke adgang til siden {page.title}.",
        icon=":material/block:",
    )
    st.page_link(PAGE_IDS[next(iter(allowed.values()))[0]], label="Til din startside")
    st.stop()
page.run()
