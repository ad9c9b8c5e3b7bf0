"""The "thank_you_cards" section of civicvol report, folded from the events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from civicvol.app.report import event_topic
from eventsourcing.persistence import Notification

from civicvol_thanks.card import ThankYouCard

SENT = event_topic(ThankYouCard, "Sent")


class CardFigures:
    name = "thank_you_cards"

    def __init__(self) -> None:
        self.cards = 0
        self.thanked: set[UUID] = set()

    def fold(self, notification: Notification, decode: Callable[[], Any]) -> None:
        if notification.topic == SENT:
            self.cards += 1
            self.thanked.add(decode().volunteer_id)

    def as_dict(self) -> dict[str, Any]:
        return {"cards": self.cards, "volunteers_thanked": len(self.thanked)}
