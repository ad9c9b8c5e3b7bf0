"""The stations view: each station's gift counter, for the report's ``stations`` section.

Counters: ``in_stock`` and ``handed_out`` by station name; the ``view_stations`` table names
each station's id (the gift counter's events carry only the station's id).
"""

from __future__ import annotations

from typing import Any

from civicvol.domain.topics import STATION
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View


class StationsView(View):
    name = "stations"
    tables = ("CREATE TABLE IF NOT EXISTS {view_stations} (id TEXT PRIMARY KEY, name TEXT)",)

    def setup(self) -> None:
        self.on(STATION, "Opened", self._opened)
        self.on(STATION, "GiftAdded", self._stocked)
        self.on(STATION, "Restocked", self._stocked)
        self.on(STATION, "HandedOut", self._handed_out)

    def _opened(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        c.execute("INSERT INTO {view_stations} (id, name) VALUES (?, ?)",
                  [str(e.originator_id), e.name])

    def _name(self, c: Cursor, e: Any) -> str:
        row = c.execute("SELECT name FROM {view_stations} WHERE id = ?",
                        [str(e.originator_id)]).one()
        return str(row[0]) if row else str(e.originator_id)

    def _stocked(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        added = e.stock if hasattr(e, "stock") else e.quantity
        counts["in_stock", self._name(c, e)] += added

    def _handed_out(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        name = self._name(c, e)
        counts["in_stock", name] -= 1
        counts["handed_out", name] += 1

    # --- queries -----------------------------------------------------------------------------
    def figures(self) -> list[tuple[str, int, int]]:
        """(station, gifts in stock, gifts handed out) of every station."""
        in_stock = self.db.counters(self.name, "in_stock")
        handed_out = self.db.counters(self.name, "handed_out")
        return [(str(name), in_stock.get(str(name), 0), handed_out.get(str(name), 0))
                for (name,) in self.rows("SELECT name FROM {view_stations}")]
