"""兑换码: the one-time code a volunteer takes from their own account to redeem a gift.

The volunteer is present at the counter: they ask for a code bound to one gift at one station
for its price, and show it to the keeper, who redeems it. A keeper alone cannot spend anyone's
points. A code lives a few minutes (:data:`CODE_LIFETIME`) and is used once; its id is derived
from the code, so the keeper needs nothing but the code, and two keepers redeeming one code
at once conflict on its events.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import CodeNotUsable
from civicvol.domain.values import Actor
from civicvol.i18n import _

CODE_LIFETIME = timedelta(minutes=15)
# No 0/O, 1/I/L: a code is read aloud or typed from a phone's screen.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31^10 codes: guessing one from the stored ids (a uuid5 of the code) within its lifetime
# takes far more than a database reader's GPU has; a keeper still types it in a few seconds.
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str) -> str:
    return str(text).strip().upper().replace("-", "").replace(" ", "")


def code_id(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:redemption-code:{normal_code(code)}")


class RedemptionCode(CivicAggregate):
    @staticmethod
    def create_id(key: UUID, volunteer_id: UUID, station_id: UUID, station: str, gift: str,
                  points: int, expires_at: datetime, by: Actor) -> UUID:
        return key

    @event("Issued")
    def __init__(self, key: UUID, volunteer_id: UUID, station_id: UUID, station: str,
                 gift: str, points: int, expires_at: datetime, by: Actor) -> None:
        # Only the code's id (``key``, derived from the code) is stored, never the code.
        self.volunteer_id = volunteer_id
        self.station_id = station_id
        self.station = station
        self.gift = gift
        self.points = points
        self.expires_at = expires_at
        self.used = False

    @classmethod
    def issue(cls, volunteer_id: UUID, station_id: UUID, station: str, gift: str, points: int,
              now: datetime, by: Actor) -> tuple[str, RedemptionCode]:
        code = new_code()
        return code, cls(key=code_id(code), volunteer_id=volunteer_id, station_id=station_id,
                         station=station, gift=gift, points=points,
                         expires_at=now + CODE_LIFETIME, by=by)

    def check_usable(self, station_id: UUID, now: datetime) -> None:
        if self.used:
            raise CodeNotUsable(_("this redemption code was used already; the volunteer "
                                  "asks for a new one")).hinted(
                                      _("the volunteer takes one with 'civicvol points code'"))
        if now >= self.expires_at:
            raise CodeNotUsable(_("this redemption code has expired (codes last {minutes} "
                                  "minutes); the volunteer asks for a new one").format(
                minutes=int(CODE_LIFETIME.total_seconds() // 60))).hinted(
                    _("the volunteer takes one with 'civicvol points code'"))
        if station_id != self.station_id:
            raise CodeNotUsable(_("this redemption code is for station {station}; redeem "
                                  "it there, or the volunteer asks for a code for this "
                                  "station").format(station=self.station))

    def use(self, by: Actor) -> None:
        self._use(by)

    @event("Used")
    def _use(self, by: Actor) -> None:
        self.used = True
