"""应急演练: a drill or training the patrol team held, often with the area's public units."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _
from civicvol.plugins.safety_patrol.errors import InvalidDrillKind
from civicvol.plugins.safety_patrol.lecture import check_count

MAX_PARTICIPANTS = 10_000


class DrillKind(StrEnum):
    FLOOD = "flood"
    FIRE = "fire"
    EVACUATION = "evacuation"
    DISASTER_MEDICINE = "disaster-medicine"


DRILL_LABELS = {
    DrillKind.FLOOD: "防汛演练",
    DrillKind.FIRE: "消防应急演练",
    DrillKind.EVACUATION: "应急疏散演练",
    DrillKind.DISASTER_MEDICINE: "灾难医疗培训",
}


def check_drill_kind(value: str) -> DrillKind:
    """A kind given by its English name or its Chinese label."""
    text = str(value).strip()
    for kind, label in DRILL_LABELS.items():
        if text in (kind.value, label):
            return kind
    choices = ", ".join(f"{k.value} ({label})" for k, label in DRILL_LABELS.items())
    raise InvalidDrillKind(_("drill kind {value!r} is not one of {choices}").format(
                             value=value, choices=choices))


class Drill(CivicAggregate):
    @event("Held")
    def __init__(self, team_id: UUID, kind: str, place: str, partner: str,
                 participants: int, by: Actor) -> None:
        self.team_id = team_id
        self.kind = DrillKind(kind)
        self.place = place
        self.partner = partner
        self.participants = participants

    @classmethod
    def hold(cls, team_id: UUID, kind: str, place: str, by: Actor, partner: str = "",
             participants: int = 0) -> Drill:
        return cls(team_id=team_id, kind=check_drill_kind(kind).value,
                   place=check_name(place, "place"), partner=check_text(partner, "partner"),
                   participants=check_count(participants, N_("number of participants"),
                                            MAX_PARTICIPANTS), by=by)
