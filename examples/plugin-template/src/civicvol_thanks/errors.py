"""What can go wrong with a thank-you card, each error saying what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import InvalidInput, NotFound, RuleViolation


class CardAlreadySent(RuleViolation):
    pass


class OrderNotServed(RuleViolation):
    """Only a completed (or rated) order's volunteer can be thanked."""


class InvalidMessage(InvalidInput):
    pass


class CardNotFound(NotFound):
    pass
