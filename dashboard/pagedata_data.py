"""What the Data page shows, built as typed data before anything is drawn.

* ``build(DataSelection)``: the store part: what is loaded (periods, rows, age), the
  jobindsats catalogue, the reconciliation of person-level KPIs with the published
  figures, the import log. Its store reads are cached per store version
  (``_store_tables``); the age of each dataset is then worked out against the
  selection's ``now``, so the build is pure in its selection.
* ``template_view(template_id)``: one local template to download (its files and
  columns), cached per template.
* ``check_upload`` (read and check a file, nothing stored), ``upload_preview`` (what
  would be stored: periods, areas, rows; never a person or case id) and ``store_upload``
  (the confirm button's action: one all-or-nothing import).

The page (``dashboard/views/data.py``) only lays these out; the page benchmark calls the
same builds.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import loaders
from data_connectors.local import TEMPLATES, LocalData, read_local, store_local
from data_connectors.local.templates import KIND_TEXT, file_name, template_csv, template_xlsx
from data_connectors.settings import Settings
from data_connectors.store import Store, sha256_bytes
from domain import datasets
from domain.canonical import PERSON_TABLES
from metrics import danish

LOG_LABELS = {
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
CATALOGUE_LABELS = {
    "table_id": "Tabel",
    "table_name": "Navn",
    "update_freq": "Opdateres",
    "update_latest": "Seneste opdatering",
    "update_next": "Næste opdatering",
    "fetched_at": "Katalog hentet",
}


@dataclass(frozen=True)
class DataSelection:
    """The store version and the moment the age of each dataset is counted to."""

    key: loaders.StoreKey
    now: datetime


@dataclass(frozen=True)
class Reconciliation:
    """A person-level KPI beside the published figure it imitates, month by month (an
    empty table: no month both sources cover). Figures about fewer than 5 persons are
    hidden by ``metrics.api.reconciliation``."""

    label: str  # the published metric's label
    table: pl.DataFrame  # Måned, Kommune, Offentliggjort, Persondata, Forskel


@dataclass(frozen=True)
class DataPage:
    store: str  # where the store is
    empty: bool  # nothing loaded
    demo_datasets: tuple[str, ...]  # datasets from the demo generator, sorted
    loaded: pl.DataFrame  # one row per dataset, Danish column names (``loaded_table``)
    catalogue: pl.DataFrame | None  # jobindsats' update times (None: not fetched)
    reconciliations: tuple[Reconciliation, ...]
    import_log: pl.DataFrame  # newest first, Danish column names (empty: no imports)


def title(dataset_id: str) -> str:
    """A dataset's or person table's title (the id when unknown)."""
    if dataset_id in datasets.DATASETS:
        return datasets.DATASETS[dataset_id].title
    if dataset_id in PERSON_TABLES:
        return PERSON_TABLES[dataset_id].title
    return dataset_id


def loaded_table(status: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """The store's status as shown: title, first and last period in Danish, the age in
    whole days since the data was retrieved."""

    def short(col: str) -> pl.Expr:
        return pl.col(col).map_elements(danish.period_short, return_dtype=pl.String)

    return status.with_columns(
        pl.col("dataset_id").map_elements(title, return_dtype=pl.String).alias("Titel"),
        short("first_period").alias("Fra"),
        short("last_period").alias("Til"),
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


def reconciliation_table(rec: pl.DataFrame) -> pl.DataFrame:
    """``metrics.api.reconciliation`` as shown: months in Danish, one decimal."""
    return rec.with_columns(
        pl.col("period").map_elements(danish.period_short, return_dtype=pl.String)
    ).select(
        pl.col("period").alias("Måned"),
        pl.col("area_name").alias("Kommune"),
        pl.col("published").round(1).alias("Offentliggjort"),
        pl.col("from_persons").round(1).alias("Persondata"),
        pl.col("difference").round(1).alias("Forskel"),
    )


def reconciliations(key: loaders.StoreKey, loaded_ids: set[str]) -> tuple[Reconciliation, ...]:
    """Every (person KPI, published KPI) pair both of whose sources are loaded."""
    out = []
    for person_metric, aggregate_metric in loaders.RECONCILIATIONS:
        if not (
            set(loaders.get_metric(person_metric).sources) & loaded_ids
            and set(loaders.get_metric(aggregate_metric).sources) & loaded_ids
        ):
            continue
        rec = loaders.reconciliation(key, person_metric, aggregate_metric)
        out.append(
            Reconciliation(
                label=loaders.get_metric(aggregate_metric).label,
                table=reconciliation_table(rec) if rec.height else rec.clear(),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class _StoreTables:
    status: pl.DataFrame
    demo_datasets: tuple[str, ...]
    catalogue: pl.DataFrame | None
    reconciliations: tuple[Reconciliation, ...]
    import_log: pl.DataFrame


@st.cache_data(max_entries=8, show_spinner=False)
def _store_tables(key: loaders.StoreKey) -> _StoreTables:
    """Everything of the Data page that depends only on the store version."""
    status = loaders.status(key)
    cat = loaders.catalogue(key)
    if cat is not None and not cat.is_empty():
        shown = cat.filter(pl.col("table_id").is_in(status["dataset_id"].to_list()))
        cat = (cat if shown.is_empty() else shown).rename(CATALOGUE_LABELS, strict=False)
    else:
        cat = None
    log = loaders.import_log(key)
    return _StoreTables(
        status=status,
        demo_datasets=tuple(sorted(loaders.demo_datasets(key))) if status.height else (),
        catalogue=cat,
        reconciliations=reconciliations(key, set(status["dataset_id"].to_list()))
        if status.height
        else (),
        import_log=log.sort("imported_at", descending=True).rename(LOG_LABELS)
        if log.height
        else log,
    )


def build(sel: DataSelection) -> DataPage:
    """The Data page's store part."""
    tables = _store_tables(sel.key)
    return DataPage(
        store=sel.key[0],
        empty=tables.status.is_empty(),
        demo_datasets=tables.demo_datasets,
        loaded=loaded_table(tables.status, sel.now),
        catalogue=tables.catalogue,
        reconciliations=tables.reconciliations,
        import_log=tables.import_log,
    )


