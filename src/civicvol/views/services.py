"""The service requests view: every order as Open311 shows it, and each of its updates.

An order's row keeps its catalogue code, where it is, its stage and the moment of its last
change; each event of the order is an update (mySociety's ``servicerequestupdates``), its
``update_id`` the event's log position. Team names are joined in at query time from the teams
view, so a renamed record never leaves a stale copy here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from civicvol.domain.topics import SERVICE_ORDER
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View, moment, page

REQUEST_COLUMNS = ("id", "service_code", "service", "description", "place", "lat", "long",
                   "status", "team_id", "requester", "channel", "wanted_time", "requested_at",
                   "updated_at", "note", "reason", "stars")
UPDATE_COLUMNS = ("update_id", "order_id", "note", "status", "team_id", "reason", "stars",
                  "at")
# The stage each event leaves an order in.
STAGE = {"Placed": "placed", "Dispatched": "dispatched", "Accepted": "accepted",
         "Declined": "placed", "Completed": "completed", "Rated": "rated",
         "Cancelled": "cancelled"}
Rows = list[dict[str, Any]]


class ServiceRequestsView(View):
    name = "service_requests"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_service_requests} (id TEXT PRIMARY KEY, "
        "service_code TEXT, service TEXT, description TEXT, place TEXT, lat DOUBLE PRECISION, "
        "long DOUBLE PRECISION, status TEXT, team_id TEXT, requester TEXT, channel TEXT, "
        "wanted_time TEXT, requested_at TEXT, updated_at TEXT, note TEXT, reason TEXT, "
        "stars INTEGER, position BIGINT)",
        "CREATE INDEX IF NOT EXISTS view_service_requests_code ON {view_service_requests} "
        "(service_code, position)",
        "CREATE INDEX IF NOT EXISTS view_service_requests_requested ON "
        "{view_service_requests} (requested_at)",
        "CREATE TABLE IF NOT EXISTS {view_service_request_updates} (update_id BIGINT PRIMARY "
        "KEY, order_id TEXT, note TEXT, status TEXT, team_id TEXT, reason TEXT, "
        "stars INTEGER, at TEXT)",
        "CREATE INDEX IF NOT EXISTS view_service_request_updates_order ON "
        "{view_service_request_updates} (order_id, update_id)",
    )

    def setup(self) -> None:
        for name in STAGE:
            self.on(SERVICE_ORDER, name, self._fold)

    def _fold(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        kind = type(e).__name__
        oid, at, status = str(e.originator_id), moment(e), STAGE[kind]
        reason = str(getattr(e, "reason", "") or "")
        stars = getattr(e, "stars", None)
        if kind == "Placed":
            c.execute(
                "INSERT INTO {view_service_requests} (id, service_code, service, description, "
                "place, lat, long, status, requester, channel, wanted_time, requested_at, "
                "updated_at, note, reason, position) VALUES (?, ?, ?, ?, ?, ?, ?, 'placed', ?, "
                "?, ?, ?, ?, 'placed', '', ?)",
                [oid, e.service_code, e.service, e.description, e.place, e.lat, e.long,
                 e.requester, e.channel, e.wanted_time, at, at, position])
            team = None
        else:
            row = c.execute("SELECT team_id FROM {view_service_requests} WHERE id = ?",
                            [oid]).one()
            if row is None:  # a log always places an order before anything else happens
                return
            team = str(e.team_id) if kind == "Dispatched" else (
                None if kind == "Declined" else row[0])
            c.execute("UPDATE {view_service_requests} SET status = ?, team_id = ?, "
                      "updated_at = ?, note = ?, reason = ?, stars = COALESCE(?, stars) "
                      "WHERE id = ?", [status, team, at, kind.lower(), reason, stars, oid])
        c.execute("INSERT INTO {view_service_request_updates} (update_id, order_id, note, "
                  "status, team_id, reason, stars, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  [position, oid, kind.lower(), status, team, reason, stars, at])
        counts["updates", kind.lower()] += 1

    # --- queries -----------------------------------------------------------------------------
    def requests(self, *, ids: Sequence[str] = (), service_code: str | None = None,
                 start: str | None = None, end: str | None = None,
                 statuses: Sequence[str] = (), limit: int | None = None,
                 offset: int = 0) -> Rows:
        """Requests, newest first; ``start``/``end`` bound the requested moment (ISO 8601
        in district time, start inclusive, end exclusive), ``statuses`` are stages."""
        where, params = _where(ids, service_code, start, end, statuses)
        rows = self.rows(
            f"SELECT {', '.join('r.' + c for c in REQUEST_COLUMNS)}, t.name FROM "
            "{view_service_requests} r LEFT JOIN {view_teams} t ON t.id = r.team_id"
            f"{where} ORDER BY r.position DESC{page(limit, offset)}", params)
        return [dict(zip((*REQUEST_COLUMNS, "team"), r, strict=True)) for r in rows]

    def updates(self, *, order_id: str | None = None, start: str | None = None,
                end: str | None = None, limit: int | None = None, offset: int = 0) -> Rows:
        """Updates in log order, of one order or of all within ``start``..``end``."""
        where: list[str] = []
        params: list[Any] = []
        for clause, value in (("u.order_id = ?", order_id), ("u.at >= ?", start),
                              ("u.at < ?", end)):
            if value is not None:
                where.append(clause)
                params.append(value)
        text = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.rows(
            f"SELECT {', '.join('u.' + c for c in UPDATE_COLUMNS)}, t.name FROM "
            "{view_service_request_updates} u LEFT JOIN {view_teams} t ON t.id = u.team_id"
            f"{text} ORDER BY u.update_id{page(limit, offset)}", params)
        return [dict(zip((*UPDATE_COLUMNS, "team"), r, strict=True)) for r in rows]


def _where(ids: Sequence[str], service_code: str | None, start: str | None, end: str | None,
           statuses: Sequence[str]) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if ids:
        where.append(f"r.id IN ({', '.join('?' * len(ids))})")
        params += list(ids)
    if statuses:
        where.append(f"r.status IN ({', '.join('?' * len(statuses))})")
        params += list(statuses)
    for clause, value in (("r.service_code = ?", service_code), ("r.requested_at >= ?", start),
                          ("r.requested_at < ?", end)):
        if value is not None:
            where.append(clause)
            params.append(value)
    return (f" WHERE {' AND '.join(where)}" if where else ""), params
