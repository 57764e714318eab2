"""Data: what is loaded, periods covered, sources, import log and freshness; the local
templates to download and an upload that checks a file, previews it and stores it only
on an explicit confirm.

The data comes from ``pagedata_data`` (``build``, ``template_view``, ``upload_preview``);
this script lays it out and runs the check and the store its widgets ask for.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboard import components, export, loaders, pagedata_data
from dashboard.local_help import TEMPLATE_PARAM
from data_connectors.local import TEMPLATES
from data_connectors.readers.errors import ReadError
from data_connectors.store import StoreError

PAGE = "data"
AUTO = "auto"
SAVED = "_jobmaal_saved_upload"

key = loaders.store_key()
page = pagedata_data.build(pagedata_data.DataSelection(key=key, now=datetime.now(UTC)))
components.demo_banner(bool(page.demo_datasets))

st.title("Data")
st.caption(f"Lager: {page.store}")


def _preview(preview: pagedata_data.UploadPreview) -> None:
    """What will be stored: periods, areas, rows; counts only, never a person or case id."""
    c1, c2, c3 = st.columns(3)
    c1.metric("Perioder", preview.periods)
    c2.metric("Områder", preview.areas)
    c3.metric("Rækker", preview.rows)
    st.caption(preview.caption)
    components.table(preview.table)


def _local_section() -> None:
    """Templates to download, and the upload: check, preview, store on confirm."""
    st.subheader("Indlæs egne data")
    st.caption(
        "Kommunens egne udtræk (CRM, Fasit, sagssystem, fleksjobtimer) indlæses i en af "
        "skabelonerne nedenfor. Person-id'er skal være pseudonymer: en værdi, der ligner et "
        "CPR-nummer, afvises. Se docs/local-data.md."
    )
    wanted = st.query_params.get(TEMPLATE_PARAM)
    ids = list(TEMPLATES)
    chosen = st.selectbox(
        "Skabelon",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=lambda t: f"{TEMPLATES[t].title} ({t})",
        key=f"{PAGE}:skabelon",
    )
    tmpl = pagedata_data.template_view(chosen)
    st.markdown(f"{tmpl.description}  \nKommer normalt fra: {tmpl.origin}")
    files = (
        ("Excel-skabelon", tmpl.xlsx, tmpl.xlsx_name, components.XLSX_MIME, "xlsx"),
        ("CSV-skabelon", tmpl.csv, tmpl.csv_name, "text/csv", "csv"),
    )
    for col, (label, data, file, mime, suffix) in zip(st.columns([1, 1, 3]), files, strict=False):
        col.download_button(
            label,
            data,
            file_name=file,
            mime=mime,
            icon=":material/download:",
            key=f"{PAGE}:{suffix}",
        )
    with st.expander("Kolonner i skabelonen"):
        components.table(tmpl.columns)

    if SAVED in st.session_state:
        st.success(f"Gemt: {st.session_state.pop(SAVED)}")
    mode = st.radio(
        "Filens skabelon",
        [AUTO, chosen],
        format_func=lambda m: "Find ud fra kolonnerne" if m == AUTO else f"Den valgte ({m})",
        horizontal=True,
        key=f"{PAGE}:mode",
    )
    upload = st.file_uploader(
        "Vælg en fil (CSV eller Excel .xlsx)", type=["csv", "txt", "xlsx"], key=f"{PAGE}:upload"
    )
    if upload is None:
        return
    raw = upload.getvalue()
    try:
        local = pagedata_data.check_upload(upload.name, raw, None if mode == AUTO else mode)
    except (ReadError, KeyError) as exc:
        st.error(f"Filen kan ikke indlæses, intet er gemt: {exc}")
        return
    st.success(
        f"{upload.name} passer til skabelonen {local.template_id} og er kontrolleret. "
        "Intet er gemt endnu."
    )
    _preview(pagedata_data.upload_preview(local))
    if st.button("Gem i lageret", type="primary", key=f"{PAGE}:confirm"):
        try:
            summary = pagedata_data.store_upload(local, upload.name, raw)
        except (StoreError, ValueError, OSError) as exc:  # refused: nothing written
            st.error(f"Filen blev ikke gemt: {exc}")
        else:
            st.session_state[SAVED] = summary
            st.rerun()  # the tables above and every page read the new store


if page.empty:
    st.info(
        "Lageret er tomt. Byg demodata med `jobmaal demo`, hent tal fra jobindsats.dk med "
        "`jobmaal fetch` eller indlæs kommunens egne udtræk nedenfor eller med `jobmaal import`."
    )
    _local_section()
    st.stop()

if page.demo_datasets:
    st.error(
        f"{export.DEMO_BANNER}: datasættene "
        + ", ".join(page.demo_datasets)
        + " kommer fra demodata-generatoren."
    )

st.subheader("Indlæste datasæt")
components.table(
    page.loaded,
    column_config={
        "Rækker": st.column_config.NumberColumn(format="localized"),
        "Områder": st.column_config.NumberColumn(format="localized"),
        "Alder (dage)": st.column_config.NumberColumn(format="localized"),
        "Hentet": st.column_config.DatetimeColumn(format="localized"),
    },
)

st.subheader("Opdateringer på jobindsats.dk")
if page.catalogue is None:
    st.caption("Jobindsats-kataloget er ikke hentet (kræver en API-nøgle til jobindsats.dk).")
else:
    components.table(page.catalogue)

if page.reconciliations:
    st.subheader("Afstemning: persondata mod offentliggjorte tal")
    st.caption(
        "Nøgletal genberegnet af kommunens persondata ved siden af de offentliggjorte tal, "
        "de efterligner, måned for måned (forskel = persondata minus offentliggjort). Kun "
        "kommuner og måneder, begge kilder dækker; tal om færre end 5 personer vises ikke."
    )
    for rec in page.reconciliations:
        st.markdown(f"**{rec.label}**")
        if rec.table.is_empty():
            st.caption("Ingen måneder, som begge kilder dækker.")
        else:
            components.table(rec.table)

st.subheader("Importlog")
if page.import_log.is_empty():
    st.caption("Ingen importer registreret.")
else:
    components.table(page.import_log)

_local_section()
