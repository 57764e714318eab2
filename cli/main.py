"""Entry point of the ``jobmaal`` console command.

User errors (bad input, unknown ids, a broken store) end with one line on stderr and a
non-zero exit code; only real bugs show a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from cli import demo, imports, local_imports, report, status, targets, warm
from data_connectors.store import StoreError

USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, LookupError, StoreError, OSError)


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


def _quit_on_broken_pipe() -> NoReturn:
    """Exit 0 without a word when stdout's reader went away (see the Python docs on SIGPIPE).

    stdout is pointed at devnull so the final flush at exit cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (e.g. under a test runner)
        pass
    sys.exit(0)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except BrokenPipeError:  # e.g. `jobmaal status | head`: the reader is gone
            _quit_on_broken_pipe()
        except USER_ERRORS as exc:
            click.echo(f"jobmaal: error: {_message(exc)}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """jobmaal: employment-plan targets and KPIs for Danish jobcenters.

    Settings come from JOBMAAL_* environment variables or .streamlit/secrets.toml
    (see README). The store lives under JOBMAAL_DATA_DIR (default ./data).
    """


for module in (status, imports, local_imports, demo, targets, report, warm):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    try:
        try:
            cli(prog_name="jobmaal")
        finally:
            sys.stdout.flush()  # output still buffered can meet a closed pipe only here
    except BrokenPipeError:
        _quit_on_broken_pipe()


if __name__ == "__main__":  # pragma: no cover
    main()
