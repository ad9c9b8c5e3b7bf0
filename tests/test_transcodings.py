"""The plain values a plug-in's events obviously hold are stored and read back as they were:
dates and times of day (with UUID, Decimal and datetime, which eventsourcing brings)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import uuid4

from civicvol import CivicVol
from civicvol.domain import clock


class TestPlainValuesInEvents:
    def test_dates_times_decimals_and_moments_round_trip(self, memory_app: CivicVol) -> None:
        transcoder = memory_app.mapper.transcoder
        state = {"day": date(2024, 6, 26), "starts": time(9, 0),
                 "at": time(9, 30, tzinfo=clock.DISTRICT_TIME), "hours": Decimal("2.5"),
                 "when": datetime(2024, 6, 26, 1, 0, tzinfo=UTC), "id": uuid4()}
        assert transcoder.decode(transcoder.encode(state)) == state


class TestTheDistrictsDay:
    def test_today_is_the_districts_calendar_day_not_utcs(self) -> None:
        # 23:30 UTC on 25 June is already 26 June in Kunming (UTC+8).
        with clock.frozen_at(datetime(2024, 6, 25, 23, 30, tzinfo=UTC)):
            assert clock.district_today() == date(2024, 6, 26)
        assert clock.district_day(datetime(2024, 6, 25, 15, 59, tzinfo=UTC)) == date(2024, 6, 25)
