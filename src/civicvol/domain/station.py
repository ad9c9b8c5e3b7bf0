"""新时代文明实践站 / 蜂享驿站: a station's gift counter, a catalogue of gifts with a price in
points and a stock.

A station is named once in the district: its id comes from its name, so a keeper, a plug-in
or a code names it by name. A gift handed out takes one from the stock; the station's own
event makes two redemptions of the last gift conflict, so the stock never goes below zero.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import GiftExists, GiftNotFound, InvalidInput, OutOfStock
from civicvol.domain.values import Actor, check_name, check_points
from civicvol.i18n import N_, _

MAX_STOCK = 100_000


@attrs.frozen
class Gift:
    name: str
    price: int
    stock: int


class Station(CivicAggregate):
    @staticmethod
    def create_id(name: str, community: str, by: Actor) -> UUID:
        return station_id(name)

    @classmethod
    def open(cls, name: str, community: str, by: Actor) -> Station:
        return cls(name=check_name(name, "station"),
                   community=check_name(community, N_("station's community")), by=by)

    @event("Opened")
    def __init__(self, name: str, community: str, by: Actor) -> None:
        self.name = name
        self.community = community
        self.gifts: dict[str, Gift] = {}
        self.handed_out = 0

    # --- checks ------------------------------------------------------------------------------
    def check_gift(self, gift: str) -> Gift:
        try:
            return self.gifts[gift.strip() if isinstance(gift, str) else gift]
        except (KeyError, TypeError):
            known = ", ".join(self.gifts) or _("none yet")
            raise GiftNotFound(
                _("station {station} has no gift {gift!r} in its catalogue (gifts: {known}); "
                  "choose one of them").format(
                    station=self.name, gift=gift, known=known)).hinted(
                    _("'civicvol station catalogue' shows them")) from None

    def check_in_stock(self, gift: str) -> Gift:
        found = self.check_gift(gift)
        if found.stock <= 0:
            raise OutOfStock(_("station {station} has no {gift} left; choose another gift, "
                               "or ask the station to restock it").format(
                station=self.name, gift=found.name))
        return found

    # --- commands ----------------------------------------------------------------------------
    def add_gift(self, gift: str, price: int, stock: int, by: Actor) -> None:
        name = check_name(gift, "gift")
        if name in self.gifts:
            raise GiftExists(_("station {station} has {gift} in its catalogue already; "
                               "restock it instead").format(
                station=self.name, gift=name)).hinted(
                    _("'civicvol station restock' restocks it"))
        self._add_gift(name, check_points(price, "a gift's price in points"),
                       check_stock(stock, allow_zero=True), by)

    @event("GiftAdded")
    def _add_gift(self, gift: str, price: int, stock: int, by: Actor) -> None:
        self.gifts[gift] = Gift(gift, price, stock)

    def restock(self, gift: str, quantity: int, by: Actor) -> None:
        found = self.check_gift(gift)
        quantity = check_stock(quantity)
        if found.stock + quantity > MAX_STOCK:
            raise InvalidInput(_("{stock} + {quantity} {gift} is more than a station keeps; "
                                 "give at most {most}").format(
                stock=found.stock, quantity=quantity, gift=found.name,
                most=MAX_STOCK - found.stock))
        self._restock(found.name, quantity, by)

    @event("Restocked")
    def _restock(self, gift: str, quantity: int, by: Actor) -> None:
        found = self.gifts[gift]
        self.gifts[gift] = attrs.evolve(found, stock=found.stock + quantity)

    def hand_out(self, gift: str, volunteer_id: UUID, code_id: UUID, by: Actor) -> Gift:
        found = self.check_in_stock(gift)
        self._hand_out(found.name, found.price, volunteer_id, code_id, by)
        return found

    @event("HandedOut")
    def _hand_out(self, gift: str, points: int, volunteer_id: UUID, code_id: UUID,
                  by: Actor) -> None:
        found = self.gifts[gift]
        self.gifts[gift] = attrs.evolve(found, stock=found.stock - 1)
        self.handed_out += 1


def check_stock(value: int, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise InvalidInput(_("a quantity of gifts must be a whole number {low} or more, "
                             "not {value!r}").format(low=low, value=value))
    if value > MAX_STOCK:
        raise InvalidInput(_("{value} gifts is more than a station keeps; give at most "
                             "{most}").format(value=value, most=MAX_STOCK))
    return value


def station_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:station:{name.strip()}")
