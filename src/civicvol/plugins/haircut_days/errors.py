"""What can go wrong with the haircut team's sessions, each with what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import InvalidInput, NotFound, RuleViolation


class CalendarOutOfRange(InvalidInput):
    """A date the official working-day calendar does not cover, with no fallback chosen."""


class InvalidCalendarFallback(InvalidInput):
    pass


class InvalidSessionDate(InvalidInput):
    """A regular session that is not on the last working day of its month."""


class InvalidServedCount(InvalidInput):
    pass


class SessionNotFound(NotFound):
    pass


class SessionAlreadyScheduled(RuleViolation):
    pass


class SessionNotScheduled(RuleViolation):
    """The session is already held or cancelled, so it cannot be held or cancelled again."""


class SessionNotHeld(RuleViolation):
    pass


class NoBarbers(InvalidInput):
    pass
