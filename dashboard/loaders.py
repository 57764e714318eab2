"""Cached data access for the pages: Store reads and metrics calls behind st.cache_*.

Every cached call takes a ``StoreKey``: the data dir, the database URL and a digest of the
signature of the store's files (path, size, mtime; a short key, so hashing the arguments
of a cached call costs next to nothing). A new import changes the signature, so new data
shows up at once; while nothing changes, switching municipality or target hits the cache.
The aggregate datasets are read into memory once per signature (``st.cache_resource``),
each when a metric first uses it, so a metrics call never re-reads them; person tables stay
lazy scans of their (partitioned) Parquet files, read only by a KPI that needs them and
only in the columns and partitions its plan needs. The inputs carry the signature as
their version, so ``metrics`` computes each metric once per data version and selection
for every page and session (``metrics.api.VersionedInputs``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import page_cache
from dashboard.export import Footnote
from data_connectors import plans
from data_connectors.demo import is_demo_source
from data_connectors.settings import Settings
from data_connectors.store import Store
from domain import datasets
from domain.areas import area
from domain.canonical import PERSON_TABLES
from domain.periods import parse_period
from domain.registry import MetricDef, SeriesBreak
from domain.targets import ComparisonGroup, Plan
from metrics import api, rates

RECONCILIATIONS = api.RECONCILIATIONS

StoreKey = tuple[str, str, str]
Inputs = Mapping[str, pl.LazyFrame]


def _signature(store: Store) -> tuple[tuple[str, int, int], ...]:
    files: list[Path] = []
    if store.root.is_dir():
        files.extend(p for p in store.root.rglob("*.parquet") if not p.name.startswith("."))
    if store.db_path.is_file():
        files.append(store.db_path)
    out = []
    for p in sorted(files):
        try:
            st_ = p.stat()
        except FileNotFoundError:  # renamed away mid-scan
            continue
        out.append((str(p), st_.st_size, st_.st_mtime_ns))
    return tuple(out)


def store_key() -> StoreKey:
    """Where the store is and what is in it now (cheap: a few ``stat`` calls)."""
    s = Settings()
    store = Store.from_settings(s)
    digest = hashlib.sha256(repr(_signature(store)).encode("utf-8")).hexdigest()
    return (str(store.data_dir), s.db_url, digest)


def _store(key: StoreKey) -> Store:
    return Store(Path(key[0]), key[1])


def version(key: StoreKey) -> str:
    """A short name of the data version (the store and its signature)."""
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:16]


@st.cache_resource(max_entries=3, show_spinner=False)
def inputs(key: StoreKey) -> api.VersionedInputs:
    """Everything loaded: aggregates read into memory when a metric first uses one,
    person tables as lazy scans."""
    scans = _store(key).inputs()
    aggregates = [name for name in scans if name not in PERSON_TABLES]
    return api.VersionedInputs(scans, version=version(key), collect_on_use=aggregates)


# -- store status ----------------------------------------------------------------------


def _kept(
    key: StoreKey, name: str, args: tuple[object, ...], build: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """``build()`` through the persistent per-version cache (``dashboard.page_cache``)."""
    return page_cache.frame(Path(key[0]), version(key), name, args, build)


@st.cache_data(max_entries=8, show_spinner=False)
def loaded(key: StoreKey) -> frozenset[str]:
    """The datasets and person tables in the store (nothing read)."""
    return frozenset(_store(key).inputs())


@st.cache_data(max_entries=8, show_spinner=False)
def status(key: StoreKey) -> pl.DataFrame:
    return _kept(key, "status", (), lambda: _store(key).status())


@st.cache_data(max_entries=8, show_spinner=False)
def import_log(key: StoreKey) -> pl.DataFrame:
    return _store(key).import_log()


@st.cache_data(max_entries=8, show_spinner=False)
def catalogue(key: StoreKey) -> pl.DataFrame | None:
    return _store(key).read_meta("jobindsats_catalogue")


def demo_datasets(key: StoreKey) -> set[str]:
    """Datasets whose rows come from the demo generator."""
    st_ = status(key)
    out: set[str] = set()
    for ds, src in zip(st_["dataset_id"], st_["source"], strict=True):
        if src and any(is_demo_source(s.strip()) for s in str(src).split(",")):
            out.add(str(ds))
    if out:  # person tables carry no source column: demo when the aggregates are
        out.update(t for t in st_["dataset_id"] if t in PERSON_TABLES)
    return out


def is_demo(key: StoreKey) -> bool:
    return bool(demo_datasets(key))


@dataclass(frozen=True)
class DatasetInfo:
    dataset_id: str
    title: str
    source: str
    retrieved: date | None


def dataset_info(key: StoreKey, dataset_id: str) -> DatasetInfo:
    st_ = status(key).filter(pl.col("dataset_id") == dataset_id)
    if dataset_id in datasets.DATASETS:
        ds = datasets.DATASETS[dataset_id]
        title, source = ds.title, ds.source
    elif dataset_id in PERSON_TABLES:
        title, source = PERSON_TABLES[dataset_id].title, "Jobcentrets sagssystem"
    else:
        title, source = dataset_id, dataset_id
    retrieved: date | None = None
    if st_.height:
        ts = st_["retrieved_at"][0]
        if isinstance(ts, datetime):
            retrieved = ts.date()
        elif st_["last_import"][0]:
            retrieved = date.fromisoformat(str(st_["last_import"][0])[:10])
    return DatasetInfo(dataset_id, title, source, retrieved)


def footnote(
    key: StoreKey,
    sources: tuple[str, ...],
    data: pl.DataFrame | None = None,
    *,
    notes: tuple[str, ...] = (),
    breaks: tuple[SeriesBreak, ...] = (),
) -> Footnote:
    """The footnote of a chart built from ``sources`` and showing ``data``.

    A break in the series (``MetricDef.breaks``) inside the data's periods is named.
    """
    infos = [dataset_info(key, s) for s in sources]
    names = list(dict.fromkeys(i.source for i in infos)) or ["jobmaal"]
    dates = [i.retrieved for i in infos if i.retrieved is not None]
    first = last = None
    if data is not None and "period" in data.columns and data.height:
        periods = data["period"].drop_nulls().sort()
        if len(periods):
            first, last = str(periods[0]), str(periods[-1])
    demo = bool(set(sources) & demo_datasets(key))
    if first and last:
        lo, hi = parse_period(first).start, parse_period(last).end
        notes = (*notes, *(b.note for b in breaks if lo < parse_period(b.period).start <= hi))
    return Footnote(
        source=", ".join(names),
        table_ids=tuple(sources),
        first_period=first,
        last_period=last,
        retrieved=max(dates) if dates else None,
        demo=demo,
        notes=notes,
    )


# -- metrics -----------------------------------------------------------------------------


def list_metrics() -> list[MetricDef]:
    return list(api.list_metrics())


def get_metric(metric_id: str) -> MetricDef:
    return api.get_metric(metric_id)


@st.cache_data(max_entries=128, show_spinner=False)
def benchmark_table(key: StoreKey, municipality: str) -> pl.DataFrame:
    return _kept(
        key,
        "benchmark_table",
        (municipality,),
        lambda: api.benchmark_table(inputs(key), municipality=municipality),
    )


@st.cache_data(max_entries=512, show_spinner=False)
def kpi_series(
    key: StoreKey,
    metric_id: str,
    area_codes: tuple[str, ...] | None = None,
    breakdown: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> pl.DataFrame:
    return _kept(
        key,
        "kpi_series",
        (metric_id, area_codes, breakdown, start, end),
        lambda: api.kpi_series(
            inputs(key),
            metric_id,
            area_codes=list(area_codes) if area_codes is not None else None,
            breakdown=breakdown,
            start=start,
            end=end,
        ),
    )


OWN_GROUP = "egen"
"""``group_id`` of ``comparison``: the municipality's own group (the first it belongs to)."""


