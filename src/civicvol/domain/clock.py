"""The time stamped on new events.

Events are stamped with the current UTC time. Importing a district's past (the demo, a
migration) sets the clock to the time the thing really happened, so that "as of" queries and
reports by year see the history as it was lived.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from civicvol.i18n import _

# The district's own clock: days ("as of", years in reports, deadlines) end at its midnight.
DISTRICT_TIME = ZoneInfo("Asia/Shanghai")

_fixed: ContextVar[datetime | None] = ContextVar("civicvol_clock", default=None)


def now() -> datetime:
    """The time stamped on new events: UTC, or the moment set by :func:`frozen_at`."""
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


def is_frozen() -> bool:
    """Whether events are being stamped with a set moment (:func:`frozen_at`: imports, tests)."""
    return _fixed.get() is not None


def district_day(moment: datetime) -> date:
    """The district's calendar day of a (timezone-aware) moment."""
    return moment.astimezone(DISTRICT_TIME).date()


def district_today() -> date:
    """Today in the district (by :data:`DISTRICT_TIME`, and by :func:`frozen_at` in imports):
    the day to compare deadlines and session days with, never ``date.today()``."""
    return district_day(now())


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Stamp the events made inside the block with ``moment`` (timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError(_("the clock needs a timezone-aware datetime"))
    token = _fixed.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)
