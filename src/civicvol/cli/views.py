"""civicvol views ...: the read side's freshness, rebuilds and followers."""

from __future__ import annotations

import contextlib

import click

from civicvol.cli.context import console, json_option, session
from civicvol.cli.listing import print_rows
from civicvol.i18n import _


@click.group()
def views() -> None:
    """The views that follow the log: status, rebuild, run a follower."""


@views.command("status")
@json_option
def status(as_json: bool) -> None:
    """Each view's position, the log's head and the lag."""
    app = session().app
    app.views.auto = False  # show where the views are, without catching them up first
    print_rows(_("views"), app.views.status(), ("view", "position", "head", "lag"), as_json,
               empty=_("no views"))


@views.command("rebuild")
@click.argument("names", nargs=-1, metavar="[NAME]...")
def rebuild(names: tuple[str, ...]) -> None:
    """Refold views from position 1 (all of them when no NAME is given)."""
    from rich.progress import Progress

    app = session().app
    chosen = [v.name for v in app.views.named(names)]
    with Progress(console=console(), transient=True) as bar:
        task = bar.add_task("rebuilding", total=None)
        read = app.views.rebuild(chosen, progress=lambda done, head: bar.update(
            task, completed=done, total=head))
    click.echo(_("rebuilt {join} from {read} events").format(join=', '.join(chosen), read=read))


@views.command("run")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--for", "seconds", default=None, type=click.FloatRange(min=0), metavar="SECONDS",
              help=_("Stop after this many seconds (default: run until interrupted)."))
def run(names: tuple[str, ...], seconds: float | None) -> None:
    """Follow the log in this process, keeping the views current (PostgreSQL: LISTEN/NOTIFY;
    SQLite: polling); queries elsewhere then find them caught up."""
    app = session().app
    chosen = [v.name for v in app.views.named(names)]
    click.echo(_("following the log for {join}").format(join=', '.join(chosen)), err=True)
    with contextlib.suppress(KeyboardInterrupt):
        app.views.follow(chosen, stop_after=seconds)
    positions = {v["view"]: v["position"] for v in app.views.status()}
    click.echo(_("stopped at {positions}").format(positions=positions), err=True)


COMMANDS = [views]
