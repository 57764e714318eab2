"""Selection widgets shared by the pages, bound to query parameters (see state.py)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import loaders, state
from domain.areas import area, municipalities

DEFAULT_MUNICIPALITY = "710"  # Favrskov: the example plan of the brief

DIMENSION_LABELS = {
    "benefit_group": "Ydelsesgruppe",
    "match_group": "Matchgruppe",
    "sex": "Køn",
    "age_band": "Alder",
    "origin": "Herkomst",
    "hours_band": "Timer i fleksjob",
    "scheme": "Ordning",
    "route": "Vej til selvforsørgelse",
}


def municipality_name(code: str) -> str:
    try:
        return area(code).name
    except LookupError:
        return code


def pick_plan(page: str, container: Any = None) -> loaders.PlanRef | None:
    """Any municipality, then a year among its plan files (None when it has none)."""
    box = container if container is not None else st.sidebar
    code = pick_municipality(page, box)
    plans = [p for p in loaders.plan_index() if p.municipality_code == code]
    if not plans:
        return None
    years = sorted({p.year for p in plans}, reverse=True)
    year = state.choose(state.AAR, "Planår", years, page=page, format_func=str, container=box)
    return next((p for p in plans if p.year == year), None)


def pick_municipality(page: str, container: Any = None) -> str:
    """Any of the 98 municipalities."""
    box = container if container is not None else st.sidebar
    codes = municipalities().sort("name")["code"].to_list()
    code = state.choose(
        state.KOMMUNE,
        "Kommune",
        codes,
        page=page,
        format_func=municipality_name,
        default=DEFAULT_MUNICIPALITY,
        container=box,
    )
    return code or DEFAULT_MUNICIPALITY


def pick_year(page: str, years: list[int], container: Any = None) -> int | None:
    box = container if container is not None else st.sidebar
    return state.choose(
        state.AAR, "År", sorted(years, reverse=True), page=page, format_func=str, container=box
    )
