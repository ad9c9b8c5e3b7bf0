"""A thank-you card: one per service order, from its requester to its volunteer."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor
from eventsourcing.domain import event

from civicvol_thanks.errors import InvalidMessage

MAX_MESSAGE = 200


class ThankYouCard(CivicAggregate):
    @staticmethod
    def create_id(order_id: UUID) -> UUID:
        return thank_you_card_id(order_id)

    @event("Sent")
    def __init__(self, order_id: UUID, volunteer_id: UUID, message: str, by: Actor) -> None:
        self.order_id = order_id
        self.volunteer_id = volunteer_id
        self.message = message


def thank_you_card_id(order_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol-thanks:card:{order_id}")


def check_message(message: str) -> str:
    message = message.strip()
    if not message or len(message) > MAX_MESSAGE:
        raise InvalidMessage(f"a card's message has 1 to {MAX_MESSAGE} characters; "
                             f"this one has {len(message)}")
    return message
