"""The ``civicvol`` command line: thin adapters that parse, call the application, and print.

Every command that creates something prints the new id as its last line; ``--json`` gives
machine-readable output; a refused command prints one line on stderr and exits non-zero.

Commands are imported only when they run (:mod:`civicvol.cli.lazy_group`): a new command is
one line in ``COMMANDS`` below, and ``civicvol --version`` or ``--help`` imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from civicvol import __version__
from civicvol.cli.guard import run_guarded
from civicvol.cli.lazy_group import LazyCommand, LazyGroup
from civicvol.cli.localise import choose_language, localise
from civicvol.i18n import LANGUAGES, N_, _, chosen, normalise, set_language

# civicvol.store.STORE_ENV, repeated here because the store module is not cheap to import
# (a test keeps the two equal).
STORE_ENV = "CIVICVOL_STORE"

# name: where the command lives, its one-line help (checked by tests/test_startup.py), and
# the modules that add sub-commands to it.
COMMANDS: dict[str, LazyCommand] = {
    "volunteer": LazyCommand("civicvol.cli.volunteers:volunteer",
                             N_("Register volunteers and look after their records."),
                             ("civicvol.cli.erasure", "civicvol.cli.office",
                              "civicvol.cli.hours")),
    "team": LazyCommand("civicvol.cli.teams:team",
                        N_("Create teams and manage their members and leaders."),
                        ("civicvol.cli.office",)),
    "order": LazyCommand("civicvol.cli.orders:order",
                         N_("Place, dispatch, accept, complete and rate service orders."),
                         ("civicvol.cli.cycle",)),
    "service": LazyCommand("civicvol.cli.services:service",
                           N_("Add, change, retire and list the services residents can order.")),
    "client": LazyCommand("civicvol.cli.clients:client",
                          N_("Create, list and revoke the Open311 client applications' "
                             "api_keys.")),
    "district": LazyCommand("civicvol.cli.district:district",
                            N_("The district's settings of the order cycle, kept as events.")),
    "deadlines": LazyCommand("civicvol.cli.district:deadlines",
                             N_("Fire the cycle's deadlines as events: unaccepted, unrated, "
                                "overdue.")),
    "points": LazyCommand("civicvol.cli.points:points",
                          N_("Audit, redeem and show volunteers' points.")),
    "station": LazyCommand("civicvol.cli.stations:station",
                           N_("Open stations, keep their gift catalogue and stock, redeem "
                              "volunteers' codes.")),
    "report": LazyCommand("civicvol.cli.reports:report",
                          N_("The district report, every figure computed from the events.")),
    "demo": LazyCommand("civicvol.cli.reports:demo",
                        N_("Build the Panlong District of the article into an empty store, "
                           "then print its report.")),
    "audit": LazyCommand("civicvol.cli.audit:audit",
                         N_("Verify, export and replay the history; trace points and hours to "
                            "their events."),
                         ("civicvol.cli.audit_chain", "civicvol.cli.audit_history",
                          "civicvol.cli.audit_proofs")),
    "certificate": LazyCommand("civicvol.cli.audit_history:certificate",
                               N_("Issue a volunteer's service certificate (志愿服务记录证明), "
                                  "signed by the issuer.")),
    "plugins": LazyCommand("civicvol.cli.plugins:plugins",
                           N_("The installed plug-ins: name, version, built-in or external, hooks "
                              "and status.")),
    "export": LazyCommand("civicvol.cli.office:export",
                          N_("Write volunteers, orders, points or hours to a spreadsheet for the "
                             "office.")),
    "views": LazyCommand("civicvol.cli.views:views",
                         N_("The views that follow the log: status, rebuild, run a follower.")),
    "init": LazyCommand("civicvol.cli.stores:init",
                        N_("Create an empty store at --store (a SQLite file readable by you "
                           "only).")),
    "backup": LazyCommand("civicvol.cli.stores:backup",
                          N_("Copy the live store to DEST (SQLite's online backup; PostgreSQL: "
                             "pg_dump).")),
    "account": LazyCommand("civicvol.cli.web:account",
                           N_("Create, list, revoke and rotate the web service's staff accounts.")),
    "serve": LazyCommand("civicvol.cli.web:serve",
                         N_("Run the web service (staff API, Open311) with uvicorn.")),
}


def plugin_groups() -> Mapping[str, str]:
    """The allowed plug-ins' command groups (a plug-in's group bears its name), with a help
    line made from the packages' metadata: listing them imports no plug-in."""
    from civicvol.plugins.discovery import allowed_installed_plugins

    return {p.name: _("The {name} plug-in's commands ({distribution} {version}).").format(
                name=p.name, distribution=p.distribution, version=p.version)
            for p in allowed_installed_plugins() if p.name not in COMMANDS}


