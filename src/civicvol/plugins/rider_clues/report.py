"""The riders' report section, folded from the events: the clues' own events, and the core
point accounts' credits for clues and redemptions at the riders' station."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.report import EventFold, event_topic, originator
from civicvol.domain.point_account import PointAccount
from civicvol.plugins.rider_clues.categories import DEFAULT_STATION, ClueCategories
from civicvol.plugins.rider_clues.clue import Clue

Decode = Callable[[], Any]


class RiderCluesFigures(EventFold):
    """Every clue's state and the points they earned, one event at a time."""

    name = "rider-clues"

    def __init__(self, categories: ClueCategories | None = None,
                 station: str = DEFAULT_STATION) -> None:
        super().__init__()
        self.categories = categories or ClueCategories()
        self.station = station
        self.clues: dict[UUID, dict[str, Any]] = {}
        self.clue_credits: dict[tuple[UUID, str], tuple[int, str]] = {}
        self.redemptions = 0
        self.points_redeemed = 0
        self.handlers.update({
            event_topic(Clue, "Reported"): self._reported,
            event_topic(Clue, "Judged"): self._judged,
            event_topic(Clue, "Handled"): self._step("handled"),
            event_topic(Clue, "FedBack"): self._step("fed-back"),
            event_topic(PointAccount, "Credited"): self._credited,
            event_topic(PointAccount, "Redeemed"): self._redeemed,
        })
        for name in ("Approved", "Rejected", "Reversed"):
            self.handlers[event_topic(PointAccount, name)] = self._credit_moved

    @property
    def clue_topics(self) -> list[str]:
        """The clues' own events: enough to list them."""
        return [event_topic(Clue, name) for name in ("Reported", "Judged", "Handled", "FedBack")]

    # --- handlers ----------------------------------------------------------------------------
    def _reported(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.clues[originator(n)] = {
            "id": str(e.originator_id), "rider": str(e.rider_id), "category": e.category,
            "place": e.place, "seen_at": e.seen_at.isoformat(), "status": "reported",
            "verdict": None, "duplicate_of": None, "reported_on": e.timestamp.isoformat(),
        }

    def _judged(self, n: Notification, decode: Decode) -> None:
        e = decode()
        clue = self.clues[originator(n)]
        clue["status"], clue["verdict"] = "judged", str(e.verdict)
        clue["duplicate_of"] = str(e.duplicate_of) if e.duplicate_of else None

    def _step(self, status: str) -> Callable[[Notification, Decode], None]:
        def handle(n: Notification, _: Decode) -> None:
            self.clues[originator(n)]["status"] = status
        return handle

    def _credited(self, n: Notification, decode: Decode) -> None:
        e = decode()
        if e.source.kind == "clue":
            status = "approved" if e.approved else "pending"
            self.clue_credits[(originator(n), e.entry_id)] = (e.points, status)

    def _credit_moved(self, n: Notification, decode: Decode) -> None:
        key = (originator(n), decode().entry_id)
        if key in self.clue_credits:
            status = {"Approved": "approved", "Rejected": "rejected"}.get(
                n.topic.rsplit(".", 1)[-1], "reversed")
            self.clue_credits[key] = (self.clue_credits[key][0], status)

    def _redeemed(self, n: Notification, decode: Decode) -> None:
        e = decode()
        if e.station == self.station:
            self.redemptions += 1
            self.points_redeemed += e.points

    # --- the figures -------------------------------------------------------------------------
    def label(self, category: str) -> str:
        return self.categories.labels.get(category, category)

    def as_dict(self) -> dict[str, Any]:
        clues = list(self.clues.values())
        verdicts = Counter(c["verdict"] or "awaiting triage" for c in clues)
        credits = Counter[str]()
        for points, status in self.clue_credits.values():
            credits[status] += points
        return {
            "riders_taking_part": len({c["rider"] for c in clues}),
            "clues_reported": len(clues),
            "by_category": dict(Counter(self.label(c["category"]) for c in clues)
                                .most_common()),
            "by_verdict": _in_verdict_order(verdicts),
            "by_category_and_verdict": {
                self.label(category): _in_verdict_order(Counter(
                    c["verdict"] or "awaiting triage" for c in clues if c["category"] == category))
                for category in dict(Counter(c["category"] for c in clues).most_common())},
            "valid_clues": verdicts["valid"],
            "handled": sum(1 for c in clues if c["status"] in ("handled", "fed-back")
                           and c["verdict"] == "valid"),
            "fed_back": sum(1 for c in clues if c["status"] == "fed-back"),
            "points_credited": sum(p for p, _ in self.clue_credits.values()),
            "points_approved": credits["approved"],
            "points_pending": credits["pending"],
            "redemptions": self.redemptions,
            "points_redeemed": self.points_redeemed,
            "station": self.station,
        }


def _in_verdict_order(counts: Counter[str]) -> dict[str, int]:
    return {v: counts[v] for v in ("valid", "invalid", "duplicate", "awaiting triage")
            if counts[v]}

