"""A small plug-in (a community breakfast table's cooking shifts) written correctly, and its
variants, each with one mistake planted, for the test kit's checks to catch.

``Shifts`` logs a cook's shift and credits its points in one transaction, its events name who
made them, and its report section counts the shifts it is fed. Each subclass breaks one rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic
from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, Source
from civicvol.plugins.markers import hookimpl

LOG = "breakfast.log_shift"
ADMIN = Actor("administrator", "a-1")


class Shift(CivicAggregate):
    @event("Logged")
    def __init__(self, cook_id: UUID, by: Actor) -> None:
        self.cook_id = cook_id


class UnsignedShift(CivicAggregate):
    """Its event forgets ``by``: the audit trail cannot say who made it."""

    @event("Logged")
    def __init__(self, cook_id: UUID) -> None:
        self.cook_id = cook_id


class ShiftCount:
    name = "breakfast"

    def __init__(self, app: CivicVol | None = None) -> None:
        self.app = app
        self.shifts = 0

    def fold(self, notification: Any, decode: Callable[[], Any]) -> None:
        if notification.topic == event_topic(Shift, "Logged"):
            self.shifts += 1

    def as_dict(self) -> dict[str, Any]:
        return {"shifts": self.shifts}


class LiveShiftCount(ShiftCount):
    """Counts the shifts in the store when asked, whatever it was fed."""

    def as_dict(self) -> dict[str, Any]:
        assert self.app is not None
        return {"shifts": sum(1 for _ in self.app.all_events(
            topics=[event_topic(Shift, "Logged")]))}


class Shifts:
    """The plug-in, done right."""

    @hookimpl
    def register_permissions(self, grant: Callable[..., None]) -> None:
        grant(LOG, "administrator", credits=["breakfast-shift"])

    @hookimpl
    def register_service(self, app: CivicVol) -> Shifts:
        self.app = app
        return self

    @hookimpl
    def report_sections(self, app: CivicVol) -> ShiftCount:
        return ShiftCount(app)

    def log_shift(self, actor: Actor, cook_id: UUID) -> UUID:
        shift = Shift(cook_id, by=actor)
        self.app.credit_points(actor, cook_id, 3, Source("breakfast-shift", str(shift.id)),
                               with_aggregates=[shift])
        return shift.id


class LiveReportShifts(Shifts):
    @hookimpl
    def report_sections(self, app: CivicVol) -> ShiftCount:
        return LiveShiftCount(app)


class UnsignedShifts(Shifts):
    def log_shift(self, actor: Actor, cook_id: UUID) -> UUID:
        shift = UnsignedShift(cook_id)
        self.app.credit_points(actor, cook_id, 3, Source("breakfast-shift", str(shift.id)),
                               with_aggregates=[shift])
        return shift.id


class TwoTransactionShifts(Shifts):
    """Stores the credit first, then the shift: a veto of the shift leaves the credit."""

    def log_shift(self, actor: Actor, cook_id: UUID) -> UUID:
        shift = Shift(cook_id, by=actor)
        self.app.credit_points(actor, cook_id, 3, Source("breakfast-shift", str(shift.id)))
        self.app.commit(LOG, actor, shift)
        return shift.id


class UntraceableShifts(Shifts):
    """Names its credits by a number of its own, not by the shift's id."""

    def log_shift(self, actor: Actor, cook_id: UUID) -> UUID:
        shift = Shift(cook_id, by=actor)
        self.app.credit_points(actor, cook_id, 3, Source("breakfast-shift", uuid4().hex[:6]),
                               with_aggregates=[shift])
        return shift.id
