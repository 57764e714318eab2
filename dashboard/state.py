"""Selections (municipality, year, target, breakdown, KPI) live in ``st.query_params``.

A URL therefore reproduces the view. A selection also carries over when the user moves to
another page (Streamlit drops the query string on page switches), through a small memory
in session state. Order of precedence: the URL, then the last choice in this session,
then the page's default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

T = TypeVar("T")

KOMMUNE = "kommune"
AAR = "aar"
MAAL = "maal"
OPDELING = "opdeling"
KPI = "kpi"
PLAN = "plan"
TILSYN = "tilsyn"
PR = "pr"  # "status pr." month of the plan year, e.g. pr=2022M06

_MEMORY = "_jobmaal_selection"


def unknown_page(url: str | None, known: Sequence[str], base: str = "") -> str | None:
    """The page path a link asks for when no page has it (``/foo`` -> "foo"), else None.

    Streamlit then opens the start page under its own English notice; the router says in
    Danish that the page does not exist (never another page's numbers as if they were it).
    """
    if not url:
        return None
    path = urlsplit(url).path.strip("/")
    prefix = base.strip("/")  # Streamlit's server.baseUrlPath
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :].strip("/")
    if not path:
        return None
    return None if path in known else path


def _memory() -> dict[str, str]:
    mem = st.session_state.get(_MEMORY)
    if not isinstance(mem, dict):
        mem = {}
        st.session_state[_MEMORY] = mem
    return mem


def current(name: str) -> str | None:
    """The wanted value of a selection: from the URL, else from this session's memory."""
    value = st.query_params.get(name)
    if value:
        return str(value)
    return _memory().get(name)


def remember(name: str, value: str | None) -> None:
    """Put a selection into the URL and the session memory (``None`` removes it)."""
    mem = _memory()
    if value is None:
        mem.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]
        return
    mem[name] = value
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def choose(
    name: str,
    label: str,
    options: Sequence[T],
    *,
    page: str,
    format_func: Callable[[T], str] = str,
    to_param: Callable[[T], str] = str,
    default: T | None = None,
    container: DeltaGenerator | None = None,
    help: str | None = None,
) -> T | None:
    """A selectbox bound to query parameter ``name``; returns the chosen option.

    A link (a new session's first run) whose value is not an option stops the page with a
    Danish message and a link to a valid view: never another municipality's or year's
    numbers under a link that asked for something else.
    """
    if not options:
        remember(name, None)
        return None
    wanted = current(name)
    params = [to_param(o) for o in options]
    key = f"{page}:{name}"
    from_link = st.query_params.get(name)
    bad_link = bool(from_link) and from_link not in params and f"{key}:last" not in st.session_state
    if wanted in params:
        index = params.index(wanted)
    elif default is not None and default in options:
        index = list(options).index(default)
    else:
        index = 0
    # A remembered widget value that is no longer an option (e.g. after a new import).
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    # The URL wins over a stale widget state when it was changed from outside the widget.
    if key in st.session_state and wanted in params and to_param(st.session_state[key]) != wanted:
        last = st.session_state.get(f"{key}:last")
        if last is not None and last == to_param(st.session_state[key]):
            del st.session_state[key]
    target = container if container is not None else st
    value: T = target.selectbox(
        label, options, index=index, key=key, format_func=format_func, help=help
    )
    st.session_state[f"{key}:last"] = to_param(value)
    if bad_link:
        valid = {k: v for k, v in st.query_params.to_dict().items() if k != name}
        valid[name] = to_param(value)
        st.error(
            f"Linket peger på {label.lower()} »{from_link}«, som ikke findes her. "
            "Der vises ingen tal for det."
        )
        st.markdown(f"[Vis i stedet {format_func(value)}](?{urlencode(valid)})")
        st.stop()
    remember(name, to_param(value))
    return value
