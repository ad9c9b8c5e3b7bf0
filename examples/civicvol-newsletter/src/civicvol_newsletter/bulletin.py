"""《龙江居民简报》: a residents' bulletin, its editors and their roles, and its issue numbers.

Editors are members of the editorial team; each also serves residents in one or more roles:
lecturer (宣讲员), mediator (调解员), informant (信息员). Issues are numbered 1, 2, 3 ... in
order and dated no earlier than the issue before; the bulletin keeps the numbering so that two
editors publishing "the next issue" at once conflict instead of both succeeding.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol_newsletter.errors import (
    EditorAlreadyAppointed,
    InvalidRole,
    IssueOutOfOrder,
    NotAnEditor,
)


class EditorRole(StrEnum):
    LECTURER = "lecturer"
    MEDIATOR = "mediator"
    INFORMANT = "informant"

    @property
    def chinese(self) -> str:
        return {"lecturer": "宣讲员", "mediator": "调解员", "informant": "信息员"}[self.value]

    @classmethod
    def parse(cls, text: str) -> EditorRole:
        value = text.strip().lower()
        for role in cls:
            if value in (role.value, role.chinese):
                return role
        choices = ", ".join(f"{r.value} ({r.chinese})" for r in cls)
        raise InvalidRole(f"{text!r} is not an editor's role; choose from {choices}")


def parse_roles(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    parsed = tuple(dict.fromkeys(EditorRole.parse(r).value for r in roles))
    if not parsed:
        raise InvalidRole("give an editor at least one role: lecturer, mediator or informant")
    return parsed


class Bulletin(CivicAggregate):
    @staticmethod
    def create_id(team_id: UUID, title: str) -> UUID:
        return bulletin_id(team_id, title)

    @event("Founded")
    def __init__(self, team_id: UUID, title: str, community: str, by: Actor) -> None:
        self.team_id = team_id
        self.title = title
        self.community = community
        self.editors: dict[str, tuple[str, ...]] = {}  # volunteer id → roles
        self.last_number = 0
        self.last_date = ""  # ISO date of the latest issue

    @classmethod
    def found(cls, team_id: UUID, title: str, community: str, by: Actor) -> Bulletin:
        return cls(team_id=team_id, title=check_name(title, "bulletin title"),
                   community=check_text(community, "community"), by=by)

    # --- checks ------------------------------------------------------------------------------
    def check_is_editor(self, volunteer_id: UUID) -> None:
        if str(volunteer_id) not in self.editors:
            raise NotAnEditor(
                f"volunteer {volunteer_id} is not an editor of {self.title}; appoint them "
                "first (civicvol newsletter appoint-editor)"
            )

    def check_next_issue(self, number: int, published_on: date) -> None:
        if number != self.last_number + 1:
            raise IssueOutOfOrder(
                f"{self.title} has {self.last_number} issues; the next one is No. "
                f"{self.last_number + 1}, not No. {number}"
            )
        if self.last_date and published_on < date.fromisoformat(self.last_date):
            raise IssueOutOfOrder(
                f"issue No. {number} cannot be dated {published_on}, before issue No. "
                f"{self.last_number} ({self.last_date}); check the date"
            )

    # --- editors -----------------------------------------------------------------------------
    def appoint_editor(self, volunteer_id: UUID, roles: list[str] | tuple[str, ...],
                       by: Actor) -> None:
        if str(volunteer_id) in self.editors:
            raise EditorAlreadyAppointed(
                f"volunteer {volunteer_id} already edits {self.title}; change their roles "
                "with civicvol newsletter assign-roles"
            )
        self._appoint_editor(volunteer_id, parse_roles(roles), by)

    @event("EditorAppointed")
    def _appoint_editor(self, volunteer_id: UUID, roles: tuple[str, ...], by: Actor) -> None:
        self.editors[str(volunteer_id)] = tuple(roles)

    def assign_roles(self, volunteer_id: UUID, roles: list[str] | tuple[str, ...],
                     by: Actor) -> None:
        self.check_is_editor(volunteer_id)
        self._assign_roles(volunteer_id, parse_roles(roles), by)

    @event("RolesAssigned")
    def _assign_roles(self, volunteer_id: UUID, roles: tuple[str, ...], by: Actor) -> None:
        self.editors[str(volunteer_id)] = tuple(roles)

    def stand_down_editor(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        self.check_is_editor(volunteer_id)
        self._stand_down_editor(volunteer_id, check_text(reason, "reason"), by)

    @event("EditorStoodDown")
    def _stand_down_editor(self, volunteer_id: UUID, reason: str, by: Actor) -> None:
        del self.editors[str(volunteer_id)]

    # --- issues ------------------------------------------------------------------------------
    def number_issue(self, number: int, published_on: date, by: Actor) -> None:
        self.check_next_issue(number, published_on)
        self._number_issue(number, published_on.isoformat(), by)

    @event("IssueNumbered")
    def _number_issue(self, number: int, published_on: str, by: Actor) -> None:
        self.last_number = number
        self.last_date = published_on


def bulletin_id(team_id: UUID, title: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol-newsletter:bulletin:{team_id}:{title.strip()}")
