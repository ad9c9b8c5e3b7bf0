"""Deadlines as events, fired by a process that follows the log.

The process reads the log from where it stopped and remembers what may expire: an order
dispatched (or claimed from a pool, or left without volunteers by a withdrawal) waiting for
a volunteer, and an order completed waiting for its rating. On each round it fires what the
district's settings make due by the domain clock (:func:`civicvol.domain.clock.now`, frozen
in tests), each firing being the aggregate's own decision on its current state: an order
that moved on meanwhile is left alone. So a round fired twice, or a process restarted from
the start of the log, stores each deadline once. Plug-ins fire their own deadlines (the
safety patrol's overdue hazards) through the ``fire_deadlines`` hook.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.utils import get_topic

from civicvol.domain import clock
from civicvol.domain.errors import ConcurrentChange
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.values import SYSTEM

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol

# The order events that start, restart or end a wait.
_WAITING = ("Dispatched", "Claimed", "Withdrawn")
_ENDS_WAIT = ("Accepted", "Declined", "DispatchExpired", "Cancelled", "Completed", "Closed")
_RATING = ("Completed", "Closed")
_ENDS_RATING = ("Rated", "ClosedUnrated")
TOPICS = tuple(get_topic(getattr(ServiceOrder, name)) for name in dict.fromkeys(
    (*_WAITING, *_ENDS_WAIT, *_RATING, *_ENDS_RATING)))


@attrs.frozen
class Fired:
    """One deadline fired: what happened to which record."""

    kind: str  # "returned-to-queue", "closed-unrated", or a plug-in's
    record: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "record": self.record}


class DeadlineProcess:
    """Follows one application's log and fires its due deadlines."""

    def __init__(self, app: CivicVol) -> None:
        self.app = app
        self.position = 0
        self.waiting: dict[UUID, tuple[datetime, int]] = {}  # since when, which dispatch
        self.dispatches: dict[UUID, int] = {}
        self.rating: dict[UUID, datetime] = {}  # completed at

    def follow(self, page: int = 1000) -> int:
        """Read the log's new order events; returns how many were read."""
        read = 0
        while True:
            notifications = self.app.recorder.select_notifications(
                self.position + 1, page, topics=TOPICS)
            if not notifications:
                return read
            for notification in notifications:
                self._note(self.app.mapper.to_domain_event(notification))
                self.position = notification.id
            read += len(notifications)

    def _note(self, event: Any) -> None:
        kind, order = type(event).__name__, event.originator_id
        if kind in ("Dispatched", "Claimed"):
            self.dispatches[order] = self.dispatches.get(order, 0) + 1
        if kind in _WAITING:
            self.waiting[order] = (event.timestamp, self.dispatches.get(order, 0))
        elif kind in _ENDS_WAIT:
            self.waiting.pop(order, None)
        if kind in _RATING:
            self.rating[order] = event.timestamp
        elif kind in _ENDS_RATING or kind == "Cancelled":
            self.rating.pop(order, None)

    def fire(self) -> list[Fired]:
        """Follow the log to its head, then fire every deadline due now."""
        self.follow()
        now = clock.now()
        settings = self.app.district_settings()
        fired: list[Fired] = []
        accept_hours = int(settings["accept_within_hours"])
        if accept_hours:
            limit = timedelta(hours=accept_hours)
            for order_id, (since, dispatch) in sorted(self.waiting.items(),
                                                      key=lambda item: item[1][0]):
                if since + limit > now:
                    continue
                if self._decide(order_id, "deadline.return_unaccepted",
                                partial(_return_unaccepted, dispatch=dispatch)):
                    fired.append(Fired("returned-to-queue", str(order_id)))
                self.waiting.pop(order_id, None)
        rate_days = int(settings["rate_within_days"])
        if rate_days:
            limit = timedelta(days=rate_days)
            for order_id, since in sorted(self.rating.items(), key=lambda item: item[1]):
                if since + limit > now:
                    continue
                if self._decide(order_id, "deadline.close_unrated",
                                _close_unrated):
                    fired.append(Fired("closed-unrated", str(order_id)))
                self.rating.pop(order_id, None)
        fired += [Fired(kind, record) for kind, record in self.app.extensions.fire_deadlines(
            self.app, now)]
        self.follow()  # the process's own events end the waits they fired
        return fired

    def _decide(self, order_id: UUID, command: str,
                decision: Callable[[ServiceOrder], bool]) -> bool:
        order = self.app.find(ServiceOrder, order_id)
        if order is None or not decision(order):
            return False
        try:
            self.app.commit(command, SYSTEM, order)
        except ConcurrentChange:
            return False  # someone acted on it at that moment: the next round decides again
        return True

    def run(self, *, interval: float = 5.0, rounds: int | None = None,
            on_fired: Callable[[list[Fired]], None] | None = None) -> None:
        """Fire due deadlines every ``interval`` seconds (``rounds`` times, or until
        interrupted)."""
        done = 0
        while rounds is None or done < rounds:
            fired = self.fire()
            if on_fired is not None and fired:
                on_fired(fired)
            done += 1
            if rounds is None or done < rounds:
                time.sleep(interval)


def _return_unaccepted(order: ServiceOrder, dispatch: int) -> bool:
    return order.return_unaccepted(dispatch, by=SYSTEM)


def _close_unrated(order: ServiceOrder) -> bool:
    return order.close_unrated(by=SYSTEM)
