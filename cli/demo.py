"""``jobmaal demo``: build the embedded demo store (synthetic data, fixed seed)."""

from __future__ import annotations

import click

from data_connectors.demo import DEFAULT_SEED, build_demo
from data_connectors.store import Store


@click.command()
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the generator."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the store already holds data (used by `make run`).",
)
def demo(seed: int, if_empty: bool) -> None:
    """Build the demo data: all 98 municipalities 2019-2023, Favrskov calibrated to its plan.

    The figures are synthetic and labelled as demo data wherever they are shown.
    """
    store = Store.from_settings()
    if if_empty and not store.is_empty():
        click.echo(f"store: {store.root.resolve()} already holds data; demo not built")
        return
    build_demo(store, seed=seed)
    rows = dict(store.status().select("dataset_id", "rows").iter_rows())
    datasets, tables = store.datasets(), store.person_tables()
    click.echo(f"store: {store.root.resolve()}")
    click.echo(
        f"demo data (seed {seed}, synthetic): {len(datasets)} datasets with "
        f"{sum(rows[d] for d in datasets)} rows; {len(tables)} person-level tables with "
        f"{sum(rows[t] for t in tables)} rows"
    )


COMMANDS = [demo]