@st.cache_data(max_entries=512, show_spinner=False)
def comparison(
    key: StoreKey,
    metric_id: str,
    municipality: str,
    start: str | None = None,
    end: str | None = None,
    group_id: str | None = OWN_GROUP,
    breakdown: str | None = None,
) -> pl.DataFrame:
    """The municipality, its region, the country and a comparison group: its own group
    (``OWN_GROUP``), any group of ``comparison_groups.toml`` by id, or none (None)."""
    group = (
        comparison_group(municipality)
        if group_id == OWN_GROUP
        else next((g for g in comparison_groups() if g.id == group_id), None)
    )
    return _kept(
        key,
        "comparison",
        (metric_id, municipality, start, end, group, breakdown),
        lambda: api.comparison(
            inputs(key),
            metric_id,
            municipality=municipality,
            start=start,
            end=end,
            group=group,
            breakdown=breakdown,
        ),
    )


@st.cache_data(max_entries=16, show_spinner=False)
def reconciliation(key: StoreKey, person_metric: str, aggregate_metric: str) -> pl.DataFrame:
    """A person-level KPI beside the published figure (both already suppressed)."""
    return _kept(
        key,
        "reconciliation",
        (person_metric, aggregate_metric),
        lambda: api.reconciliation(inputs(key), person_metric, aggregate_metric),
    )


@st.cache_data(max_entries=512, show_spinner=False)
def ranking(key: StoreKey, metric_id: str, year: int | None = None) -> pl.DataFrame:
    return _kept(
        key, "ranking", (metric_id, year), lambda: api.ranking(inputs(key), metric_id, year=year)
    )


