"""A click group whose commands are imported only when they run.

Starting ``civicvol`` must cost little more than starting Python (issue 14): the group knows
its commands from a table (name, where the command lives, its one-line help), imports a
command's module when that command is called, and lists the plug-ins' groups from the
packages' metadata (:mod:`civicvol.plugins.discovery`), mounting the plug-ins only when one of
their commands is called. ``tests/test_startup.py`` keeps the table's help true.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import click

from civicvol.cli.localise import localise
from civicvol.i18n import _


class LazyCommand(NamedTuple):
    """A command known by name before it is imported."""

    target: str  # "module:attribute" of the click command
    help: str  # its one-line help, as ``civicvol --help`` shows it
    extended_by: tuple[str, ...] = ()  # modules that add sub-commands to it

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        for extension in self.extended_by:
            importlib.import_module(extension)
        assert isinstance(command, click.Command), self.target
        return command


class LazyGroup(click.Group):
    """A group of :class:`LazyCommand` and of the plug-ins' groups, each loaded on use.

    ``plugin_groups()`` names the plug-ins' groups with their help without importing them;
    ``mount_plugins(group)`` adds the plug-ins' commands (once; it imports the plug-ins).
    """

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand],
                 plugin_groups: Callable[[], Mapping[str, str]],
                 mount_plugins: Callable[[click.Group], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)
        self.plugin_groups = plugin_groups
        self.mount_plugins = mount_plugins

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy) | set(self.plugin_groups()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in self.lazy:
                self.add_command(self.lazy[cmd_name].load(), cmd_name)
            else:
                self.mount_plugins(self)
        command = self.commands.get(cmd_name)
        return localise(command) if command is not None else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from the table and the metadata: nothing is
        imported to print it."""
        plugin_groups = self.plugin_groups()
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                help_text = command.get_short_help_str(limit=formatter.width - 6 - len(name))
            elif name in self.lazy:
                help_text = _(self.lazy[name].help)
            else:
                help_text = plugin_groups[name]
            rows.append((name, help_text))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)
