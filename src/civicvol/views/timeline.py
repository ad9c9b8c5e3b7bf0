"""The timeline view: how many orders reached each stage on each district day, by channel,
for charts and for the funnel of any period. Counters only: ``day`` ("YYYY-MM-DD|stage|channel").
"""

from __future__ import annotations

from typing import Any

from civicvol.domain.topics import SERVICE_ORDER
from civicvol.views.database import Cursor
from civicvol.views.view import Counts, View, day

STAGE = {"Placed": "placed", "Dispatched": "dispatched", "Accepted": "accepted",
         "Completed": "completed", "Rated": "rated", "Declined": "declined",
         "Cancelled": "cancelled",
         # an activity closed with its attendance is completed; a pool's claim dispatches it
         "Closed": "completed", "Claimed": "dispatched"}


class TimelineView(View):
    name = "timeline"
    tables = ("CREATE TABLE IF NOT EXISTS {view_order_channels} (id TEXT PRIMARY KEY, "
              "channel TEXT)",)

    def setup(self) -> None:
        for name in STAGE:
            self.on(SERVICE_ORDER, name, self._stage)

    def _stage(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        oid = str(e.originator_id)
        kind = type(e).__name__
        if kind == "Placed":
            channel = str(e.channel)
            c.defer("INSERT INTO {view_order_channels} (id, channel) VALUES (?, ?)",
                    [oid, channel])
        else:
            row = c.execute("SELECT channel FROM {view_order_channels} WHERE id = ?",
                            [oid]).one()
            channel = str(row[0]) if row else ""
        counts["day", f"{day(e)}|{STAGE[kind]}|{channel}"] += 1

    # --- queries -----------------------------------------------------------------------------
    def days(self, since: str | None = None, until: str | None = None,
             channel: str | None = None) -> list[dict[str, Any]]:
        """One row a day: the events of each stage that day (a re-dispatch counts again)."""
        by_day: dict[str, dict[str, Any]] = {}
        for key, n in sorted(self.counters("day").items()):
            d, stage, ch = key.split("|")
            if (since and d < since) or (until and d > until) or (channel and ch != channel):
                continue
            row = by_day.setdefault(d, {"day": d, **{s: 0 for s in STAGE.values()}})
            row[stage] += n
        return list(by_day.values())
