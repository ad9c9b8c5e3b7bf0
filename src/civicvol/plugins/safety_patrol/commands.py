"""The safety patrol's commands: inspect a courtyard, re-inspect a hazard, log lectures and
drills. Every one is made by an inspector who is an active member of the patrol team."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.domain import Aggregate

from civicvol.app.application import CivicVol
from civicvol.app.authorization import authorize
from civicvol.app.report import fold_log
from civicvol.domain.team import Team
from civicvol.domain.values import Actor
from civicvol.i18n import _
from civicvol.plugins.safety_patrol.drill import Drill
from civicvol.plugins.safety_patrol.errors import (
    HazardNotFound,
    HazardOfAnotherTeam,
    InspectionNotFound,
    InvalidRecordTime,
    NotAnInspector,
)
from civicvol.plugins.safety_patrol.hazard import Hazard, district_day, today
from civicvol.plugins.safety_patrol.inspection import Finding, Inspection
from civicvol.plugins.safety_patrol.lecture import Lecture
from civicvol.plugins.safety_patrol.permissions import (  # noqa: F401  (named here too)
    DRILL,
    IMPORT,
    INSPECT,
    INSPECTOR,
    LECTURE,
    PERMISSIONS,
    REINSPECT,
)
from civicvol.plugins.safety_patrol.report import SafetyPatrolFigures
from civicvol.plugins.safety_patrol.settings import DEFAULT_DEADLINE_DAYS


@attrs.frozen
class InspectionRecord:
    """One inspection from the paper records: when, by whom, where, what was found."""

    when: datetime
    inspector: UUID
    place: str
    findings: tuple[Finding, ...] = ()
    note: str = ""


@attrs.frozen
class ReinspectionRecord:
    when: datetime
    hazard: UUID
    inspector: UUID
    fixed: bool
    note: str = ""


class SafetyPatrol:
    """安全小红帽's records over one application's store."""

    def __init__(self, app: CivicVol,
                 default_deadline_days: int = DEFAULT_DEADLINE_DAYS) -> None:
        self.app = app
        self.default_deadline_days = default_deadline_days

    def default_deadline(self) -> date:
        """The deadline of a hazard found today when the inspector names none."""
        return today() + timedelta(days=self.default_deadline_days)

    def overdue(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Hazards past their deadline and not closed, as of a day (default: today)."""
        figures = SafetyPatrolFigures(as_of)
        fold_log(self.app.all_events(topics=figures.hazard_topics), self.app.mapper,
                 [figures])
        return figures.overdue()

    def mark_overdue(self, now: datetime) -> list[tuple[str, str]]:
        """The deadline process's round: each hazard past its deadline and still open is
        marked overdue once (an event made by civicvol's own system actor)."""
        from civicvol.domain.values import SYSTEM

        day = district_day(now)
        fired = []
        for row in self.overdue(as_of=day):
            hazard = self.hazard(row["id"])
            if hazard.mark_overdue(day, by=SYSTEM):
                self.app.commit("safety.mark_overdue", SYSTEM, hazard)
                fired.append(("hazard-overdue", str(hazard.id)))
        return fired

    def inspection(self, inspection_id: UUID | str) -> Inspection:
        return self.app.load(Inspection, inspection_id, what="inspection",
                             not_found=InspectionNotFound,
                             hint=_("'civicvol safety-patrol hazards --json' names each "
                                    "hazard's inspection"))

    def hazard(self, hazard_id: UUID | str) -> Hazard:
        return self.app.load(Hazard, hazard_id, what="hazard", not_found=HazardNotFound,
                             hint=_("list them with 'civicvol safety-patrol hazards'"))

    def check_inspector(self, actor: Actor, team_id: UUID | str,
                        reads: list[Aggregate]) -> tuple[UUID, Team]:
        """The inspector acting, who must be an active member of the (serving) patrol team.
        Adds the team, volunteer and membership read to ``reads`` (for ``commit``)."""
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        reads.append(team)
        return self._check_member(actor.id, team, reads), team

    def _check_member(self, volunteer_id: UUID | str, team: Team,
                      reads: list[Aggregate]) -> UUID:
        volunteer = self.app.volunteer(volunteer_id)
        volunteer.check_is_active()
        membership = self.app.membership(team.id, volunteer.id)
        if membership is None or not membership.active:
            raise NotAnInspector(
                _("volunteer {id} is not a member of the patrol team {name!r}; the team's leader "
                  "must add them to the team before they inspect").format(
                  id=volunteer.id, name=team.name)
            ).hinted(_("the leader adds them with 'civicvol team join'"))
        reads += [volunteer, membership]
        return volunteer.id

    # --- inspections and hazards -------------------------------------------------------------
    def inspect(self, actor: Actor, team_id: UUID | str, place: str,
                findings: Sequence[Finding] = (), note: str = "") -> UUID:
        """Record an inspection of a courtyard with every hazard found on it."""
        authorize(actor, INSPECT)
        reads: list[Aggregate] = []
        inspector, team = self.check_inspector(actor, team_id, reads)
        inspection, hazards = Inspection.record(team.id, place, inspector, findings, by=actor,
                                                note=note)
        self.app.commit(INSPECT, actor, inspection, *hazards, reads=reads)
        return inspection.id

    def reinspect(self, actor: Actor, hazard_id: UUID | str, fixed: bool,
                  note: str = "") -> None:
        """Look at a deadline hazard again: fixed closes it, otherwise it stays open."""
        authorize(actor, REINSPECT)
        hazard = self.hazard(hazard_id)
        reads: list[Aggregate] = []
        inspector, _ = self.check_inspector(actor, hazard.team_id, reads)
        hazard.reinspect(inspector, fixed, note, by=actor)
        self.app.commit(REINSPECT, actor, hazard, reads=reads)

    def import_records(self, actor: Actor, team_id: UUID | str,
                       inspections: Sequence[InspectionRecord] = (),
                       reinspections: Sequence[ReinspectionRecord] = ()) -> list[UUID]:
        """Import the patrol's paper records in one transaction, all or none (a migration,
        the demo): each inspection and re-inspection is dated when it happened and checked as
        the single commands check it. Returns the inspections' ids."""
        authorize(actor, IMPORT)
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        members: set[UUID] = set()
        reads: list[Aggregate] = [team]

        def member(volunteer: UUID) -> UUID:
            if volunteer not in members:
                members.add(self._check_member(volunteer, team, reads))
            return volunteer

        for when in [r.when for r in inspections] + [r.when for r in reinspections]:
            if when.tzinfo is None:
                raise InvalidRecordTime(
                    _("the record of {when} has no time zone; give e.g. datetime(2019, 5, 1, 9, "
                      "30, tzinfo=ZoneInfo('Asia/Shanghai'))").format(when=when)
                )
        recorded: list[Inspection] = []
        hazards: dict[UUID, Hazard] = {}
        for record in inspections:
            with self.app.events_dated(record.when):
                inspection, found = Inspection.record(team.id, record.place,
                                                      member(record.inspector),
                                                      record.findings, by=actor,
                                                      note=record.note)
            recorded.append(inspection)
            hazards.update((h.id, h) for h in found)
        for again in sorted(reinspections, key=lambda r: r.when):
            hazard = hazards.get(again.hazard) or self.hazard(again.hazard)
            if hazard.team_id != team.id:
                raise HazardOfAnotherTeam(
                    _("hazard {id} was found by another team; import it with that team").format(
                      id=hazard.id)
                )
            with self.app.events_dated(again.when):
                hazard.reinspect(member(again.inspector), again.fixed, again.note, by=actor)
            hazards[hazard.id] = hazard
        self.app.commit(IMPORT, actor, *recorded, *hazards.values(), reads=reads)
        return [i.id for i in recorded]

    # --- lectures and drills -----------------------------------------------------------------
    def hold_lecture(self, actor: Actor, team_id: UUID | str, topic: str, place: str,
                     audience: int = 0) -> UUID:
        authorize(actor, LECTURE)
        reads: list[Aggregate] = []
        _, team = self.check_inspector(actor, team_id, reads)
        lecture = Lecture.hold(team.id, topic, place, audience, by=actor)
        self.app.commit(LECTURE, actor, lecture, reads=reads)
        return lecture.id

    def hold_drill(self, actor: Actor, team_id: UUID | str, kind: str, place: str,
                   partner: str = "", participants: int = 0) -> UUID:
        authorize(actor, DRILL)
        reads: list[Aggregate] = []
        _, team = self.check_inspector(actor, team_id, reads)
        drill = Drill.hold(team.id, kind, place, by=actor, partner=partner,
                           participants=participants)
        self.app.commit(DRILL, actor, drill, reads=reads)
        return drill.id
