"""Selection widgets shared by the pages, bound to query parameters (see state.py)."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import loaders, state
from domain.areas import area, municipalities
from metrics.danish import period_label

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
    "team": "Team",
}


def municipality_name(code: str) -> str:
    try:
        return area(code).name
    except LookupError:
        return code


def pick_plan(page: str, container: DeltaGenerator | None = None) -> loaders.PlanRef | None:
    """Any municipality, then a year among its plan files (None when it has none)."""
    box = container if container is not None else st.sidebar
    code = pick_municipality(page, box)
    plans = [p for p in loaders.plan_index() if p.municipality_code == code]
    if not plans:
        return None
    years = sorted({p.year for p in plans}, reverse=True)
    year = state.choose(state.AAR, "Planår", years, page=page, format_func=str, container=box)
    return next((p for p in plans if p.year == year), None)


def pick_municipality(page: str, container: DeltaGenerator | None = None) -> str:
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


LATEST = "seneste"


def pick_as_of(page: str, year: int, container: DeltaGenerator | None = None) -> str | None:
    """ "Status pr." a month of the plan year (``pr=2022M06`` in the URL): the plan is
    judged with the data up to that month, as ``jobmaal targets --as-of`` does. None:
    all loaded data."""
    box = container if container is not None else st.sidebar
    months = [f"{year}M{m:02d}" for m in range(12, 0, -1)]
    chosen = state.choose(
        state.PR,
        "Status pr.",
        [LATEST, *months],
        page=page,
        format_func=lambda c: "Seneste tal" if c == LATEST else period_label(c),
        default=LATEST,
        container=box,
        help="Vis målene, som de stod ved udgangen af en måned i planåret.",
    )
    return None if chosen in (None, LATEST) else chosen


def pick_year(page: str, years: list[int], container: DeltaGenerator | None = None) -> int | None:
    box = container if container is not None else st.sidebar
    return state.choose(
        state.AAR, "År", sorted(years, reverse=True), page=page, format_func=str, container=box
    )
