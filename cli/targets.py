"""``jobmaal targets`` and ``jobmaal kpi``: the plan's targets and a KPI series."""

from __future__ import annotations

import json
from pathlib import Path

import click
import polars as pl

from data_connectors.plans import find_plan
from data_connectors.store import Store
from domain import areas
from metrics import api

TARGET_FIELDS = (
    "id",
    "label",
    "value",
    "target",
    "gap",
    "status",
    "projection",
    "projection_method",
    "baseline",
    "unit",
    "periods_covered",
    "explanation",
    "reduction_consistent",
    "notes",
)


def _print_table(df: pl.DataFrame) -> None:
    with pl.Config(
        tbl_rows=500,
        tbl_cols=20,
        tbl_hide_dataframe_shape=True,
        tbl_width_chars=200,
        fmt_str_lengths=80,
    ):
        click.echo(df)


@click.command()
@click.option("--municipality", "-m", required=True, help="Municipality code, e.g. 710.")
@click.option("--year", "-y", required=True, type=int, help="Plan year, e.g. 2022.")
@click.option("--as-of", default=None, help="Use data up to this month only, e.g. 2022M06.")
@click.option(
    "--plans",
    "plans_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder with <municipality>-<year>.toml plans (default: JOBMAAL_TARGETS_DIR, "
    "else the shipped targets/).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def targets(
    municipality: str, year: int, as_of: str | None, plans_dir: Path | None, as_json: bool
) -> None:
    """Each target of a municipality's plan: value, target, gap, status, projection."""
    areas.area(municipality)
    plan = find_plan(municipality, year, plans_dir)
    result = api.evaluate_plan(Store.from_settings().inputs(), plan, as_of=as_of)
    out = result.select(*TARGET_FIELDS[:-4], "n_periods", *TARGET_FIELDS[-4:])
    if as_json:
        click.echo(json.dumps(out.to_dicts(), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{plan.municipality_name} ({plan.municipality_code}): {plan.title}")
    for r in out.iter_rows(named=True):
        click.echo(f"\n[{r['id']}] {r['label']}: {r['status']}")
        click.echo(f"  {r['explanation']}")
        click.echo(
            f"  værdi={_num(r['value'])} mål={_num(r['target'])} afstand={_num(r['gap'])} "
            f"fremskrivning={_num(r['projection'])} basislinje={_num(r['baseline'])} "
            f"enhed={r['unit']} perioder={r['periods_covered'] or '-'}"
        )
        for note in r["notes"] or []:
            click.echo(f"  note: {note}")


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


@click.command()
@click.argument("metric")
@click.option("--municipality", "-m", default=None, help="Municipality code, e.g. 710.")
@click.option("--from", "start", default=None, help="First period, e.g. 2021M01.")
@click.option("--to", "end", default=None, help="Last period, e.g. 2022M12.")
@click.option("--breakdown", default=None, help="Dimension to break down by.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def kpi(
    metric: str,
    municipality: str | None,
    start: str | None,
    end: str | None,
    breakdown: str | None,
    as_json: bool,
) -> None:
    """The series of one metric (see the metric ids in docs/targets.md)."""
    api.get_metric(metric)
    if municipality is not None:
        areas.area(municipality)
    inputs = Store.from_settings().inputs()
    try:
        api.require_inputs(inputs, metric)
    except api.MissingInput as exc:
        raise LookupError(f"{exc}; run `jobmaal demo` or `jobmaal import` to load it") from None
    series = api.kpi_series(
        inputs,
        metric,
        area_codes=[municipality] if municipality else None,
        breakdown=breakdown,
        start=start,
        end=end,
    )
    if as_json:
        click.echo(series.write_json())
        return
    _print_table(series.drop("metric_id"))


COMMANDS = [targets, kpi]
