"""The editorial board's commands: found the bulletin, appoint editors and give them their
roles among the residents, publish issues."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from civicvol import Actor, CivicVol
from civicvol.app.application import parse_id
from civicvol.app.authorization import authorize
from civicvol.domain.membership import check_is_member
from civicvol.domain.team import Team
from civicvol_newsletter.bulletin import Bulletin, bulletin_id
from civicvol_newsletter.errors import BulletinAlreadyFounded, BulletinNotFound
from civicvol_newsletter.issue import BulletinIssue, parse_issue_date
from civicvol_newsletter.permissions import (
    APPOINT_EDITOR,
    ASSIGN_ROLES,
    EDITOR_ROLE,
    FOUND,
    PUBLISH,
    STAND_DOWN_EDITOR,
)


class Newsletter:
    """龙江编辑部's bulletin over one application's store."""

    def __init__(self, app: CivicVol, title: str = "《龙江居民简报》") -> None:
        self.app = app
        self.title = title

    def bulletin(self, ident: UUID | str) -> Bulletin:
        return self.app.load(Bulletin, ident, what="bulletin", not_found=BulletinNotFound,
                             hint="found one first with 'civicvol newsletter found'")

    def issue(self, bulletin: UUID | str, number: int) -> BulletinIssue | None:
        return self.app.find(BulletinIssue,
                             BulletinIssue.create_id(parse_id(bulletin, "bulletin"), number))

    def found_bulletin(self, actor: Actor, team_id: UUID | str, title: str = "",
                       community: str = "") -> UUID:
        authorize(actor, FOUND)
        team = self._team(team_id)
        name = title or self.title
        if self.app.find(Bulletin, bulletin_id(team.id, name)) is not None:
            raise BulletinAlreadyFounded(f"team {team.name!r} already publishes {name}; "
                                         "use its id (civicvol newsletter show)")
        bulletin = Bulletin.found(team.id, name, community or team.community, by=actor)
        self.app.commit(FOUND, actor, bulletin)
        return bulletin.id

    def appoint_editor(self, actor: Actor, bulletin_ref: UUID | str, volunteer_id: UUID | str,
                       roles: Sequence[str]) -> None:
        """A member of the editorial team becomes an editor, serving residents as lecturer
        (宣讲员), mediator (调解员) and/or informant (信息员)."""
        authorize(actor, APPOINT_EDITOR)
        bulletin = self.bulletin(bulletin_ref)
        self.app.check_leads(actor, self._team(bulletin.team_id))
        volunteer = self.app.volunteer(volunteer_id)
        volunteer.check_is_active()
        check_is_member(self.app.membership(bulletin.team_id, volunteer.id), bulletin.team_id,
                        volunteer.id)
        bulletin.appoint_editor(volunteer.id, tuple(roles), by=actor)
        self.app.commit(APPOINT_EDITOR, actor, bulletin)

    def assign_roles(self, actor: Actor, bulletin_ref: UUID | str, volunteer_id: UUID | str,
                     roles: Sequence[str]) -> None:
        authorize(actor, ASSIGN_ROLES)
        bulletin = self.bulletin(bulletin_ref)
        self.app.check_leads(actor, self._team(bulletin.team_id))
        bulletin.assign_roles(parse_id(volunteer_id, "volunteer"), tuple(roles), by=actor)
        self.app.commit(ASSIGN_ROLES, actor, bulletin)

    def stand_down_editor(self, actor: Actor, bulletin_ref: UUID | str,
                          volunteer_id: UUID | str, reason: str = "") -> None:
        authorize(actor, STAND_DOWN_EDITOR)
        bulletin = self.bulletin(bulletin_ref)
        self.app.check_leads(actor, self._team(bulletin.team_id))
        bulletin.stand_down_editor(parse_id(volunteer_id, "volunteer"), reason, by=actor)
        self.app.commit(STAND_DOWN_EDITOR, actor, bulletin)

    def publish_issue(self, actor: Actor, bulletin_ref: UUID | str, number: int, title: str,
                      published_on: date | str, editors: Sequence[UUID | str] = ()) -> UUID:
        """An editor publishes the next issue; the editors named (the publishing editor when
        none are) must all be editors of the bulletin. The bulletin records the number in
        the same transaction, so issue numbers never repeat or skip."""
        authorize(actor, PUBLISH)
        bulletin = self.bulletin(bulletin_ref)
        if actor.role == EDITOR_ROLE:
            bulletin.check_is_editor(parse_id(actor.id, "editor (volunteer)"))
        else:
            self.app.check_leads(actor, self._team(bulletin.team_id))
        names = tuple(parse_id(e, "editor (volunteer)") for e in editors)
        if not names and actor.role == EDITOR_ROLE:
            names = (parse_id(actor.id, "editor (volunteer)"),)
        for editor in names:
            bulletin.check_is_editor(editor)
        day = parse_issue_date(published_on)
        issue = BulletinIssue.publish(bulletin.id, number, title, day, names, by=actor)
        bulletin.number_issue(number, day, by=actor)
        self.app.commit(PUBLISH, actor, bulletin, issue)
        return issue.id

    def _team(self, team_id: UUID | str) -> Team:
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        return team
