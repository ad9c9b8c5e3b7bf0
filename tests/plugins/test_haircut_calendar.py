"""The haircut team's calendar: the last working day of each month, by the official calendar."""

from __future__ import annotations

from datetime import date

import pytest

from civicvol.plugins.haircut_days.errors import CalendarOutOfRange, InvalidCalendarFallback
from civicvol.plugins.haircut_days.working_days import (
    CalendarFallback,
    last_working_day,
    session_days,
    supported_years,
)

WEEKDAYS = CalendarFallback.WEEKDAYS


class TestLastWorkingDay:
    def test_september_2023_ends_on_the_28th_before_the_national_day_holiday(self) -> None:
        # 29 and 30 September 2023 were the Mid-Autumn / National Day holiday.
        assert last_working_day(2023, 9) == date(2023, 9, 28)

    def test_an_ordinary_month_ends_on_its_last_weekday(self) -> None:
        assert last_working_day(2023, 11) == date(2023, 11, 30)
        assert last_working_day(2023, 12) == date(2023, 12, 29)  # the 30th is a Saturday

    def test_an_adjusted_saturday_can_be_the_last_working_day(self) -> None:
        # 28 February 2026 is a Saturday made a working day for the Spring Festival (调休).
        day = last_working_day(2026, 2)
        assert day == date(2026, 2, 28)
        assert day.strftime("%A") == "Saturday"

    def test_the_3_5_lei_feng_day_month_of_2023(self) -> None:
        assert last_working_day(2023, 3) == date(2023, 3, 31)


class TestOutsideTheOfficialCalendar:
    def test_a_year_the_calendar_does_not_cover_is_a_clear_error(self) -> None:
        first, last = supported_years()
        with pytest.raises(CalendarOutOfRange) as raised:
            last_working_day(last + 1, 1)
        message = str(raised.value)
        assert f"{first} to {last}" in message
        assert 'calendar_fallback = "weekdays"' in message

    def test_the_weekdays_fallback_takes_monday_to_friday(self) -> None:
        _, last = supported_years()
        year = last + 1
        day = last_working_day(year, 1, WEEKDAYS)
        assert day.weekday() < 5
        assert day.month == 1 and day.year == year
        assert all(date(year, 1, d).weekday() >= 5 for d in range(day.day + 1, 32))

    def test_the_fallback_is_not_used_inside_the_covered_years(self) -> None:
        assert last_working_day(2023, 9, WEEKDAYS) == date(2023, 9, 28)

    def test_an_unknown_fallback_name_is_refused_with_the_choices(self) -> None:
        with pytest.raises(InvalidCalendarFallback, match=r"'error'.*'weekdays'"):
            CalendarFallback.parse("guess")
        assert CalendarFallback.parse(" Weekdays ") is WEEKDAYS


class TestComingSessions:
    def test_coming_sessions_start_after_this_months_day_has_passed(self) -> None:
        assert session_days(date(2023, 9, 29), 3) == [
            date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 29)]

    def test_the_day_itself_counts_as_coming(self) -> None:
        assert session_days(date(2023, 9, 28), 1) == [date(2023, 9, 28)]

    def test_a_run_into_an_uncovered_year_needs_the_fallback(self) -> None:
        _, last = supported_years()
        start = date(last, 11, 1)
        with pytest.raises(CalendarOutOfRange):
            session_days(start, 4)
        days = session_days(start, 4, WEEKDAYS)
        assert [d.month for d in days] == [11, 12, 1, 2]
