"""The rider-clues plug-in's web routes (``register_routes``), under
/api/v1/plugins/rider-clues: a rider reports a clue, a handler triages it, anyone on the
staff reads it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import StringConstraints

from civicvol.plugins.rider_clues.commands import RiderClues
from civicvol.plugins.rider_clues.views import clue_view
from civicvol.web.accounts import Account
from civicvol.web.bodies import Body, Created, Id, Line, Text
from civicvol.web.paging import RECORD, record
from civicvol.web.security import civic, reading_account, writing_account

Verdict = Annotated[str, StringConstraints(max_length=40)]


class NewClue(Body):
    team_id: Id
    category: Line
    photo: Line
    place: Line
    description: Text = ""


class Triage(Body):
    verdict: Verdict
    duplicate_of: Id | None = None
    note: Text = ""


def router(service: RiderClues) -> APIRouter:
    routes = APIRouter()

    @routes.post("/clues", status_code=201, response_model=Created,
                 summary="A rider reports a clue (随手拍)")
    def report(body: NewClue, request: Request,
               account: Account = Depends(writing_account)) -> Created:
        with civic(request):
            clue_id = service.report_clue(account.actor, body.team_id, body.category,
                                          body.photo, body.place, description=body.description)
        return Created(id=str(clue_id))

    @routes.get("/clues/{clue_id}", responses=RECORD, summary="One clue")
    def show(clue_id: str, request: Request,
             _a: Account = Depends(reading_account)) -> Response:
        with civic(request):
            return record(request, clue_view(service.clue(clue_id), service.categories))

    @routes.post("/clues/{clue_id}/triage", summary="Judge a clue; returns the points credited")
    def triage(clue_id: str, body: Triage, request: Request,
               account: Account = Depends(writing_account)) -> dict[str, Any]:
        with civic(request):
            points = service.triage(account.actor, clue_id, body.verdict, body.duplicate_of,
                                    body.note)
        return {"id": clue_id, "points": points}

    return routes
