"""``jobmaal import PATH...`` and ``jobmaal fetch TABLE | --config FILE``.

Both read everything first and write to the store only when all of it is good; every
problem is one line naming the file (or API call), row and column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
import polars as pl

from cli.local_imports import import_local
from data_connectors.jobindsats.client import (
    JobindsatsAuthError,
    JobindsatsClient,
    JobindsatsNotJson,
    JobindsatsUnavailable,
    TableInfo,
    catalogue_frame,
)
from data_connectors.jobindsats.fetch import (
    DEFAULT_MAX_CELLS,
    FetchResult,
    Selection,
    SelectionError,
    fetch_table,
    load_config,
    parse_periods_spec,
)
from data_connectors.jobindsats.mappings import MAPPINGS
from data_connectors.local import TEMPLATES, detect_template
from data_connectors.readers import DEFAULT_MAX_BYTES, Converted, ReadError, Staged, stage_file
from data_connectors.settings import Settings
from data_connectors.store import Store, sha256_file
from domain.canonical import AggregateSchema, validate
from domain.datasets import DATASETS

CATALOGUE_META = "jobindsats_catalogue"
BACKOFF_BASE = 1.0  # seconds before the first retry; doubled for each further retry
REQUEST_TIMEOUT = 60.0  # seconds per request; JOBMAAL_JOBINDSATS_TIMEOUT bounds a table


class MissingApiKey(LookupError):
    pass


def undeclared_period_types(c: Converted | Staged) -> list[tuple[str, int]]:
    """(period type, rows) of the imported rows whose type the dataset does not declare.

    ``Dataset.periods`` lists the period types the KPIs read (``M`` for most tables);
    jobindsats publishes some tables with several, so other types are stored, not refused.
    """
    ds = DATASETS.get(c.dataset_id)
    if ds is None:
        return []
    rows = c.frame if isinstance(c, Staged) else c.df.lazy()
    counts = (
        rows.group_by(pl.col("period_type").cast(pl.String))
        .len()
        .filter(~pl.col("period_type").is_in(list(ds.periods)))
        .sort("period_type")
        .collect()
    )
    return [(str(t), int(n)) for t, n in counts.iter_rows()]


def _warn_period_types(c: Converted | Staged) -> None:
    found = undeclared_period_types(c)
    if not found:
        return
    parts = [f"{n} row{'s' if n != 1 else ''} with period type {t}" for t, n in found]
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    click.echo(f"warning: {c.dataset_id}: {what}, which the KPIs do not use", err=True)


def _echo_skipped(origin: str, c: Converted | Staged) -> None:
    if c.skipped_unknown_area:
        click.echo(
            f"{origin}: skipped {c.skipped_unknown_area} 'Uoplyst område' row(s) "
            "(not a municipality)"
        )
    for warning in c.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--dataset",
    "dataset_id",
    type=click.Choice(sorted({*MAPPINGS, *TEMPLATES}), case_sensitive=False),
    help="The jobindsats table or local template the files hold (default: the table id "
    "in the file name, else the one table or template whose columns fit; never guessed).",
)
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / (1024 * 1024),
    show_default=True,
    help="Refuse files larger than this many MB.",
)
def import_(paths: tuple[Path, ...], dataset_id: str | None, max_mb: float) -> None:
    """Import jobindsats extracts (CSV, Excel .xlsx, saved v3 JSON) or files in one of
    jobmaal's templates for the municipality's own data (`jobmaal template`).

    All files are read and checked first; nothing is stored unless every file is good.
    """
    max_bytes = int(max_mb * 1024 * 1024)
    for path in paths:
        if path.is_dir():
            raise ReadError(str(path), "is a folder; give the files to import")
    if dataset_id and dataset_id.lower() in TEMPLATES:
        import_local(paths, dataset_id.lower(), max_bytes=max_bytes)
        return
    if dataset_id is None:
        local = [(p, detect_template(p, max_bytes=max_bytes)) for p in paths]
        if all(t is not None for _, t in local):
            import_local(paths, None, max_bytes=max_bytes)
            return
        mixed = next((p for p, t in local if t is not None), None)
        if mixed is not None:
            raise ReadError(
                str(mixed),
                "is in one of jobmaal's templates while other files are jobindsats "
                "extracts: import the two kinds in separate commands",
            )
    store = Store.from_settings(Settings())
    store.data_dir.mkdir(parents=True, exist_ok=True)
    # A large CSV is read in chunks and its rows spilled here (next to the store, never
    # in memory at once); the store takes them one partition at a time.
    with tempfile.TemporaryDirectory(prefix=".import-", dir=store.data_dir) as spill:
        read = [
            (
                path,
                stage_file(
                    path,
                    Path(spill) / str(n),
                    dataset_id=dataset_id and dataset_id.lower(),
                    max_bytes=max_bytes,
                ),
            )
            for n, path in enumerate(paths)
        ]
        results = store.import_aggregates(
            [(staged.frame, str(path), sha256_file(path)) for path, staged in read], kind="file"
        )
        for (path, converted), result in zip(read, results, strict=True):
            click.echo(f"{result.summary()} [{converted.dataset_id}]")
            _echo_skipped(str(path), converted)
            _warn_period_types(converted)  # reads the spilled rows: inside the folder's life


def _client(settings: Settings) -> JobindsatsClient:
    key = settings.jobindsats_api_key
    if key is None or not key.get_secret_value().strip():
        raise MissingApiKey(
            "no jobindsats.dk API key: set JOBMAAL_JOBINDSATS_API_KEY or jobindsats_api_key "
            "under [jobmaal] in .streamlit/secrets.toml (see docs/data-sources.md)"
        )
    return JobindsatsClient(
        key,  # stripped and checked by the client; a bad one is a message naming the setting
        base_url=settings.jobindsats_base_url,
        cache_dir=settings.data_dir / "cache" / "jobindsats",
        backoff_base=BACKOFF_BASE,
        total_timeout=settings.jobindsats_timeout,
        timeout=min(REQUEST_TIMEOUT, settings.jobindsats_timeout),
        max_bytes=int(settings.jobindsats_max_mb * 1024 * 1024),
        warn=lambda msg: click.echo(msg, err=True),
    )


def run_fetch(
    client: JobindsatsClient,
    store: Store,
    selections: list[Selection],
    *,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[str]:
    """Refresh the catalogue, then fetch and import each selection; the failures' messages."""
    catalogue: dict[str, TableInfo] = {}
    try:
        client.start_deadline()
        tables, resp = client.catalogue()
        if tables:
            store.write_meta(CATALOGUE_META, catalogue_frame(tables, resp.fetched_at))
        catalogue = {t.table_id: t for t in tables}
    except (JobindsatsUnavailable, JobindsatsNotJson) as exc:  # e.g. a proxy's HTML page
        click.echo(f"warning: catalogue not refreshed: {exc}", err=True)
    failures: list[str] = []
    fetched: list[tuple[Selection, TableInfo | None, FetchResult]] = []
    for sel in selections:
        info = catalogue.get(sel.table_id)
        groups = tuple(name for _, name in info.mgroups) if info else ()
        try:
            res = fetch_table(
                client,
                sel,
                extra_groups=groups,
                max_cells=max_cells,
                progress=lambda line: click.echo(line, err=True),
            )
            validate(res.converted.df, AggregateSchema, res.origin)  # a bad table fails alone
        except JobindsatsAuthError:
            raise
        except (ValueError, LookupError, OSError) as exc:
            if len(selections) == 1:
                raise
            failures.append(f"{sel.table_id}: {exc}")
            click.echo(f"jobmaal: error: {sel.table_id}: {exc}", err=True)
            continue
        fetched.append((sel, info, res))
    # Every fetched table is stored in one go: all of them or, on a store error, none.
    results = store.import_aggregates(
        [(res.converted.df, res.origin, res.sha256) for _, _, res in fetched], kind="api"
    )
    for (sel, info, res), result in zip(fetched, results, strict=True):
        click.echo(f"{sel.table_id}: {result.summary()}")
        if info and (info.update_latest or info.update_next):
            click.echo(
                f"{sel.table_id}: updated by STAR {info.update_latest or '?'}, "
                f"next update {info.update_next or '?'}"
            )
        _echo_skipped(sel.table_id, res.converted)
        _warn_period_types(res.converted)
    return failures


