"""Data: what is loaded, periods covered, sources, import log and freshness."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import streamlit as st

from dashboard import components, export, fmt, loaders
from data_connectors import datasets
from data_connectors.canonical import PERSON_TABLES

PAGE = "data"

key = loaders.store_key()
demo = loaders.is_demo(key)
components.demo_banner(demo)

st.title("Data")
st.caption(f"Lager: {key[0]}")
status = loaders.status(key)
if status.is_empty():
    st.info(
        "Lageret er tomt. Byg demodata med `jobmaal demo` eller indlæs udtræk med `jobmaal import`."
    )
    st.stop()

if demo:
    st.error(
        f"{export.DEMO_BANNER}: datasættene "
        + ", ".join(sorted(loaders.demo_datasets(key)))
        + " kommer fra demodata-generatoren."
    )


def _title(ds: str) -> str:
    if ds in datasets.DATASETS:
        return datasets.DATASETS[ds].title
    if ds in PERSON_TABLES:
        return PERSON_TABLES[ds].title
    return ds


now = datetime.now(UTC)
loaded = status.with_columns(
    pl.col("dataset_id").map_elements(_title, return_dtype=pl.String).alias("Titel"),
    pl.col("first_period").map_elements(fmt.period_label, return_dtype=pl.String).alias("Fra"),
    pl.col("last_period").map_elements(fmt.period_label, return_dtype=pl.String).alias("Til"),
    ((pl.lit(now) - pl.col("retrieved_at")).dt.total_days()).alias("Alder (dage)"),
).select(
    pl.col("dataset_id").alias("Datasæt"),
    "Titel",
    "Fra",
    "Til",
    pl.col("rows").alias("Rækker"),
    pl.col("areas").alias("Områder"),
    pl.col("source").alias("Kilde"),
    pl.col("retrieved_at").alias("Hentet"),
    pl.col("last_import").alias("Senest indlæst"),
    "Alder (dage)",
)
st.subheader("Indlæste datasæt")
components.table(
    loaded,
    column_config={
        "Rækker": st.column_config.NumberColumn(format="localized"),
        "Områder": st.column_config.NumberColumn(format="localized"),
        "Alder (dage)": st.column_config.NumberColumn(format="localized"),
        "Hentet": st.column_config.DatetimeColumn(format="localized"),
    },
)

st.subheader("Opdateringer på jobindsats.dk")
cat = loaders.catalogue(key)
if cat is None or cat.is_empty():
    st.caption("Jobindsats-kataloget er ikke hentet (kræver en API-nøgle til jobindsats.dk).")
else:
    shown = cat.filter(pl.col("table_id").is_in(status["dataset_id"].to_list()))
    if shown.is_empty():
        shown = cat
    components.table(
        shown.rename(
            {
                "table_id": "Tabel",
                "table_name": "Navn",
                "update_freq": "Opdateres",
                "update_latest": "Seneste opdatering",
                "update_next": "Næste opdatering",
                "fetched_at": "Katalog hentet",
            },
            strict=False,
        ),
    )

st.subheader("Importlog")
log = loaders.import_log(key)
if log.is_empty():
    st.caption("Ingen importer registreret.")
else:
    components.table(
        log.sort("imported_at", descending=True).rename(
            {
                "imported_at": "Tidspunkt",
                "who": "Bruger",
                "kind": "Type",
                "origin": "Fil/kilde",
                "sha256": "SHA-256",
                "target": "Datasæt",
                "rows_in": "Rækker ind",
                "rows_added": "Nye",
                "rows_replaced": "Erstattet",
            }
        ),
    )
