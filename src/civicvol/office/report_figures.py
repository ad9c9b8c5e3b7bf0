"""The figures the HTML report draws beyond the district report: orders per month by stage,
orders and hours by community, hours by team, and the star ratings.

Two ways to the same figures: now, read from the orders and teams views (:func:`from_views`);
as of a past day, folded from the events stamped before its end (:class:`ChartFigures`), as
the rest of the report "as of" is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.application import CivicVol
from civicvol.app.report import EventFold, hours_text, originator
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.team import Team
from civicvol.views.orders import STAGES

FUNNEL = ("placed", "dispatched", "accepted", "completed", "rated")
STATUSES = ("reviewing", "placed", "offered", "dispatched", "accepted", "completed", "rated",
            "closed-unrated", "rejected", "cancelled")
DONE = ("completed", "rated", "closed-unrated")  # the service was given: its hours count
Decode = Callable[[], Any]


def from_views(app: CivicVol) -> dict[str, Any]:
    """The chart figures now, from the views (caught up first)."""
    orders = app.views.orders
    orders.views.catch_up(orders.views.counting)
    months = orders.rows("SELECT substr(placed_at, 1, 7), status, COUNT(*) FROM {view_orders} "
                         "GROUP BY substr(placed_at, 1, 7), status", fresh=False)
    stages = orders.rows("SELECT COUNT(*), COUNT(dispatched_at), COUNT(accepted_at), "
                         "COUNT(completed_at), COUNT(rated_at) FROM {view_orders}",
                         fresh=False)[0]
    communities = orders.rows(
        "SELECT t.community, COUNT(*), SUM(CASE WHEN o.status IN "
        "('completed', 'rated', 'closed-unrated') THEN o.hours ELSE 0 END) "
        "FROM {view_orders} o LEFT JOIN {view_teams} t "
        "ON o.team_id = t.id GROUP BY t.community", fresh=False)
    teams = orders.rows(
        "SELECT o.team_id, t.name, t.community, SUM(o.hours) FROM {view_orders} o "
        "JOIN {view_teams} t ON o.team_id = t.id WHERE o.status IN "
        "('completed', 'rated', 'closed-unrated') GROUP BY o.team_id, t.name, t.community",
        fresh=False)
    stars = orders.rows("SELECT stars, COUNT(*) FROM {view_orders} WHERE stars IS NOT NULL "
                        "GROUP BY stars", fresh=False)
    by_month: dict[str, Counter[str]] = {}
    for month, status, n in months:
        by_month.setdefault(str(month), Counter())[str(status)] += int(n)
    by_community: dict[str, dict[str, Any]] = {}
    for community, n, centis in communities:
        entry = by_community.setdefault(community or "", {"orders": 0, "hours": Decimal(0)})
        entry["orders"] += int(n)
        entry["hours"] += Decimal(int(centis or 0)) / 100
    return _figures(dict(zip(FUNNEL, (int(n) for n in stages), strict=True)), by_month,
                    by_community,
                    [(str(t), str(name), str(place or ""), Decimal(int(c or 0)) / 100)
                     for t, name, place, c in teams],
                    Counter({int(s): int(n) for s, n in stars}))


class ChartFigures(EventFold):
    """The chart figures folded from events (for the report as of a past day)."""

    name = "chart_figures"

    def __init__(self) -> None:
        super().__init__()
        self.teams: dict[UUID, tuple[str, str]] = {}
        self.orders: dict[UUID, dict[str, Any]] = {}
        on = self._on
        on(Team, "Created", self._team)
        on(ServiceOrder, "Placed", self._placed)
        for kind in STAGES:  # the orders view's own table of stages, so the two agree
            on(ServiceOrder, kind, self._stage)

    def _on(self, aggregate: type, event_name: str, handler: Any) -> None:
        from civicvol.app.report import event_topic

        self.handlers[event_topic(aggregate, event_name)] = handler

    def _team(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.teams[originator(n)] = (e.name, e.community or "")

    def _placed(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.orders[originator(n)] = {
            "month": e.timestamp.astimezone(DISTRICT_TIME).strftime("%Y-%m"),
            "status": "placed", "team": None, "hours": Decimal(0), "stars": None,
            "reached": {"placed"}}

    def _stage(self, n: Notification, decode: Decode) -> None:
        order = self.orders.get(originator(n))
        if order is None:
            return
        kind = n.topic.rsplit(".", 1)[-1]
        e = decode()
        status, column = STAGES[kind]
        if kind == "Accepted" and not getattr(e, "full", True):
            status, column = "dispatched", None  # an activity still filling up
        order["status"] = status
        if column is not None:
            order["reached"].add(column.removesuffix("_at"))
        if kind in ("Dispatched", "Claimed"):
            order["team"] = e.team_id
        elif kind in ("Declined", "DispatchExpired"):  # back to the centre's queue
            order["team"] = None
        elif kind in ("Completed", "Closed"):
            order["hours"] = Decimal(e.hours)
        elif kind == "Rated":
            order["stars"] = int(e.stars)

    def as_dict(self) -> dict[str, Any]:
        funnel = {s: sum(1 for o in self.orders.values() if s in o["reached"]) for s in FUNNEL}
        by_month: dict[str, Counter[str]] = {}
        by_community: dict[str, dict[str, Any]] = {}
        hours: dict[UUID, Decimal] = {}
        for o in self.orders.values():
            by_month.setdefault(o["month"], Counter())[o["status"]] += 1
            team = self.teams.get(o["team"]) if o["team"] else None
            entry = by_community.setdefault(team[1] if team else "",
                                            {"orders": 0, "hours": Decimal(0)})
            entry["orders"] += 1
            if o["status"] in DONE:
                entry["hours"] += o["hours"]
                if team:
                    hours[o["team"]] = hours.get(o["team"], Decimal(0)) + o["hours"]
        return _figures(funnel, by_month, by_community,
                        [(str(t), *self.teams[t], h) for t, h in hours.items()],
                        Counter(o["stars"] for o in self.orders.values()
                                if o["stars"] is not None))


def _figures(funnel: dict[str, int], by_month: dict[str, Counter[str]],
             by_community: dict[str, dict[str, Any]],
             team_hours: list[tuple[str, str, str, Decimal]], stars: Counter[int]
             ) -> dict[str, Any]:
    """One shape for both ways: sorted, hours as the report prints them."""
    return {
        "funnel": funnel,
        "by_month": {m: {s: by_month[m].get(s, 0) for s in STATUSES} for m in sorted(by_month)},
        "by_community": {c: {"orders": v["orders"], "hours": hours_text(v["hours"])}
                         for c, v in sorted(by_community.items(),
                                            key=lambda kv: (-kv[1]["orders"], kv[0]))},
        "hours_by_team": [{"team_id": t, "name": name, "community": place,
                           "hours": hours_text(h)}
                          for t, name, place, h in sorted(team_hours,
                                                          key=lambda x: (-x[3], x[1], x[0]))
                          if h],
        "stars": {s: stars.get(s, 0) for s in range(1, 6)},
    }
