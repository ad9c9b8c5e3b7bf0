"""civicvol thank-you-cards ...: thin adapters over the plug-in's service."""

from __future__ import annotations

import click
from civicvol.cli.context import created, print_json, session

from civicvol_thanks.service import ThankYouCards


@click.group("thank-you-cards")
def thank_you_cards() -> None:
    """Thank-you cards from residents to the volunteers who served them."""


@thank_you_cards.command("send")
@click.argument("order_id")
@click.option("--message", required=True, help="What the resident writes (1-200 characters).")
def send(order_id: str, message: str) -> None:
    """Thank the volunteer of ORDER_ID (as its requester: --as resident:ID)."""
    s = session()
    created("thank-you card", s.app.plugin("thank-you-cards", ThankYouCards)
            .send(s.actor, order_id, message))


@thank_you_cards.command("show")
@click.argument("order_id")
def show(order_id: str) -> None:
    """The card sent for ORDER_ID, as JSON."""
    card = session().app.plugin("thank-you-cards", ThankYouCards).card(order_id)
    print_json({"order_id": str(card.order_id), "volunteer_id": str(card.volunteer_id),
                "message": card.message, "sent_on": card.created_on.isoformat()})
