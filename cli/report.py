"""``jobmaal report``: the committee report of a plan as PDF or HTML."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from dashboard.report import build_report, file_name, page_count
from dashboard.report.build import FORMATS, ReportFormat
from data_connectors.plans import find_plan
from data_connectors.store import Store
from domain import areas


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file in the same folder, then a rename:
    an existing report is never left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command()
@click.option("--municipality", "-m", required=True, help="Municipality code, e.g. 710.")
@click.option("--year", "-y", required=True, type=int, help="Plan year, e.g. 2022.")
@click.option("--as-of", default=None, help="Status as of this month, e.g. 2022M06.")
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(FORMATS),
    default="pdf",
    show_default=True,
    help="PDF (typst) or one self-contained HTML file.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: <municipality>-<year>-rapport[-<as-of>].<format> here).",
)
@click.option(
    "--plans",
    "plans_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder with <municipality>-<year>.toml plans (default: JOBMAAL_TARGETS_DIR, "
    "else the shipped targets/).",
)
def report(
    municipality: str,
    year: int,
    as_of: str | None,
    fmt_: ReportFormat,
    output: Path | None,
    plans_dir: Path | None,
) -> None:
    """The committee report (Danish): cover, all targets with status, a page per target."""
    areas.area(municipality)
    plan = find_plan(municipality, year, plans_dir)
    data = build_report(plan, Store.from_settings().inputs(), as_of=as_of, format=fmt_)
    if output is None:
        output = Path(file_name(plan, as_of, fmt_))
    _write_atomically(output, data)
    size = f"{len(data):,}".replace(",", ".")
    pages = f", {page_count(data)} sider" if fmt_ == "pdf" else ""
    click.echo(f"{output} ({size} bytes{pages})")


COMMANDS = [report]
