"""``jobmaal warm``: fill the page cache for every plan, so the first view is read from disk."""

from __future__ import annotations

import time

import click

from dashboard import loaders
from dashboard.warm import warm as warm_pages


@click.command()
def warm() -> None:
    """Build every plan's pages once for the data now in the store (run after an import).

    The pages' figures are kept in <data dir>/cache/pages/ per data version, after the
    small-number rule; a restarted dashboard reads them instead of computing them.
    """
    t0 = time.perf_counter()
    done = warm_pages(loaders.store_key())
    seconds = time.perf_counter() - t0
    plans = ", ".join(done.plans) or "ingen planer i targets/"
    click.echo(f"page cache filled: {plans} ({done.targets} targets) in {seconds:.1f} s")


COMMANDS = [warm]
