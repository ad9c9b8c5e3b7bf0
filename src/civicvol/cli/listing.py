"""Lists for the terminal: full ids (to copy), the columns that matter, ``--limit/--offset``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from civicvol.cli.context import cell, console, print_json, print_record
from civicvol.display import label
from civicvol.i18n import _

if TYPE_CHECKING:
    from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])


def paging(default: int = 50) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        function = click.option("--offset", default=0, type=click.IntRange(min=0),
                                show_default=True, help=_("Skip this many first."))(function)
        return click.option("--limit", default=default, type=click.IntRange(min=1),
                            show_default=True, help=_("Show at most this many."))(function)
    return decorate


def print_rows(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
               as_json: bool, *, empty: str) -> None:
    if as_json:
        print_json(list(rows))
        return
    if not rows:
        click.echo(empty)
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        # ids are never cut: they are what the next command takes
        # ids are never cut: they are what the next command takes; text wraps by word
        table.add_column(label(column), no_wrap=column.endswith("id"), overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(c), c) for c in columns))
    print_table(table, title, [{c: row.get(c) for c in columns} for row in rows])


def print_table(table: Table, title: str, records: Sequence[dict[str, Any]]) -> None:
    """The table, or, when the terminal is too narrow to show every id and code whole side
    by side, one block per row: an id is never cut."""
    unbounded = console().options.update_width(10_000)
    if console().measure(table, options=unbounded).minimum > console().width:
        for record in records:
            print_record(title, record)
        return
    console().print(table)
