"""The district report, computed from the events and nothing else.

The report is a fold over the log: each event's topic picks a handler. Handlers that only
count read the topic and the originator id and never decode the stored state, so the report
over the full district (hundreds of thousands of events) stays fast, and it never decrypts
anyone's personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic

from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError
from civicvol.domain.membership import Membership
from civicvol.domain.point_account import PointAccount
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.station import Station
from civicvol.domain.team import Team
from civicvol.domain.volunteer import Volunteer

Handler = Callable[[Notification, Callable[[], Any]], None]


class EventFold:
    """A report section folded by topic, for plug-ins: a subclass sets ``name`` and fills
    ``handlers`` ({topic: handler(notification, decode)}); events of other topics pass by."""

    name: str = ""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    @property
    def topics(self) -> list[str]:
        return list(self.handlers)

    def fold(self, notification: Notification, decode: Callable[[], Any]) -> None:
        handler = self.handlers.get(notification.topic)
        if handler is not None:
            handler(notification, decode)


class DistrictFigures(EventFold):
    """Every figure of the core report, folded event by event."""

    def __init__(self) -> None:
        self.volunteer_status: dict[UUID, str] = {}
        self.teams: dict[UUID, dict[str, Any]] = {}
        self.member_team: dict[UUID, UUID] = {}
        self.member_active: dict[UUID, bool] = {}
        self.orders: dict[UUID, dict[str, Any]] = {}
        self.service_hours = Decimal(0)
        self.points = Counter[str]()
        self.entries: dict[tuple[UUID, str], tuple[int, str]] = {}
        self.member_volunteer: dict[UUID, UUID] = {}
        self.stations: dict[UUID, dict[str, Any]] = {}
        super().__init__()
        on = self._on
        on(Volunteer, "Registered", self._volunteer_status("active"))
        on(Volunteer, "Suspended", self._volunteer_status("suspended"))
        on(Volunteer, "Reactivated", self._volunteer_status("active"))
        on(Volunteer, "Left", self._volunteer_status("left"))
        on(Volunteer, "ServiceRecorded", self._service_recorded)
        on(Team, "Created", self._team_created)
        on(Team, "Dissolved", self._team_dissolved)
        on(Membership, "Joined", self._joined)
        on(Membership, "Rejoined", self._membership(True))
        on(Membership, "Left", self._membership(False))
        on(ServiceOrder, "Placed", self._order_placed)
        for name in ORDER_STATUS:
            on(ServiceOrder, name, self._order_event)
        for name in ("Credited", "Approved", "Rejected", "Redeemed", "Reversed", "Expired"):
            on(PointAccount, name, self._points_event)
        for name in ("Opened", "GiftAdded", "Restocked", "HandedOut"):
            on(Station, name, self._station_event)

    def _on(self, aggregate: type, event_name: str, handler: Handler) -> None:
        self.handlers[event_topic(aggregate, event_name)] = handler

    # --- handlers ----------------------------------------------------------------------------
    def _volunteer_status(self, status: str) -> Handler:
        def handle(n: Notification, _: Callable[[], Any]) -> None:
            self.volunteer_status[originator(n)] = status
        return handle

    def _service_recorded(self, n: Notification, decode: Callable[[], Any]) -> None:
        self.service_hours += decode().hours

    def _team_created(self, n: Notification, decode: Callable[[], Any]) -> None:
        e = decode()
        self.teams[originator(n)] = {
            "name": e.name, "kind": str(getattr(e.kind, "value", e.kind)),
            "community": e.community, "dissolved": False,
        }

    def _team_dissolved(self, n: Notification, _: Callable[[], Any]) -> None:
        self.teams[originator(n)]["dissolved"] = True

    def _joined(self, n: Notification, decode: Callable[[], Any]) -> None:
        oid, joined = originator(n), decode()
        self.member_team[oid] = joined.team_id
        self.member_volunteer[oid] = joined.volunteer_id
        self.member_active[oid] = True

    def _membership(self, active: bool) -> Handler:
        def handle(n: Notification, _: Callable[[], Any]) -> None:
            self.member_active[originator(n)] = active
        return handle

    def _order_placed(self, n: Notification, decode: Callable[[], Any]) -> None:
        e = decode()
        self.orders[originator(n)] = {
            # The district's year: an order placed at 02:00 on 1 January in Kunming is 2024's.
            "status": "reviewing" if getattr(e, "under_review", False) else "placed",
            "year": e.timestamp.astimezone(DISTRICT_TIME).year,
            "service": e.service,
            "hours": Decimal(0), "served": 0, "stars": None, "declines": 0,
            "beneficiaries": tuple(e.beneficiaries),
        }

    def _order_event(self, n: Notification, decode: Callable[[], Any]) -> None:
        order = self.orders[originator(n)]
        kind = n.topic.rsplit(".", 1)[-1]
        order["status"] = ORDER_STATUS[kind]
        if kind == "Accepted" and not getattr(decode(), "full", True):
            order["status"] = "dispatched"  # an activity still filling up
        if kind == "Declined":
            order["declines"] += 1
        elif kind in ("Completed", "Closed"):
            e = decode()
            order["hours"], order["served"] = Decimal(e.hours), e.served
        elif kind == "Rated":
            order["stars"] = decode().stars

    def _points_event(self, n: Notification, decode: Callable[[], Any]) -> None:
        e = decode()
        key = (originator(n), e.entry_id)
        kind = n.topic.rsplit(".", 1)[-1]
        if kind == "Credited":
            status = "approved" if e.approved else "pending"
            self.entries[key] = (e.points, status)
            self.points["credited"] += e.points
            self.points[status] += e.points
        elif kind == "Redeemed":
            self.points["redeemed"] += e.points
            self.points["redemptions"] += 1
        elif kind == "Expired":
            self.points["expired"] += e.points
        else:  # Approved, Rejected, Reversed move a credit from one status to another
            points, status = self.entries[key]
            new = {"Approved": "approved", "Rejected": "rejected"}.get(kind, "reversed")
            self.points[status] -= points
            self.points[new] += points
            self.entries[key] = (points, new)

    def _station_event(self, n: Notification, decode: Callable[[], Any]) -> None:
        kind = n.topic.rsplit(".", 1)[-1]
        if kind == "Opened":
            self.stations[originator(n)] = {"name": decode().name, "in_stock": 0,
                                            "handed_out": 0}
            return
        station = self.stations[originator(n)]
        if kind == "HandedOut":
            station["in_stock"] -= 1
            station["handed_out"] += 1
        else:
            e = decode()
            station["in_stock"] += e.stock if kind == "GiftAdded" else e.quantity

    # --- the figures -------------------------------------------------------------------------
    def serving_members(self) -> Counter[UUID]:
        """Active members per team; a volunteer who left the service no longer serves."""
        return Counter(self.member_team[m] for m, active in self.member_active.items()
                       if active and self.volunteer_status.get(self.member_volunteer[m])
                       != "left")

    def members_of(self, team_id: UUID) -> int:
        return self.serving_members()[team_id]

    def as_dict(self) -> dict[str, Any]:
        status = Counter(self.volunteer_status.values())
        kinds = Counter(t["kind"] for t in self.teams.values() if not t["dissolved"])
        orders = list(self.orders.values())
        by_status = Counter(o["status"] for o in orders)
        completed = [o for o in orders if o["status"] in ("completed", "rated",
                                                           "closed-unrated")]
        stars = [o["stars"] for o in orders if o["stars"] is not None]
        members = self.serving_members()
        # The most members; of teams as large, the one created first.
        created = {team: i for i, team in enumerate(self.teams)}
        largest = max(members.items(), key=lambda kv: (kv[1], -created.get(kv[0], 0)),
                      default=None)
        points = self.points
        return {
            "teams": {
                "total": sum(kinds.values()),
                "corps": kinds.get("corps", 0),
                "standing": kinds.get("standing", 0),
                "special": kinds.get("special", 0),
                "dissolved": sum(1 for t in self.teams.values() if t["dissolved"]),
                "communities": len({t["community"] for t in self.teams.values()
                                    if t["community"]}),
                "largest": ({"name": self.teams[largest[0]]["name"], "members": largest[1]}
                            if largest else None),
            },
            "volunteers": {
                "registered": len(self.volunteer_status),
                "active": status.get("active", 0),
                "suspended": status.get("suspended", 0),
                "left": status.get("left", 0),
                "memberships": sum(members.values()),
            },
            "orders": {
                "placed": len(orders),
                "open": sum(by_status.get(s, 0) for s in ("reviewing", "placed", "offered",
                                                          "dispatched", "accepted")),
                "completed": len(completed),
                "rated": by_status.get("rated", 0),
                "cancelled": by_status.get("cancelled", 0),
                "declines": sum(o["declines"] for o in orders),
                "by_year": dict(sorted(Counter(o["year"] for o in orders).items())),
                "by_service": dict(Counter(o["service"] for o in orders).most_common()),
                "average_stars": round(sum(stars) / len(stars), 2) if stars else None,
            },
            "service": {
                "hours": hours_text(self.service_hours),
                "people_served": sum(o["served"] for o in completed),
                "beneficiary_groups": dict(Counter(
                    b for o in completed for b in o["beneficiaries"]).most_common()),
            },
            "points": points_figures(points),
            "stations": stations_figures(
                (st["name"], st["in_stock"], st["handed_out"]) for st in self.stations.values()),
        }


# The status each order event leaves an order in.
ORDER_STATUS = {
    "Dispatched": "dispatched", "Accepted": "accepted", "Declined": "placed",
    "Completed": "completed", "Rated": "rated", "Cancelled": "cancelled",
    "ReviewAccepted": "placed", "ReviewRejected": "rejected", "Offered": "offered",
    "Claimed": "dispatched", "Withdrawn": "dispatched", "Closed": "completed",
    "DispatchExpired": "placed", "ClosedUnrated": "closed-unrated",
}


def fold_log(notifications: Iterable[Notification], mapper: Mapper[UUID],
             folds: Iterable[Any]) -> list[str]:
    """Feed every notification to each fold; each decodes the event only if it needs it.

    An event a fold cannot decode or fold (a malformed event stored before it was refused)
    is named in the returned list and skipped by that fold; the log's other events are
    still folded, so one bad event never takes the report down. A missing plug-in (a
    CivicVolError naming it) still stops the fold: its events are not bad, only unreadable
    here.
    """
    folds = list(folds)
    unreadable: list[str] = []
    for n in notifications:
        cache: list[Any] = []

        def decode(n: Notification = n, cache: list[Any] = cache) -> Any:
            if not cache:
                cache.append(mapper.to_domain_event(n))
            return cache[0]

        for f in folds:
            try:
                f.fold(n, decode)
            except CivicVolError:
                raise
            except Exception as error:  # a malformed event: name it, keep going
                unreadable.append(f"event {n.id} ({n.topic}) skipped by "
                                  f"{type(f).__name__}: {type(error).__name__}: {error}")
    return unreadable


POINT_FIGURES = ("credited", "approved", "pending", "rejected", "reversed", "redeemed",
                 "redemptions", "expired")


def points_figures(points: Mapping[str, int]) -> dict[str, int]:
    """The report's points section from the points by state (absent states count 0)."""
    figures = {name: int(points.get(name, 0)) for name in POINT_FIGURES}
    return {**figures, "outstanding": figures["approved"] - figures["redeemed"]
            - figures["expired"]}


def stations_figures(stations: Iterable[tuple[str, int, int]]) -> dict[str, Any]:
    """The report's gift counters from (station, gifts in stock, gifts handed out)."""
    by_station = {name: {"in_stock": stock, "handed_out": out}
                  for name, stock, out in sorted(stations)}
    return {"open": len(by_station),
            "in_stock": sum(s["in_stock"] for s in by_station.values()),
            "handed_out": sum(s["handed_out"] for s in by_station.values()),
            "by_station": by_station}


def hours_text(hours: Decimal) -> str:
    """Hours as reports print them, one way for every sum: 8.5, 10, 0 (never 8.50)."""
    text = format(hours.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def event_topic(aggregate: type, event_name: str) -> str:
    """The stored topic of an aggregate's event class, e.g. ``Volunteer.Registered``."""
    return get_topic(getattr(aggregate, event_name))


def originator(notification: Notification) -> UUID:
    """The id of the aggregate that a stored event belongs to."""
    oid = notification.originator_id
    return oid if isinstance(oid, UUID) else UUID(str(oid))
