"""The haircut team's settings, with the defaults the 东庄社区 team works to."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

import attrs

from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _
from civicvol.plugins.haircut_days.working_days import CalendarFallback

HOME_VISIT_SERVICE = "上门理发"
TEAM_NAME = "学雷锋志愿理发队"


@attrs.frozen
class HaircutSettings:
    """``points_per_session``: points each barber earns for a session held (pending the
    points audit); ``calendar_fallback``: "error" refuses dates outside the official
    working-day calendar, "weekdays" takes Monday to Friday there (an approximation without
    holidays or adjusted days); ``session_start`` / ``session_hours``: the time of a session
    (Beijing time), for the iCalendar file; ``place``: where sessions are held."""

    points_per_session: int = 10
    calendar_fallback: CalendarFallback = CalendarFallback.ERROR
    session_start: time = time(9, 0)
    session_hours: int = 3
    place: str = "东庄社区新时代文明实践站"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> HaircutSettings:
        defaults = cls()
        start = values.get("session_start", defaults.session_start)
        return cls(
            points_per_session=int(values.get("points_per_session",
                                              defaults.points_per_session)),
            calendar_fallback=CalendarFallback.parse(
                str(values.get("calendar_fallback", defaults.calendar_fallback))),
            session_start=start if isinstance(start, time) else parse_clock(str(start)),
            session_hours=int(values.get("session_hours", defaults.session_hours)),
            place=str(values.get("place", defaults.place)),
        )


def parse_clock(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(_("session_start {text!r} is not a time of day; write it like "
                             "'09:00'").format(text=text)) from None


def check_points_per_session(value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
        raise ValueError("give a whole number of points from 0 to 1000")


def check_session_hours(value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        raise ValueError("give a whole number of hours from 1 to 12")


def check_fallback(value: Any) -> None:
    if str(value) not in {f.value for f in CalendarFallback}:
        raise ValueError("choose 'error' or 'weekdays'")


def check_clock(value: Any) -> None:
    try:
        time.fromisoformat(str(value))
    except ValueError:
        raise ValueError("write a time of day like '09:00'") from None
