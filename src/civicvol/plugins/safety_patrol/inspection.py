"""隐患排查: one inspection of a courtyard by a member of the patrol team.

The inspection records how many hazards were found; each hazard is its own aggregate
(:mod:`~civicvol.plugins.safety_patrol.hazard`), numbered 1, 2, ... on the inspection and
created in the same transaction, so an inspection never exists without its hazards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _
from civicvol.plugins.safety_patrol.errors import InvalidCount
from civicvol.plugins.safety_patrol.hazard import Hazard, district_day, hazard_id, today

# One courtyard walk finds a handful of hazards; hundreds is a typing mistake.
MAX_HAZARDS_PER_INSPECTION = 100


@attrs.frozen
class Finding:
    """A hazard as the inspector notes it: no deadline means it was fixed on the spot."""

    description: str
    deadline: date | None = None


class Inspection(CivicAggregate):
    @event("Recorded")
    def __init__(self, team_id: UUID, place: str, inspector_id: UUID, hazards: int,
                 note: str, by: Actor) -> None:
        self.team_id = team_id
        self.place = place
        self.inspector_id = inspector_id
        self.hazards = hazards
        self.note = note

    @classmethod
    def record(cls, team_id: UUID, place: str, inspector_id: UUID,
               findings: Sequence[Finding], by: Actor,
               note: str = "") -> tuple[Inspection, list[Hazard]]:
        """The inspection and the hazards it found, to be saved together."""
        if len(findings) > MAX_HAZARDS_PER_INSPECTION:
            raise InvalidCount(
                _("{n} hazards on one inspection is implausible; record at most {most} "
                  "(split the courtyard into several inspections)").format(
                  n=len(findings), most=MAX_HAZARDS_PER_INSPECTION)
            )
        courtyard = check_name(place, N_("courtyard"))
        inspection = cls(team_id=team_id, place=courtyard, inspector_id=inspector_id,
                         hazards=len(findings), note=check_text(note, "note"), by=by)
        hazards = [
            Hazard.find(inspection.id, n, team_id, courtyard, f.description, today(), f.deadline,
                        by=by)
            for n, f in enumerate(findings, 1)
        ]
        return inspection, hazards

    @property
    def inspected_on(self) -> date:
        return district_day(self.created_on)

    @property
    def hazard_ids(self) -> list[UUID]:
        return [hazard_id(self.id, n) for n in range(1, self.hazards + 1)]
