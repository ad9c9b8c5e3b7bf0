"""The orders view: every service order with its stage, its people and the moment of each stage.

Counters: ``status`` (orders now in each status), ``stage`` (orders that ever reached each
stage of 点单 → 派单 → 接单 → 评单), ``stage_by_channel`` ("stage|channel"), ``by_year``,
``by_month``, ``by_service``, ``declines``, ``stars`` (sum and count), ``hours`` (hundredths)
and ``served`` of completed orders, ``beneficiaries`` of completed orders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.topics import SERVICE_ORDER
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View, centi, hours_text, moment, page

COLUMNS = ("id", "status", "channel", "service", "description", "place", "wanted_time",
           "requester", "beneficiaries", "team_id", "volunteer_id", "placed_at",
           "dispatched_at", "accepted_at", "completed_at", "rated_at", "cancelled_at",
           "declines", "stars", "hours", "served", "position")
OPEN = ("reviewing", "placed", "offered", "dispatched", "accepted")
# The stage each event moves an order to, and the column stamped with its moment.
STAGES = {"Dispatched": ("dispatched", "dispatched_at"), "Accepted": ("accepted", "accepted_at"),
          "Completed": ("completed", "completed_at"), "Rated": ("rated", "rated_at"),
          "Cancelled": ("cancelled", "cancelled_at"), "Declined": ("placed", None),
          # the cycle as districts run it: review, pools, activities, deadlines
          "ReviewAccepted": ("placed", None), "ReviewRejected": ("rejected", None),
          "Offered": ("offered", None), "Claimed": ("dispatched", "dispatched_at"),
          "Withdrawn": ("dispatched", None), "Closed": ("completed", "completed_at"),
          "DispatchExpired": ("placed", None), "ClosedUnrated": ("closed-unrated", None)}


Rows = list[dict[str, Any]]


class OrdersView(View):
    name = "orders"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_orders} (id TEXT PRIMARY KEY, status TEXT, "
        "channel TEXT, service TEXT, description TEXT, place TEXT, wanted_time TEXT, "
        "requester TEXT, beneficiaries TEXT, team_id TEXT, volunteer_id TEXT, placed_at TEXT, "
        "dispatched_at TEXT, accepted_at TEXT, completed_at TEXT, rated_at TEXT, "
        "cancelled_at TEXT, declines INTEGER, stars INTEGER, hours INTEGER, served INTEGER, "
        "position BIGINT)",
        "CREATE INDEX IF NOT EXISTS view_orders_status ON {view_orders} (status, position)",
        "CREATE INDEX IF NOT EXISTS view_orders_team ON {view_orders} (team_id, status)",
        "CREATE INDEX IF NOT EXISTS view_orders_volunteer ON {view_orders} (volunteer_id)",
        # Every volunteer who accepted an order (an activity has several), for their records.
        "CREATE TABLE IF NOT EXISTS {view_order_volunteers} (order_id TEXT, volunteer_id TEXT, "
        "PRIMARY KEY (order_id, volunteer_id))",
        "CREATE INDEX IF NOT EXISTS view_order_volunteers_by ON {view_order_volunteers} "
        "(volunteer_id)",
    )

    def setup(self) -> None:
        self.on(SERVICE_ORDER, "Placed", self._placed)
        for name in STAGES:
            self.on(SERVICE_ORDER, name, self._stage)

    def _placed(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        placed = e.timestamp.astimezone(DISTRICT_TIME)
        # Where the district reviews orders, a new one waits for the review (审核中).
        first = "reviewing" if getattr(e, "under_review", False) else "placed"
        c.defer("INSERT INTO {view_orders} (id, status, channel, service, description, place, "
                  "wanted_time, requester, beneficiaries, placed_at, declines, hours, served, "
                  "position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
                  [str(e.originator_id), first, e.channel, e.service, e.description, e.place,
                   e.wanted_time, e.requester, json.dumps(list(e.beneficiaries),
                                                          ensure_ascii=False),
                   moment(e), position])
        counts["status", first] += 1
        counts["stage", "placed"] += 1
        counts["stage_by_channel", f"placed|{e.channel}"] += 1
        counts["by_year", str(placed.year)] += 1
        counts["by_month", placed.strftime("%Y-%m")] += 1
        counts["by_service", e.service] += 1

    def _stage(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        oid = str(e.originator_id)
        row = c.execute("SELECT status, channel, beneficiaries, dispatched_at, accepted_at "
                        "FROM {view_orders} WHERE id = ?", [oid]).one()
        if row is None:  # an order whose placing this view never saw (cannot happen in a log)
            return
        old, channel, beneficiaries, dispatched_at, accepted_at = row
        kind = type(e).__name__
        status, column = STAGES[kind]
        if kind == "Accepted" and not getattr(e, "full", True):
            status, column = "dispatched", None  # an activity still filling up
        sets: list[str] = ["status = ?"]
        params: list[Any] = [status]
        if column is not None:
            sets.append(f"{column} = ?")
            params.append(moment(e))
        if kind in ("Dispatched", "Claimed"):
            sets.append("team_id = ?")
            params.append(str(e.team_id))
        elif kind == "Accepted":
            # The first volunteer to accept stands for the order (the order shows them all).
            sets.append("volunteer_id = COALESCE(volunteer_id, ?)")
            params.append(str(e.volunteer_id))
            c.execute("INSERT INTO {view_order_volunteers} (order_id, volunteer_id) "
                      "VALUES (?, ?) ON CONFLICT DO NOTHING", [oid, str(e.volunteer_id)])
        elif kind == "Withdrawn":
            sets.append("volunteer_id = CASE WHEN volunteer_id = ? THEN NULL "
                        "ELSE volunteer_id END")
            params.append(str(e.volunteer_id))
            c.execute("DELETE FROM {view_order_volunteers} WHERE order_id = ? AND "
                      "volunteer_id = ?", [oid, str(e.volunteer_id)])
        elif kind == "DispatchExpired":
            # Not accepted in time: back to the centre's queue.
            sets.append("team_id = NULL")
            counts["returned", "unaccepted"] += 1
        elif kind == "ReviewRejected":
            counts["review", "rejected"] += 1
        elif kind == "ReviewAccepted":
            counts["review", "accepted"] += 1
        elif kind == "ClosedUnrated":
            counts["closed_unrated", "all"] += 1
        elif kind == "Declined":
            # Back to the centre's queue: the team (and any volunteer) let it go.
            sets += ["declines = declines + 1", "team_id = NULL", "volunteer_id = NULL"]
            c.execute("DELETE FROM {view_order_volunteers} WHERE order_id = ?", [oid])
            counts["declines", "all"] += 1
        elif kind in ("Completed", "Closed"):
            sets += ["hours = ?", "served = ?"]
            params += [centi(e.hours), int(e.served)]
            counts["hours", "completed"] += centi(e.hours)
            counts["served", "completed"] += int(e.served)
            for group in json.loads(beneficiaries or "[]"):
                counts["beneficiaries", group] += 1
        elif kind == "Rated":
            sets.append("stars = ?")
            params.append(int(e.stars))
            counts["stars", "sum"] += int(e.stars)
            counts["stars", "count"] += 1
        c.execute(f"UPDATE {{view_orders}} SET {', '.join(sets)} WHERE id = ?", [*params, oid])
        counts["status", old] -= 1
        counts["status", status] += 1
        # The funnel counts orders, not events: a re-dispatch after a decline counts once.
        if {"Dispatched": dispatched_at, "Claimed": dispatched_at,
                "Accepted": accepted_at}.get(kind) is not None or column is None:
            return
        if kind != "Declined":
            counts["stage", status] += 1
            counts["stage_by_channel", f"{status}|{channel}"] += 1

    # --- queries -----------------------------------------------------------------------------
    def get(self, order_id: str) -> dict[str, Any] | None:
        rows = self.rows(f"SELECT {', '.join(COLUMNS)} FROM {{view_orders}} WHERE id = ?",
                         [order_id])
        return _order(rows[0]) if rows else None

    def queue(self, limit: int | None = None, offset: int = 0) -> Rows:
        """The dispatcher's queue: orders placed (and reviewed, where the district reviews),
        declined back, or returned when nobody accepted them in time, oldest first."""
        return self.list(status="placed", limit=limit, offset=offset)

    def list(self, *, status: str | None = None, team: str | None = None,
             community: str | None = None, service: str | None = None,
             volunteer: str | None = None, since: str | None = None,
             until: str | None = None, channel: str | None = None,
             limit: int | None = None, offset: int = 0,
             newest_first: bool = False) -> Rows:
        """Orders matching every filter given; ``since``/``until`` are district dates
        (YYYY-MM-DD, inclusive) of placing."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("status", status), ("team_id", team), ("service", service),
                              ("channel", channel)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if status == "open":
            where[0] = f"status IN ({', '.join('?' * len(OPEN))})"
            params[0:1] = list(OPEN)
        if volunteer is not None:
            where.append("id IN (SELECT order_id FROM {view_order_volunteers} "
                         "WHERE volunteer_id = ?)")
            params.append(volunteer)
        if community is not None:
            where.append("team_id IN (SELECT id FROM {view_teams} WHERE community = ?)")
            params.append(community)
        if since is not None:
            where.append("placed_at >= ?")
            params.append(since)
        if until is not None:
            where.append("placed_at < ?")
            params.append(_next_day(until))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        order = "DESC" if newest_first else "ASC"
        rows = self.rows(f"SELECT {', '.join(COLUMNS)} FROM {{view_orders}}{clause} "
                         f"ORDER BY position {order}{page(limit, offset)}", params)
        return [_order(r) for r in rows]

    def of_volunteer(self, volunteer_id: str, limit: int | None = None,
                     offset: int = 0) -> Rows:
        """A volunteer's orders: open ones first, then past ones, newest first."""
        marks = ", ".join("?" * len(OPEN))
        rows = self.rows(
            f"SELECT {', '.join(COLUMNS)} FROM {{view_orders}} WHERE id IN (SELECT order_id "
            "FROM {view_order_volunteers} WHERE volunteer_id = ?) "
            f"ORDER BY CASE WHEN status IN ({marks}) THEN 0 ELSE 1 END, position DESC"
            f"{page(limit, offset)}", [volunteer_id, *OPEN])
        return [_order(r) for r in rows]

    def open_count_of(self, volunteer_ids: Sequence[str]) -> dict[str, int]:
        if not volunteer_ids:
            return {}
        marks = ", ".join("?" * len(volunteer_ids))
        states = ", ".join("?" * len(OPEN))
        rows = self.rows(f"SELECT v.volunteer_id, COUNT(*) FROM {{view_order_volunteers}} v "
                         "JOIN {view_orders} o ON o.id = v.order_id WHERE "
                         f"v.volunteer_id IN ({marks}) AND o.status IN ({states}) "
                         "GROUP BY v.volunteer_id", [*volunteer_ids, *OPEN])
        return {str(v): int(n) for v, n in rows}


def _order(row: Sequence[Any]) -> dict[str, Any]:
    order = dict(zip(COLUMNS, row, strict=True))
    order["beneficiaries"] = json.loads(order["beneficiaries"] or "[]")
    order["hours"] = hours_text(int(order["hours"] or 0))
    return order


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
