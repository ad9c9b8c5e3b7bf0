"""安全隐患: one hazard found at an inspection, fixed on the spot or given a deadline.

    found ──fixed on the spot──▶ closed
    found with a deadline ──re-inspect: fixed──▶ closed
          └──re-inspect: still open──▶ open (re-inspected again later)

A deadline hazard is overdue on any day after its deadline until a re-inspection closes it.
The id is derived from the inspection and the hazard's number on it (1, 2, ...).
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain import clock
from civicvol.domain.base import CivicAggregate
from civicvol.domain.clock import district_day as district_day  # named here too
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _
from civicvol.plugins.safety_patrol.errors import (
    HazardAlreadyClosed,
    InvalidDeadline,
    InvalidReinspectionDay,
)
from civicvol.plugins.safety_patrol.permissions import MAX_DEADLINE_DAYS

# A rectification is ordered for weeks, not years: a longer deadline is a typing mistake.
# Deadlines are the district's calendar days: Kunming keeps China Standard Time.


def today() -> date:
    return clock.district_today()


class Hazard(CivicAggregate):
    @staticmethod
    def create_id(inspection_id: UUID, number: int) -> UUID:
        return hazard_id(inspection_id, number)

    @event("Found")
    def __init__(self, inspection_id: UUID, number: int, team_id: UUID, place: str,
                 description: str, fixed_on_spot: bool, deadline: str | None,
                 by: Actor) -> None:
        self.inspection_id = inspection_id
        self.number = number
        self.team_id = team_id
        self.place = place
        self.description = description
        self.fixed_on_spot = fixed_on_spot
        self.deadline = date.fromisoformat(deadline) if deadline else None
        self.closed = fixed_on_spot
        self.closed_on: date | None = self.found_on if fixed_on_spot else None
        self.reinspections = 0

    @classmethod
    def find(cls, inspection_id: UUID, number: int, team_id: UUID, place: str,
             description: str, found_on: date, deadline: date | None, by: Actor) -> Hazard:
        """A hazard found on ``found_on``: with no deadline it was fixed on the spot."""
        if deadline is not None:
            check_deadline(deadline, found_on)
        return cls(inspection_id=inspection_id, number=number, team_id=team_id, place=place,
                   description=check_name(description, N_("hazard description")),
                   fixed_on_spot=deadline is None,
                   deadline=deadline.isoformat() if deadline else None, by=by)

    @property
    def found_on(self) -> date:
        return district_day(self.created_on)

    # --- re-inspection -----------------------------------------------------------------------
    def reinspect(self, inspector_id: UUID, fixed: bool, note: str, by: Actor) -> None:
        """``inspector_id`` looked at the hazard again today (the clock's day)."""
        if self.closed:
            how = (_("fixed on the spot") if self.fixed_on_spot
                   else _("closed on {day}").format(day=self.closed_on))
            raise HazardAlreadyClosed(
                _("hazard {id} was {how}; only an open hazard with a deadline is "
                  "re-inspected").format(id=self.id, how=how)
            )
        day = today()
        if day < self.found_on:
            raise InvalidReinspectionDay(
                _("a re-inspection on {day} comes before hazard {id} was found on {found_on}; "
                  "check the date").format(day=day, id=self.id, found_on=self.found_on)
            )
        note = check_text(note, "re-inspection note")
        if fixed:
            self._close(inspector_id, day.isoformat(), note, by)
        else:
            self._find_still_open(inspector_id, note, by)

    @event("Closed")
    def _close(self, inspector_id: UUID, closed_on: str, note: str, by: Actor) -> None:
        self.closed = True
        self.closed_on = date.fromisoformat(closed_on)
        self.reinspections += 1

    @event("StillOpen")
    def _find_still_open(self, inspector_id: UUID, note: str, by: Actor) -> None:
        self.reinspections += 1

    # --- the rectification deadline -----------------------------------------------------------
    @property
    def marked_overdue(self) -> bool:
        return bool(self.__dict__.get("_marked_overdue", False))

    def mark_overdue(self, day: date, by: Actor) -> bool:
        """Past its deadline on ``day`` and not closed: marked overdue, once (False if it is
        not overdue, or marked already)."""
        if self.closed or self.deadline is None or day <= self.deadline or self.marked_overdue:
            return False
        self._mark_overdue(day.isoformat(), by)
        return True

    @event("MarkedOverdue")
    def _mark_overdue(self, on: str, by: Actor) -> None:
        self.__dict__["_marked_overdue"] = True


def check_deadline(deadline: date, found_on: date) -> date:
    if deadline <= found_on:
        raise InvalidDeadline(
            _("the rectification deadline {deadline} is not after the inspection day {found_on}; "
              "give a later date, or record the hazard as fixed on the spot").format(
              deadline=deadline, found_on=found_on)
        )
    if (deadline - found_on).days > MAX_DEADLINE_DAYS:
        raise InvalidDeadline(
            _("the rectification deadline {deadline} is more than {max_deadline_days} days after "
              "{found_on}; give a nearer date").format(
              deadline=deadline, max_deadline_days=MAX_DEADLINE_DAYS, found_on=found_on)
        )
    return deadline


def hazard_id(inspection_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:safety-patrol:hazard:{inspection_id}:{number}")
