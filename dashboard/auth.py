"""Who is looking, and what they may see and do.

Login is Streamlit's built-in ``st.login`` (OpenID Connect), configured in the ``[auth]``
section of ``.streamlit/secrets.toml`` (see ``.streamlit/secrets.toml.example``). The
role table is the ``[roles]`` section of the same file: e-mail address -> role::

    [roles]
    "leder@favrskov.dk" = "leder"
    "anne@favrskov.dk" = "sagsbehandler"

Roles (``domain.review.ROLES``):

* ``udvalg``: Overblik (and the committee report) only;
* ``leder``: everything; creates review rounds and assigns cases;
* ``sagsbehandler``: the review form, for the cases assigned to them;
* ``analytiker``: every aggregate page and the Data page, no case screens.

Without an ``[auth]`` section jobmaal runs in an explicit local mode (a banner says so):
aggregate pages only; the case screens are closed unless ``JOBMAAL_LOCAL_ROLE`` names a
role, which the whole local session then has (audit entries name ``JOBMAAL_LOCAL_USER``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import streamlit as st

from data_connectors.settings import Settings
from domain.review import ROLES

# Pages by id (the file name in views/ without .py) and actions.
AGGREGATE_PAGES: Final = (
    "overblik",
    "maal",
    "ledelsestilsyn",
    "kommuner",
    "data",
    "review_results",
)
CASE_PAGES: Final = ("review_rounds", "review_form")

PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "udvalg": frozenset({"overblik"}),
    "leder": frozenset(
        {
            *AGGREGATE_PAGES,
            *CASE_PAGES,
            "create_round",
            "assign",
            "review_any",
            "manage_actions",
            "see_actions",
        }
    ),
    "sagsbehandler": frozenset({"review_form", "review_assigned"}),
    "analytiker": frozenset(AGGREGATE_PAGES),
}
LOCAL_WITHOUT_ROLE: Final = frozenset(AGGREGATE_PAGES)

Mode = Literal["login", "local"]


@dataclass(frozen=True)
class Viewer:
    """The person using this session (or the local mode's stand-in)."""

    mode: Mode
    logged_in: bool
    user: str | None
    role: str | None
    problem: str | None = None

    @property
    def allowed(self) -> frozenset[str]:
        if self.role in PERMISSIONS:
            return PERMISSIONS[self.role]
        if self.mode == "local":
            return LOCAL_WITHOUT_ROLE
        return frozenset()

    def can(self, what: str) -> bool:
        return what in self.allowed

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role or "", "ingen rolle")


def _secrets_section(name: str) -> Mapping[str, object] | None:
    try:
        if name not in st.secrets:
            return None
        section = st.secrets[name]
    except FileNotFoundError:
        return None
    return section if isinstance(section, Mapping) else None


def login_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (st.login)."""
    return _secrets_section("auth") is not None


def role_table() -> dict[str, str]:
    """E-mail (lower case) -> role, from the ``[roles]`` section of secrets.toml."""
    section = _secrets_section("roles") or {}
    return {str(k).strip().lower(): str(v).strip() for k, v in section.items()}


def current() -> Viewer:
    """The viewer of this run: logged-in user and role, or the local mode."""
    if not login_configured():
        settings = Settings()
        role = (settings.local_role or "").strip() or None
        if role is not None and role not in ROLES:
            return Viewer(
                "local",
                False,
                None,
                None,
                problem=f"JOBMAAL_LOCAL_ROLE={role!r} er ikke en rolle "
                f"({', '.join(ROLES)}); sagsskærmene er lukket.",
            )
        return Viewer("local", False, settings.local_user if role else None, role)
    if not st.user.is_logged_in:
        return Viewer("login", False, None, None)
    email = str(st.user.get("email") or "").strip().lower()
    role = role_table().get(email)
    if role is not None and role not in ROLES:
        return Viewer(
            "login", True, email, None, problem=f"Rollen {role!r} i rolletabellen er ukendt."
        )
    if role is None:
        return Viewer(
            "login",
            True,
            email or None,
            None,
            problem="Din bruger har ingen rolle i jobmaal. Kontakt en administrator.",
        )
    return Viewer("login", True, email, role)


BANNER_STYLE = (
    "background:#eef3f8;border-left:4px solid #1f5c99;padding:0.45rem 0.8rem;"
    "border-radius:0.3rem;margin-bottom:0.6rem;font-size:0.92rem"
)


def banner_text(viewer: Viewer) -> str | None:
    """The local mode's banner (None when logged in)."""
    if viewer.mode != "local":
        return None
    if viewer.role:
        return (
            f"<b>Lokal tilstand uden login.</b> Rollen <i>{viewer.role_label}</i> er sat med "
            f"JOBMAAL_LOCAL_ROLE; ændringer registreres som «{html.escape(viewer.user or '')}»."
        )
    return (
        "<b>Lokal tilstand uden login:</b> kun sider med samlede tal. Sagsskærmene "
        "(stikprøver og gennemgang) kræver login eller JOBMAAL_LOCAL_ROLE."
    )


def banner(viewer: Viewer) -> None:
    """The local-mode banner (and any problem with the role) at the top of every page.

    Markdown rather than an alert, so a page's own notices stay its first alerts."""
    text = banner_text(viewer)
    if text:
        st.markdown(
            f'<div class="jm-local-banner no-print" style="{BANNER_STYLE}">{text}</div>',
            unsafe_allow_html=True,
        )
    if viewer.problem and viewer.mode == "local":
        st.error(viewer.problem)


def sidebar(viewer: Viewer) -> None:
    """Who is logged in, with the role, and the log-out button."""
    if viewer.mode != "login" or not viewer.logged_in:
        return
    st.sidebar.caption(f"Logget ind som {viewer.user} ({viewer.role_label})")
    if st.sidebar.button("Log ud", key="auth:logout", icon=":material/logout:"):
        st.logout()


def login_page() -> None:
    """The only page a visitor sees before logging in."""
    st.title("jobmaal")
    st.write("Log ind med din kommunale bruger for at se jobmaal.")
    if st.button("Log ind", key="auth:login", icon=":material/login:", type="primary"):
        st.login()


def require(what: str) -> Viewer:
    """The viewer, if they may see ``what``; otherwise a Danish refusal and stop."""
    viewer = current()
    if not viewer.can(what):
        if viewer.mode == "local" and not viewer.role:
            st.warning(
                "Denne side viser enkeltsager og er lukket i lokal tilstand uden login. "
                "Sæt JOBMAAL_LOCAL_ROLE (fx leder) eller konfigurer login.",
                icon=":material/lock:",
            )
        else:
            st.error(
                f"Din rolle ({viewer.role_label}) giver ikke adgang til denne side.",
                icon=":material/block:",
            )
        st.stop()
    return viewer


def no_access_page() -> None:
    """What a logged-in user without a (known) role sees."""
    st.title("jobmaal")
    viewer = current()
    st.error(viewer.problem or "Din bruger har ingen adgang til jobmaal.")
