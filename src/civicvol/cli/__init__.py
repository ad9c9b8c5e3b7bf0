"""The ``civicvol`` command line: thin adapters that parse, call the application, and print.

Every command that creates something prints the new id as its last line; ``--json`` gives
machine-readable output; a refused command prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

from typing import Any

import click

from civicvol.cli.context import Session, run_guarded
from civicvol.store import STORE_ENV


class CivicVolGroup(click.Group):
    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        return run_guarded(lambda: super(CivicVolGroup, self).make_context(
            info_name, args, parent, **extra))

    def invoke(self, ctx: click.Context) -> Any:
        return run_guarded(lambda: super(CivicVolGroup, self).invoke(ctx))


@click.group(cls=CivicVolGroup)
@click.option("--store", envvar=STORE_ENV, default=None, metavar="URL",
              help="sqlite:///file.db (default: civicvol.db here), memory://, postgresql://...")
@click.option("--as", "actor", default=None, metavar="ROLE:ID",
              help="Who makes the command, e.g. resident:r-1001 or volunteer:<id>; "
                   "needed by every command that changes the store.")
@click.option("--config", default=None, metavar="PATH",
              help="civicvol.toml with the plug-ins' settings (default: $CIVICVOL_CONFIG, "
                   "else the one beside the SQLite store file).")
@click.version_option(package_name="civicvol")
@click.pass_context
def cli(ctx: click.Context, store: str | None, actor: str | None,
        config: str | None) -> None:
    """civicvol: a district's volunteer service as an event-sourced history."""
    ctx.obj = Session(store_url=store, actor_text=actor, config=config)
    ctx.call_on_close(ctx.obj.close)


def _register_commands() -> None:
    from civicvol.cli import (
        audit,
        audit_chain,  # noqa: F401  (adds its commands to the audit group)
        audit_history,  # adds to the audit and volunteer groups
        audit_proofs,  # noqa: F401  (adds its commands to the audit group)
        orders,
        plugins,
        points,
        reports,
        teams,
        volunteers,
    )

    for module in (volunteers, teams, orders, points, reports, audit, audit_history, plugins):
        for command in module.COMMANDS:
            cli.add_command(command)
    plugins.mount_plugin_commands(cli)


_register_commands()


def main() -> None:
    cli(prog_name="civicvol")


if __name__ == "__main__":  # pragma: no cover
    main()
