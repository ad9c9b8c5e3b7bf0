"""The plug-in's application service: what residents and everyone else can do with cards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol, parse_id
from civicvol.app.authorization import authorize
from civicvol.domain.values import Actor, Source

from civicvol_thanks.card import ThankYouCard, check_message, thank_you_card_id
from civicvol_thanks.errors import CardAlreadySent, CardNotFound, OrderNotServed

SEND = "thanks.send"
SERVED = ("completed", "rated")


class ThankYouCards:
    def __init__(self, app: CivicVol, settings: Mapping[str, Any]) -> None:
        self.app = app
        self.points_per_card: int = settings["points_per_card"]

    def send(self, actor: Actor, order_id: UUID | str, message: str) -> UUID:
        """The order's requester thanks its volunteer; the card and the volunteer's points
        are stored in one transaction."""
        authorize(actor, SEND)
        order = self.app.order(order_id)
        order.check_is_requester(actor.id)
        if order.status.value not in SERVED or order.volunteer_id is None:
            raise OrderNotServed(f"order {order.id} is {order.status.value}; thank its "
                                 "volunteer once the order is completed")
        if self.app.find(ThankYouCard, thank_you_card_id(order.id)) is not None:
            raise CardAlreadySent(f"a card for order {order.id} was already sent; see it "
                                  "with 'civicvol thank-you-cards show'")
        card = ThankYouCard(order.id, order.volunteer_id, check_message(message), by=actor)
        # A points_per_card of 0 sends the card and credits nothing (a credit of 0 is refused).
        credits = [(order.volunteer_id, self.points_per_card)] if self.points_per_card else []
        self.app.credit_many(actor, credits, Source("thank-you-card", str(card.id)),
                             with_aggregates=[card])
        return card.id

    def card(self, order_id: UUID | str) -> ThankYouCard:
        ident = parse_id(order_id, "order")
        card = self.app.find(ThankYouCard, thank_you_card_id(ident))
        if card is None:
            raise CardNotFound(f"no thank-you card for order {ident}; its requester sends "
                               "one with 'civicvol thank-you-cards send'")
        return card
