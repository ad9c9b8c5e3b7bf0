"""What every CLI command shares: the store, the actor, output and error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from civicvol.app.application import CivicVol
from civicvol.app.authorization import check_role
from civicvol.domain.errors import CivicVolError, PermissionDenied
from civicvol.domain.text import printable
from civicvol.domain.values import Actor, Role

T = TypeVar("T")
# No markup: the tables show what users typed (names, places, reasons), and a "[...]" in it,
# such as an erased name's "[erased]", must print as written, not be read as a style.
console = Console(markup=False)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


class Session:
    """The application for the chosen store, opened on first use, and the acting actor."""

    def __init__(self, store_url: str | None, actor_text: str | None,
                 config: str | None = None) -> None:
        self.store_url = store_url
        self.actor_text = actor_text
        self.config = config
        self._app: CivicVol | None = None

    @property
    def app(self) -> CivicVol:
        if self._app is None:
            self._app = open_application(self.store_url, self.config)
            if self.actor_text:  # the plug-ins' roles are known once they are loaded
                check_role(self.actor)
        return self._app

    @property
    def actor(self) -> Actor:
        if not self.actor_text:
            raise PermissionDenied("this command changes the store: say who makes it with "
                                   "--as ROLE:ID (e.g. --as administrator:admin-1)")
        actor = Actor.parse(self.actor_text)
        if actor.role == Role.SYSTEM:
            raise PermissionDenied("'system' is civicvol's own role and cannot be acted as; "
                                   "act as a person's role, e.g. --as administrator:admin-1")
        return actor

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def open_application(store_url: str | None, config: str | None = None) -> CivicVol:
    """The application the CLI works on, with the CLI's plug-ins; an observer hook's failure
    is printed on stderr as a warning."""
    from civicvol.bootstrap import open_district
    from civicvol.cli.plugins import plugin_host, warn_on_stderr

    return open_district(store_url, plugins=plugin_host(), config=config,
                         on_failure=warn_on_stderr)


def run_guarded(call: Callable[[], T]) -> T:
    """Run a command; a CivicVolError or a usage mistake becomes one line on stderr and a
    non-zero exit."""
    try:
        return call()
    except CivicVolError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.NoArgsIsHelpError:
        raise  # a bare group prints its help, as click does
    except click.UsageError as error:
        where = error.ctx.command_path if error.ctx else "civicvol"
        message = " ".join(error.format_message().split())
        click.echo(f"error: {message} (see '{where} --help')", err=True)
        sys.exit(error.exit_code)


def session() -> Session:
    obj = click.get_current_context().find_object(Session)
    assert obj is not None
    return obj


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_record(title: str, data: dict[str, Any]) -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in data.items():
        table.add_row(key.replace("_", " "), cell(value))
    console.print(table)


def cell(value: Any) -> str:
    """A value as a table shows it: lists joined, mappings as "key: value", nothing as -."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} ({cell(v)})" if isinstance(v, dict) else f"{k}: {cell(v)}"
                         for k, v in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "-"
    # A control character stored before they were refused is shown escaped, never sent raw.
    return printable(str(value))


def created(what: str, ident: object) -> None:
    """Tell what was created; the id stands alone on the last line for scripts."""
    click.echo(f"{what} created", err=True)
    click.echo(str(ident))
