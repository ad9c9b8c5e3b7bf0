"""civicvol points ...: the points audit and redemptions."""

from __future__ import annotations

import click

from civicvol.app.views import points_view
from civicvol.audit.asof import parse_day, points_as_of
from civicvol.cli.context import console, json_option, print_json, session, writes
from civicvol.cli.listing import paging, print_rows, print_table
from civicvol.display import status
from civicvol.domain.clock import DISTRICT_TIME
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
            else points_view(volunteer.id, app.point_account(volunteer.id), app.validity_for()))
    if as_json:
        print_json(data)
        return
    from rich.table import Table  # for the terminal only: a --json read needs none of it

    # The id on a line of its own, before the table: a title wraps anywhere, an id never.
    click.echo(_("volunteer {id}").format(id=volunteer.id))
    table = Table(title=_(
                      "points: balance {balance}, pending {pending}, redeemed {redeemed}, "
                      "expired {expired}").format(balance=data["balance"],
                                                  pending=data["pending"],
                                                  redeemed=data["redeemed"],
                                                  expired=data["expired"])
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
    if data["lots"]:
        lots = Table(title=_("points left, spent oldest first"), title_justify="left")
        for column in (_("entry"), _("points"), _("valid until")):
            lots.add_column(column)
        for lot in data["lots"]:
            ends = lot["expires_on"]
            lots.add_row(lot["entry"], str(lot["points"]),
                         _("never expires") if ends is None else _("the day before {day}")
                         .format(day=ends))
        console().print(lots)


@writes
@points.command("code", help=_("Take a one-time code to redeem a gift at a station "
                               "(the volunteer, for themself)."))
@click.option("--station", required=True, help=_("The station, e.g. 蜂享驿站."))
@click.option("--gift", required=True, help=_("The gift, as in 'station catalogue'."))
@json_option
def code(station: str, gift: str, as_json: bool) -> None:
    s = session()
    issued, expires_at = s.app.issue_redemption_code(s.actor, station, gift)
    if as_json:
        print_json({"code": issued, "station": station.strip(), "gift": gift.strip(),
                    "expires_at": expires_at.astimezone(DISTRICT_TIME).isoformat()})
        return
    click.echo(_("show this code at {station}; it is valid once, until {time}").format(
        station=station.strip(),
        time=expires_at.astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")), err=True)
    click.echo(issued)


@writes
@points.command("expire", help=_("Expire the points whose validity has ended (administrator)."))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("Expire what was due by that day (default: today, Asia/Shanghai)."))
@json_option
def expire(as_of: str | None, as_json: bool) -> None:
    s = session()
    expired = s.app.expire_points(s.actor, parse_day(as_of) if as_of else None)
    if as_json:
        print_json({str(v): entries for v, entries in expired.items()})
        return
    lots = sum(len(entries) for entries in expired.values())
    click.echo(ngettext("expired {lots} lot", "expired {lots} lots", lots).format(lots=lots)
               + " " + ngettext("on {n} account", "on {n} accounts", len(expired))
               .format(n=len(expired)))


@points.group("validity", help=_("How long approved points stay valid (a district setting)."))
def validity() -> None:
    pass


@writes
@validity.command("set", help=_("Set how long points earned from now on stay valid: never, "
                                "1y, 3y ... or year-end (administrator)."))
@click.argument("value")
def set_validity(value: str) -> None:
    s = session()
    s.app.set_points_validity(s.actor, value)
    click.echo(_("points earned from now on are valid: {value}").format(
        value=value.strip().lower()))


@validity.command("show", help=_("The points validity now and every change, with its time."))
@json_option
def show_validity(as_json: bool) -> None:
    setting = session().app.points_validity_setting()
    changes = [{"validity": text, "from": when.astimezone(DISTRICT_TIME).isoformat()}
               for when, text in (setting.changes if setting else [])]
    current = str(setting.current) if setting else "never"
    if as_json:
        print_json({"validity": current, "changes": changes})
        return
    click.echo(_("points are valid: {value}").format(value=current))
    for change in changes:
        click.echo(_("  from {time}: {value}").format(
            time=change["from"][:16].replace("T", " "), value=change["validity"]))


COMMANDS = [points]
