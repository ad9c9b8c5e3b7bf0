"""/api/v1/volunteers and /api/v1/teams: the district's people and their teams."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response

from civicvol.app.application import parse_id
from civicvol.domain.errors import TeamNotFound, VolunteerNotFound
from civicvol.i18n import _
from civicvol.web.accounts import Account
from civicvol.web.bodies import (
    Contact,
    Created,
    Done,
    MaybeReason,
    NationalNumber,
    NewTeam,
    NewVolunteer,
    Reason,
    VolunteerRef,
)
from civicvol.web.paging import RECORD, Filter, Limit, Offset, Page, paged, record
from civicvol.web.security import civic, reading_account, writing_account

volunteers = APIRouter(prefix="/volunteers", tags=["volunteers"])
teams = APIRouter(prefix="/teams", tags=["teams"])


# --- volunteers --------------------------------------------------------------------------------
@volunteers.post("", status_code=201, response_model=Created, summary="Register a volunteer")
def register(body: NewVolunteer, request: Request, response: Response,
             account: Account = Depends(writing_account)) -> Created:
    with civic(request) as app:
        ident = app.register_volunteer(account.actor, body.name, body.phone, body.community,
                                       body.skills, national_number=body.national_number)
    response.headers["Location"] = f"{request.url.path}/{ident}"
    return Created(id=str(ident))


@volunteers.get("", response_model=Page, summary="Search volunteers")
def search(request: Request, limit: Limit = 50, offset: Offset = 0,
           phone: Filter | None = None, name: Filter | None = None,
           community: Filter | None = None, skill: Filter | None = None,
           status: Literal["active", "suspended", "left"] | None = None,
           team: Filter | None = None, national_number: Filter | None = None,
           _a: Account = Depends(reading_account)) -> Page:
    team = str(parse_id(team, "team")) if team else None
    with civic(request) as app:
        return paged(request, lambda n, o: app.views.volunteers.search(
            phone=phone, name=name, community=community, skill=skill, status=status,
            team=team, national_number=national_number, limit=n, offset=o), limit, offset)


def volunteer_record(app: Any, volunteer_id: str) -> dict[str, Any]:
    found = app.views.volunteers.get(str(parse_id(volunteer_id, "volunteer")))
    if found is None:
        raise VolunteerNotFound(_("no volunteer with id {id} in this store; GET "
                                  "/api/v1/volunteers searches them").format(id=volunteer_id))
    return dict(found)


@volunteers.get("/{volunteer_id}", responses=RECORD, summary="One volunteer")
def show_volunteer(volunteer_id: str, request: Request,
                   _a: Account = Depends(reading_account)) -> Response:
    with civic(request) as app:
        return record(request, volunteer_record(app, volunteer_id))


@volunteers.get("/{volunteer_id}/orders", response_model=Page,
                summary="A volunteer's orders: open first, then past, newest first")
def orders_of(volunteer_id: str, request: Request, limit: Limit = 50, offset: Offset = 0,
              _a: Account = Depends(reading_account)) -> Page:
    with civic(request) as app:
        ident = volunteer_record(app, volunteer_id)["id"]
        return paged(request, lambda n, o: app.views.orders.of_volunteer(
            ident, limit=n, offset=o), limit, offset)



@volunteers.post("/{volunteer_id}/contact", response_model=Done, summary="Update contact")
def update_contact(volunteer_id: str, body: Contact, request: Request,
                   account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.update_contact(account.actor, volunteer_id, body.name, body.phone)
    return Done.of("volunteer", volunteer_id, "volunteer.update_contact")


@volunteers.post("/{volunteer_id}/national-number", response_model=Done,
                 summary="Set or correct the national volunteer number")
def record_national_number(volunteer_id: str, body: NationalNumber, request: Request,
                           account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.record_national_number(account.actor, volunteer_id, body.national_number)
    return Done.of("volunteer", volunteer_id, "volunteer.update_contact")


@volunteers.post("/{volunteer_id}/suspend", response_model=Done, summary="Suspend")
def suspend(volunteer_id: str, body: Reason, request: Request,
            account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.suspend_volunteer(account.actor, volunteer_id, body.reason)
    return Done.of("volunteer", volunteer_id, "volunteer.suspend")


@volunteers.post("/{volunteer_id}/reactivate", response_model=Done, summary="Reactivate")
def reactivate(volunteer_id: str, request: Request,
               account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.reactivate_volunteer(account.actor, volunteer_id)
    return Done.of("volunteer", volunteer_id, "volunteer.reactivate")


@volunteers.post("/{volunteer_id}/leave", response_model=Done, summary="Leave the service")
def leave(volunteer_id: str, body: MaybeReason, request: Request,
          account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.volunteer_leaves(account.actor, volunteer_id, body.reason)
    return Done.of("volunteer", volunteer_id, "volunteer.leave")


# --- teams -------------------------------------------------------------------------------------
@teams.post("", status_code=201, response_model=Created, summary="Create a team")
def create_team(body: NewTeam, request: Request, response: Response,
                account: Account = Depends(writing_account)) -> Created:
    with civic(request) as app:
        ident = app.create_team(account.actor, body.name, body.kind, body.parent or None,
                                body.community)
    response.headers["Location"] = f"{request.url.path}/{ident}"
    return Created(id=str(ident))


@teams.get("", response_model=Page, summary="The teams")
def list_teams(request: Request, limit: Limit = 50, offset: Offset = 0,
               kind: Literal["corps", "standing", "special"] | None = None,
               community: Filter | None = None, include_dissolved: bool = True,
               _a: Account = Depends(reading_account)) -> Page:
    with civic(request) as app:
        return paged(request, lambda n, o: app.views.teams.list(
            kind=kind, community=community, include_dissolved=include_dissolved, limit=n,
            offset=o), limit, offset)


def team_record(app: Any, team_id: str) -> dict[str, Any]:
    found = app.views.teams.get(str(parse_id(team_id, "team")))
    if found is None:
        raise TeamNotFound(_("no team with id {id} in this store; GET /api/v1/teams lists "
                             "them").format(id=team_id))
    return dict(found)


@teams.get("/{team_id}", responses=RECORD, summary="One team")
def show_team(team_id: str, request: Request,
              _a: Account = Depends(reading_account)) -> Response:
    with civic(request) as app:
        return record(request, team_record(app, team_id))


@teams.get("/{team_id}/members", response_model=Page, summary="A team's roster")
def members(team_id: str, request: Request, limit: Limit = 50, offset: Offset = 0,
            include_past: bool = False, _a: Account = Depends(reading_account)) -> Page:
    with civic(request) as app:
        ident = team_record(app, team_id)["id"]
        return paged(request, lambda n, o: app.views.memberships.members(
            ident, include_past=include_past, limit=n, offset=o), limit, offset)



@teams.post("/{team_id}/members", response_model=Done, summary="A volunteer joins the team")
def join(team_id: str, body: VolunteerRef, request: Request,
         account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.join_team(account.actor, team_id, body.volunteer_id)
    return Done.of("team", team_id, "team.join")


@teams.post("/{team_id}/members/{volunteer_id}/leave", response_model=Done,
            summary="A volunteer leaves the team")
def leave_team(team_id: str, volunteer_id: str, body: MaybeReason, request: Request,
               account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.leave_team(account.actor, team_id, volunteer_id, body.reason)
    return Done.of("team", team_id, "team.leave")


@teams.post("/{team_id}/leaders", response_model=Done, summary="Appoint a member as leader")
def appoint(team_id: str, body: VolunteerRef, request: Request,
            account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.appoint_leader(account.actor, team_id, body.volunteer_id)
    return Done.of("team", team_id, "team.appoint_leader")


@teams.post("/{team_id}/leaders/{volunteer_id}/stand-down", response_model=Done,
            summary="A leader stands down")
def stand_down(team_id: str, volunteer_id: str, request: Request,
               account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.stand_down_leader(account.actor, team_id, volunteer_id)
    return Done.of("team", team_id, "team.stand_down_leader")


@teams.post("/{team_id}/dissolve", response_model=Done, summary="Dissolve the team")
def dissolve(team_id: str, body: Reason, request: Request,
             account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.dissolve_team(account.actor, team_id, body.reason)
    return Done.of("team", team_id, "team.dissolve")
