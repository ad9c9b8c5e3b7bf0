"""civicvol points ...: the points audit and redemptions."""

from __future__ import annotations

import click
from rich.table import Table

from civicvol.app.views import points_view
from civicvol.audit.asof import parse_day, points_as_of
from civicvol.cli.context import json_option, print_json, session, writes
from civicvol.cli.listing import paging, print_rows, print_table
from civicvol.display import status
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import N_, _, ngettext


@click.group()
def points() -> None:
    """Audit, redeem and show volunteers' points."""


@writes
@points.command("approve")
@click.argument("volunteer_id")
@click.option("--all", "approve_all", is_flag=True, help=_("Approve every pending credit."))
@click.option("--entry", "entry_id", default=None, metavar="ENTRY_ID",
              help=_("Approve one entry, e.g. E3 (see 'points show')."))
def approve(volunteer_id: str, approve_all: bool, entry_id: str | None) -> None:
    """Approve pending credits (points auditor)."""
    if approve_all == (entry_id is not None):
        raise InvalidInput(_("say which credits to approve: either --all or --entry ENTRY_ID"))
    s = session()
    approved = s.app.approve_points(s.actor, volunteer_id, entry_id)
    if not approved:
        click.echo(_("approved nothing: no credit is pending"))
        return
    click.echo(ngettext("approved {count} entry: {join}", "approved {count} entries: {join}",
                        len(approved)).format(count=len(approved), join=", ".join(approved)))


@writes
@points.command("reject")
@click.argument("volunteer_id")
@click.option("--entry", "entry_id", required=True, metavar="ENTRY_ID",
              help=_("The pending credit, e.g. E3 (see 'points show')."))
@click.option("--reason", required=True, help=_("Why, in a few words."))
def reject(volunteer_id: str, entry_id: str, reason: str) -> None:
    """Reject a pending credit (points auditor)."""
    s = session()
    s.app.reject_points(s.actor, volunteer_id, entry_id, reason)
    click.echo(_("entry {entry_id} rejected").format(entry_id=entry_id))


@writes
@points.command("reverse")
@click.argument("volunteer_id")
@click.option("--entry", "entry_id", required=True, metavar="ENTRY_ID",
              help=_("The credit, e.g. E1 (see 'points show')."))
@click.option("--reason", required=True, help=_("Why, in a few words."))
def reverse(volunteer_id: str, entry_id: str, reason: str) -> None:
    """Reverse a credit, pending or approved, e.g. of a disputed order (points auditor)."""
    s = session()
    s.app.reverse_points(s.actor, volunteer_id, entry_id, reason)
    click.echo(_("entry {entry_id} reversed").format(entry_id=entry_id))


@writes
@points.command("redeem")
@click.argument("volunteer_id")
@click.option("--points", "amount", required=True, type=int, metavar="N",
              help=_("How many approved points the gift costs."))
@click.option("--gift", required=True, help=_("The gift, e.g. 毛巾."))
@click.option("--station", required=True, help=_("The station that hands it out."))
def redeem(volunteer_id: str, amount: int, gift: str, station: str) -> None:
    """Spend approved points on a gift at a station (station keeper)."""
    s = session()
    entry = s.app.redeem_points(s.actor, volunteer_id, amount, gift, station)
    click.echo(_("{amount} points redeemed for {gift} at {station}").format(
                 amount=amount, gift=gift, station=station), err=True)
    click.echo(entry)


@points.command("pending")
@click.option("--community", default=None, help=_("Volunteers of this community."))
@click.option("--team", "team_id", default=None, metavar="TEAM_ID", help=_("Members of this team."))
@paging(default=100)
@json_option
def pending(community: str | None, team_id: str | None, limit: int, offset: int,
            as_json: bool) -> None:
    """The points auditor's queue: credits waiting for the audit, oldest first."""
    from civicvol.app.application import parse_id

    rows = session().app.views.points.pending(
        community=community, team=str(parse_id(team_id, "team")) if team_id else None,
        limit=limit, offset=offset)
    print_rows(_("pending credits"), rows, ("volunteer_id", "entry_id", "points", "source", "at"),
               as_json, empty=_("no credit is waiting for the points audit"))


@points.command("show")
@click.argument("volunteer_id")
@json_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("The points as they stood at the end of that day (Asia/Shanghai)."))
def show(volunteer_id: str, as_json: bool, as_of: str | None) -> None:
    """Show a volunteer's balance and every entry."""
    app = session().app
    volunteer = app.volunteer(volunteer_id)
    data = (points_as_of(app, volunteer.id, parse_day(as_of)) if as_of
            else points_view(volunteer.id, app.point_account(volunteer.id)))
    if as_json:
        print_json(data)
        return
    table = Table(title=_("points of {id}: balance {balance}, pending {pending}, redeemed "
                          "{redeemed}").format(id=volunteer.id, balance=data["balance"],
                                               pending=data["pending"],
                                               redeemed=data["redeemed"])
                  + (_(", as of the end of {day}").format(day=as_of) if as_of else ""),
                  title_justify="left")
    columns = (N_("entry"), N_("kind"), N_("points"), N_("source"), N_("status"),
               N_("reason / gift"))
    for column in columns:
        table.add_column(_(column), no_wrap=column in ("entry", "kind", "source", "status"))
    records = []
    for e in data["entries"]:
        values = (e["entry"], status(e["kind"]), str(e["points"]), e["source"],
                  status(e["status"]),
                  e["reason"] or (f"{e['gift']} @ {e['station']}" if e["gift"] else ""))
        table.add_row(*values)
        records.append(dict(zip(columns, values, strict=True)))
    print_table(table, str(table.title or ""), records)


COMMANDS = [points]
