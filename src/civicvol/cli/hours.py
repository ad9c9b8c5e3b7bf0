"""civicvol volunteer add-hours: hours an administrator adds afterwards, with a reason."""

from __future__ import annotations

import click

from civicvol.cli.context import session, writes
from civicvol.cli.volunteers import volunteer
from civicvol.i18n import _


@writes
@volunteer.command("add-hours")
@click.argument("volunteer_id")
@click.option("--hours", required=True, metavar="HOURS", help=_("More than 0, at most 24."))
@click.option("--reason", required=True, help=_("Why they are added afterwards."))
def add_hours(volunteer_id: str, hours: str, reason: str) -> None:
    """Add service hours afterwards (an administrator, with a reason); kept apart from the
    hours recorded at activities."""
    s = session()
    points = s.app.add_hours(s.actor, volunteer_id, hours, reason)
    click.echo(_("{hours} hours added to volunteer {volunteer} ({points} points)").format(
        hours=hours, volunteer=volunteer_id, points=points))
