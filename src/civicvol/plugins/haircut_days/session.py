"""理发日: one free-haircut session of the Lei Feng haircut team.

    scheduled ──hold──▶ held ──record served──▶ held (more residents counted)
        └────cancel──▶ cancelled

A regular session falls on the last working day of its month; a special session (3·5 Lei Feng
Day, a joint event with a partner) on any day. The id is derived from the team, the day and
the kind, so the same session cannot be scheduled twice.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _
from civicvol.plugins.haircut_days.errors import (
    InvalidServedCount,
    NoBarbers,
    SessionNotHeld,
    SessionNotScheduled,
)

# One session is one morning in a courtyard: more residents than this is a typing mistake.
MAX_SERVED_PER_SESSION = 500
MAX_BARBERS_PER_SESSION = 50


class SessionKind(StrEnum):
    REGULAR = "regular"
    SPECIAL = "special"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class HaircutSession(CivicAggregate):
    @staticmethod
    def create_id(team_id: UUID, day: str, kind: str) -> UUID:
        return haircut_session_id(team_id, date.fromisoformat(day), SessionKind(kind))

    @event("Scheduled")
    def __init__(self, team_id: UUID, day: str, kind: str, title: str, place: str,
                 partner: str, by: Actor) -> None:
        self.team_id = team_id
        self.on = day  # ISO date, kept as text so the state stays plain JSON
        self.kind = SessionKind(kind)
        self.title = title
        self.place = place
        self.partner = partner
        self.status = SessionStatus.SCHEDULED
        self.barbers: tuple[UUID, ...] = ()
        self.served = 0

    @property
    def day(self) -> date:
        return date.fromisoformat(self.on)

    @classmethod
    def schedule(cls, team_id: UUID, day: date, kind: SessionKind, by: Actor, *,
                 title: str = "", place: str = "", partner: str = "") -> HaircutSession:
        default_title = "志愿理发" if kind is SessionKind.REGULAR else "学雷锋志愿理发"
        return cls(
            team_id=team_id,
            day=day.isoformat(),
            kind=kind.value,
            title=check_name(title or default_title, N_("session title")),
            place=check_text(place, "place"),
            partner=check_text(partner, "partner"),
            by=by,
        )

    # --- checks ------------------------------------------------------------------------------
    def check_is_scheduled(self, doing: str) -> None:
        if self.status is not SessionStatus.SCHEDULED:
            raise SessionNotScheduled(
                _("cannot {doing} the haircut session of {day}: it is already {value}; schedule a"
                  " new session instead").format(
                  doing=_(doing), day=self.day, value=_(self.status.value))
            )

    def check_is_held(self) -> None:
        if self.status is not SessionStatus.HELD:
            raise SessionNotHeld(
                _("the haircut session of {day} is {value}; record the residents served once the "
                  "session has been held").format(day=self.day, value=_(self.status.value))
            ).hinted(_("'civicvol haircut-days hold' records that it was held"))

    # --- commands ----------------------------------------------------------------------------
    def hold(self, barbers: tuple[UUID, ...], served: int, by: Actor) -> None:
        """The session took place with these barbers, who served ``served`` residents."""
        self.check_is_scheduled(N_("hold"))
        present = tuple(dict.fromkeys(barbers))
        if not present:
            raise NoBarbers(
                _("name the barbers who cut hair at the session of {day} (at least one)").format(
                  day=self.day)
            )
        if len(present) > MAX_BARBERS_PER_SESSION:
            raise NoBarbers(_("{n} barbers at one session is implausible; give at most "
                              "{max_barbers_per_session}").format(
                              n=len(present), max_barbers_per_session=MAX_BARBERS_PER_SESSION))
        self._hold(present, check_served_count(served, self.served), by)

    @event("Held")
    def _hold(self, barbers: tuple[UUID, ...], served: int, by: Actor) -> None:
        self.status = SessionStatus.HELD
        self.barbers = tuple(barbers)
        self.served = served

    def record_served(self, residents: int, by: Actor) -> None:
        """Count more residents served (a late tally, the afternoon's queue)."""
        self.check_is_held()
        if check_served_count(residents, self.served) == 0:
            raise InvalidServedCount(_("record at least 1 resident served, not 0"))
        self._record_served(residents, by)

    @event("ServedRecorded")
    def _record_served(self, residents: int, by: Actor) -> None:
        self.served += residents

    def cancel(self, reason: str, by: Actor) -> None:
        self.check_is_scheduled(N_("cancel"))
        self._cancel(check_text(reason, "reason for cancelling", required=True), by)

    @event("Cancelled")
    def _cancel(self, reason: str, by: Actor) -> None:
        self.status = SessionStatus.CANCELLED


def check_served_count(value: int, already: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidServedCount(
            _("residents served must be a whole number 0 or more, not {value!r}").format(
              value=value)
        )
    if already + value > MAX_SERVED_PER_SESSION:
        raise InvalidServedCount(
            _("{value} residents served at one session is implausible; at most "
              "{max_served_per_session} (check the tally)").format(
              value=already + value, max_served_per_session=MAX_SERVED_PER_SESSION)
        )
    return value


def haircut_session_id(team_id: UUID, day: date, kind: SessionKind) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:haircut-session:{team_id}:{day.isoformat()}:{kind}")
