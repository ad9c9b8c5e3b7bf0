"""The memberships view: the roster of every team. A member serves while their membership is
active and they have not left the service. Counters: ``serving`` (members serving, by team)."""

from __future__ import annotations

from typing import Any

from civicvol.domain.topics import MEMBERSHIP, VOLUNTEER
from civicvol.views.database import COUNTERS, Cursor
from civicvol.views.view import Counts, View, moment, page


class MembershipsView(View):
    name = "memberships"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_memberships} (id TEXT PRIMARY KEY, team_id TEXT, "
        "volunteer_id TEXT, active INTEGER, joined_at TEXT, left_at TEXT, orders_taken INTEGER, "
        "position BIGINT)",
        "CREATE INDEX IF NOT EXISTS view_memberships_team ON {view_memberships} "
        "(team_id, active, position)",
        "CREATE INDEX IF NOT EXISTS view_memberships_volunteer ON {view_memberships} "
        "(volunteer_id, active)",
        "CREATE TABLE IF NOT EXISTS {view_departed} (volunteer_id TEXT PRIMARY KEY)",
    )

    def setup(self) -> None:
        self.on(MEMBERSHIP, "Joined", self._joined)
        self.on(MEMBERSHIP, "Rejoined", self._rejoined)
        self.on(MEMBERSHIP, "Left", self._left)
        self.on(MEMBERSHIP, "OrderTaken", self._order_taken)
        self.on(VOLUNTEER, "Left", self._volunteer_left)

    def begin(self, c: Cursor) -> None:
        # Few volunteers leave the service: their ids are looked up at every join.
        self.departed = {str(v) for (v,) in c.execute(
            "SELECT volunteer_id FROM {view_departed}").all()}

    def _joined(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        serving = str(e.volunteer_id) not in self.departed
        c.defer("INSERT INTO {view_memberships} (id, team_id, volunteer_id, active, joined_at, "
                  "orders_taken, position) VALUES (?, ?, ?, ?, ?, 0, ?)",
                  [str(e.originator_id), str(e.team_id), str(e.volunteer_id), int(serving),
                   moment(e), position])
        counts["serving", str(e.team_id)] += int(serving)

    def _rejoined(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        row = c.execute("SELECT team_id, volunteer_id FROM {view_memberships} WHERE id = ?",
                        [str(e.originator_id)]).one()
        if row is None or str(row[1]) in self.departed:
            return
        c.execute("UPDATE {view_memberships} SET active = 1, joined_at = ?, left_at = NULL "
                  "WHERE id = ?", [moment(e), str(e.originator_id)])
        counts["serving", str(row[0])] += 1

    def _left(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        row = c.execute("SELECT team_id, active FROM {view_memberships} WHERE id = ?",
                        [str(e.originator_id)]).one()
        c.execute("UPDATE {view_memberships} SET active = 0, left_at = ? WHERE id = ?",
                  [moment(e), str(e.originator_id)])
        if row is not None and row[1]:
            counts["serving", str(row[0])] -= 1

    def _order_taken(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        c.execute("UPDATE {view_memberships} SET orders_taken = orders_taken + 1 WHERE id = ?",
                  [str(e.originator_id)])

    def _volunteer_left(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        """A volunteer who leaves the service stops serving in every team."""
        vid = str(e.originator_id)
        self.departed.add(vid)
        c.execute("INSERT INTO {view_departed} (volunteer_id) VALUES (?) ON CONFLICT DO NOTHING",
                  [vid])
        for (team_id,) in c.execute("SELECT team_id FROM {view_memberships} WHERE "
                                    "volunteer_id = ? AND active = 1", [vid]).all():
            counts["serving", str(team_id)] -= 1
        c.execute("UPDATE {view_memberships} SET active = 0, left_at = ? WHERE volunteer_id = ? "
                  "AND active = 1", [moment(e), vid])

    # --- queries -----------------------------------------------------------------------------
    def serving(self) -> dict[str, int]:
        """Members serving, by team id."""
        return self.counters("serving")

    def serving_in(self, team_id: str) -> int:
        """Members serving in one team: one counter, whatever the district's size."""
        rows = self.rows(f"SELECT n FROM {{{COUNTERS}}} WHERE view = ? AND name = 'serving' "
                         "AND key = ?", [self.name, team_id])
        return int(rows[0][0]) if rows else 0

    def members(self, team_id: str, *, include_past: bool = False, limit: int | None = None,
                offset: int = 0) -> list[dict[str, Any]]:
        """A team's roster, in the order they joined."""
        active = "" if include_past else " AND active = 1"
        rows = self.rows("SELECT volunteer_id, active, joined_at, left_at, orders_taken FROM "
                         f"{{view_memberships}} WHERE team_id = ?{active} ORDER BY position"
                         f"{page(limit, offset)}", [team_id])
        return [{"volunteer_id": v, "active": bool(a), "joined_at": j, "left_at": lf,
                 "orders_taken": int(n)} for v, a, j, lf, n in rows]

    def teams_of(self, volunteer_id: str, *, include_past: bool = False) -> list[str]:
        active = "" if include_past else " AND active = 1"
        rows = self.rows("SELECT team_id FROM {view_memberships} WHERE volunteer_id = ?"
                         f"{active} ORDER BY position", [volunteer_id])
        return [str(r[0]) for r in rows]
