"""/api/v1/orders: 点单 → 派单 → 接单 → 评单, and the dispatcher's queue."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response

from civicvol.app.application import parse_id
from civicvol.audit.history import aggregate_history
from civicvol.domain.errors import OrderNotFound
from civicvol.i18n import _
from civicvol.web.accounts import Account
from civicvol.web.bodies import (
    Completion,
    Created,
    Dispatch,
    Done,
    NewOrder,
    Rating,
    Reason,
)
from civicvol.web.paging import RECORD, Filter, Limit, Offset, Page, paged, record
from civicvol.web.security import civic, reading_account, writing_account

router = APIRouter(prefix="/orders", tags=["orders"])
Status = Literal["placed", "dispatched", "accepted", "completed", "rated", "cancelled", "open"]


@router.post("", status_code=201, response_model=Created, summary="Place an order (点单)")
def place(body: NewOrder, request: Request, response: Response,
          account: Account = Depends(writing_account)) -> Created:
    with civic(request) as app:
        order_id = app.place_order(account.actor, body.service, body.description, body.place,
                                   body.wanted_time, body.beneficiaries, channel=body.channel)
    response.headers["Location"] = f"{request.url.path}/{order_id}"
    return Created(id=str(order_id))


@router.get("", response_model=Page, summary="Orders matching every filter given")
def list_orders(request: Request, limit: Limit = 50, offset: Offset = 0,
                status: Status | None = None, team: Filter | None = None,
                community: Filter | None = None, service: Filter | None = None,
                channel: Filter | None = None,
                _a: Account = Depends(reading_account)) -> Page:
    team = str(parse_id(team, "team")) if team else None
    with civic(request) as app:
        return paged(request, lambda n, o: app.views.orders.list(
            status=status, team=team, community=community, service=service, channel=channel,
            limit=n, offset=o), limit, offset)


@router.get("/queue", response_model=Page, summary="The dispatcher's queue, oldest first")
def queue(request: Request, limit: Limit = 50, offset: Offset = 0,
          _a: Account = Depends(reading_account)) -> Page:
    with civic(request) as app:
        return paged(request, lambda n, o: app.views.orders.queue(limit=n, offset=o),
                      limit, offset)


def order_record(app: Any, order_id: str) -> dict[str, Any]:
    found = app.views.orders.get(str(parse_id(order_id, "order")))
    if found is None:
        raise OrderNotFound(_("no order with id {id} in this store; GET /api/v1/orders lists "
                              "them").format(id=order_id))
    return dict(found)


@router.get("/{order_id}", responses=RECORD, summary="One order and where it stands")
def show(order_id: str, request: Request, _a: Account = Depends(reading_account)) -> Response:
    with civic(request) as app:
        return record(request, order_record(app, order_id))


@router.get("/{order_id}/history", summary="Every event of the order, oldest first")
def history(order_id: str, request: Request,
            _a: Account = Depends(reading_account)) -> list[dict[str, Any]]:
    with civic(request) as app:
        order_record(app, order_id)
        return aggregate_history(app, order_id, whole=True)



@router.post("/{order_id}/dispatch", response_model=Done, summary="Dispatch to a team (派单)")
def dispatch(order_id: str, body: Dispatch, request: Request,
             account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.dispatch_order(account.actor, order_id, body.team_id)
    return Done.of("order", order_id, "order.dispatch")


@router.post("/{order_id}/accept", response_model=Done, summary="A team member accepts (接单)")
def accept(order_id: str, request: Request,
           account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.accept_order(account.actor, order_id)
    return Done.of("order", order_id, "order.accept")


@router.post("/{order_id}/decline", response_model=Done, summary="Decline an order")
def decline(order_id: str, body: Reason, request: Request,
            account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.decline_order(account.actor, order_id, body.reason)
    return Done.of("order", order_id, "order.decline")


@router.post("/{order_id}/complete", response_model=Done, summary="Complete with the hours")
def complete(order_id: str, body: Completion, request: Request,
             account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.complete_order(account.actor, order_id, str(body.hours), body.served)
    return Done.of("order", order_id, "order.complete")


@router.post("/{order_id}/rate", response_model=Done, summary="The requester rates (评单)")
def rate(order_id: str, body: Rating, request: Request,
         account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.rate_order(account.actor, order_id, body.stars, body.comment)
    return Done.of("order", order_id, "order.rate")


@router.post("/{order_id}/cancel", response_model=Done, summary="Cancel with a reason")
def cancel(order_id: str, body: Reason, request: Request,
           account: Account = Depends(writing_account)) -> Done:
    with civic(request) as app:
        app.cancel_order(account.actor, order_id, body.reason)
    return Done.of("order", order_id, "order.cancel")
