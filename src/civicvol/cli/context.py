"""What every CLI command shares: the store, the actor, output and error handling."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from civicvol.app.authorization import check_role
from civicvol.cli.guard import run_guarded
from civicvol.display import CODED, is_moment, label, moment, status, word
from civicvol.domain.errors import PermissionDenied, StoreKeepsNothing
from civicvol.domain.text import printable
from civicvol.domain.values import Actor, Role
from civicvol.i18n import _
from civicvol.store import default_store_url, store_environment
from civicvol.store_opening import remove_if_empty, sqlite_file

if TYPE_CHECKING:
    from rich.console import Console

    from civicvol.app.application import CivicVol

__all__ = ["Session", "console", "created", "json_option", "print_json", "print_record",
           "run_guarded", "session"]


@cache
def console() -> Console:
    """The terminal's console, made on first use: rich costs a read with --json some 20 ms
    of imports it has no use for (issue 14).

    No markup: the tables show what users typed (names, places, reasons), and a "[...]" in
    it, such as an erased name's "[erased]", must print as written, not be read as a style.
    """
    from rich.console import Console

    return Console(markup=False)

json_option = click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))


_WRITERS: set[click.Command] = set()
_THROWAWAY_OK: set[click.Command] = set()
_STORELESS: set[click.Command] = set()
C = TypeVar("C", bound=click.Command)


def writes(command: C) -> C:
    """Mark a command that changes the store: only such a command may create a missing store
    (and a refused one leaves no file behind). Put it above the ``@group.command`` line."""
    _WRITERS.add(command)
    return command


def shows_throwaway(command: C) -> C:
    """Mark a writing command whose output is the point even when nothing is kept (the demo,
    which prints its report): it may run on ``memory://``."""
    _THROWAWAY_OK.add(command)
    return command


def needs_no_store(command: C) -> C:
    """Mark a command that reads no record, only the plug-ins' settings (a calendar): it
    runs on a missing store, which it leaves missing."""
    _STORELESS.add(command)
    return command


class Session:
    """The application for the chosen store, opened on first use, and the acting actor.

    The current command decides how the store is opened: a read command needs an existing
    store; a writing one (:func:`writes`) may create it, and if it stores nothing (refused),
    the new file is removed again on close. A write to ``memory://`` would vanish at exit, so
    it is refused unless the command only shows what it built (:func:`shows_throwaway`).
    """

    def __init__(self, store_url: str | None, actor_text: str | None,
                 config: str | None = None, wait: float | None = None) -> None:
        self.store_url = store_url
        self.actor_text = actor_text
        self.config = config
        self.wait = wait
        self.keep_new_store = False  # ``init`` keeps the empty store it made
        self._app: CivicVol | None = None
        self._new_file: Path | None = None

    @property
    def app(self) -> CivicVol:
        if self._app is None:
            command = click.get_current_context().command
            url = self.store_url or default_store_url()
            writes = command in _WRITERS
            create = writes or command in _STORELESS
            if writes and url.lower().startswith("memory:") and command not in _THROWAWAY_OK:
                raise StoreKeepsNothing(
                    _("memory:// keeps nothing after this command, so the change would vanish; "
                      "give --store a file (sqlite:///civicvol.db) or a PostgreSQL database"))
            file = sqlite_file(store_environment(url))
            if create and file is not None and not file.exists():
                self._new_file = file
            self._app = open_application(url, self.config, create=create)
            if self.wait is not None:
                self._app.views.wait_for_follower = self.wait
            if self.actor_text:  # the plug-ins' roles are known once they are loaded
                check_role(self.actor)
        return self._app

    @property
    def actor(self) -> Actor:
        if not self.actor_text:
            raise PermissionDenied(_("this command changes the store: say who makes it with "
                                     "--as ROLE:ID (e.g. --as administrator:admin-1)"))
        actor = Actor.parse(self.actor_text)
        if actor.role == Role.SYSTEM:
            raise PermissionDenied(_("'system' is civicvol's own role and cannot be acted as; "
                                     "act as a person's role, e.g. --as administrator:admin-1"))
        return actor

    def close(self) -> None:
        if self._app is None:
            return
        self._app.close()
        if self._new_file is not None and not self.keep_new_store:
            remove_if_empty(self._new_file)  # a refused first write conjures no store


def open_application(store_url: str | None, config: str | None = None, *,
                     create: bool = True) -> CivicVol:
    """The application the CLI works on, with the CLI's plug-ins; an observer hook's failure
    is printed on stderr as a warning."""
    from civicvol.bootstrap import open_district
    from civicvol.cli.plugins import plugin_host, warn_on_stderr

    return open_district(store_url, plugins=plugin_host(), config=config,
                         on_failure=warn_on_stderr, create=create)


def session() -> Session:
    obj = click.get_current_context().find_object(Session)
    assert obj is not None
    return obj


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_record(title: str, data: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in data.items():
        table.add_row(label(key), cell(value, key))
    console().print(table)


def cell(value: Any, key: str = "") -> str:
    """A value as a table shows it: lists joined, mappings as "key: value", nothing as -;
    moments in the district's time, codes (a status, a kind) in words."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return status(str(value).lower())
    if is_moment(value):
        return moment(value)
    if key in CODED:
        return cell([status(v) for v in value]) if isinstance(value, list) else status(value)
    if isinstance(value, dict):
        return ", ".join(f"{word(k)} ({cell(v)})" if isinstance(v, dict)
                         else f"{word(k)}: {cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "-"
    # A control character stored before they were refused is shown escaped, never sent raw.
    return printable(str(value))


def created(what: str, ident: object) -> None:
    """Tell what was created; the id stands alone on the last line for scripts."""
    click.echo(_("{what} created").format(what=what), err=True)
    click.echo(str(ident))
