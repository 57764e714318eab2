"""Data: what is loaded, periods covered, sources, import log and freshness; the local
templates to download and an upload that checks a file, previews it and stores it only
on an explicit confirm."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import components, export, loaders
from dashboard.local_help import TEMPLATE_PARAM
from data_connectors.local import TEMPLATES, LocalData, read_local, store_local
from data_connectors.local.templates import KIND_TEXT, file_name, template_csv, template_xlsx
from data_connectors.readers.errors import ReadError
from data_connectors.settings import Settings
from data_connectors.store import Store, StoreError, sha256_bytes
from domain import datasets
from domain.canonical import PERSON_TABLES
from metrics import danish

PAGE = "data"

key = loaders.store_key()
demo = loaders.is_demo(key)
components.demo_banner(demo)

st.title("Data")
st.caption(f"Lager: {key[0]}")
status = loaders.status(key)
AUTO = "auto"
SAVED = "_jobmaal_saved_upload"


def _preview(data: LocalData) -> None:
    """What will be stored: periods, areas, rows; counts only, never a person or case id."""
    c1, c2, c3 = st.columns(3)
    span = danish.period_span(data.periods[0], data.periods[-1]) if data.periods else "-"
    c1.metric("Perioder", span)
    c2.metric("Områder", ", ".join(data.areas))
    c3.metric("Rækker", f"{data.rows_read:,}".replace(",", "."))
    if data.target_kind == "aggregate":
        shown = data.df.select(
            pl.col("period").alias("Periode"),
            pl.col("area_name").alias("Område"),
            *[pl.col(d) for d in datasets.DATASETS[data.target].dimensions],
            pl.col("measure_id")
            .replace_strict(
                {m.id: m.label for m in datasets.DATASETS[data.target].measures},
                default=pl.col("measure_id"),
            )
            .alias("Mål"),
            pl.col("value").alias("Værdi"),
        )
        st.caption(f"Det gemmes i datasættet {data.target} ({len(data.df):,} rækker):")
        components.table(shown.head(200))
    else:
        cols = data.df.columns
        when = next(c for c in ("month", "week_start", "decision_date", "review_date") if c in cols)
        period = (
            pl.col(when).dt.strftime("%Y-%m") if data.df.schema[when] == pl.Date else pl.col(when)
        )
        per = (
            data.df.group_by(period.alias("Periode")).agg(pl.len().alias("Rækker")).sort("Periode")
        )
        st.caption(
            f"Det gemmes i persontabellen {data.target}. Id'er vises aldrig; her er antal rækker "
            "pr. måned:"
        )
        components.table(per)


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
    tmpl = TEMPLATES[chosen]
    st.markdown(f"{tmpl.description}  \nKommer normalt fra: {tmpl.origin}")
    d1, d2, _ = st.columns([1, 1, 3])
    d1.download_button(
        "Excel-skabelon",
        template_xlsx(tmpl),
        file_name=file_name(tmpl, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{PAGE}:xlsx",
    )
    d2.download_button(
        "CSV-skabelon",
        template_csv(tmpl),
        file_name=file_name(tmpl, "csv"),
        mime="text/csv",
        icon=":material/download:",
        key=f"{PAGE}:csv",
    )
    with st.expander("Kolonner i skabelonen"):
        components.table(
            pl.DataFrame(
                {
                    "Kolonne": [c.label for c in tmpl.columns],
                    "Forklaring": [c.description for c in tmpl.columns],
                    "Format": [KIND_TEXT[c.kind] for c in tmpl.columns],
                    "Skal med": ["ja" if c.required else "nej" for c in tmpl.columns],
                }
            )
        )

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
    if upload is not None:
        raw = upload.getvalue()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name
                path.write_bytes(raw)
                local = read_local(path, None if mode == AUTO else mode, file=upload.name)
        except (ReadError, KeyError) as exc:
            st.error(f"Filen kan ikke indlæses, intet er gemt: {exc}")
        else:
            st.success(
                f"{upload.name} passer til skabelonen {local.template_id} og er kontrolleret. "
                "Intet er gemt endnu."
            )
            _preview(local)
            if st.button("Gem i lageret", type="primary", key=f"{PAGE}:confirm"):
                try:
                    result = store_local(
                        Store.from_settings(Settings()),
                        [(local, upload.name, sha256_bytes(raw))],
                        kind="upload",
                    )[0]
                except (StoreError, ValueError, OSError) as exc:  # refused: nothing written
                    st.error(f"Filen blev ikke gemt: {exc}")
                else:
                    st.session_state[SAVED] = result.summary()
                    st.rerun()  # the tables above and every page read the new store


if status.is_empty():
    st.info(
        "Lageret er tomt. Byg demodata med `jobmaal demo`, hent tal fra jobindsats.dk med "
        "`jobmaal fetch` eller indlæs kommunens egne udtræk nedenfor eller med `jobmaal import`."
    )
    _local_section()
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
    pl.col("first_period").map_elements(danish.period_short, return_dtype=pl.String).alias("Fra"),
    pl.col("last_period").map_elements(danish.period_short, return_dtype=pl.String).alias("Til"),
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

loaded_ids = set(status["dataset_id"].to_list())
pairs = [
    (p, a)
    for p, a in loaders.RECONCILIATIONS
    if set(loaders.get_metric(p).sources) & loaded_ids
    and set(loaders.get_metric(a).sources) & loaded_ids
]
if pairs:
    st.subheader("Afstemning: persondata mod offentliggjorte tal")
    st.caption(
        "Nøgletal genberegnet af kommunens persondata ved siden af de offentliggjorte tal, "
        "de efterligner, måned for måned (forskel = persondata minus offentliggjort). Kun "
        "kommuner og måneder, begge kilder dækker; tal om færre end 5 personer vises ikke."
    )
    for person_metric, aggregate_metric in pairs:
        rec = loaders.reconciliation(key, person_metric, aggregate_metric)
        st.markdown(f"**{loaders.get_metric(aggregate_metric).label}**")
        if rec.is_empty():
            st.caption("Ingen måneder, som begge kilder dækker.")
            continue
        components.table(
            rec.with_columns(
                pl.col("period").map_elements(danish.period_short, return_dtype=pl.String)
            ).select(
                pl.col("period").alias("Måned"),
                pl.col("area_name").alias("Kommune"),
                pl.col("published").round(1).alias("Offentliggjort"),
                pl.col("from_persons").round(1).alias("Persondata"),
                pl.col("difference").round(1).alias("Forskel"),
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

_local_section()
