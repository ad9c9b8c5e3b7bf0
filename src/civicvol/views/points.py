"""The points view: every entry of every account with its state, and each account's balance.

The pending queue is the points auditor's work list. Counters: ``points`` (credited,
approved, pending, rejected, reversed, redeemed, redemptions, expired), as the district
report shows. An expiry is an entry of its own (kind ``expiry``, source ``expiry:<lot>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from civicvol.domain.topics import POINT_ACCOUNT
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View, moment, page

ENTRY_COLUMNS = ("volunteer_id", "entry_id", "kind", "points", "status", "source",
                 "gift", "station", "at", "decided_at", "decided_by", "by", "position")
MOVES = {"Approved": "approved", "Rejected": "rejected", "Reversed": "reversed"}


class PointsView(View):
    name = "points"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_point_entries} (account_id TEXT, volunteer_id TEXT, "
        "entry_id TEXT, kind TEXT, points INTEGER, status TEXT, source TEXT, gift TEXT, "
        "station TEXT, at TEXT, decided_at TEXT, decided_by TEXT, by TEXT, position BIGINT, "
        "PRIMARY KEY (account_id, entry_id))",
        "CREATE INDEX IF NOT EXISTS view_point_entries_status ON {view_point_entries} "
        "(status, position)",
        "CREATE INDEX IF NOT EXISTS view_point_entries_volunteer ON {view_point_entries} "
        "(volunteer_id, position)",
        "CREATE TABLE IF NOT EXISTS {view_point_accounts} (account_id TEXT PRIMARY KEY, "
        "volunteer_id TEXT UNIQUE, balance INTEGER, pending INTEGER, redeemed INTEGER)",
    )

    def setup(self) -> None:
        self.on(POINT_ACCOUNT, "Opened", self._opened)
        self.on(POINT_ACCOUNT, "Credited", self._credited)
        self.on(POINT_ACCOUNT, "Redeemed", self._redeemed)
        self.on(POINT_ACCOUNT, "Expired", self._expired)
        for name in MOVES:
            self.on(POINT_ACCOUNT, name, self._moved)

    def _opened(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        c.defer("INSERT INTO {view_point_accounts} (account_id, volunteer_id, balance, pending, "
                  "redeemed) VALUES (?, ?, 0, 0, 0)", [str(e.originator_id), str(e.volunteer_id)])

    def _entry(self, c: Cursor, e: Any, position: int, kind: str, status: str,
               **extra: Any) -> None:
        row = c.execute("SELECT volunteer_id FROM {view_point_accounts} WHERE account_id = ?",
                        [str(e.originator_id)]).one()
        c.execute("INSERT INTO {view_point_entries} (account_id, volunteer_id, entry_id, kind, "
                  "points, status, source, gift, station, at, by, position) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [str(e.originator_id), row[0] if row else None, e.entry_id, kind, e.points,
                   status, extra.get("source"), extra.get("gift"), extra.get("station"),
                   moment(e), _actor(e), position])

    def _credited(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        status = "approved" if e.approved else "pending"
        self._entry(c, e, position, "credit", status, source=str(e.source))
        column = "balance" if e.approved else "pending"
        c.execute(f"UPDATE {{view_point_accounts}} SET {column} = {column} + ? "
                  "WHERE account_id = ?", [e.points, str(e.originator_id)])
        counts["points", "credited"] += e.points
        counts["points", status] += e.points

    def _redeemed(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        self._entry(c, e, position, "redemption", "approved", source=f"redemption:{e.entry_id}",
                    gift=e.gift, station=e.station)
        c.execute("UPDATE {view_point_accounts} SET balance = balance - ?, redeemed = redeemed + ? "
                  "WHERE account_id = ?", [e.points, e.points, str(e.originator_id)])
        counts["points", "redeemed"] += e.points
        counts["points", "redemptions"] += 1

    def _expired(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        account = str(e.originator_id)
        self._entry(c, e, position, "expiry", "approved", source=f"expiry:{e.lot}")
        c.execute("UPDATE {view_point_accounts} SET balance = balance - ? WHERE account_id = ?",
                  [e.points, account])
        counts["points", "expired"] += e.points

    def _moved(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        account = str(e.originator_id)
        row = c.execute("SELECT points, status FROM {view_point_entries} WHERE account_id = ? "
                        "AND entry_id = ?", [account, e.entry_id]).one()
        if row is None:
            return
        points, old = int(row[0]), str(row[1])
        new = MOVES[type(e).__name__]
        c.execute("UPDATE {view_point_entries} SET status = ?, decided_at = ?, decided_by = ? "
                  "WHERE account_id = ? AND entry_id = ?",
                  [new, moment(e), _actor(e), account, e.entry_id])
        balance = (points if new == "approved" else 0) - (points if old == "approved" else 0)
        pending = -points if old == "pending" else 0
        c.execute("UPDATE {view_point_accounts} SET balance = balance + ?, pending = pending + ? "
                  "WHERE account_id = ?", [balance, pending, account])
        counts["points", old] -= points
        counts["points", new] += points

    # --- queries -----------------------------------------------------------------------------
    def account(self, volunteer_id: str) -> dict[str, Any]:
        rows = self.rows("SELECT balance, pending, redeemed FROM {view_point_accounts} "
                         "WHERE volunteer_id = ?", [volunteer_id])
        balance, pending, redeemed = rows[0] if rows else (0, 0, 0)
        return {"volunteer_id": volunteer_id, "balance": int(balance), "pending": int(pending),
                "redeemed": int(redeemed)}

    def accounts(self, volunteer_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        if not volunteer_ids:
            return {}
        marks = ", ".join("?" * len(volunteer_ids))
        rows = self.rows("SELECT volunteer_id, balance, pending FROM {view_point_accounts} "
                         f"WHERE volunteer_id IN ({marks})", list(volunteer_ids))
        return {str(v): {"balance": int(b), "pending": int(p)} for v, b, p in rows}

    def volunteer_ids(self) -> list[str]:
        """Every volunteer with a point account (for the expiry run)."""
        return [str(r[0]) for r in self.rows(
            "SELECT volunteer_id FROM {view_point_accounts} ORDER BY volunteer_id")]

    def entries(self, volunteer_id: str) -> list[dict[str, Any]]:
        return self._entries("WHERE volunteer_id = ? ORDER BY position", [volunteer_id])

    def every_account(self) -> dict[str, dict[str, int]]:
        """Every account's balance, pending and redeemed points, by volunteer (exports)."""
        rows = self.rows("SELECT volunteer_id, balance, pending, redeemed FROM "
                         "{view_point_accounts}")
        return {str(v): {"balance": int(b), "pending": int(p), "redeemed": int(r)}
                for v, b, p, r in rows}

    def every_entry(self) -> list[dict[str, Any]]:
        """Every entry of every account, in log order (exports)."""
        return self._entries("ORDER BY position", [])

    def pending(self, *, community: str | None = None, team: str | None = None,
                limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """The points auditor's queue: credits waiting for the audit, oldest first."""
        where, params = ["status = 'pending'"], []
        if community is not None:
            where.append("volunteer_id IN (SELECT id FROM {view_volunteers} WHERE community = ?)")
            params.append(community)
        if team is not None:
            where.append("volunteer_id IN (SELECT volunteer_id FROM {view_memberships} WHERE "
                         "team_id = ? AND active = 1)")
            params.append(team)
        return self._entries(f"WHERE {' AND '.join(where)} ORDER BY position"
                             f"{page(limit, offset)}", params)

    def _entries(self, clause: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        rows = self.rows(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM {{view_point_entries}} "
                         f"{clause}", params)
        return [dict(zip(ENTRY_COLUMNS, r, strict=True)) for r in rows]


def _actor(e: Any) -> str:
    by = getattr(e, "by", None)
    return f"{by.role}:{by.id}" if by is not None else ""
