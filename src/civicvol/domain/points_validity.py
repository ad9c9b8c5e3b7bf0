"""积分有效期: how long approved points stay valid, a district setting kept as events.

黄石 lets points lapse after a year, 黄山 after three; some districts clear them at the end of
the year. The setting is an aggregate of its own (:class:`PointsValiditySetting`), so the
history says when it changed, and a lot of points is judged by the validity in force when it
was earned: changing the setting never shortens points already earned. With no setting,
points never expire and old histories read as before.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.dated import DatedEvent, event_time
from civicvol.domain.errors import InvalidInput
from civicvol.domain.values import Actor
from civicvol.i18n import _

MAX_VALIDITY_YEARS = 10
_YEARS = re.compile(r"^([1-9]\d?)y$")


@attrs.frozen
class PointsValidity:
    """``never``, ``Ny`` (valid for N years after the day earned) or ``year-end``."""

    text: str = "never"

    @classmethod
    def parse(cls, text: str) -> PointsValidity:
        value = str(text).strip().lower()
        match = _YEARS.match(value)
        if value in ("never", "year-end") or (match and int(match[1]) <= MAX_VALIDITY_YEARS):
            return cls(value)
        raise InvalidInput(
            _("points validity {text!r} is not one of 'never', 'year-end' or a number of years "
              "such as '1y' or '3y' (at most {most}y)").format(text=text,
                                                                most=MAX_VALIDITY_YEARS))

    def expires_on(self, earned: date) -> date | None:
        """The first day on which points earned on ``earned`` are no longer valid."""
        if self.text == "never":
            return None
        if self.text == "year-end":
            return date(earned.year + 1, 1, 1)
        years = int(self.text[:-1])
        try:
            return earned.replace(year=earned.year + years)
        except ValueError:  # earned on 29 February: valid through 28 February
            return date(earned.year + years, 3, 1)

    def __str__(self) -> str:
        return self.text


NEVER = PointsValidity()


class PointsValiditySetting(CivicAggregate):
    """The district's points validity over time (one per store)."""

    class Event(DatedEvent):
        pass

    @staticmethod
    def create_id() -> UUID:
        return POINTS_VALIDITY_ID

    @event("Opened")
    def __init__(self, by: Actor) -> None:
        self.changes: list[tuple[datetime, str]] = []

    def set(self, validity: PointsValidity, by: Actor) -> None:
        self._set(validity.text, by)

    @event("ValiditySet")
    def _set(self, validity: str, by: Actor) -> None:
        self.changes.append((event_time(self), validity))

    @property
    def current(self) -> PointsValidity:
        return PointsValidity(self.changes[-1][1]) if self.changes else NEVER

    def validity_at(self, moment: datetime) -> PointsValidity:
        """The validity in force at ``moment``: the last change made at or before it."""
        found = NEVER
        for when, text in self.changes:
            if when > moment:
                break
            found = PointsValidity(text)
        return found


POINTS_VALIDITY_ID = uuid5(NAMESPACE_URL, "civicvol:points-validity")


def validity_of(setting: PointsValiditySetting | None, moment: datetime) -> PointsValidity:
    return setting.validity_at(moment) if setting is not None else NEVER