@st.cache_data(max_entries=16, show_spinner=False)
def labour_force(key: StoreKey) -> pl.DataFrame:
    """The labour force 16-66 per area and month, where a loaded table gives it."""
    return rates.labour_force(inputs(key))


@st.cache_data(max_entries=512, show_spinner=False)
def ranking_per_labour_force(key: StoreKey, metric_id: str, year: int) -> pl.DataFrame:
    """The year's ranking per 100 in the labour force (empty when no table gives it)."""

    def build() -> pl.DataFrame:
        lf = labour_force(key)
        if lf.is_empty():
            return ranking(key, metric_id, year).clear()
        metric = api.get_metric(metric_id)
        return rates.ranking_per_labour_force(
            ranking(key, metric_id, year), lf, year=year, better=metric.better
        )

    return _kept(key, "ranking_per_labour_force", (metric_id, year), build)


@st.cache_data(max_entries=64, show_spinner=False)
def sanction_quality(
    key: StoreKey, municipality: str | None = None, by: str | None = None
) -> pl.DataFrame:
    return api.sanction_quality(inputs(key), municipality=municipality, by=by)


@st.cache_data(max_entries=4, show_spinner=False)
def national_sanction_reference() -> pl.DataFrame:
    return api.national_sanction_reference()


@st.cache_data(max_entries=4, show_spinner=False)
def national_casework_reference() -> pl.DataFrame:
    """STAR's focus audits: area, indicator, share (pct, may be null), n, source, note."""
    return api.national_casework_reference()


# -- plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRef:
    path: str
    mtime: int
    municipality_code: str
    municipality_name: str
    year: int
    title: str

    @property
    def label(self) -> str:
        return f"{self.municipality_name} {self.year}: {self.title}"


TARGETS_DIR: Path | None = None
"""Override of the plan folder (tests); default from settings (``JOBMAAL_TARGETS_DIR``)."""


def targets_dir() -> Path:
    return TARGETS_DIR if TARGETS_DIR is not None else plans.targets_dir()


def _plan_paths() -> list[Path]:
    return sorted(Path(p[2]).resolve() for p in plans.available_plans(targets_dir()))


@st.cache_data(max_entries=8, show_spinner=False)
def _plan_index(sig: tuple[tuple[str, int], ...]) -> list[PlanRef]:
    out: list[PlanRef] = []
    for path_s, mtime in sig:
        plan = load_plan(path_s, mtime)
        name = plan.municipality_name or area(plan.municipality_code).name
        out.append(
            PlanRef(
                path_s, mtime, plan.municipality_code, name, int(plan.year), str(plan.title or "")
            )
        )
    return out


def plan_index() -> list[PlanRef]:
    """Every plan file in targets/ (municipality, year, title)."""
    sig = tuple((str(p), p.stat().st_mtime_ns) for p in _plan_paths())
    return _plan_index(sig)


@st.cache_resource(max_entries=64, show_spinner=False)
def load_plan(path: str, mtime: int) -> Plan:
    """The parsed plan (a pydantic model); cached per path and file time."""
    return plans.load_plan(Path(path))


def find_plan(municipality: str, year: int) -> PlanRef | None:
    for ref in plan_index():
        if ref.municipality_code == municipality and ref.year == year:
            return ref
    return None


@st.cache_data(max_entries=64, show_spinner=False)
def evaluate_plan(
    key: StoreKey, plan_path: str, mtime: int, as_of: str | None = None
) -> pl.DataFrame:
    """The plan judged with the data up to ``as_of`` (a month code; None: all data), by
    the same rules as ``jobmaal targets --as-of``."""
    return api.evaluate_plan(inputs(key), load_plan(plan_path, mtime), as_of=as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def evaluate_targets(
    key: StoreKey, plan_path: str, mtime: int, as_of: str | None = None
) -> list[api.TargetResult]:
    """The plan's targets judged (typed results), as ``evaluate_plan`` gives them as rows."""
    return page_cache.results(
        Path(key[0]),
        version(key),
        "evaluate_targets",
        (plan_path, mtime, as_of),
        lambda: api.evaluate_targets(inputs(key), load_plan(plan_path, mtime), as_of=as_of),
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _comparison_groups(folder: str) -> list[ComparisonGroup]:
    """The groups file of the plan folder (none: no groups). A malformed file is an error
    naming the file and field, shown on the page, never ignored."""
    return plans.load_comparison_groups(Path(folder) / plans.GROUPS_FILE_NAME)


def comparison_groups() -> list[ComparisonGroup]:
    """Every group of the plan folder's ``comparison_groups.toml``."""
    return _comparison_groups(str(targets_dir()))


def comparison_group(municipality: str) -> ComparisonGroup | None:
    """The comparison group the municipality belongs to (first match), if any."""
    for g in _comparison_groups(str(targets_dir())):
        if municipality in g.members:
            return g
    return None
