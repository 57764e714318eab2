"""``jobmaal status``: what is in the store and how fresh it is."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import polars as pl

from data_connectors.settings import Settings
from data_connectors.store import Store


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status(as_json: bool) -> None:
    """Datasets, periods covered, rows, last import and freshness."""
    settings = Settings()
    store = Store.from_settings(settings)
    table = store.status()
    now = datetime.now(UTC)
    table = table.with_columns(
        ((pl.lit(now) - pl.col("retrieved_at")).dt.total_days()).alias("age_days")
    )
    if as_json:
        click.echo(table.write_json())
        return
    click.echo(f"store: {store.root.resolve()}")
    if table.is_empty():
        click.echo("the store is empty: run `jobmaal demo` or `jobmaal import PATH`")
        return
    with pl.Config(tbl_rows=100, tbl_cols=20, tbl_hide_dataframe_shape=True, tbl_width_chars=160):
        click.echo(table.drop("retrieved_at"))


COMMANDS = [status]
