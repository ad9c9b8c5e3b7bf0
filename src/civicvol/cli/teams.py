"""civicvol team ..."""

from __future__ import annotations

from typing import Any

import click

from civicvol.app.views import team_members, team_view
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes
from civicvol.cli.listing import paging, print_rows
from civicvol.domain.values import TeamKind
from civicvol.i18n import _


@click.group()
def team() -> None:
    """Create teams and manage their members and leaders."""


@writes
@team.command("create")
@click.option("--name", required=True, help=_("1 to 60 characters."))
@click.option("--kind", required=True, type=click.Choice([k.value for k in TeamKind]),
              help=_("The district's one corps (总队), a standing team or a special team."))
@click.option("--parent", default=None, metavar="TEAM_ID", help=_("The team it belongs to."))
@click.option("--community", default="", help=_("The community it serves, if one."))
def create(name: str, kind: str, parent: str | None, community: str) -> None:
    """Create a team (administrator)."""
    s = session()
    created(_("team"), s.app.create_team(s.actor, name, kind, parent=parent, community=community))


@writes
@team.command("join")
@click.argument("team_id")
@click.argument("volunteer_id")
def join(team_id: str, volunteer_id: str) -> None:
    """Add a volunteer to a team (administrator or the team's leader)."""
    s = session()
    s.app.join_team(s.actor, team_id, volunteer_id)
    click.echo(_("volunteer {volunteer_id} joined team {team_id}").format(
                 volunteer_id=volunteer_id, team_id=team_id))


@writes
@team.command("leave")
@click.argument("team_id")
@click.argument("volunteer_id")
@click.option("--reason", default="", help=_("Why (optional)."))
def leave(team_id: str, volunteer_id: str, reason: str) -> None:
    """Take a volunteer off a team (administrator, a leader of the team, or the volunteer);
    a leader who leaves stops leading it."""
    s = session()
    s.app.leave_team(s.actor, team_id, volunteer_id, reason)
    click.echo(_("volunteer {volunteer_id} left team {team_id}").format(
                 volunteer_id=volunteer_id, team_id=team_id))


@writes
@team.command("appoint-leader")
@click.argument("team_id")
@click.argument("volunteer_id")
def appoint_leader(team_id: str, volunteer_id: str) -> None:
    """Appoint a member as a leader of the team (administrator)."""
    s = session()
    s.app.appoint_leader(s.actor, team_id, volunteer_id)
    click.echo(_("volunteer {volunteer_id} leads team {team_id}").format(
                 volunteer_id=volunteer_id, team_id=team_id))


@writes
@team.command("stand-down-leader")
@click.argument("team_id")
@click.argument("volunteer_id")
def stand_down_leader(team_id: str, volunteer_id: str) -> None:
    """A leader stands down; they stay a member (administrator)."""
    s = session()
    s.app.stand_down_leader(s.actor, team_id, volunteer_id)
    click.echo(_("volunteer {volunteer_id} no longer leads team {team_id}").format(
                 volunteer_id=volunteer_id, team_id=team_id))


@writes
@team.command("dissolve")
@click.argument("team_id")
@click.option("--reason", required=True, help=_("Why, in a few words."))
def dissolve(team_id: str, reason: str) -> None:
    """Dissolve a team (administrator)."""
    s = session()
    s.app.dissolve_team(s.actor, team_id, reason)
    click.echo(_("team {team_id} dissolved").format(team_id=team_id))


@team.command("show")
@click.argument("team_id")
@json_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("The record as it stood at the end of that day (Asia/Shanghai)."))
def show(team_id: str, as_json: bool, as_of: str | None) -> None:
    """Show a team, with its number of members."""
    app = session().app
    if as_of is not None:
        from civicvol.audit.asof import team_as_of
        from civicvol.cli.reports import past_day

        past = team_as_of(app, team_id, past_day(as_of))
        print_json(past) if as_json else print_record(f"team, as of {as_of}", past)
        return
    found = app.team(team_id)
    data = team_view(found, team_members(app, found.id))
    print_json(data) if as_json else print_record(_("team"), data)


@team.command("list")
@click.option("--kind", default=None, type=click.Choice([k.value for k in TeamKind]))
@click.option("--community", default=None, help=_("Teams of this community."))
@click.option("--tree", is_flag=True, help=_("Show the teams under their parent teams."))
@paging(default=500)
@json_option
def list_teams(kind: str | None, community: str | None, tree: bool, limit: int, offset: int,
               as_json: bool) -> None:
    """The district's teams, with their members."""
    teams = session().app.views.teams.list(kind=kind, community=community, limit=limit,
                                           offset=offset)
    if tree and not as_json:
        print_tree(teams)
        return
    print_rows(_("teams"), teams, ("id", "name", "kind", "community", "members", "dissolved"),
               as_json, empty=_("no team matches"))


def print_tree(teams: list[dict[str, Any]]) -> None:
    from rich.tree import Tree

    from civicvol.cli.context import console

    ids = {t["id"] for t in teams}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for t in teams:
        children.setdefault(t["parent_id"] if t["parent_id"] in ids else None, []).append(t)
    root = Tree("teams")

    def grow(node: Tree, parent: str | None) -> None:
        for t in children.get(parent, []):
            grow(node.add(f"{t['name']} ({t['kind']}, {t['members']} members) {t['id']}"),
                 t["id"])

    grow(root, None)
    console().print(root)


@team.command("members")
@click.argument("team_id")
@click.option("--past", is_flag=True, help=_("Also those who left."))
@paging(default=100)
@json_option
def members(team_id: str, past: bool, limit: int, offset: int, as_json: bool) -> None:
    """A team's roster, in the order they joined."""
    app = session().app
    found = app.team(team_id)
    rows = app.views.memberships.members(str(found.id), include_past=past, limit=limit,
                                         offset=offset)
    people = {v["id"]: v for v in app.views.volunteers.search(
        team=str(found.id), limit=None)} if rows else {}
    for row in rows:
        person = people.get(row["volunteer_id"], {})
        row["name"], row["community"] = person.get("name"), person.get("community")
    print_rows(_("members of {name}").format(name=found.name), rows, ("volunteer_id", "name",
    "community",
                                                   "joined_at", "active", "orders_taken"),
               as_json, empty=_("team {name!r} has no members").format(name=found.name))


COMMANDS = [team]
