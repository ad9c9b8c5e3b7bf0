"""The safety patrol's report section and overdue list, folded from the events.

"As of" a day (the district's day, in Asia/Shanghai), the fold ignores events stamped after
that day and counts a hazard overdue if its deadline is before that day and no re-inspection
closed it by then. Without a day it is the clock's day when the section is made: today, or
the day a report "as of" sets the clock to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.report import EventFold, event_topic, originator
from civicvol.plugins.safety_patrol.drill import Drill, DrillKind
from civicvol.plugins.safety_patrol.hazard import Hazard, district_day, today
from civicvol.plugins.safety_patrol.inspection import Inspection
from civicvol.plugins.safety_patrol.lecture import Lecture

Decode = Callable[[], Any]


class SafetyPatrolFigures(EventFold):
    name = "safety-patrol"

    def __init__(self, as_of: date | None = None) -> None:
        super().__init__()
        self.as_of = as_of
        self.day = as_of or today()
        self.inspections = 0
        self.lectures = 0
        self.drills = Counter[str]()
        self.reinspections = 0
        self.hazards: dict[UUID, dict[str, Any]] = {}
        # Each handler is given the decoded event (the fold decodes it to read its day).
        self.handlers.update({
            event_topic(Inspection, "Recorded"): self._inspected,
            event_topic(Hazard, "Found"): self._found,
            event_topic(Hazard, "Closed"): self._reinspected,
            event_topic(Hazard, "StillOpen"): self._reinspected,
            event_topic(Lecture, "Held"): self._lecture,
            event_topic(Drill, "Held"): self._drill,
        })

    @property
    def hazard_topics(self) -> list[str]:
        """The hazards' own events: enough for the overdue list."""
        return [event_topic(Hazard, name) for name in ("Found", "Closed", "StillOpen")]

    def fold(self, notification: Notification, decode: Decode) -> None:
        handler = self.handlers.get(notification.topic)
        if handler is None:
            return
        event = decode()
        if self.as_of is not None and district_day(event.timestamp) > self.as_of:
            return
        handler(notification, event)

    # --- handlers ----------------------------------------------------------------------------
    def _inspected(self, n: Notification, e: Any) -> None:
        self.inspections += 1

    def _found(self, n: Notification, e: Any) -> None:
        self.hazards[originator(n)] = {
            "id": str(e.originator_id), "inspection": str(e.inspection_id), "place": e.place,
            "description": e.description, "found_on": district_day(e.timestamp),
            "fixed_on_spot": e.fixed_on_spot,
            "deadline": date.fromisoformat(e.deadline) if e.deadline else None,
            "closed_on": district_day(e.timestamp) if e.fixed_on_spot else None,
            "reinspections": 0,
        }

    def _reinspected(self, n: Notification, e: Any) -> None:
        self.reinspections += 1
        hazard = self.hazards[originator(n)]
        hazard["reinspections"] += 1
        if n.topic.endswith(".Closed"):
            hazard["closed_on"] = date.fromisoformat(e.closed_on)

    def _lecture(self, n: Notification, e: Any) -> None:
        self.lectures += 1

    def _drill(self, n: Notification, e: Any) -> None:
        self.drills[str(e.kind)] += 1

    # --- the figures -------------------------------------------------------------------------
    def overdue(self) -> list[dict[str, Any]]:
        """Open deadline hazards whose deadline passed before the day, oldest first."""
        day = self.day
        rows = [
            {**h, "found_on": h["found_on"].isoformat(), "deadline": h["deadline"].isoformat(),
             "days_overdue": (day - h["deadline"]).days}
            for h in self.hazards.values()
            if h["deadline"] is not None and h["closed_on"] is None and day > h["deadline"]
        ]
        return sorted(rows, key=lambda r: (r["deadline"], r["id"]))

    def as_dict(self) -> dict[str, Any]:
        hazards = list(self.hazards.values())
        with_deadline = [h for h in hazards if not h["fixed_on_spot"]]
        return {
            "as_of": self.day.isoformat(),
            "inspections": self.inspections,
            "hazards_found": len(hazards),
            "fixed_on_spot": len(hazards) - len(with_deadline),
            "with_deadline": len(with_deadline),
            "closed": sum(1 for h in with_deadline if h["closed_on"] is not None),
            "open": sum(1 for h in with_deadline if h["closed_on"] is None),
            "overdue": len(self.overdue()),
            "reinspections": self.reinspections,
            "lectures": self.lectures,
            "drills": {kind.value: self.drills[kind.value] for kind in DrillKind
                       if kind is not DrillKind.DISASTER_MEDICINE},
            "disaster_medicine_trainings": self.drills[DrillKind.DISASTER_MEDICINE.value],
        }

