"""志愿服务队: the corps, a standing team or a special team, with its leaders.

Members are not kept here: each membership is its own small aggregate
(:mod:`civicvol.domain.membership`), so the corps with tens of thousands of members loads as
cheaply as a team of nine, and members joining at once never conflict with each other.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import InvalidTeamStructure, RuleViolation, TeamDissolved
from civicvol.domain.values import Actor, TeamKind, check_name, check_text
from civicvol.i18n import N_, _


class Team(CivicAggregate):
    @event("Created")
    def __init__(
        self,
        name: str,
        kind: TeamKind,
        parent_id: UUID | None,
        community: str,
        by: Actor,
    ) -> None:
        self.name = name
        self.kind = kind
        self.parent_id = parent_id
        self.community = community
        self.leaders: tuple[UUID, ...] = ()
        self.dissolved = False

    @classmethod
    def create(
        cls,
        name: str,
        kind: TeamKind | str,
        by: Actor,
        parent: Team | None = None,
        community: str = "",
    ) -> Team:
        try:
            team_kind = TeamKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in TeamKind)
            raise InvalidTeamStructure(
                _("team kind {kind!r} is not one of {choices}").format(
                  kind=kind, choices=choices)
            ) from None
        if parent is not None:
            parent.check_is_not_dissolved()
            if team_kind is TeamKind.CORPS:
                raise InvalidTeamStructure(
                    _("the district corps is the top team and has no parent")
                ).hinted(_("leave --parent out"))
        return cls(
            name=check_name(name, N_("team name")),
            kind=team_kind,
            parent_id=parent.id if parent else None,
            community=check_text(community, "community") if community else "",
            by=by,
        )

    def check_is_not_dissolved(self) -> None:
        if self.dissolved:
            raise TeamDissolved(
                _("team {name!r} ({id}) is dissolved; choose a team that still serves").format(
                  name=self.name, id=self.id)
            )

    def appoint_leader(self, volunteer_id: UUID, by: Actor) -> None:
        self.check_is_not_dissolved()
        if volunteer_id in self.leaders:
            raise RuleViolation(_("volunteer {volunteer_id} already leads team {name!r}").format(
                                  volunteer_id=volunteer_id, name=self.name))
        self._appoint_leader(volunteer_id, by)

    @event("LeaderAppointed")
    def _appoint_leader(self, volunteer_id: UUID, by: Actor) -> None:
        self.leaders = (*self.leaders, volunteer_id)

    def stand_down_leader(self, volunteer_id: UUID, by: Actor) -> None:
        if volunteer_id not in self.leaders:
            raise RuleViolation(_("volunteer {volunteer_id} does not lead team {name!r}").format(
                                  volunteer_id=volunteer_id, name=self.name))
        self._stand_down_leader(volunteer_id, by)

    @event("LeaderStoodDown")
    def _stand_down_leader(self, volunteer_id: UUID, by: Actor) -> None:
        self.leaders = tuple(v for v in self.leaders if v != volunteer_id)

    def dissolve(self, reason: str, by: Actor) -> None:
        self.check_is_not_dissolved()
        self._dissolve(check_text(reason, "reason for dissolving", required=True), by)

    @event("Dissolved")
    def _dissolve(self, reason: str, by: Actor) -> None:
        self.dissolved = True
        self.leaders = ()
