"""civicvol haircut-days ..."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs
import click

from civicvol.app.report import event_topic
from civicvol.cli.context import (
    created,
    json_option,
    needs_no_store,
    print_json,
    print_record,
    session,
    writes,
)
from civicvol.domain import clock
from civicvol.domain.errors import InvalidInput
from civicvol.plugins.haircut_days.commands import HaircutDays
from civicvol.plugins.haircut_days.ics import BEIJING, CalendarEntry, sessions_ics
from civicvol.plugins.haircut_days.session import HaircutSession
from civicvol.plugins.haircut_days.settings import TEAM_NAME
from civicvol.plugins.haircut_days.working_days import CalendarFallback

NAME = "haircut-days"


def service() -> HaircutDays:
    return session().app.plugin(NAME, HaircutDays)


def parse_day(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. "
                           "2023-09-28") from None


def parse_month(text: str) -> tuple[int, int]:
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise InvalidInput(f"month {text!r} is not a month; write it as YYYY-MM, e.g. "
                           "2023-09") from None
    return moment.year, moment.month


def session_view(s: HaircutSession) -> dict[str, object]:
    return {"id": str(s.id), "day": s.on, "kind": s.kind.value, "status": s.status.value,
            "title": s.title, "partner": s.partner, "place": s.place,
            "team_id": str(s.team_id), "barbers": [str(b) for b in s.barbers],
            "served": s.served}


@click.group(NAME)
def haircut_days() -> None:
    """学雷锋志愿理发队: free haircuts on the last working day of every month."""


@needs_no_store
@haircut_days.command("calendar")
@click.option("--from", "start", default=None, metavar="DATE",
              help="First day to look from (default: today, Beijing time).")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 120))
@click.option("--ics", "ics_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the sessions to this iCalendar (.ics) file.")
@click.option("--fallback", default=None, type=click.Choice([f.value for f in CalendarFallback]),
              help="Override the calendar_fallback setting for years the official calendar "
                   "does not cover ('weekdays' is an approximation).")
@json_option
def calendar(start: str | None, months: int, ics_file: Path | None, fallback: str | None,
             as_json: bool) -> None:
    """The coming regular sessions: the last working day of each month, by China's official
    working-day calendar (调休 included)."""
    svc = service()
    settings = svc.settings
    if fallback is not None:
        settings = attrs.evolve(settings, calendar_fallback=CalendarFallback(fallback))
    first = parse_day(start, "--from") if start else clock.now().astimezone(BEIJING).date()
    days = HaircutDays(svc.app, settings).coming_sessions(first, months)
    if ics_file is not None:
        entries = [CalendarEntry(d, f"{TEAM_NAME} 免费理发", settings.place,
                                 "每月最后一个工作日为辖区老年人免费理发；行动不便可预约上门。",
                                 f"{d.isoformat()}-regular") for d in days]
        text = sessions_ics(entries, settings.session_start, settings.session_hours,
                            clock.now())
        ics_file.write_bytes(text.encode("utf-8"))
        click.echo(f"{len(days)} sessions written to {ics_file}", err=True)
    if as_json:
        print_json([d.isoformat() for d in days])
    else:
        for d in days:
            click.echo(f"{d.isoformat()} {d:%A}")


@writes
@haircut_days.command("schedule")
@click.argument("team_id")
@click.option("--month", default=None, metavar="YYYY-MM",
              help="The month whose last working day to schedule.")
@click.option("--date", "day", default=None, metavar="DATE",
              help="The session day (must be the month's last working day).")
@click.option("--place", default="")
def schedule(team_id: str, month: str | None, day: str | None, place: str) -> None:
    """Schedule a month's regular session (leader or administrator)."""
    s, svc = session(), service()
    if (month is None) == (day is None):
        raise InvalidInput("give either --month YYYY-MM or --date YYYY-MM-DD")
    when = parse_day(day) if day else svc.session_day(*parse_month(month or ""))
    created(f"haircut session on {when}", svc.schedule_session(s.actor, team_id, when, place))


@writes
@haircut_days.command("schedule-special")
@click.argument("team_id")
@click.option("--date", "day", required=True, metavar="DATE")
@click.option("--title", required=True, help="e.g. “3·5”学雷锋日志愿理发")
@click.option("--partner", default="", help="A partner organisation serving jointly.")
@click.option("--place", default="")
def schedule_special(team_id: str, day: str, title: str, partner: str, place: str) -> None:
    """Schedule a one-off special session on any day (leader or administrator)."""
    s = session()
    ident = service().schedule_special_session(s.actor, team_id, parse_day(day), title,
                                               partner=partner, place=place)
    created(f"special haircut session on {day}", ident)


@writes
@haircut_days.command("hold")
@click.argument("session_id")
@click.option("--barber", "barbers", multiple=True, required=True, metavar="VOLUNTEER_ID",
              help="A barber who cut hair (repeat for each).")
@click.option("--served", default=0, type=int, help="Residents served.")
def hold(session_id: str, barbers: tuple[str, ...], served: int) -> None:
    """Record that a session was held, by whom and for how many (leader or administrator);
    each barber earns the session's points."""
    s = session()
    credited = service().hold_session(s.actor, session_id, list(barbers), served)
    click.echo(f"session {session_id} held; {len(credited)} barbers credited "
               f"{sum(credited.values())} points in all (pending the points audit)")


@writes
@haircut_days.command("record-served")
@click.argument("session_id")
@click.argument("residents", type=int)
def record_served(session_id: str, residents: int) -> None:
    """Count more residents served at a held session (a barber of the team, or its leader)."""
    s = session()
    total = service().record_served(s.actor, session_id, residents)
    click.echo(f"session {session_id}: {total} residents served")


@writes
@haircut_days.command("cancel")
@click.argument("session_id")
@click.option("--reason", required=True)
def cancel(session_id: str, reason: str) -> None:
    """Cancel a scheduled session (leader or administrator)."""
    s = session()
    service().cancel_session(s.actor, session_id, reason)
    click.echo(f"session {session_id} cancelled")


@writes
@haircut_days.command("home-visit")
@click.argument("team_id")
@click.option("--place", required=True, help="Where the resident lives.")
@click.option("--when", "wanted_time", default="", help="When it suits the resident.")
@click.option("--note", default="")
def home_visit(team_id: str, place: str, wanted_time: str, note: str) -> None:
    """A resident who cannot come asks for a barber at home: a service order dispatched to
    the haircut team (resident)."""
    s = session()
    created("home-visit order", service().request_home_visit(s.actor, team_id, place,
                                                            wanted_time, note))


@haircut_days.command("show")
@click.argument("session_id")
@json_option
def show(session_id: str, as_json: bool) -> None:
    """Show a haircut session."""
    data = session_view(service().session(session_id))
    print_json(data) if as_json else print_record("haircut session", data)


@haircut_days.command("sessions")
@json_option
def sessions(as_json: bool) -> None:
    """Every haircut session with its id, by day."""
    svc = service()
    scheduled = event_topic(HaircutSession, "Scheduled")
    found = sorted((session_view(svc.session(n.originator_id))
                    for n in svc.app.all_events(topics=[scheduled])),
                   key=lambda s: str(s["day"]))
    if as_json:
        print_json(found)
        return
    for s in found:
        click.echo(f"{s['id']}  {s['day']}  {s['kind']:<8} {s['status']:<9} "
                   f"served {s['served']}")
