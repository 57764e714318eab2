"""A target without data says which dataset is missing, where it comes from and where the
template is (Overblik's cards and Mål)."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from data_connectors.local import TEMPLATES
from data_connectors.local.sources import SourceHelp, missing_help

TEMPLATE_PARAM = "skabelon"
"""Query parameter of the Data page: the template to show (e.g. ?skabelon=sanction_reviews)."""


def missing(sources: tuple[str, ...], loaded: Iterable[str]) -> list[SourceHelp]:
    return missing_help(sources, set(loaded), TEMPLATES)


def missing_notice(sources: tuple[str, ...], loaded: Iterable[str], *, key: str) -> bool:
    """Show what is missing for a metric with none of ``sources`` loaded; True if shown."""
    helps = missing(sources, loaded)
    if not helps:
        return False
    for h in helps:
        st.warning(
            f"**Data mangler:** {h.title} (`{h.source}`). Kommer normalt fra: {h.origin}",
            icon=":material/database_off:",
        )
        if h.template_id:
            st.page_link(
                "views/data.py",
                label=f"Hent skabelonen {h.template_id} og indlæs data",
                icon=":material/upload_file:",
                query_params={TEMPLATE_PARAM: h.template_id},
            )
    return True
