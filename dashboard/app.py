"""Streamlit entry point (placeholder until the dashboard issue lands)."""

import streamlit as st

from data_connectors.store import Store

st.set_page_config(page_title="jobmaal", layout="wide")
st.title("jobmaal: beskæftigelsesplanens mål")
store = Store.from_settings()
st.dataframe(store.status(), width="stretch")
