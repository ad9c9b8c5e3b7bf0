"""A volunteer's membership of one team: joined, left, rejoined, and the orders taken for it.

The id is derived from the team and the volunteer, so "is V a member of T?" is one small load,
and two commands deciding on the same membership conflict on its version instead of both
committing.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import AlreadyMember, NotAMember
from civicvol.domain.values import Actor, check_text
from civicvol.i18n import _


class Membership(CivicAggregate):
    @staticmethod
    def create_id(team_id: UUID, volunteer_id: UUID) -> UUID:
        return membership_id(team_id, volunteer_id)

    @event("Joined")
    def __init__(self, team_id: UUID, volunteer_id: UUID, by: Actor) -> None:
        self.team_id = team_id
        self.volunteer_id = volunteer_id
        self.active = True
        self.orders_taken = 0

    def check_is_active(self) -> None:
        if not self.active:
            raise not_a_member(self.team_id, self.volunteer_id)

    def rejoin(self, by: Actor) -> None:
        if self.active:
            raise AlreadyMember(
                _("volunteer {volunteer_id} is already a member of team {team_id}").format(
                  volunteer_id=self.volunteer_id, team_id=self.team_id)
            )
        self._rejoin(by)

    @event("Rejoined")
    def _rejoin(self, by: Actor) -> None:
        self.active = True

    def leave(self, reason: str, by: Actor) -> None:
        self.check_is_active()
        self._leave(check_text(reason, "reason for leaving"), by)

    @event("Left")
    def _leave(self, reason: str, by: Actor) -> None:
        self.active = False

    def take_order(self, order_id: UUID, by: Actor) -> None:
        """Record that the member accepted an order dispatched to the team."""
        self.check_is_active()
        self._take_order(order_id, by)

    @event("OrderTaken")
    def _take_order(self, order_id: UUID, by: Actor) -> None:
        self.orders_taken += 1


def membership_id(team_id: UUID, volunteer_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:membership:{team_id}:{volunteer_id}")


def not_a_member(team_id: UUID, volunteer_id: UUID) -> NotAMember:
    return NotAMember(
        _("volunteer {volunteer_id} is not a member of team {team_id}; an administrator or "
          "the team's leader must add them to the team first").format(
          volunteer_id=volunteer_id, team_id=team_id)
    ).hinted(_("the leader adds them with 'civicvol team join'"))


def check_is_member(membership: Membership | None, team_id: UUID,
                    volunteer_id: UUID) -> Membership:
    """The active membership, or :class:`NotAMember` if the volunteer never joined or left."""
    if membership is None:
        raise not_a_member(team_id, volunteer_id)
    membership.check_is_active()
    return membership
