"""The haircut team's report section, folded from the events: the sessions' own events, the
core orders for home haircuts, and the points credited for sessions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.report import EventFold, event_topic, originator
from civicvol.domain.point_account import PointAccount
from civicvol.domain.service_order import ServiceOrder
from civicvol.plugins.haircut_days.session import HaircutSession
from civicvol.plugins.haircut_days.settings import HOME_VISIT_SERVICE

Decode = Callable[[], Any]


class HaircutFigures(EventFold):
    name = "haircut-days"

    def __init__(self, session_source: str = "haircut-session") -> None:
        super().__init__()
        self.session_source = session_source
        self.sessions: dict[UUID, dict[str, Any]] = {}
        self.home_visits: dict[UUID, str] = {}
        self.points = 0
        self.handlers.update({
            event_topic(HaircutSession, "Scheduled"): self._scheduled,
            event_topic(HaircutSession, "Held"): self._held,
            event_topic(HaircutSession, "ServedRecorded"): self._served,
            event_topic(HaircutSession, "Cancelled"): self._cancelled,
            event_topic(ServiceOrder, "Placed"): self._order_placed,
            event_topic(PointAccount, "Credited"): self._credited,
        })
        for name in ("Completed", "Rated", "Cancelled", "Declined"):
            self.handlers[event_topic(ServiceOrder, name)] = self._order_moved

    # --- handlers ----------------------------------------------------------------------------
    def _scheduled(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.sessions[originator(n)] = {
            "day": e.day, "kind": e.kind, "title": e.title, "partner": e.partner,
            "status": "scheduled", "served": 0, "barbers": (),
        }

    def _held(self, n: Notification, decode: Decode) -> None:
        e = decode()
        session = self.sessions[originator(n)]
        session.update(status="held", served=e.served, barbers=tuple(e.barbers))

    def _served(self, n: Notification, decode: Decode) -> None:
        self.sessions[originator(n)]["served"] += decode().residents

    def _cancelled(self, n: Notification, _: Decode) -> None:
        self.sessions[originator(n)]["status"] = "cancelled"

    def _order_placed(self, n: Notification, decode: Decode) -> None:
        if decode().service == HOME_VISIT_SERVICE:
            self.home_visits[originator(n)] = "requested"

    def _order_moved(self, n: Notification, _: Decode) -> None:
        order = originator(n)
        if order in self.home_visits:
            kind = n.topic.rsplit(".", 1)[-1]
            self.home_visits[order] = {"Rated": "completed", "Declined": "requested"}.get(
                kind, kind.lower())

    def _credited(self, n: Notification, decode: Decode) -> None:
        e = decode()
        if e.source.kind == self.session_source:
            self.points += e.points

    # --- the figures -------------------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        held = [s for s in self.sessions.values() if s["status"] == "held"]
        visits = Counter(self.home_visits.values())
        by_year = Counter(s["day"][:4] for s in held)
        return {
            "sessions_held": len(held),
            "regular_sessions_held": sum(1 for s in held if s["kind"] == "regular"),
            "special_sessions_held": sum(1 for s in held if s["kind"] == "special"),
            "sessions_scheduled": sum(1 for s in self.sessions.values()
                                      if s["status"] == "scheduled"),
            "sessions_cancelled": sum(1 for s in self.sessions.values()
                                      if s["status"] == "cancelled"),
            "residents_served": sum(s["served"] for s in held),
            "barbers": len({b for s in held for b in s["barbers"]}),
            "home_visits_requested": len(self.home_visits),
            "home_visits_completed": visits.get("completed", 0),
            "points_credited": self.points,
            "held_by_year": dict(sorted(by_year.items())),
            "special_sessions": {s["day"]: " / ".join(x for x in (s["title"], s["partner"]) if x)
                                 for s in sorted(held, key=lambda s: s["day"])
                                 if s["kind"] == "special"},
            "latest_session": max((s["day"] for s in held), default=None),
        }

