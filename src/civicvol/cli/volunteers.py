"""civicvol volunteer ..."""

from __future__ import annotations

import click

from civicvol.app.views import volunteer_view
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes
from civicvol.cli.listing import paging, print_rows
from civicvol.i18n import N_, _

PHONE_HELP = N_("A mainland mobile (13800138000) or a landline with area code "
                "(0871-63123456).")
NATIONAL_NUMBER_HELP = N_("The number the national volunteer system (全国志愿服务信息系统) "
                          "gave the person: 6 to 32 letters and digits.")


@click.group()
def volunteer() -> None:
    """Register volunteers and look after their records."""


@writes
@volunteer.command("register")
@click.option("--name", required=True, help=_("1 to 60 characters."))
@click.option("--phone", required=True, help=PHONE_HELP)
@click.option("--community", required=True, help=_("The community (社区) they serve in."))
@click.option("--skill", "skills", multiple=True, help=_("A skill, e.g. 理发; repeatable."))
@click.option("--national-number", default=None, metavar="NUMBER", help=NATIONAL_NUMBER_HELP)
def register(name: str, phone: str, community: str, skills: tuple[str, ...],
             national_number: str | None) -> None:
    """Register a volunteer (administrator)."""
    s = session()
    created(_("volunteer"), s.app.register_volunteer(s.actor, name, phone, community, skills,
                                                     national_number=national_number))


@writes
@volunteer.command("update-contact")
@click.argument("volunteer_id")
@click.option("--name", required=True, help=_("1 to 60 characters."))
@click.option("--phone", required=True, help=PHONE_HELP)
def update_contact(volunteer_id: str, name: str, phone: str) -> None:
    """Change a volunteer's name and phone (administrator, or the volunteer)."""
    s = session()
    s.app.update_contact(s.actor, volunteer_id, name, phone)
    click.echo(_("contact of {volunteer_id} updated").format(volunteer_id=volunteer_id))


@writes
@volunteer.command("set-national-number")
@click.argument("volunteer_id")
@click.argument("national_number", metavar="NUMBER")
def set_national_number(volunteer_id: str, national_number: str) -> None:
    """Set or correct a volunteer's national number (administrator, or the volunteer)."""
    s = session()
    kept = s.app.record_national_number(s.actor, volunteer_id, national_number)
    click.echo(_("national volunteer number of {volunteer_id} set to {number}").format(
        volunteer_id=volunteer_id, number=kept))


@writes
@volunteer.command("suspend")
@click.argument("volunteer_id")
@click.option("--reason", required=True, help=_("Why, in a few words."))
def suspend(volunteer_id: str, reason: str) -> None:
    """Suspend a volunteer (administrator)."""
    s = session()
    s.app.suspend_volunteer(s.actor, volunteer_id, reason)
    click.echo(_("volunteer {volunteer_id} suspended").format(volunteer_id=volunteer_id))


@writes
@volunteer.command("reactivate")
@click.argument("volunteer_id")
def reactivate(volunteer_id: str) -> None:
    """Reactivate a suspended volunteer (administrator)."""
    s = session()
    s.app.reactivate_volunteer(s.actor, volunteer_id)
    click.echo(_("volunteer {volunteer_id} reactivated").format(volunteer_id=volunteer_id))


@writes
@volunteer.command("leave")
@click.argument("volunteer_id")
@click.option("--reason", required=True, help=_("Why, in a few words (e.g. 搬家)."))
def leave(volunteer_id: str, reason: str) -> None:
    """Record that a volunteer leaves the service (administrator, or the volunteer)."""
    s = session()
    s.app.volunteer_leaves(s.actor, volunteer_id, reason)
    click.echo(_("volunteer {volunteer_id} has left").format(volunteer_id=volunteer_id))


@volunteer.command("show")
@click.argument("volunteer_id")
@json_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("The record as it stood at the end of that day (Asia/Shanghai)."))
def show(volunteer_id: str, as_json: bool, as_of: str | None) -> None:
    """Show a volunteer's record, with their teams, points and open orders."""
    app = session().app
    if as_of is not None:
        from civicvol.audit.asof import volunteer_as_of
        from civicvol.cli.reports import past_day

        past = volunteer_as_of(app, volunteer_id, past_day(as_of))
        print_json(past) if as_json else print_record(f"volunteer, as of {as_of}", past)
        return
    found = app.volunteer(volunteer_id)
    vid = str(found.id)
    account = app.views.points.account(vid)
    data = {**volunteer_view(found), "teams": app.views.memberships.teams_of(vid),
            "points_balance": account["balance"], "points_pending": account["pending"],
            "open_orders": [o["id"] for o in app.views.orders.of_volunteer(vid)
                            if o["status"] in ("dispatched", "accepted")]}
    print_json(data) if as_json else print_record(_("volunteer"), data)


@volunteer.command("search")
@click.option("--phone", default=None, help=_("The phone number, exactly."))
@click.option("--name", default=None, help=_("Part of the name, e.g. 李."))
@click.option("--community", default=None, help=_("Registered in this community."))
@click.option("--skill", default=None, help=_("Has this skill, e.g. 理发."))
@click.option("--status", default=None, type=click.Choice(["active", "suspended", "left"]))
@click.option("--team", "team_id", default=None, metavar="TEAM_ID", help=_("A member of it."))
@click.option("--national-number", default=None, metavar="NUMBER",
              help=_("The national volunteer number (全国志愿者编号), exactly."))
@paging()
@json_option
def search(phone: str | None, name: str | None, community: str | None, skill: str | None,
           status: str | None, team_id: str | None, national_number: str | None, limit: int,
           offset: int, as_json: bool) -> None:
    """Find volunteers by phone, part of the name, community, skill, status or team."""
    from civicvol.app.application import parse_id

    app = session().app
    rows = app.views.volunteers.search(
        phone=phone, name=name, community=community, skill=skill, status=status,
        team=str(parse_id(team_id, "team")) if team_id else None,
        national_number=national_number, limit=limit, offset=offset)
    print_rows(_("volunteers"), rows, ("id", "name", "phone", "community", "status",
                                    "service_hours"), as_json,
               empty=_("no volunteer matches; try part of the name, or fewer filters"))


@volunteer.command("orders")
@click.argument("volunteer_id")
@paging()
@json_option
def orders(volunteer_id: str, limit: int, offset: int, as_json: bool) -> None:
    """A volunteer's orders: open ones first, then past ones, newest first."""
    app = session().app
    vid = str(app.volunteer(volunteer_id).id)
    rows = app.views.orders.of_volunteer(vid, limit=limit, offset=offset)
    print_rows(_("orders of {vid}").format(vid=vid), rows, ("id", "status", "service", "place",
    "accepted_at",
                                          "completed_at", "hours"), as_json,
               empty=_("volunteer {vid} has taken no order yet").format(vid=vid))


COMMANDS = [volunteer]
