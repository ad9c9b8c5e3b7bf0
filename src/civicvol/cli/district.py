"""civicvol district settings | set, and civicvol deadlines run."""

from __future__ import annotations

import contextlib

import click

from civicvol.cli.context import json_option, print_json, print_record, session, writes
from civicvol.i18n import _


@click.group()
def district() -> None:
    """The district's settings of the order cycle, kept as events."""


@district.command("settings")
@json_option
def settings(as_json: bool) -> None:
    """Show the district's settings of the order cycle."""
    values = session().app.district_settings()
    print_json(values) if as_json else print_record(_("district settings"), values)


@writes
@district.command("set")
@click.argument("key")
@click.argument("value")
def set_setting(key: str, value: str) -> None:
    """Change a district setting (an administrator): review_orders, accept_within_hours,
    rate_within_days, added_hours_earn_points."""
    s = session()
    changed = s.app.change_district_setting(s.actor, key, value)
    click.echo(_("district setting {key} is now {value}").format(key=key, value=value)
               if changed else
               _("district setting {key} was {value} already").format(key=key, value=value))


@click.group()
def deadlines() -> None:
    """Fire the cycle's deadlines as events: unaccepted, unrated, overdue."""


@writes
@deadlines.command("run")
@click.option("--once", is_flag=True, help=_("Fire what is due now, then stop."))
@click.option("--interval", default=60.0, type=click.FloatRange(min=0.1), show_default=True,
              metavar="SECONDS", help=_("Seconds between rounds."))
@json_option
def run(once: bool, interval: float, as_json: bool) -> None:
    """Follow the log and fire due deadlines (by the district's settings): idempotent, and
    correct after a restart."""
    from civicvol.app.deadlines import DeadlineProcess, Fired

    process = DeadlineProcess(session().app)

    def report(fired: list[Fired]) -> None:
        if as_json:
            print_json([f.as_dict() for f in fired])
            return
        for f in fired:
            click.echo(f"{f.kind} {f.record}")

    if once:
        fired = process.fire()
        report(fired)
        if not as_json:
            click.echo(_("{count} deadlines fired").format(count=len(fired)), err=True)
        return
    with contextlib.suppress(KeyboardInterrupt):
        process.run(interval=interval, on_fired=report)


COMMANDS = [district, deadlines]
