"""服务订单: one resident's order through 点单 → 派单 → 接单 → 评单.

    placed ──dispatch──▶ dispatched ──accept──▶ accepted ──complete──▶ completed ──rate──▶ rated
      ▲  ◀──decline (team declines) ──┘             │
      └───────────── decline (volunteer releases) ──┘
    placed / dispatched / accepted ──cancel──▶ cancelled
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotTheAcceptingVolunteer,
    NotTheRequester,
    OrderAlreadyAccepted,
    OrderAlreadyRated,
)
from civicvol.domain.values import (
    Actor,
    OrderStatus,
    check_hours,
    check_name,
    check_served,
    check_stars,
    check_text,
)
from civicvol.i18n import _

MAX_BENEFICIARIES = 20
OPEN = (OrderStatus.PLACED, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED)


class OrderChannel(StrEnum):
    """How an order came in: the online platform (the district's 两平台), the practice
    station's desk, or the hotline. Dispatchers balance their work by it."""

    PLATFORM = "platform"
    STATION = "station"
    HOTLINE = "hotline"


class ServiceOrder(CivicAggregate):
    class Placed(CivicAggregate.Created):
        """Version 2 records the order's ``channel``; version 1 had none."""

        class_version = 2
        requester: str
        service: str
        description: str
        place: str
        wanted_time: str
        beneficiaries: tuple[str, ...]
        by: Actor
        channel: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Before channels were recorded every order came in through the online platform.
            state["channel"] = OrderChannel.PLATFORM.value

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
    ) -> None:
        self.requester = requester
        self.channel = OrderChannel(channel)
        self.service = service
        self.description = description
        self.place = place
        self.wanted_time = wanted_time
        self.beneficiaries = tuple(beneficiaries)
        self.status = OrderStatus.PLACED
        self.team_id: UUID | None = None
        self.volunteer_id: UUID | None = None
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
    ) -> ServiceOrder:
        groups = tuple(dict.fromkeys(check_name(b, "beneficiary group") for b in beneficiaries))
        if len(groups) > MAX_BENEFICIARIES:
            raise InvalidInput(_("{count} beneficiary groups given; list at most "
                                 "{MAX_BENEFICIARIES} (elderly, left-behind children ...)").format(
                                 count=len(groups), MAX_BENEFICIARIES=MAX_BENEFICIARIES))
        return cls(
            requester=requester,
            service=check_name(service, "service category"),
            description=check_text(description, "description"),
            place=check_text(place, "place"),
            wanted_time=check_text(wanted_time, "wanted time"),
            beneficiaries=groups,
            by=by,
            channel=check_channel(channel).value,
        )

    # --- checks ------------------------------------------------------------------------------
    def check_status(self, *allowed: OrderStatus, doing: str) -> None:
        if self.status in allowed:
            return
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
        if volunteer_id != self.volunteer_id:
            raise NotTheAcceptingVolunteer(
                _("volunteer {volunteer_id} did not accept order {id}; only the volunteer "
                  "who accepted it may do this").format(volunteer_id=volunteer_id, id=self.id)
            )

    # --- the cycle ---------------------------------------------------------------------------
    def dispatch(self, team_id: UUID, by: Actor) -> None:
        self.check_status(OrderStatus.PLACED, OrderStatus.DISPATCHED, doing="dispatch")
        if team_id == self.team_id:
            raise IllegalTransition(_("order {id} is already dispatched to team {team_id}").format(
                                      id=self.id, team_id=team_id))
        self._dispatch(team_id, by)

    @event("Dispatched")
    def _dispatch(self, team_id: UUID, by: Actor) -> None:
        self.status = OrderStatus.DISPATCHED
        self.team_id = team_id

    def accept(self, volunteer_id: UUID, by: Actor) -> None:
        self.check_status(OrderStatus.DISPATCHED, doing="accept")
        self._accept(volunteer_id, by)

    @event("Accepted")
    def _accept(self, volunteer_id: UUID, by: Actor) -> None:
        self.status = OrderStatus.ACCEPTED
        self.volunteer_id = volunteer_id

    def decline(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        """The team cannot serve it (dispatched) or the volunteer gives it back (accepted)."""
        self.check_status(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, doing="decline")
        if self.status is OrderStatus.ACCEPTED:
            self.check_is_accepting_volunteer(volunteer_id)
        self._decline(volunteer_id, check_text(reason, "reason for declining", required=True), by)

    @event("Declined")
    def _decline(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        self.status = OrderStatus.PLACED
        self.team_id = None
        self.volunteer_id = None
        self.declines += 1

    def complete(self, volunteer_id: UUID, hours: Decimal | float | str, served: int,
                 by: Actor) -> None:
        self.check_status(OrderStatus.ACCEPTED, doing="complete")
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


def check_channel(channel: OrderChannel | str) -> OrderChannel:
    try:
        return OrderChannel(str(channel).strip().lower())
    except ValueError:
        raise InvalidInput(
            _("order channel {channel!r} is unknown; give one of {join}").format(
              channel=channel, join=', '.join(c.value for c in OrderChannel))
        ) from None


def _past(doing: str) -> str:
    return {"accept": "accepted", "decline": "declined", "rate": "rated", "cancel": "cancelled",
            "complete": "completed", "dispatch": "dispatched"}.get(doing, doing + "ed")
