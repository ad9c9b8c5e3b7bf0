"""civicvol team ..."""

from __future__ import annotations

import click

from civicvol.app.views import team_members, team_view
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes
from civicvol.domain.values import TeamKind


@click.group()
def team() -> None:
    """Create teams and manage their members and leaders."""


@writes
@team.command("create")
@click.option("--name", required=True, help="1 to 60 characters.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in TeamKind]),
              help="The district's one corps (总队), a standing team or a special team.")
@click.option("--parent", default=None, metavar="TEAM_ID", help="The team it belongs to.")
@click.option("--community", default="", help="The community it serves, if one.")
def create(name: str, kind: str, parent: str | None, community: str) -> None:
    """Create a team (administrator)."""
    s = session()
    created("team", s.app.create_team(s.actor, name, kind, parent=parent, community=community))


@writes
@team.command("join")
@click.argument("team_id")
@click.argument("volunteer_id")
def join(team_id: str, volunteer_id: str) -> None:
    """Add a volunteer to a team (administrator or the team's leader)."""
    s = session()
    s.app.join_team(s.actor, team_id, volunteer_id)
    click.echo(f"volunteer {volunteer_id} joined team {team_id}")


@writes
@team.command("leave")
@click.argument("team_id")
@click.argument("volunteer_id")
@click.option("--reason", default="", help="Why (optional).")
def leave(team_id: str, volunteer_id: str, reason: str) -> None:
    """Take a volunteer off a team (administrator, a leader of the team, or the volunteer);
    a leader who leaves stops leading it."""
    s = session()
    s.app.leave_team(s.actor, team_id, volunteer_id, reason)
    click.echo(f"volunteer {volunteer_id} left team {team_id}")


@writes
@team.command("appoint-leader")
@click.argument("team_id")
@click.argument("volunteer_id")
def appoint_leader(team_id: str, volunteer_id: str) -> None:
    """Appoint a member as a leader of the team (administrator)."""
    s = session()
    s.app.appoint_leader(s.actor, team_id, volunteer_id)
    click.echo(f"volunteer {volunteer_id} leads team {team_id}")


@writes
@team.command("stand-down-leader")
@click.argument("team_id")
@click.argument("volunteer_id")
def stand_down_leader(team_id: str, volunteer_id: str) -> None:
    """A leader stands down; they stay a member (administrator)."""
    s = session()
    s.app.stand_down_leader(s.actor, team_id, volunteer_id)
    click.echo(f"volunteer {volunteer_id} no longer leads team {team_id}")


@writes
@team.command("dissolve")
@click.argument("team_id")
@click.option("--reason", required=True, help="Why, in a few words.")
def dissolve(team_id: str, reason: str) -> None:
    """Dissolve a team (administrator)."""
    s = session()
    s.app.dissolve_team(s.actor, team_id, reason)
    click.echo(f"team {team_id} dissolved")


@team.command("show")
@click.argument("team_id")
@json_option
def show(team_id: str, as_json: bool) -> None:
    """Show a team, with its number of members."""
    app = session().app
    found = app.team(team_id)
    data = team_view(found, team_members(app, found.id))
    print_json(data) if as_json else print_record("team", data)


COMMANDS = [team]
