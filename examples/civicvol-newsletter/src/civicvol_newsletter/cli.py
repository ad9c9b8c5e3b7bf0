"""civicvol newsletter ..."""

from __future__ import annotations

import click

from civicvol.app.report import fold_log
from civicvol.cli.context import created, json_option, print_json, print_record, session
from civicvol_newsletter.bulletin import Bulletin, EditorRole
from civicvol_newsletter.commands import Newsletter
from civicvol_newsletter.report import NewsletterFigures

ROLE_HELP = ", ".join(f"{r.value} ({r.chinese})" for r in EditorRole)


def service() -> Newsletter:
    return session().app.plugin("newsletter", Newsletter)


def bulletin_view(b: Bulletin) -> dict[str, object]:
    return {"id": str(b.id), "title": b.title, "team_id": str(b.team_id),
            "community": b.community, "issues": b.last_number,
            "latest_issue_date": b.last_date or None,
            "editors": [f"{v}: {'/'.join(EditorRole(r).chinese for r in roles)}"
                        for v, roles in b.editors.items()]}


@click.group("newsletter")
def newsletter() -> None:
    """龙江编辑部: the residents' bulletin 《龙江居民简报》, its editors and issues."""


@newsletter.command("found")
@click.argument("team_id")
@click.option("--title", default="", help="Default: the title setting.")
@click.option("--community", default="")
def found(team_id: str, title: str, community: str) -> None:
    """Found a bulletin published by the team (administrator)."""
    s = session()
    created("bulletin", service().found_bulletin(s.actor, team_id, title, community))


@newsletter.command("appoint-editor")
@click.argument("bulletin_id")
@click.argument("volunteer_id")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
def appoint_editor(bulletin_id: str, volunteer_id: str, roles: tuple[str, ...]) -> None:
    """Make a member of the team an editor, with their roles (leader or administrator)."""
    s = session()
    service().appoint_editor(s.actor, bulletin_id, volunteer_id, roles)
    click.echo(f"volunteer {volunteer_id} edits bulletin {bulletin_id}")


@newsletter.command("assign-roles")
@click.argument("bulletin_id")
@click.argument("volunteer_id")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
def assign_roles(bulletin_id: str, volunteer_id: str, roles: tuple[str, ...]) -> None:
    """Change an editor's roles (leader or administrator)."""
    s = session()
    service().assign_roles(s.actor, bulletin_id, volunteer_id, roles)
    click.echo(f"volunteer {volunteer_id}: {', '.join(roles)}")


@newsletter.command("stand-down")
@click.argument("bulletin_id")
@click.argument("volunteer_id")
@click.option("--reason", default="")
def stand_down(bulletin_id: str, volunteer_id: str, reason: str) -> None:
    """An editor stands down (leader or administrator)."""
    s = session()
    service().stand_down_editor(s.actor, bulletin_id, volunteer_id, reason)
    click.echo(f"volunteer {volunteer_id} no longer edits bulletin {bulletin_id}")


@newsletter.command("publish")
@click.argument("bulletin_id")
@click.option("--number", required=True, type=int)
@click.option("--title", required=True)
@click.option("--date", "published_on", required=True, metavar="YYYY-MM-DD")
@click.option("--editor", "editors", multiple=True, metavar="VOLUNTEER_ID",
              help="An editor of the issue (repeat; default: the publishing editor).")
def publish(bulletin_id: str, number: int, title: str, published_on: str,
            editors: tuple[str, ...]) -> None:
    """Publish the next issue (an editor, --as editor:<volunteer id>, or the leader)."""
    s = session()
    created(f"issue No. {number}", service().publish_issue(s.actor, bulletin_id, number, title,
                                                           published_on, editors))


@newsletter.command("show")
@click.argument("bulletin_id")
@json_option
def show(bulletin_id: str, as_json: bool) -> None:
    """Show a bulletin: its editors, roles and issue count."""
    data = bulletin_view(service().bulletin(bulletin_id))
    print_json(data) if as_json else print_record("bulletin", data)


@newsletter.command("figures")
@json_option
def figures(as_json: bool) -> None:
    """The bulletin's figures, computed from the events."""
    app = session().app
    fold = NewsletterFigures()
    fold_log(app.all_events(topics=fold.topics), app.mapper, [fold])
    data = fold.as_dict()
    print_json(data) if as_json else print_record("newsletter", data)
