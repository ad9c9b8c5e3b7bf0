"""/api/v1/points and a volunteer's points: the audit queue, approve, reject, reverse,
redeem; and /api/v1/report, the district's figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from civicvol.app.application import parse_id
from civicvol.app.views import district_report
from civicvol.web.accounts import Account
from civicvol.web.api_people import volunteer_record
from civicvol.web.bodies import Approval, Created, Done, EntryReason, Redemption
from civicvol.web.paging import RECORD, Filter, Limit, Offset, Page, paged, record
from civicvol.web.security import civic, reading_account, writing_account

router = APIRouter(tags=["points"])


@router.get("/points/pending", response_model=Page,
            summary="The points auditor's queue: credits waiting, oldest first")
def pending(request: Request, limit: Limit = 50, offset: Offset = 0,
            community: Filter | None = None, team: Filter | None = None,
            _a: Account = Depends(reading_account)) -> Page:
    team = str(parse_id(team, "team")) if team else None
    with civic(request) as app:
        return paged(request, lambda n, o: app.views.points.pending(
            community=community, team=team, limit=n, offset=o), limit, offset)


@router.get("/volunteers/{volunteer_id}/points", responses=RECORD,
            summary="A volunteer's balance and entries")
def points_of(volunteer_id: str, request: Request,
              _a: Account = Depends(reading_account)) -> Response:
    with civic(request) as app:
        ident = volunteer_record(app, volunteer_id)["id"]
        data: dict[str, Any] = {**app.views.points.account(ident),
                                "entries": app.views.points.entries(ident)}
        return record(request, data)



@router.post("/volunteers/{volunteer_id}/points/approve", response_model=list[str],
             summary="Approve one pending credit, or all of them")
def approve(volunteer_id: str, body: Approval, request: Request,
            account: Account = Depends(writing_account)) -> list[str]:
    with civic(request) as app:
        return app.approve_points(account.actor, volunteer_id, body.entry_id)


@router.post("/volunteers/{volunteer_id}/points/reject", response_model=Done,
             summary="Reject a pending credit")
def reject(volunteer_id: str, body: EntryReason, request: Request,
           account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.reject_points(account.actor, volunteer_id, body.entry_id, body.reason)
    return Done.of("volunteer", volunteer_id, "points.reject")


@router.post("/volunteers/{volunteer_id}/points/reverse", response_model=Done,
             summary="Reverse an approved credit")
def reverse(volunteer_id: str, body: EntryReason, request: Request,
            account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.reverse_points(account.actor, volunteer_id, body.entry_id, body.reason)
    return Done.of("volunteer", volunteer_id, "points.reverse")


@router.post("/volunteers/{volunteer_id}/points/redeem", status_code=201,
             response_model=Created, summary="Redeem points for a gift at a station")
def redeem(volunteer_id: str, body: Redemption, request: Request,
           account: Account = Depends(writing_account)) -> Created:
    with civic(request) as app:
        entry = app.redeem_points(account.actor, volunteer_id, body.points, body.gift,
                                  body.station)
    return Created(id=entry)


@router.get("/report", tags=["report"], summary="The district report's figures")
def report(request: Request, _a: Account = Depends(reading_account)) -> dict[str, Any]:
    with civic(request) as app:
        figures = dict(district_report(app))
    figures.pop("store", None)  # a PostgreSQL URL may name a user: not for the network
    return figures
