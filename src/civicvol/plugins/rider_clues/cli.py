"""civicvol rider-clues ...: the riders' snap reports from the command line."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from civicvol.app.report import fold_log
from civicvol.cli.context import (
    console,
    created,
    json_option,
    needs_no_store,
    print_json,
    print_record,
    session,
    writes,
)
from civicvol.display import moment, status
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.i18n import _
from civicvol.plugins.rider_clues.commands import RiderClues
from civicvol.plugins.rider_clues.errors import InvalidSeenTime
from civicvol.plugins.rider_clues.report import RiderCluesFigures
from civicvol.plugins.rider_clues.views import clue_view

# Riders write the time they saw something as local time; Kunming is on China Standard Time.


def service() -> RiderClues:
    return session().app.plugin("rider-clues", RiderClues)


def parse_seen_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidSeenTime(_("the time seen {text!r} is not a date and time; write it "
                                "like 2024-05-01T18:30 (China time) or "
                                "2024-05-01T10:30+00:00").format(text=text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=DISTRICT_TIME)


@click.group("rider-clues")
def rider_clues() -> None:
    """先锋骑手: riders' snap reports (随手拍), 发现→处置→反馈→激励."""


@writes
@rider_clues.command("report")
@click.option("--team", "team_id", required=True, help=_("The rider team's id."))
@click.option("--category", required=True, help=_("e.g. flying-wire-charging or 飞线充电."))
@click.option("--photo", required=True, help=_("Where the photo is, e.g. a chat message ref."))
@click.option("--place", required=True)
@click.option("--seen-at", default=None, help=_("When it was seen (default: now), China time."))
@click.option("--description", default="")
def report(team_id: str, category: str, photo: str, place: str, seen_at: str | None,
           description: str) -> None:
    """Report a clue (a rider: --as volunteer:<id>)."""
    s = session()
    clue = service().report_clue(s.actor, team_id, category, photo, place,
                                 parse_seen_at(seen_at), description)
    created(_("clue"), clue)


@writes
@rider_clues.command("triage")
@click.argument("clue_id")
@click.option("--verdict", required=True, type=click.Choice(["valid", "invalid", "duplicate"]))
@click.option("--duplicate-of", default=None, help=_("The original clue of a duplicate."))
@click.option("--note", default="")
def triage(clue_id: str, verdict: str, duplicate_of: str | None, note: str) -> None:
    """Judge a clue; a valid one credits the rider's points (clue handler)."""
    s = session()
    points = service().triage(s.actor, clue_id, verdict, duplicate_of, note)
    tail = f"; {points} points credited, pending the points audit" if points else ""
    click.echo(_("clue {clue_id} judged {verdict}{tail}").format(
                 clue_id=clue_id, verdict=verdict, tail=tail))


@writes
@rider_clues.command("handle")
@click.argument("clue_id")
@click.option("--by", "handled_by", required=True, help=_("Who handled it, e.g. 物业, 网格员."))
@click.option("--action", required=True, help=_("What was done."))
def handle(clue_id: str, handled_by: str, action: str) -> None:
    """Record how a valid clue was handled (clue handler)."""
    s = session()
    service().handle(s.actor, clue_id, handled_by, action)
    click.echo(_("clue {clue_id} handled by {handled_by}").format(
                 clue_id=clue_id, handled_by=handled_by))


@writes
@rider_clues.command("feedback")
@click.argument("clue_id")
@click.option("--message", required=True)
def feedback(clue_id: str, message: str) -> None:
    """Tell the rider what became of their clue (clue handler)."""
    s = session()
    service().give_feedback(s.actor, clue_id, message)
    click.echo(_("feedback on clue {clue_id} given").format(clue_id=clue_id))


@writes
@rider_clues.command("redeem")
@click.argument("rider_id")
@click.option("--points", "amount", required=True, type=int)
@click.option("--gift", required=True)
def redeem(rider_id: str, amount: int, gift: str) -> None:
    """Spend a rider's approved points at the riders' station (station keeper)."""
    s = session()
    clues = service()
    entry = clues.redeem(s.actor, rider_id, amount, gift)
    click.echo(_("{amount} points redeemed for {gift} at {station}").format(
                 amount=amount, gift=gift, station=clues.station), err=True)
    click.echo(entry)


@rider_clues.command("show")
@click.argument("clue_id")
@json_option
def show(clue_id: str, as_json: bool) -> None:
    """Show one clue."""
    clues = service()
    data = clue_view(clues.clue(clue_id), clues.categories)
    print_json(data) if as_json else print_record(_("clue {id}").format(id=data['id']), data)


@rider_clues.command("list")
@click.option("--verdict", default=None,
              type=click.Choice(["valid", "invalid", "duplicate", "untriaged"]))
@json_option
def list_clues(verdict: str | None, as_json: bool) -> None:
    """List the clues, oldest first, from the events."""
    app = session().app
    clues = service()
    figures = RiderCluesFigures(clues.categories, clues.station)
    fold_log(app.all_events(topics=figures.clue_topics), app.mapper, [figures])
    rows = [c for c in figures.clues.values()
            if verdict is None or c["verdict"] == (None if verdict == "untriaged" else verdict)]
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("{count} clues").format(count=len(rows)), title_justify="left")
    for column in ("id", "category", "place", "seen at", "verdict", "status"):
        table.add_column(_(column), no_wrap=column == "id")
    for c in rows:
        table.add_row(c["id"], figures.label(c["category"]), c["place"], moment(c["seen_at"]),
                      status(c["verdict"] or "-"), status(c["status"]))
    console().print(table)


@needs_no_store
@rider_clues.command("categories")
@json_option
def categories(as_json: bool) -> None:
    """The clue categories and the points a valid clue of each earns."""
    scheme = service().categories
    rows: list[dict[str, str | int]] = [
        {"category": slug, "name": label, "points": scheme.points_for(slug)}
        for slug, label in scheme.labels.items()]
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("clue categories"), title_justify="left")
    for column in ("category", "name", "points"):
        table.add_column(_(column))
    for r in rows:
        table.add_row(str(r["category"]), str(r["name"]), str(r["points"]))
    console().print(table)