def mount_plugins(group: click.Group) -> None:
    """Add the plug-ins' commands, once for the CLI's plug-in host (this imports them)."""
    from civicvol.cli.plugins import mount_plugin_commands, plugin_host

    host = plugin_host()
    if host not in _mounted:
        _mounted.append(host)
        mount_plugin_commands(group)


_mounted: list[Any] = []  # the plug-in hosts whose commands are mounted on ``cli``


class CivicVolGroup(LazyGroup):
    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        if parent is None:  # the language first: click renders --help while it parses
            before = chosen()
            choose_language(args)
            localise(self)
            ctx = run_guarded(lambda: super(CivicVolGroup, self).make_context(
                info_name, args, parent, **extra))
            # One command's --lang is that command's: a caller in the same process (a test's
            # CliRunner, an embedding system) gets its own choice back.
            ctx.call_on_close(lambda: set_language(before))
            return ctx
        return run_guarded(lambda: super(CivicVolGroup, self).make_context(
            info_name, args, parent, **extra))

    def invoke(self, ctx: click.Context) -> Any:
        return run_guarded(lambda: super(CivicVolGroup, self).invoke(ctx))


@click.group(cls=CivicVolGroup, lazy=COMMANDS, plugin_groups=plugin_groups,
             mount_plugins=mount_plugins)
@click.option("--store", envvar=STORE_ENV, default=None, metavar="URL",
              help=_("sqlite:///file.db (default: civicvol.db here), memory://, postgresql://..."))
@click.option("--as", "actor", default=None, metavar="ROLE:ID",
              help=_("Who makes the command, e.g. resident:r-1001 or volunteer:<id>; "
                   "needed by every command that changes the store."))
@click.option("--config", default=None, metavar="PATH",
              help=_("civicvol.toml with the plug-ins' settings (default: $CIVICVOL_CONFIG, "
                   "else the one beside the SQLite store file)."))
@click.option("--wait", "wait", default=None, type=click.FloatRange(min=0), metavar="SECONDS",
              help=_("Queries wait up to SECONDS for a follower ('civicvol views run') to bring "
                   "the views to the log's head, instead of catching them up themselves."))
@click.option("--lang", default=None, metavar="LANG", is_eager=True, expose_value=False,
              callback=lambda ctx, param, value: _check_language(value),
              help=_("Language of the output: zh_CN or en (default: $CIVICVOL_LANG, else the "
                     "system locale, else English)."))
@click.version_option(__version__, package_name="civicvol")
@click.pass_context
def cli(ctx: click.Context, store: str | None, actor: str | None,
        config: str | None, wait: float | None) -> None:
    """civicvol: a district's volunteer service as an event-sourced history."""
    from civicvol.cli.context import Session

    ctx.obj = Session(store_url=store, actor_text=actor, config=config, wait=wait)
    ctx.call_on_close(ctx.obj.close)


def _check_language(value: str | None) -> None:
    if value is not None and normalise(value) is None:
        raise click.BadParameter(_("{value!r} is not a language civicvol speaks; choose one of "
                                   "{languages}.").format(value=value,
                                                          languages=", ".join(LANGUAGES)))


def main() -> None:
    cli(prog_name="civicvol")


if __name__ == "__main__":  # pragma: no cover
    main()
