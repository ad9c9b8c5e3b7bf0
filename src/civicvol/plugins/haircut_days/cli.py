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
from civicvol.display import status
from civicvol.domain import clock
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _
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
        raise InvalidInput(_("{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. "
                             "2023-09-28").format(what=what, text=text)) from None


def parse_month(text: str) -> tuple[int, int]:
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise InvalidInput(_("month {text!r} is not a month; write it as YYYY-MM, e.g. "
                             "2023-09").format(text=text)) from None
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
              help=_("First day to look from (default: today, Beijing time)."))
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 120))
@click.option("--ics", "ics_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help=_("Write the sessions to this iCalendar (.ics) file."))
@click.option("--fallback", default=None, type=click.Choice([f.value for f in CalendarFallback]),
              help=_("Override the calendar_fallback setting for years the official calendar "
                     "does not cover ('weekdays' is an approximation)."))
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
        click.echo(_("{count} sessions written to {ics_file}").format(
                     count=len(days), ics_file=ics_file), err=True)
    if as_json:
        print_json([d.isoformat() for d in days])
    else:
        for d in days:
            click.echo(_("{isoformat} {d:%A}").format(isoformat=d.isoformat(), d=d))


@writes
@haircut_days.command("schedule")
@click.argument("team_id")
@click.option("--month", default=None, metavar="YYYY-MM",
              help=_("The month whose last working day to schedule."))
@click.option("--date", "day", default=None, metavar="DATE",
              help=_("The session day (must be the month's last working day)."))
@click.option("--place", default="")
def schedule(team_id: str, month: str | None, day: str | None, place: str) -> None:
    """Schedule a month's regular session (leader or administrator)."""
    s, svc = session(), service()
    if (month is None) == (day is None):
        raise InvalidInput(_("give either --month YYYY-MM or --date YYYY-MM-DD"))
    when = parse_day(day) if day else svc.session_day(*parse_month(month or ""))
    created(_("haircut session on {when}").format(when=when), svc.schedule_session(s.actor,
    team_id, when, place))


@writes
@haircut_days.command("schedule-special")
@click.argument("team_id")
@click.option("--date", "day", required=True, metavar="DATE")
@click.option("--title", required=True, help=_("e.g. “3·5”学雷锋日志愿理发"))
@click.option("--partner", default="", help=_("A partner organisation serving jointly."))
@click.option("--place", default="")
def schedule_special(team_id: str, day: str, title: str, partner: str, place: str) -> None:
    """Schedule a one-off special session on any day (leader or administrator)."""
    s = session()
    ident = service().schedule_special_session(s.actor, team_id, parse_day(day), title,
                                               partner=partner, place=place)
    created(_("special haircut session on {day}").format(day=day), ident)


@writes
@haircut_days.command("hold")
@click.argument("session_id")
@click.option("--barber", "barbers", multiple=True, required=True, metavar="VOLUNTEER_ID",
              help=_("A barber who cut hair (repeat for each)."))
@click.option("--served", default=0, type=int, help=_("Residents served."))
def hold(session_id: str, barbers: tuple[str, ...], served: int) -> None:
    """Record that a session was held, by whom and for how many (leader or administrator);
    each barber earns the session's points."""
    s = session()
    credited = service().hold_session(s.actor, session_id, list(barbers), served)
    click.echo(_("session {session_id} held; {count} barbers credited {sum} points in all "
                 "(pending the points audit)").format(
                 session_id=session_id, count=len(credited), sum=sum(credited.values())))


@writes
@haircut_days.command("record-served")
@click.argument("session_id")
@click.argument("residents", type=int)
def record_served(session_id: str, residents: int) -> None:
    """Count more residents served at a held session (a barber of the team, or its leader)."""
    s = session()
    total = service().record_served(s.actor, session_id, residents)
    click.echo(_("session {session_id}: {total} residents served").format(
                 session_id=session_id, total=total))


@writes
@haircut_days.command("cancel")
@click.argument("session_id")
@click.option("--reason", required=True)
def cancel(session_id: str, reason: str) -> None:
    """Cancel a scheduled session (leader or administrator)."""
    s = session()
    service().cancel_session(s.actor, session_id, reason)
    click.echo(_("session {session_id} cancelled").format(session_id=session_id))


@writes
@haircut_days.command("home-visit")
@click.argument("team_id")
@click.option("--place", required=True, help=_("Where the resident lives."))
@click.option("--when", "wanted_time", default="", help=_("When it suits the resident."))
@click.option("--note", default="")
def home_visit(team_id: str, place: str, wanted_time: str, note: str) -> None:
    """A resident who cannot come asks for a barber at home: a service order dispatched to
    the haircut team (resident)."""
    s = session()
    created(_("home-visit order"), service().request_home_visit(s.actor, team_id, place,
                                                            wanted_time, note))


@haircut_days.command("show")
@click.argument("session_id")
@json_option
def show(session_id: str, as_json: bool) -> None:
    """Show a haircut session."""
    data = session_view(service().session(session_id))
    print_json(data) if as_json else print_record(_("haircut session"), data)


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
        click.echo(_("{id}  {day}  {kind:<8} {status:<9} served {served}").format(
                     id=s['id'], day=s['day'], kind=status(s['kind']),
                     status=status(s['status']),
                     served=s['served']))
