"""civicvol safety-patrol ...: the patrol's inspections, hazards, lectures and drills."""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from rich.table import Table

from civicvol.app.report import fold_log
from civicvol.cli.context import (
    cell,
    console,
    created,
    json_option,
    print_json,
    print_record,
    session,
    writes,
)
from civicvol.display import label
from civicvol.i18n import _, ngettext
from civicvol.plugins.safety_patrol.commands import SafetyPatrol
from civicvol.plugins.safety_patrol.drill import DRILL_LABELS
from civicvol.plugins.safety_patrol.errors import HazardNotFound, InvalidAsOf, InvalidDeadline
from civicvol.plugins.safety_patrol.inspection import Finding
from civicvol.plugins.safety_patrol.report import SafetyPatrolFigures


def service() -> SafetyPatrol:
    return session().app.plugin("safety-patrol", SafetyPatrol)


def parse_day(text: str, error: type[InvalidDeadline] | type[InvalidAsOf], what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise error(f"the {what} {text!r} is not a date; write it like 2024-05-20") from None


@click.group("safety-patrol")
def safety_patrol() -> None:
    """安全小红帽: courtyard inspections, hazards, lectures and drills."""


@writes
@safety_patrol.command("inspect")
@click.option("--team", "team_id", required=True, help=_("The patrol team's id."))
@click.option("--place", required=True, help=_("The courtyard inspected."))
@click.option("--fixed", multiple=True, help=_("A hazard fixed on the spot (repeatable)."))
@click.option("--rectify", multiple=True,
              help=_("A hazard given a rectification deadline (repeatable)."))
@click.option("--deadline", default=None,
              help=_("Deadline of the --rectify hazards (default: the settings' days from now)."))
@click.option("--note", default="")
def inspect(team_id: str, place: str, fixed: tuple[str, ...], rectify: tuple[str, ...],
            deadline: str | None, note: str) -> None:
    """Record an inspection and the hazards found (an inspector: --as inspector:<id>)."""
    patrol = service()
    if deadline is not None and not rectify:
        raise InvalidDeadline(_("--deadline is for hazards given a deadline; name them with "
                                "--rectify TEXT (or leave --deadline out)"))
    due = (parse_day(deadline, InvalidDeadline, "deadline") if deadline
           else patrol.default_deadline())
    findings = [Finding(text) for text in fixed] + [Finding(text, due) for text in rectify]
    inspection = patrol.inspect(session().actor, team_id, place, findings, note)
    if findings:
        click.echo(_("{count} hazards fixed on the spot, {count2} to rectify by {due}").format(
                     count=len(fixed), count2=len(rectify), due=due), err=True)
    created(_("inspection"), inspection)


@writes
@safety_patrol.command("reinspect")
@click.argument("hazard_id")
@click.option("--fixed/--still-open", required=True,
              help=_("Whether the hazard is now rectified."))
@click.option("--note", default="")
def reinspect(hazard_id: str, fixed: bool, note: str) -> None:
    """Re-inspect a hazard with a deadline: close it, or record it still open (inspector)."""
    service().reinspect(session().actor, hazard_id, fixed, note)
    click.echo(_("hazard {hazard_id} {value}").format(
                 hazard_id=hazard_id, value='closed' if fixed else 'still open'))


@writes
@safety_patrol.command("lecture")
@click.option("--team", "team_id", required=True)
@click.option("--topic", required=True, help=_("e.g. 消防安全, 防灾减灾, 居民医疗急救知识."))
@click.option("--place", required=True)
@click.option("--audience", default=0, type=int, help=_("Residents who came."))
def lecture(team_id: str, topic: str, place: str, audience: int) -> None:
    """Log a safety lecture (inspector)."""
    created(_("lecture"), service().hold_lecture(session().actor, team_id, topic, place,
                                              audience))


@writes
@safety_patrol.command("drill")
@click.option("--team", "team_id", required=True)
@click.option("--kind", required=True,
              help="; ".join(f"{k.value} ({label})" for k, label in DRILL_LABELS.items()))
@click.option("--place", required=True)
@click.option("--partner", default="", help=_("The public unit it was held with."))
@click.option("--participants", default=0, type=int)
def drill(team_id: str, kind: str, place: str, partner: str, participants: int) -> None:
    """Log a drill or a disaster-medicine training (inspector)."""
    created(_("drill"), service().hold_drill(session().actor, team_id, kind, place, partner,
                                          participants))


@safety_patrol.command("overdue")
@click.option("--as-of", "as_of", default=None, help=_("The day to judge by (default: today)."))
@json_option
def overdue(as_of: str | None, as_json: bool) -> None:
    """Hazards past their deadline and not closed by a re-inspection."""
    day = parse_day(as_of, InvalidAsOf, "--as-of day") if as_of else None
    rows = service().overdue(day)
    if as_json:
        print_json(rows)
        return
    _hazard_table(ngettext("{n} overdue hazard", "{n} overdue hazards", len(rows)).format(
        n=len(rows)), rows, extra=("days_overdue",))


@safety_patrol.command("hazards")
@click.option("--open", "only_open", is_flag=True, help=_("Only hazards not yet closed."))
@json_option
def hazards(only_open: bool, as_json: bool) -> None:
    """List the hazards found, oldest first."""
    app = session().app
    figures = SafetyPatrolFigures()
    fold_log(app.all_events(topics=figures.hazard_topics), app.mapper, [figures])
    rows = [{**h, "found_on": str(h["found_on"]),
             "deadline": str(h["deadline"]) if h["deadline"] else None,
             "closed_on": str(h["closed_on"]) if h["closed_on"] else None}
            for h in figures.hazards.values() if not (only_open and h["closed_on"])]
    if as_json:
        print_json(rows)
        return
    _hazard_table(ngettext("{n} hazard", "{n} hazards", len(rows)).format(n=len(rows)), rows,
                  extra=("closed_on",))


@safety_patrol.command("show")
@click.argument("record_id")
@json_option
def show(record_id: str, as_json: bool) -> None:
    """Show an inspection (with its hazards) or one hazard."""
    patrol = service()
    data: dict[str, Any]
    try:
        hazard = patrol.hazard(record_id)
        data = {"id": str(hazard.id), "inspection": str(hazard.inspection_id),
                "place": hazard.place, "description": hazard.description,
                "found_on": str(hazard.found_on), "fixed_on_spot": hazard.fixed_on_spot,
                "deadline": str(hazard.deadline) if hazard.deadline else None,
                "closed": hazard.closed,
                "closed_on": str(hazard.closed_on) if hazard.closed_on else None,
                "reinspections": hazard.reinspections}
    except HazardNotFound:
        inspection = patrol.inspection(record_id)
        data = {"id": str(inspection.id), "team": str(inspection.team_id),
                "place": inspection.place, "inspector": str(inspection.inspector_id),
                "inspected_on": str(inspection.inspected_on), "note": inspection.note,
                "hazards": [str(h) for h in inspection.hazard_ids]}
    print_json(data) if as_json else print_record(_("record {id}").format(id=data['id']), data)


def _hazard_table(title: str, rows: list[dict[str, Any]], extra: tuple[str, ...]) -> None:
    table = Table(title=title, title_justify="left")
    columns = ("id", "place", "description", "found_on", "deadline", *extra)
    for column in columns:
        table.add_column(label(column), no_wrap=column == "id")
    for row in rows:
        table.add_row(*(cell(row.get(c), c) for c in columns))
    console().print(table)