# -- the local templates and the upload ---------------------------------------------------------
@dataclass(frozen=True)
class TemplateView:
    """One local template to download: its files and what its columns mean."""

    id: str
    title: str
    description: str
    origin: str
    xlsx: bytes
    xlsx_name: str
    csv: bytes
    csv_name: str
    columns: pl.DataFrame  # Kolonne, Forklaring, Format, Skal med


@st.cache_data(max_entries=32, show_spinner=False)
def template_view(template_id: str) -> TemplateView:
    tmpl = TEMPLATES[template_id]
    return TemplateView(
        id=tmpl.id,
        title=tmpl.title,
        description=tmpl.description,
        origin=tmpl.origin,
        xlsx=template_xlsx(tmpl),
        xlsx_name=file_name(tmpl, "xlsx"),
        csv=template_csv(tmpl),
        csv_name=file_name(tmpl, "csv"),
        columns=pl.DataFrame(
            {
                "Kolonne": [c.label for c in tmpl.columns],
                "Forklaring": [c.description for c in tmpl.columns],
                "Format": [KIND_TEXT[c.kind] for c in tmpl.columns],
                "Skal med": ["ja" if c.required else "nej" for c in tmpl.columns],
            }
        ),
    )


def check_upload(name: str, raw: bytes, template_id: str | None) -> LocalData:
    """Read and check an uploaded file (``template_id`` None: found from its columns);
    nothing is stored. Raises ``ReadError`` (file, row, column) or ``KeyError``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(raw)
        return read_local(path, template_id, file=name)


@dataclass(frozen=True)
class UploadPreview:
    """What a checked file would store: counts only, never a person or case id."""

    periods: str
    areas: str
    rows: str
    caption: str
    table: pl.DataFrame  # aggregates: the rows (at most 200); person tables: rows a month


PREVIEW_ROWS = 200


def upload_preview(data: LocalData) -> UploadPreview:
    span = danish.period_span(data.periods[0], data.periods[-1]) if data.periods else "-"
    if data.target_kind == "aggregate":
        ds = datasets.DATASETS[data.target]
        table = data.df.select(
            pl.col("period").alias("Periode"),
            pl.col("area_name").alias("Område"),
            *[pl.col(d) for d in ds.dimensions],
            pl.col("measure_id")
            .replace_strict({m.id: m.label for m in ds.measures}, default=pl.col("measure_id"))
            .alias("Mål"),
            pl.col("value").alias("Værdi"),
        ).head(PREVIEW_ROWS)
        caption = f"Det gemmes i datasættet {data.target} ({danish.number(data.df.height)} rækker):"
    else:
        cols = data.df.columns
        when = next(c for c in ("month", "week_start", "decision_date", "review_date") if c in cols)
        period = (
            pl.col(when).dt.strftime("%Y-%m") if data.df.schema[when] == pl.Date else pl.col(when)
        )
        table = (
            data.df.group_by(period.alias("Periode")).agg(pl.len().alias("Rækker")).sort("Periode")
        )
        caption = (
            f"Det gemmes i persontabellen {data.target}. Id'er vises aldrig; her er antal rækker "
            "pr. måned:"
        )
    return UploadPreview(
        periods=span,
        areas=", ".join(data.areas),
        rows=danish.number(data.rows_read),
        caption=caption,
        table=table,
    )


def store_upload(data: LocalData, name: str, raw: bytes) -> str:
    """The confirm button's action: store the checked file in the settings' store (one
    all-or-nothing import); returns the import's summary. Raises ``StoreError``,
    ``ValueError`` or ``OSError`` with nothing written."""
    result = store_local(
        Store.from_settings(Settings()), [(data, name, sha256_bytes(raw))], kind="upload"
    )[0]
    return result.summary()