@click.command()
@click.argument("table", required=False)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file listing the tables and selections to fetch (config/fetch.example.toml).",
)
@click.option(
    "--periods",
    default="latest:24",
    show_default=True,
    help="latest:N, all, TYPE=latest:N (e.g. QMAT=latest:4) or a comma list of period codes.",
)
@click.option(
    "--areas",
    default="*,Hele landet",
    show_default=True,
    help="Comma list: * (all municipalities), 'Hele landet', or municipality names.",
)
@click.option(
    "--max-cells",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_CELLS,
    show_default=True,
    help="Split requests by period so none asks for more cells than this.",
)
def fetch(
    table: str | None,
    config_path: Path | None,
    periods: str,
    areas: str,
    max_cells: int,
) -> None:
    """Fetch tables from api.jobindsats.dk into the store (needs your organisation's key).

    Example: jobmaal fetch y25i09 --periods latest:24, or jobmaal fetch --config fetch.toml
    """
    if (table is None) == (config_path is None):
        raise click.UsageError("give either a TABLE or --config FILE")
    if config_path is not None:
        selections = load_config(config_path)
    else:
        assert table is not None
        if table.lower() not in MAPPINGS:
            raise SelectionError(
                f"no mapping for table {table!r}; known: {', '.join(sorted(MAPPINGS))}"
            )
        parse_periods_spec(periods, "--periods")  # before any network call
        selections = [
            Selection(
                table.lower(),
                periods=periods,
                areas=tuple(a.strip() for a in areas.split(",") if a.strip()),
            )
        ]
    settings = Settings()
    store = Store.from_settings(settings)
    with _client(settings) as client:
        failures = run_fetch(client, store, selections, max_cells=max_cells)
    if failures:
        raise SelectionError(
            f"{len(failures)} of {len(selections)} tables failed: "
            + "; ".join(f.split(":", 1)[0] for f in failures)
        )


COMMANDS = [import_, fetch]
