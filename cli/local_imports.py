"""``jobmaal import --dataset <template>`` for the local templates, and ``jobmaal template``.

``import_local(paths, dataset_id)`` is what ``jobmaal import`` calls for a local template
(given with ``--dataset`` or detected with ``data_connectors.local.detect_template``):
every file is read and checked first, nothing is stored unless all of them are good.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from data_connectors.local import TEMPLATES, LocalData, import_files, template
from data_connectors.local.raw import DEFAULT_MAX_BYTES
from data_connectors.local.templates import file_name, template_csv, template_xlsx
from data_connectors.readers.errors import ReadError
from data_connectors.settings import Settings
from data_connectors.store import ImportResult, Store


def import_local(
    paths: Sequence[Path],
    dataset_id: str | None,
    *,
    store: Store | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[tuple[LocalData, ImportResult]]:
    """Import files in a local template (``dataset_id`` a key of ``TEMPLATES``, or None to
    detect it from each file's columns) and echo one line per file.

    Raises ReadError (file, row, column) before anything is stored.
    """
    store = store or Store.from_settings(Settings())
    for path in paths:
        if Path(path).is_dir():
            raise ReadError(str(path), "is a folder; give the files to import")
    if dataset_id is not None:
        template(dataset_id)  # KeyError naming the templates
    # Without a template each file's is detected on its own; all are read before any write.
    done = import_files(store, [Path(p) for p in paths], dataset_id, max_bytes=max_bytes)
    for data, result in done:
        span = f"{data.periods[0]}-{data.periods[-1]}" if data.periods else "-"
        click.echo(f"{result.summary()} [{data.template_id} -> {data.target}; {span}]")
    return done


@click.command("template")
@click.argument("dataset", type=click.Choice(sorted(TEMPLATES)), required=False)
@click.option("--csv", "as_csv", is_flag=True, help="Write the CSV template instead of Excel.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default jobmaal-skabelon-<dataset>.xlsx/.csv here).",
)
def template_cmd(dataset: str | None, as_csv: bool, output: Path | None) -> None:
    """Write the template for a local dataset (Excel with a 'Kolonner' sheet, or CSV).

    Without DATASET: list the templates. See docs/local-data.md.
    """
    if dataset is None:
        for t in TEMPLATES.values():
            click.echo(f"{t.id:28} {t.title} -> {t.target}")
        return
    t = template(dataset)
    data = template_csv(t) if as_csv else template_xlsx(t)
    path = output or Path(file_name(t, "csv" if as_csv else "xlsx"))
    path.write_bytes(data)
    click.echo(f"{path}: template {t.id} ({len(t.columns)} columns)")


COMMANDS = [template_cmd]
