"""civicvol init / backup: making a store, and copying one safely."""

from __future__ import annotations

import click

from civicvol.cli.context import session, writes
from civicvol.store import store_name


@writes
@click.command("init")
def init() -> None:
    """Create an empty store at --store (a SQLite file readable by you only)."""
    s = session()
    s.keep_new_store = True
    count = s.app.event_count()
    name = store_name(s.app.store_url)
    if count:
        click.echo(f"store {name} already exists ({count} events); nothing changed")
    else:
        click.echo(f"store {name} is ready")


COMMANDS = [init]
