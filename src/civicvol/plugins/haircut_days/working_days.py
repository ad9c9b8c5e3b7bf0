"""China's official working-day calendar: when "the last working day of the month" falls.

The State Council moves working days around public holidays every year (调休): some Saturdays
and Sundays become working days and some weekdays become holidays. ``chinesecalendar`` carries
the published calendar, for a limited range of years only. Outside that range we never guess
silently: the answer is :class:`CalendarOutOfRange`, unless the caller chose the ``"weekdays"``
fallback, an explicit approximation that takes Monday to Friday as working days and knows no
holidays or adjusted days.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from enum import StrEnum

from civicvol.i18n import _
from civicvol.plugins.haircut_days.errors import CalendarOutOfRange, InvalidCalendarFallback


class CalendarFallback(StrEnum):
    """What to do for a date outside the official calendar's years."""

    ERROR = "error"
    WEEKDAYS = "weekdays"

    @classmethod
    def parse(cls, value: str) -> CalendarFallback:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(repr(c.value) for c in cls)
            raise InvalidCalendarFallback(
                _("calendar_fallback {value!r} is not one of {choices}; use 'error' "
                  "(refuse dates outside the official calendar) or 'weekdays' (Monday to "
                  "Friday, an approximation that ignores holidays)").format(
                  value=value, choices=choices)
            ) from None


def supported_years() -> tuple[int, int]:
    """The first and last year the installed official calendar covers."""
    import chinese_calendar  # here, not at the top: the settings check needs none of it

    years = [d.year for d in chinese_calendar.constants.holidays]
    return min(years), max(years)


def is_working_day(day: date, fallback: CalendarFallback = CalendarFallback.ERROR) -> bool:
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # chinesecalendar's way of saying "no data for that year".
        if fallback is CalendarFallback.WEEKDAYS:
            return day.weekday() < 5
        first, last = supported_years()
        raise CalendarOutOfRange(
            _("{isoformat} is outside the official working-day calendar, which covers "
              "{first} to {last} (chinesecalendar {version}); upgrade chinesecalendar once "
              '{year}\'s calendar is published, or set calendar_fallback = "weekdays" to '
              "take Monday to Friday as working days (an approximation without holidays or "
              "adjusted days)").format(
              isoformat=day.isoformat(), first=first, last=last, version=_version(), year=day.year)
        ) from None


def last_working_day(year: int, month: int,
                     fallback: CalendarFallback = CalendarFallback.ERROR) -> date:
    """The last working day of ``month``: the team's regular haircut day."""
    days_in_month = calendar.monthrange(year, month)[1]
    for day in range(days_in_month, 0, -1):
        candidate = date(year, month, day)
        if is_working_day(candidate, fallback):
            return candidate
    raise CalendarOutOfRange(_("{year}-{month:02d} has no working day in the calendar").format(
                               year=year, month=month))


def months_from(start: date, count: int) -> Iterator[tuple[int, int]]:
    """``count`` (year, month) pairs, beginning with the month of ``start``."""
    year, month = start.year, start.month
    for _month in range(count):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def session_days(start: date, months: int,
                 fallback: CalendarFallback = CalendarFallback.ERROR) -> list[date]:
    """The regular session days on or after ``start``, over ``months`` months.

    A month whose last working day is already before ``start`` is skipped, so the list
    always holds the *coming* sessions.
    """
    found: list[date] = []
    for year, month in months_from(start, months + 1):
        if len(found) == months:
            break
        day = last_working_day(year, month, fallback)
        if day >= start:
            found.append(day)
    return found


def _version() -> str:
    import chinese_calendar

    return str(getattr(chinese_calendar, "__version__", "installed"))
