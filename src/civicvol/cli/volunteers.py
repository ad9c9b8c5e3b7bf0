"""civicvol volunteer ..."""

from __future__ import annotations

import click

from civicvol.app.views import volunteer_view
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes

PHONE_HELP = "A mainland mobile (13800138000) or a landline with area code (0871-63123456)."


@click.group()
def volunteer() -> None:
    """Register volunteers and look after their records."""


@writes
@volunteer.command("register")
@click.option("--name", required=True, help="1 to 60 characters.")
@click.option("--phone", required=True, help=PHONE_HELP)
@click.option("--community", required=True, help="The community (社区) they serve in.")
@click.option("--skill", "skills", multiple=True, help="A skill, e.g. 理发; repeatable.")
def register(name: str, phone: str, community: str, skills: tuple[str, ...]) -> None:
    """Register a volunteer (administrator)."""
    s = session()
    created("volunteer", s.app.register_volunteer(s.actor, name, phone, community, skills))


@writes
@volunteer.command("update-contact")
@click.argument("volunteer_id")
@click.option("--name", required=True, help="1 to 60 characters.")
@click.option("--phone", required=True, help=PHONE_HELP)
def update_contact(volunteer_id: str, name: str, phone: str) -> None:
    """Change a volunteer's name and phone (administrator, or the volunteer)."""
    s = session()
    s.app.update_contact(s.actor, volunteer_id, name, phone)
    click.echo(f"contact of {volunteer_id} updated")


@writes
@volunteer.command("suspend")
@click.argument("volunteer_id")
@click.option("--reason", required=True, help="Why, in a few words.")
def suspend(volunteer_id: str, reason: str) -> None:
    """Suspend a volunteer (administrator)."""
    s = session()
    s.app.suspend_volunteer(s.actor, volunteer_id, reason)
    click.echo(f"volunteer {volunteer_id} suspended")


@writes
@volunteer.command("reactivate")
@click.argument("volunteer_id")
def reactivate(volunteer_id: str) -> None:
    """Reactivate a suspended volunteer (administrator)."""
    s = session()
    s.app.reactivate_volunteer(s.actor, volunteer_id)
    click.echo(f"volunteer {volunteer_id} reactivated")


@writes
@volunteer.command("leave")
@click.argument("volunteer_id")
@click.option("--reason", default="", help="Why (optional).")
def leave(volunteer_id: str, reason: str) -> None:
    """Record that a volunteer leaves the service (administrator, or the volunteer)."""
    s = session()
    s.app.volunteer_leaves(s.actor, volunteer_id, reason)
    click.echo(f"volunteer {volunteer_id} has left")


@volunteer.command("show")
@click.argument("volunteer_id")
@json_option
def show(volunteer_id: str, as_json: bool) -> None:
    """Show a volunteer's record."""
    data = volunteer_view(session().app.volunteer(volunteer_id))
    print_json(data) if as_json else print_record("volunteer", data)


COMMANDS = [volunteer]
