"""服务订单: one resident's order through 点单 → 审单 → 派单 → 接单 → 评单.

    reviewing ──review: accept──▶ placed     reviewing ──review: reject──▶ rejected
    placed ──dispatch──▶ dispatched ──accept──▶ accepted ──complete──▶ completed ──rate──▶ rated
      ▲  ◀──decline (team declines) ──┘             │                       │
      └───────────── decline (volunteer releases) ──┘        (not rated in time) ──▶ closed-unrated
    placed ──offer──▶ offered ──claim (first team)──▶ dispatched
    dispatched, nobody accepted in time ──▶ placed (the centre's queue again)
    placed / offered / dispatched / accepted ──cancel──▶ cancelled

An *activity* asks for several volunteers (``volunteers_wanted``): members of the team
accept until it is full (then it is ``accepted``), may withdraw until the leader starts it;
the leader shows the activity's one-time code, each volunteer signs in and out with it (their
hours), and the leader closes it with the attendance (``Closed``, status ``completed``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_UP, Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import (
    ActivityFull,
    IllegalTransition,
    InvalidHours,
    InvalidInput,
    NotTheAcceptingVolunteer,
    NotTheRequester,
    OrderAlreadyAccepted,
    OrderAlreadyRated,
    OrderAlreadyTaken,
    WrongActivityCode,
)
from civicvol.domain.values import (
    MAX_HOURS_PER_ORDER,
    Actor,
    OrderStatus,
    check_hours,
    check_name,
    check_served,
    check_stars,
    check_text,
)
from civicvol.i18n import N_, _

MAX_BENEFICIARIES = 20
MAX_VOLUNTEERS = 200
MAX_POOL = 100
OPEN = (OrderStatus.REVIEWING, OrderStatus.PLACED, OrderStatus.OFFERED, OrderStatus.DISPATCHED,
        OrderStatus.ACCEPTED)


class OrderChannel(StrEnum):
    """How an order came in: the online platform (the district's 两平台), the practice
    station's desk, or the hotline. Dispatchers balance their work by it."""

    PLATFORM = "platform"
    STATION = "station"
    HOTLINE = "hotline"
    OPEN311 = "open311"


class ServiceOrder(CivicAggregate):
    class Placed(CivicAggregate.Created):
        """Version 2 records the order's ``channel``; version 1 had none. Version 3 records
        the catalogue's ``service_code`` (empty for a free-text service), the request's
        ``attributes``, where it is (``lat``/``long``, None when not given), how many
        volunteers it asks for and whether it waits for the centre's review."""

        class_version = 3
        requester: str
        service: str
        description: str
        place: str
        wanted_time: str
        beneficiaries: tuple[str, ...]
        by: Actor
        channel: str
        service_code: str
        attributes: dict[str, Any]
        lat: float | None
        long: float | None
        volunteers_wanted: int
        under_review: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Before channels were recorded every order came in through the online platform.
            state["channel"] = OrderChannel.PLATFORM.value

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            # Before the catalogue every service was free text, with no attributes.
            state.update(service_code="", attributes={}, lat=None, long=None)
            # Before activities and review, an order asked for one volunteer, unreviewed.
            state["volunteers_wanted"] = 1
            state["under_review"] = False

    @event(Placed)
    def __init__(
        self,
        requester: str,
        service: str,
        description: str,
        place: str,
        wanted_time: str,
        beneficiaries: tuple[str, ...],
        by: Actor,
        channel: str = OrderChannel.PLATFORM.value,
        service_code: str = "",
        attributes: dict[str, Any] | None = None,
        lat: float | None = None,
        long: float | None = None,
        volunteers_wanted: int = 1,
        under_review: bool = False,
    ) -> None:
        self.requester = requester
        self.service_code = service_code
        self.attributes = dict(attributes or {})
        self.lat, self.long = lat, long
        self.channel = OrderChannel(channel)
        self.service = service
        self.description = description
        self.place = place
        self.wanted_time = wanted_time
        self.beneficiaries = tuple(beneficiaries)
        self.status = OrderStatus.REVIEWING if under_review else OrderStatus.PLACED
        self.volunteers_wanted = volunteers_wanted
        self.team_id: UUID | None = None
        self.volunteer_id: UUID | None = None
        self.volunteers: tuple[UUID, ...] = ()  # who accepted, in order
        self.rejection_reason = ""
        self.pool: tuple[UUID, ...] = ()  # the teams it was offered to
        self.dispatches = 0  # counts dispatches and claims: a deadline names the one it follows
        self.started = False
        self.code = ""  # the activity's one-time code, shown by the leader
        # By volunteer id (text): when each signed in, the hours each recorded by signing out,
        # and the hours of each who attended, as the close recorded them.
        self.signed_in: dict[str, datetime] = {}
        self.recorded: dict[str, Decimal] = {}
        self.attendance: dict[str, Decimal] = {}
        self.hours = Decimal(0)
        self.served = 0
        self.stars: int | None = None
        self.comment = ""
        self.declines = 0

    @classmethod
    def place_order(
        cls,
        requester: str,
        service: str,
        by: Actor,
        description: str = "",
        place: str = "",
        wanted_time: str = "",
        beneficiaries: tuple[str, ...] | list[str] = (),
        channel: OrderChannel | str = OrderChannel.PLATFORM,
        service_code: str = "",
        attributes: dict[str, Any] | None = None,
        position: tuple[float, float] | None = None,
        volunteers: int = 1,
        under_review: bool = False,
    ) -> ServiceOrder:
        """``service_code`` names the catalogue's service (checked by the application against
        the catalogue; its ``attributes`` too); '' keeps a free-text ``service``."""
        groups = tuple(dict.fromkeys(check_name(b, N_("beneficiary group")) for b in beneficiaries))
        if len(groups) > MAX_BENEFICIARIES:
            raise InvalidInput(_("{count} beneficiary groups given; list at most "
                                 "{MAX_BENEFICIARIES} (elderly, left-behind children ...)").format(
                                 count=len(groups), MAX_BENEFICIARIES=MAX_BENEFICIARIES))
        return cls(
            requester=requester,
            service=check_name(service, N_("service category")),
            description=check_text(description, "description"),
            place=check_text(place, "place"),
            wanted_time=check_text(wanted_time, "wanted time"),
            beneficiaries=groups,
            by=by,
            channel=check_channel(channel).value,
            service_code=service_code,
            attributes=dict(attributes or {}),
            lat=check_position(position)[0],
            long=check_position(position)[1],
            volunteers_wanted=check_volunteers_wanted(volunteers),
            under_review=bool(under_review),
        )

    # --- checks ------------------------------------------------------------------------------
    @property
    def is_activity(self) -> bool:
        """An activity asks for more than one volunteer."""
        return self.volunteers_wanted > 1

    def check_status(self, *allowed: OrderStatus, doing: str) -> None:
        if self.status in allowed:
            return
        if doing in ("accept", "claim") and self.status is OrderStatus.REVIEWING:
            raise IllegalTransition(_("order {id} waits for the centre's review; it can be "
                                      "{value} once the review accepts it").format(
                                      id=self.id, value=_(_past(doing))))
        if doing == "accept" and self.status is OrderStatus.ACCEPTED and self.is_activity:
            raise ActivityFull(
                _("activity {id} is full: it asked for {volunteers_wanted} volunteers and all "
                  "have accepted; choose another order").format(
                  id=self.id, volunteers_wanted=self.volunteers_wanted))
        if doing == "accept" and self.status is OrderStatus.ACCEPTED:
            raise OrderAlreadyAccepted(
                _("order {id} was already accepted by volunteer {volunteer_id}; choose "
                  "another order").format(id=self.id, volunteer_id=self.volunteer_id)
            )
        if doing == "rate" and self.status is OrderStatus.RATED:
            raise OrderAlreadyRated(_("order {id} is already rated; an order is rated once").format(
                                      id=self.id))
        wanted = _(" or ").join(_(s.value) for s in allowed)
        raise IllegalTransition(
            _("cannot {doing} order {id}: it is {value}, and only an order that is "
              "{wanted} can be {past}").format(
              doing=_(doing), id=self.id, value=_(self.status.value), wanted=wanted,
              past=_(_past(doing)))
        )

    def check_is_requester(self, resident: str) -> None:
        if resident != self.requester:
            raise NotTheRequester(
                _("only the resident who placed order {id} may do this, not {resident!r}").format(
                  id=self.id, resident=resident)
            )

    def check_is_accepting_volunteer(self, volunteer_id: UUID) -> None:
        if volunteer_id not in self.volunteers:
            raise NotTheAcceptingVolunteer(
                _("volunteer {volunteer_id} did not accept order {id}; only the volunteer "
                  "who accepted it may do this").format(volunteer_id=volunteer_id, id=self.id)
            )

    # --- the cycle ---------------------------------------------------------------------------
    def dispatch(self, team_id: UUID, by: Actor) -> None:
        self.check_status(OrderStatus.PLACED, OrderStatus.OFFERED, OrderStatus.DISPATCHED,
                          doing="dispatch")
        if team_id == self.team_id:
            raise IllegalTransition(_("order {id} is already dispatched to team {team_id}").format(
                                      id=self.id, team_id=team_id))
        self._dispatch(team_id, by)

    @event("Dispatched")
    def _dispatch(self, team_id: UUID, by: Actor) -> None:
        self.status = OrderStatus.DISPATCHED
        self.team_id = team_id
        self.pool = ()
        self.dispatches += 1

    def accept(self, volunteer_id: UUID, by: Actor) -> None:
        if volunteer_id in self.volunteers:
            raise IllegalTransition(_("volunteer {volunteer_id} has already accepted "
                                      "order {id}").format(
                                      volunteer_id=volunteer_id, id=self.id))
        self.check_status(OrderStatus.DISPATCHED, doing="accept")
        self._accept(volunteer_id, by, len(self.volunteers) + 1 >= self.volunteers_wanted)

    @event("Accepted")
    def _accept(self, volunteer_id: UUID, by: Actor, full: bool = True) -> None:
        # ``full``: this acceptance made the order full (always, for one volunteer).
        self.volunteers = (*self.volunteers, volunteer_id)
        self.volunteer_id = self.volunteers[0]
        self.status = OrderStatus.ACCEPTED if full else OrderStatus.DISPATCHED

    def withdraw(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        """A volunteer who accepted an activity steps back before it starts."""
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="withdraw from")
        self.check_is_accepting_volunteer(volunteer_id)
        if self.started:
            raise IllegalTransition(_("activity {id} has started; a volunteer can withdraw only "
                                      "before the leader starts it").format(id=self.id))
        self._withdraw(volunteer_id, check_text(reason, "reason for withdrawing",
                                                required=True), by)

    @event("Withdrawn")
    def _withdraw(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        self.volunteers = tuple(v for v in self.volunteers if v != volunteer_id)
        self.volunteer_id = self.volunteers[0] if self.volunteers else None
        self.status = OrderStatus.DISPATCHED

    # --- review (审单) -------------------------------------------------------------------------
    def review(self, accepted: bool, reason: str, by: Actor) -> None:
        self.check_status(OrderStatus.REVIEWING, doing="review")
        if accepted:
            self._approve(check_text(reason, "review note"), by)
        else:
            self._reject(check_text(reason, "reason for rejecting", required=True), by)

    @event("ReviewAccepted")
    def _approve(self, note: str, by: Actor) -> None:
        self.status = OrderStatus.PLACED

    @event("ReviewRejected")
    def _reject(self, reason: str, by: Actor) -> None:
        self.status = OrderStatus.REJECTED
        self.rejection_reason = reason

    # --- pools (抢单) --------------------------------------------------------------------------
    def offer(self, team_ids: tuple[UUID, ...], by: Actor) -> None:
        self.check_status(OrderStatus.PLACED, doing="offer")
        pool = tuple(dict.fromkeys(team_ids))
        if not pool or len(pool) > MAX_POOL:
            raise InvalidInput(_("offer order {id} to 1 to {max_pool} teams, not {n}").format(
                                 id=self.id, max_pool=MAX_POOL, n=len(pool)))
        self._offer(pool, by)

    @event("Offered")
    def _offer(self, team_ids: tuple[UUID, ...], by: Actor) -> None:
        self.status = OrderStatus.OFFERED
        self.pool = tuple(team_ids)

    def claim(self, team_id: UUID, by: Actor) -> None:
        """The first team of the pool to claim the order is dispatched it."""
        if self.pool and self.team_id is not None and self.status is not OrderStatus.OFFERED:
            raise OrderAlreadyTaken(_("order {id} was already taken by team {team_id}").format(
                                      id=self.id, team_id=self.team_id))
        self.check_status(OrderStatus.OFFERED, doing="claim")
        if team_id not in self.pool:
            raise IllegalTransition(_("order {id} was not offered to team {team_id}; only the "
                                      "teams it was offered to may claim it").format(
                                      id=self.id, team_id=team_id))
        self._claim(team_id, by)

    @event("Claimed")
    def _claim(self, team_id: UUID, by: Actor) -> None:
        self.status = OrderStatus.DISPATCHED
        self.team_id = team_id
        self.dispatches += 1

    # --- the activity: start, sign in and out, close -----------------------------------------
    def start(self, code: str, by: Actor) -> None:
        """The leader starts the activity and shows its one-time code."""
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="start")
        if not self.volunteers:
            raise IllegalTransition(_("order {id} has no volunteer yet; it can start once a "
                                      "volunteer has accepted it").format(id=self.id))
        if self.started:
            raise IllegalTransition(_("activity {id} has started already; its code is shown in "
                                      "the order's record").format(id=self.id)).hinted(
                                          _("'civicvol order show' shows it"))
        self._start(code, by)

    @event("Started")
    def _start(self, code: str, by: Actor) -> None:
        self.started = True
        self.code = code

    def check_code(self, volunteer_id: UUID, code: str) -> None:
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="sign in to")
        self.check_is_accepting_volunteer(volunteer_id)
        if not self.started:
            raise IllegalTransition(_("activity {id} has not started; sign in with the code its "
                                      "leader shows once it starts").format(id=self.id))
        if str(code).strip() != self.code:
            raise WrongActivityCode(_("{value!r} is not activity {id}'s code; use the code its "
                                      "leader shows now").format(
                                      value=str(code)[:20], id=self.id))

    def sign_in(self, volunteer_id: UUID, code: str, at: datetime, by: Actor) -> None:
        self.check_code(volunteer_id, code)
        if str(volunteer_id) in self.signed_in or str(volunteer_id) in self.recorded:
            raise IllegalTransition(_("volunteer {volunteer_id} has signed in to activity {id} "
                                      "already; the code is used once to sign in").format(
                                      volunteer_id=volunteer_id, id=self.id))
        self._sign_in(volunteer_id, at, by)

    @event("SignedIn")
    def _sign_in(self, volunteer_id: UUID, at: datetime, by: Actor) -> None:
        self.signed_in[str(volunteer_id)] = at

    def sign_out(self, volunteer_id: UUID, code: str, at: datetime, by: Actor) -> Decimal:
        """The volunteer's hours: from signing in to now, in hundredths (rounded up)."""
        self.check_code(volunteer_id, code)
        since = self.signed_in.get(str(volunteer_id))
        if since is None:
            raise IllegalTransition(_("volunteer {volunteer_id} has not signed in to activity "
                                      "{id} (or has signed out already)").format(
                                      volunteer_id=volunteer_id, id=self.id))
        seconds = Decimal(str((at - since).total_seconds()))
        hours = max(Decimal("0.01"), (seconds / 3600).quantize(Decimal("0.01"),
                                                               rounding=ROUND_UP))
        if hours > MAX_HOURS_PER_ORDER:
            raise InvalidHours(_("volunteer {volunteer_id} signed in {hours} hours ago, more than"
                                 " a day; the leader closes the activity with their hours").format(
                                 volunteer_id=volunteer_id, hours=hours))
        self._sign_out(volunteer_id, at, hours, by)
        return hours

    @event("SignedOut")
    def _sign_out(self, volunteer_id: UUID, at: datetime, hours: Decimal, by: Actor) -> None:
        self.signed_in.pop(str(volunteer_id), None)
        self.recorded[str(volunteer_id)] = hours

    def close(self, attendance: dict[UUID, Decimal | None], served: int, by: Actor) -> None:
        """The leader (or the centre) closes a started activity with who came: each one's
        hours are those they recorded by signing out, unless the leader gives them."""
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="close")
        if not self.started:
            raise IllegalTransition(_("activity {id} has not started; its leader starts it "
                                      "before closing it").format(id=self.id)).hinted(
                                          _("the leader starts it with 'civicvol order start'"))
        if not attendance:
            raise InvalidInput(_("closing activity {id} needs its attendance: name at least one "
                                 "volunteer who came").format(id=self.id))
        hours: dict[str, Decimal] = {}
        for volunteer_id, given in attendance.items():
            self.check_is_accepting_volunteer(volunteer_id)
            recorded = (self.recorded.get(str(volunteer_id)) if given is None
                        else check_hours(given))
            if recorded is None:
                raise InvalidHours(
                    _("volunteer {volunteer_id} did not sign out of activity {id}; give their "
                      "hours, or let them sign out first").format(
                      volunteer_id=volunteer_id, id=self.id)).hinted(
                      _("give their hours with --attended ID=HOURS"))
            hours[str(volunteer_id)] = recorded
        self._close(hours, sum(hours.values(), Decimal(0)), check_served(served), by)

    @event("Closed")
    def _close(self, attendance: dict[str, Decimal], hours: Decimal, served: int,
               by: Actor) -> None:
        self.status = OrderStatus.COMPLETED
        self.attendance = {v: Decimal(h) for v, h in attendance.items()}
        self.hours = hours
        self.served = served
        self.code = ""  # the code is no longer good for anything

    # --- deadlines ---------------------------------------------------------------------------
    def return_unaccepted(self, dispatch: int, by: Actor) -> bool:
        """Dispatch number ``dispatch`` was not accepted in time: back to the centre's
        queue. False (nothing) if the order has moved on since (idempotent)."""
        if (self.status is not OrderStatus.DISPATCHED or self.dispatches != dispatch
                or self.volunteers):
            return False
        self._return_unaccepted(self.team_id, by)
        return True

    @event("DispatchExpired")
    def _return_unaccepted(self, team_id: UUID | None, by: Actor) -> None:
        self.status = OrderStatus.PLACED
        self.team_id = None
        self.pool = ()

    def close_unrated(self, by: Actor) -> bool:
        """Not rated in time: closed unrated. False if rated (or closed) already."""
        if self.status is not OrderStatus.COMPLETED:
            return False
        self._close_unrated(by)
        return True

    @event("ClosedUnrated")
    def _close_unrated(self, by: Actor) -> None:
        self.status = OrderStatus.CLOSED_UNRATED

    def decline(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        """The team cannot serve it (dispatched) or the volunteer gives it back (accepted)."""
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="decline")
        if self.is_activity and self.volunteers:
            raise IllegalTransition(
                _("activity {id} has volunteers already; a volunteer withdraws, the team declines "
                  "only before anyone accepts").format(id=self.id)).hinted(
                  _("a volunteer withdraws with 'civicvol order withdraw'"))
        if self.status is OrderStatus.ACCEPTED:
            self.check_is_accepting_volunteer(volunteer_id)
        self._decline(volunteer_id, check_text(reason, "reason for declining", required=True), by)

    @event("Declined")
    def _decline(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        self.status = OrderStatus.PLACED
        self.team_id = None
        self.volunteer_id = None
        self.volunteers = ()
        self.declines += 1

    def complete(self, volunteer_id: UUID, hours: Decimal | float | str, served: int,
                 by: Actor) -> None:
        self.check_status(OrderStatus.ACCEPTED, doing="complete")
        if self.is_activity:
            raise IllegalTransition(_("activity {id} is closed by its leader with the attendance, "
                                      "not completed by one volunteer").format(
                                      id=self.id)).hinted(
                                          _("the leader closes it with 'civicvol order close'"))
        self.check_is_accepting_volunteer(volunteer_id)
        self._complete(check_hours(hours), check_served(served), by)

    @event("Completed")
    def _complete(self, hours: Decimal, served: int, by: Actor) -> None:
        self.status = OrderStatus.COMPLETED
        self.hours = hours
        self.served = served

    def rate(self, resident: str, stars: int, comment: str, by: Actor) -> None:
        self.check_status(OrderStatus.COMPLETED, doing="rate")
        self.check_is_requester(resident)
        self._rate(check_stars(stars), check_text(comment, "comment"), by)

    @event("Rated")
    def _rate(self, stars: int, comment: str, by: Actor) -> None:
        self.status = OrderStatus.RATED
        self.stars = stars
        self.comment = comment

    def cancel(self, reason: str, by: Actor) -> None:
        self.check_status(*OPEN, doing="cancel")
        self._cancel(check_text(reason, "reason for cancelling", required=True), by)

    @event("Cancelled")
    def _cancel(self, reason: str, by: Actor) -> None:
        self.status = OrderStatus.CANCELLED


def check_volunteers_wanted(volunteers: object) -> int:
    if isinstance(volunteers, bool) or not isinstance(volunteers, int) \
            or not 1 <= volunteers <= MAX_VOLUNTEERS:
        raise InvalidInput(_("an order asks for 1 to {max_volunteers} volunteers, not "
                             "{volunteers!r}").format(
                             max_volunteers=MAX_VOLUNTEERS, volunteers=volunteers))
    return volunteers


def check_channel(channel: OrderChannel | str) -> OrderChannel:
    try:
        return OrderChannel(str(channel).strip().lower())
    except ValueError:
        raise InvalidInput(
            _("order channel {channel!r} is unknown; give one of {join}").format(
              channel=channel, join=', '.join(c.value for c in OrderChannel))
        ) from None


def check_position(position: tuple[float, float] | None) -> tuple[float | None, float | None]:
    """Latitude and longitude (WGS-84 degrees), or (None, None) when not given."""
    if position is None:
        return None, None
    lat, long = position
    if not (isinstance(lat, float) and isinstance(long, float)
            and -90 <= lat <= 90 and -180 <= long <= 180):
        raise InvalidInput(_("position {position!r} is not a latitude (-90..90) and a longitude "
                             "(-180..180) in degrees, e.g. (25.04, 102.71)").format(
                             position=position))
    return lat, long


def _past(doing: str) -> str:
    # marked, so that the message showing it can translate it
    return {"accept": N_("accepted"), "decline": N_("declined"), "rate": N_("rated"),
            "cancel": N_("cancelled"), "complete": N_("completed"),
            "dispatch": N_("dispatched"), "review": N_("reviewed"), "offer": N_("offered"),
            "claim": N_("claimed"), "start": N_("started"), "close": N_("closed"),
            "withdraw from": N_("withdrawn from"), "sign in to": N_("signed in to"),
            }.get(doing, doing + "ed")
