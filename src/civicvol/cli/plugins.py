"""civicvol plugins: which plug-ins are installed and what became of each; and the mounting of
the plug-ins' own command groups on ``civicvol``."""

from __future__ import annotations

import click

from civicvol.cli.context import console, json_option, print_json
from civicvol.display import label
from civicvol.display import status as dstatus
from civicvol.i18n import N_, _
from civicvol.plugins.discovery import ALLOW_ENV
from civicvol.plugins.manager import HookFailure, PluginHost, load_plugins

_hosts: list[PluginHost] = []


def plugin_host() -> PluginHost:
    """The plug-ins of this CLI process, loaded once (``CIVICVOL_PLUGINS`` decides which)."""
    if not _hosts:
        _hosts.append(load_plugins())
    return _hosts[0]


def mount_plugin_commands(cli: click.Group) -> None:
    """Let each loaded plug-in add its sub-commands; one that fails, or that would replace a
    command already there, is reported by ``civicvol plugins`` and left out."""
    host = plugin_host()
    for record in host.loaded():
        before = dict(cli.commands)
        try:
            host.call_one(record, "register_commands", cli=cli)
            taken = [n for n in before if cli.commands.get(n) is not before[n]]
            if taken:
                raise ValueError(f"its command {taken[0]!r} would replace civicvol's own")
        except Exception as error:  # a plug-in's bug must not break the command line
            cli.commands.clear()
            cli.commands.update(before)
            host.disable(record.name, f"register_commands: {type(error).__name__}: {error}")


def warn_on_stderr(failure: HookFailure) -> None:
    click.echo(_("warning: {failure}").format(failure=failure), err=True)


PLUGIN_STATUSES = {"loaded": N_("loaded"), "failed": N_("failed"),
                   "disabled": N_("not loaded"), "incompatible": N_("incompatible")}


@click.command("plugins")
@json_option
def plugins(as_json: bool) -> None:
    """The installed plug-ins: name, version, built-in or external, hooks and status."""
    from rich.table import Table

    records = sorted(plugin_host().records.values(), key=lambda r: r.name)
    if as_json:
        print_json([r.as_dict() for r in records])
        return
    table = Table(title=_("plug-ins"), title_justify="left")
    # "name" alone is a person's name (姓名) in the district's tables: a plug-in's is its own
    table.add_column(_("plug-in"))
    for column in ("version", "kind", "status", "hooks"):
        table.add_column(label(column))
    for r in records:
        shown = _(PLUGIN_STATUSES.get(r.status, r.status))
        reason = r.reason
        if r.status == "disabled":  # said when the plug-ins loaded, maybe in another language
            reason = _("not in {variable}").format(variable=ALLOW_ENV)
        status = shown if not reason else f"{shown}: {reason}"
        table.add_row(r.name, r.version or "-", dstatus("built-in" if r.builtin else "external"),
                      status, ", ".join(r.hooks) or "-")
    console().print(table)


COMMANDS = [plugins]
