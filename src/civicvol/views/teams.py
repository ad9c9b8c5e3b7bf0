"""The teams view: every team with its kind, parent, community and leaders.

Counters: ``kind`` (teams not dissolved, by kind) and ``dissolved``. A team's members are in
the memberships view.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from civicvol.domain.topics import TEAM
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View, moment, page

COLUMNS = ("id", "name", "kind", "parent_id", "community", "leaders", "dissolved", "created_at")


Rows = list[dict[str, Any]]


class TeamsView(View):
    name = "teams"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_teams} (id TEXT PRIMARY KEY, name TEXT, kind TEXT, "
        "parent_id TEXT, community TEXT, leaders TEXT, dissolved INTEGER, created_at TEXT, "
        "position BIGINT)",
        "CREATE INDEX IF NOT EXISTS view_teams_community ON {view_teams} (community)",
    )

    def setup(self) -> None:
        self.on(TEAM, "Created", self._created)
        self.on(TEAM, "LeaderAppointed", self._leaders)
        self.on(TEAM, "LeaderStoodDown", self._leaders)
        self.on(TEAM, "Dissolved", self._dissolved)

    def _created(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        kind = str(getattr(e.kind, "value", e.kind))
        c.execute("INSERT INTO {view_teams} (id, name, kind, parent_id, community, leaders, "
                  "dissolved, created_at, position) VALUES (?, ?, ?, ?, ?, '[]', 0, ?, ?)",
                  [str(e.originator_id), e.name, kind,
                   str(e.parent_id) if e.parent_id else None, e.community, moment(e), position])
        counts["kind", kind] += 1

    def _leaders(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        tid = str(e.originator_id)
        row = c.execute("SELECT leaders FROM {view_teams} WHERE id = ?", [tid]).one()
        leaders = json.loads(row[0]) if row else []
        vid = str(e.volunteer_id)
        if type(e).__name__ == "LeaderAppointed":
            leaders = [*leaders, vid] if vid not in leaders else leaders
        else:
            leaders = [v for v in leaders if v != vid]
        c.execute("UPDATE {view_teams} SET leaders = ? WHERE id = ?", [json.dumps(leaders), tid])

    def _dissolved(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        tid = str(e.originator_id)
        row = c.execute("SELECT kind FROM {view_teams} WHERE id = ?", [tid]).one()
        c.execute("UPDATE {view_teams} SET dissolved = 1 WHERE id = ?", [tid])
        if row is not None:
            counts["kind", str(row[0])] -= 1
        counts["dissolved", "all"] += 1

    # --- queries -----------------------------------------------------------------------------
    def get(self, team_id: str, *, fresh: bool = True) -> dict[str, Any] | None:
        found = self._teams("WHERE id = ?", [team_id], fresh=fresh)
        return found[0] if found else None

    def list(self, *, kind: str | None = None, community: str | None = None,
             parent: str | None = None, include_dissolved: bool = True,
             limit: int | None = None, offset: int = 0) -> Rows:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("kind", kind), ("community", community), ("parent_id", parent)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if not include_dissolved:
            where.append("dissolved = 0")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self._teams(f"{clause} ORDER BY position{page(limit, offset)}", params)

    def first_of(self, team_ids: Sequence[str]) -> dict[str, Any] | None:
        """Of these teams, the one created first (without catching up: for the report)."""
        if not team_ids:
            return None
        found = self._teams(f"WHERE id IN ({', '.join('?' * len(team_ids))}) ORDER BY "
                            "position LIMIT 1", list(team_ids), fresh=False)
        return found[0] if found else None

    def communities(self, *, fresh: bool = True) -> int:
        rows = self.rows("SELECT COUNT(DISTINCT community) FROM {view_teams} "
                         "WHERE community <> ''", fresh=fresh)
        return int(rows[0][0])

    def _teams(self, clause: str, params: Sequence[Any], *, fresh: bool = True) -> Rows:
        rows = self.rows(f"SELECT {', '.join(COLUMNS)} FROM {{view_teams}} {clause}", params,
                         fresh=fresh)
        members = self.db.counters("memberships", "serving")
        teams = []
        for row in rows:
            t = dict(zip(COLUMNS, row, strict=True))
            t["leaders"] = json.loads(t["leaders"])
            t["dissolved"] = bool(t["dissolved"])
            t["members"] = members.get(t["id"], 0)
            teams.append(t)
        return teams
