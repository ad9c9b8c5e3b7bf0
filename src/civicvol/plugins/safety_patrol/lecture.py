"""宣传讲座: a safety lecture the patrol team held for residents."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name
from civicvol.i18n import N_, _
from civicvol.plugins.safety_patrol.errors import InvalidCount

MAX_AUDIENCE = 10_000


class Lecture(CivicAggregate):
    @event("Held")
    def __init__(self, team_id: UUID, topic: str, place: str, audience: int,
                 by: Actor) -> None:
        self.team_id = team_id
        self.topic = topic
        self.place = place
        self.audience = audience

    @classmethod
    def hold(cls, team_id: UUID, topic: str, place: str, audience: int, by: Actor) -> Lecture:
        return cls(team_id=team_id, topic=check_name(topic, N_("lecture topic")),
                   place=check_name(place, "place"),
                   audience=check_count(audience, N_("audience"), MAX_AUDIENCE), by=by)


def check_count(value: int, what: str, most: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise InvalidCount(_("the {what} must be a whole number from 0 to {most}, not "
                             "{value!r}").format(what=_(what), most=most, value=value))
    return value
