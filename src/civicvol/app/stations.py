"""The gift counter and expiring points: the commands of stations, redemption codes and the
points' validity, mixed into :class:`~civicvol.app.application.CivicVol`.

Redeeming at a station takes two people: the volunteer asks for a one-time code from their
own account (:meth:`StationCommands.issue_redemption_code`), the station keeper redeems it
(:meth:`StationCommands.redeem_code`). The redemption saves the station (its stock), the
account and the code in one transaction, so the last gift in stock goes to one volunteer
only, and a code is spent once. Every command that spends points first expires the lots
whose validity has ended, in the same transaction: no point is spent after it expired.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, cast
from uuid import UUID

from civicvol.app.authorization import authorize, grant
from civicvol.app.boundary import checked
from civicvol.domain import clock
from civicvol.domain.errors import (
    InvalidInput,
    PermissionDenied,
    RedemptionCodeNotFound,
    StationExists,
    StationNotFound,
    StationRedeemsByCode,
)
from civicvol.domain.values import SYSTEM, Actor, Role
from civicvol.i18n import _

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol
    from civicvol.domain.point_account import PointAccount
    from civicvol.domain.points_validity import PointsValidity, PointsValiditySetting
    from civicvol.domain.station import Gift, Station

R = Role
for _command, _roles in {
    "points.set_validity": (R.ADMINISTRATOR,),
    "points.expire": (R.ADMINISTRATOR,),
    "points.code": (R.VOLUNTEER,),
    "station.open": (R.ADMINISTRATOR,),
    "station.add_gift": (R.ADMINISTRATOR, R.STATION_KEEPER),
    "station.restock": (R.ADMINISTRATOR, R.STATION_KEEPER),
    "station.redeem": (R.STATION_KEEPER,),
}.items():
    grant(_command, *_roles)


class StationCommands:
    """Stations, codes and the points' validity (see the module)."""

    @property
    def cv(self) -> CivicVol:
        """This application, typed as the CivicVol it is mixed into."""
        return cast("CivicVol", self)

    # --- the points' validity ----------------------------------------------------------------
    def points_validity_setting(self) -> PointsValiditySetting | None:
        from civicvol.domain.points_validity import POINTS_VALIDITY_ID, PointsValiditySetting

        return self.cv.find(PointsValiditySetting, POINTS_VALIDITY_ID)

    def validity_for(self) -> Callable[[datetime], PointsValidity]:
        """The validity in force at a moment (that of the moment a lot was earned)."""
        from civicvol.domain.points_validity import validity_of

        setting = self.cv.points_validity_setting()
        return lambda moment: validity_of(setting, moment)

    @checked
    def set_points_validity(self, actor: Actor, validity: str) -> None:
        """From now on, points earned are valid ``never``, ``Ny`` or until ``year-end``;
        points earned before keep the validity they were earned under."""
        from civicvol.domain.points_validity import PointsValidity, PointsValiditySetting

        authorize(actor, "points.set_validity")
        parsed = PointsValidity.parse(validity)
        setting = self.cv.points_validity_setting() or PointsValiditySetting(by=actor)
        setting.set(parsed, by=actor)
        self.cv.commit("points.set_validity", actor, setting)

    @checked
    def expire_points(self, actor: Actor, as_of: date | None = None
                      ) -> dict[UUID, list[str]]:
        """Expire every lot whose validity ended by ``as_of`` (default: today in the
        district), one account per transaction; running it again expires nothing more."""
        authorize(actor, "points.expire")
        if isinstance(as_of, datetime):  # a date, not a moment: days end at the district's
            raise InvalidInput(_("as_of {moment!r} is a moment; give the district's day, e.g. "
                                 "date({year}, {month}, {day})").format(
                moment=as_of, year=as_of.year, month=as_of.month, day=as_of.day))
        today = clock.district_today()
        day = as_of or today
        if day > today:
            raise InvalidInput(_("cannot expire points as of {day}, a day still to come; give "
                                 "{today} or an earlier day").format(day=day, today=today)).hinted(
                                     _("give --as-of {today} or earlier").format(today=today))
        validity_for = self.cv.validity_for()
        expired: dict[UUID, list[str]] = {}
        for volunteer_id in self.cv.views.points.volunteer_ids():
            account = self.cv.point_account(volunteer_id)
            if account is None:
                continue
            made = account.expire_due(day, validity_for, by=actor)
            if made:
                self.cv.commit("points.expire", actor, account,
                            reads=[self.cv.points_validity_setting()])
                expired[account.volunteer_id] = made
        return expired

    def expire_due_lots(self, account: PointAccount) -> list[str]:
        """Before spending: expire the account's lots past their validity (unsaved)."""
        return account.expire_due(clock.district_today(), self.cv.validity_for(), by=SYSTEM)

    # --- stations ----------------------------------------------------------------------------
    def station(self, name: str) -> Station:
        from civicvol.domain.station import Station, station_id

        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(_("name the station, e.g. 蜂享驿站"))
        found = self.cv.find(Station, station_id(name))
        if found is None:
            raise StationNotFound(_("no station named {name!r} in this store; an administrator "
                                    "opens it first").format(name=name.strip())).hinted(
                                        _("'civicvol station open' opens it"))
        return found

    def find_station(self, name: str) -> Station | None:
        from civicvol.domain.station import Station, station_id

        return self.cv.find(Station, station_id(name)) if name.strip() else None

    @checked
    def open_station(self, actor: Actor, name: str, community: str) -> UUID:
        from civicvol.domain.station import Station

        authorize(actor, "station.open")
        station = Station.open(name, community, by=actor)
        if self.cv.find(Station, station.id) is not None:
            raise StationExists(_("station {station} is open already; add gifts to its "
                                  "catalogue instead").format(station=station.name)).hinted(
                                      _("'civicvol station add-gift' adds one"))
        self.cv.commit("station.open", actor, station)
        return station.id

    @checked
    def add_gift(self, actor: Actor, station: str, gift: str, price: int,
                 stock: int) -> None:
        authorize(actor, "station.add_gift")
        found = self.cv.station(station)
        found.add_gift(gift, price, stock, by=actor)
        self.cv.commit("station.add_gift", actor, found)

    @checked
    def restock_gift(self, actor: Actor, station: str, gift: str,
                     quantity: int) -> int:
        """Add ``quantity`` to the gift's stock; returns the stock now."""
        authorize(actor, "station.restock")
        found = self.cv.station(station)
        found.restock(gift, quantity, by=actor)
        self.cv.commit("station.restock", actor, found)
        return found.check_gift(gift).stock

    def catalogue(self, station: str) -> list[Gift]:
        return list(self.cv.station(station).gifts.values())

    # --- redeeming: the volunteer's code, the keeper's redemption ----------------------------
    @checked
    def issue_redemption_code(self, actor: Actor, station: str,
                              gift: str) -> tuple[str, datetime]:
        """The volunteer (acting as themself) takes a one-time code for ``gift`` at
        ``station``; returns the code and when it expires. Nothing is spent yet."""
        from civicvol.domain.redemption_code import RedemptionCode

        authorize(actor, "points.code")
        account = self.cv._existing_account(actor.id)
        found = self.cv.station(station)
        wanted = found.check_in_stock(gift)
        self.cv.expire_due_lots(account)
        account.check_can_spend(wanted.price, "redeem")
        code, issued = RedemptionCode.issue(account.volunteer_id, found.id, found.name,
                                            wanted.name, wanted.price, clock.now(), by=actor)
        # The expiries found on the way are saved too: they are due either way.
        self.cv.commit("points.code", actor, issued, account)
        return code, issued.expires_at

    @checked
    def redeem_code(self, actor: Actor, station: str, code: str) -> str:
        """The station's keeper redeems a volunteer's code: one gift out of the stock, its
        price off the volunteer's oldest points. Returns the redemption's entry."""
        from civicvol.domain.redemption_code import RedemptionCode, code_id

        authorize(actor, "station.redeem")
        found = self.cv.station(station)
        issued = self.cv.find(RedemptionCode, code_id(code))
        if issued is None:
            raise RedemptionCodeNotFound(
                _("no redemption code {code!r} was issued; check it with the volunteer, who "
                  "can take a new one").format(code=code.strip())).hinted(
                  _("the volunteer takes one with 'civicvol points code'"))
        issued.check_usable(found.id, clock.now())
        account = self.cv._existing_account(issued.volunteer_id)
        if actor.id == str(account.volunteer_id):
            raise PermissionDenied(_("{actor} may not redeem their own code; another station "
                                     "keeper must do it").format(actor=actor))
        wanted = found.check_in_stock(issued.gift)
        if wanted.price != issued.points:
            raise StationRedeemsByCode(
                _("{gift} now costs {price} points, not the {points} the code was issued for; "
                  "the volunteer asks for a new code").format(
                    gift=wanted.name, price=wanted.price, points=issued.points))
        gift = found.hand_out(wanted.name, account.volunteer_id, issued.id, by=actor)
        self.cv.expire_due_lots(account)
        entry_id = account.redeem(gift.price, gift.name, found.name, by=actor)
        issued.use(by=actor)
        self.cv.commit("station.redeem", actor, found, account, issued,
                    reads=[self.cv.points_validity_setting()])
        return entry_id

    def check_direct_redemption(self, account: PointAccount, station: str) -> None:
        """``points redeem`` is for gifts outside any catalogue (a reward handed out at an
        event); a station with a catalogue redeems only by the volunteer's code."""
        if isinstance(station, str) and self.cv.find_station(station) is not None:
            raise StationRedeemsByCode(
                _("station {station} keeps a catalogue: its gifts are redeemed with the "
                  "volunteer's redemption code").format(station=station.strip())).hinted(
                  _("'civicvol points code', then 'civicvol station redeem'"))
        self.cv.expire_due_lots(account)
