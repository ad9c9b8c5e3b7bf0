"""The GeoReport v2 endpoints as a FastAPI router (mounted at ``/open311/v2``).

Each endpoint answers in the format its path ends with (``.json`` or ``.xml``); every
mistake a client can make is an Open311 error list with a 4xx status. The civic application
is ``request.app.state.civic``; its commands run one at a time (a lock per application), off
the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from civicvol.app.application import CivicVol, parse_id
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import (
    ApiKeyRefused,
    ApiKeyRevoked,
    CivicVolError,
    ConcurrentChange,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    StoreBusy,
    StoreError,
)
from civicvol.domain.values import Actor
from civicvol.i18n import _
from civicvol.web.open311 import mapping, params
from civicvol.web.open311.clients import Clients
from civicvol.web.open311.formats import FORMATS, MEDIA_TYPES, errors, render
from civicvol.web.open311.jurisdiction import check_jurisdiction, jurisdiction_of

logger = logging.getLogger(__name__)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90  # the spec's default window for GET requests
_locks: WeakKeyDictionary[CivicVol, threading.Lock] = WeakKeyDictionary()
_clients: WeakKeyDictionary[CivicVol, Clients] = WeakKeyDictionary()


def status_of(error: CivicVolError) -> int:
    if isinstance(error, ApiKeyRefused):
        return 403 if isinstance(error, ApiKeyRevoked) else 401
    if isinstance(error, StoreBusy | StoreError):
        return 503
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, ConcurrentChange):
        return 409
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    return 400  # bad input and rules of the domain: the client asked for something wrong


class Call:
    """One request: its format, its parameters (query and body), the district."""

    def __init__(self, request: Request, fmt: str, form: params.Params) -> None:
        self.request, self.fmt, self.params = request, fmt, form
        civic = request.app.state.civic
        assert isinstance(civic, CivicVol)
        self.app: CivicVol = civic

    @property
    def clients(self) -> Clients:
        if self.app not in _clients:
            _clients[self.app] = Clients(self.app)
        return _clients[self.app]

    def client(self) -> str:
        return self.clients.authenticate(params.single(self.params, "api_key"))

    def has_key(self) -> bool:
        """Whether a valid api_key came with a read (it shows what and where)."""
        if params.single(self.params, "api_key") is None:
            return False
        self.client()  # a wrong key is refused, not quietly read as none
        return True


async def answer(request: Request, fmt: str, work: Callable[[Call], Response]) -> Response:
    if fmt not in FORMATS:
        return errors("xml", 404, _("format {fmt!r} is not served; end the path with .xml "
                                    "or .json").format(fmt=fmt))
    try:
        query = params.parse_form(request.scope.get("query_string", b""))
        body = await request.body() if request.method == "POST" else b""
        form = query + (params.parse_form(body) if body else [])
        call = Call(request, fmt, form)
        check_jurisdiction(call.app, params.single(form, "jurisdiction_id"))
        lock = _locks.setdefault(call.app, threading.Lock())

        def locked() -> Response:
            with lock:
                return work(call)
        return await run_in_threadpool(locked)
    except CivicVolError as error:
        return errors(fmt, status_of(error), str(error))
    except Exception:  # a bug of ours: logged, and still answered in Open311's format
        logger.exception("Open311 %s %s failed", request.method, request.url.path)
        return errors(fmt, 500, _("the district's server failed on this request; nothing "
                                  "was stored if it was a POST; tell the district"))


# Open311's own error document (a list of {code, description}; <errors> in XML), for every
# status this router answers a client's mistake with, so the OpenAPI description is true.
_ERROR_SCHEMA = {"type": "array", "items": {
    "type": "object", "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": description,
             "content": {"application/json": {"schema": _ERROR_SCHEMA},
                         "text/xml": {"schema": {"type": "string"}}}}
    for status, description in (
        (400, "Bad input: a missing or malformed parameter, an unknown attribute value."),
        (401, "No api_key, or an unknown one."),
        (403, "A revoked api_key, or a resident acting on another's request."),
        (404, "Unknown service code, request id, token or format."),
        (409, "A concurrent change; nothing was stored."),
        (429, "Too many writes from this client's api_key; nothing was stored."),
        (500, "A fault of the server (a bug): reported in Open311's format."),
        (503, "The store is unavailable."))}


def router() -> APIRouter:
    api = APIRouter(tags=["Open311 GeoReport v2"], responses=ERRORS)

    @api.get("/discovery.{fmt}", summary="Service discovery: this endpoint and its formats")
    async def discovery(request: Request, fmt: str) -> Response:
        def work(call: Call) -> Response:
            base = str(request.url_for("discovery", fmt=fmt)).rsplit("/", 1)[0]
            return render(fmt, "discovery", {
                "changeset": clock.now().astimezone(DISTRICT_TIME).date().isoformat(),
                "contact": f"civicvol, jurisdiction_id {jurisdiction_of(call.app)}",
                "key_service": "civicvol client create NAME (the district's administrator)",
                "endpoints": [{"specification": SPECIFICATION, "url": base,
                               "changeset": "2026-12-01", "type": "production",
                               "formats": [MEDIA_TYPES["xml"].split(";")[0],
                                           MEDIA_TYPES["json"].split(";")[0]]}]})
        return await answer(request, fmt, work)

    @api.get("/services.{fmt}", summary="The district's services (the catalogue)")
    async def services(request: Request, fmt: str) -> Response:
        return await answer(request, fmt, lambda call: render(
            fmt, "services", [mapping.service_entry(s) for s in call.app.services()]))

    @api.get("/services/{service_code}.{fmt}", summary="A service's definition (attributes)")
    async def service_definition(request: Request, service_code: str, fmt: str) -> Response:
        return await answer(request, fmt, lambda call: render(
            fmt, "service_definition",
            mapping.service_definition(call.app.service(service_code))))

    @api.post("/requests.{fmt}", summary="Create a service request (a ServiceOrder)",
              status_code=201)
    async def create_request(request: Request, fmt: str) -> Response:
        return await answer(request, fmt, place_request)

    @api.post("/requests/{service_request_id}/rating.{fmt}",
              summary="civicvol's extension: the resident rates their own request (评单)")
    async def rate_request(request: Request, service_request_id: str, fmt: str) -> Response:
        return await answer(request, fmt, lambda call: rate_request_of(call,
                                                                        service_request_id))

    @api.get("/requests.{fmt}", summary="Service requests, newest first")
    async def list_requests(request: Request, fmt: str) -> Response:
        return await answer(request, fmt, find_requests)

    @api.get("/requests/{service_request_id}.{fmt}", summary="One service request")
    async def get_request(request: Request, service_request_id: str, fmt: str) -> Response:
        def work(call: Call) -> Response:
            return render(fmt, "service_requests",
                          [one_request(call, service_request_id, call.has_key())])
        return await answer(request, fmt, work)

    @api.get("/tokens/{token}.{fmt}", summary="The request a token stands for")
    async def token(request: Request, token: str, fmt: str) -> Response:
        def work(call: Call) -> Response:
            # civicvol never defers creation: the token a client holds is the request's id.
            found = one_request(call, token, private=False)
            return render(fmt, "service_requests", [
                {"service_request_id": found["service_request_id"], "token": token}])
        return await answer(request, fmt, work)

    @api.get("/servicerequestupdates.{fmt}",
             summary="mySociety's extension: the updates of requests, in log order")
    async def updates(request: Request, fmt: str) -> Response:
        return await answer(request, fmt, find_updates)

    @api.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
    async def unknown(request: Request, rest: str) -> Response:
        fmt = rest.rsplit(".", 1)[-1] if "." in rest else "xml"
        return errors(fmt, 404, _("/{path} is not an Open311 GeoReport v2 endpoint; see "
                                  "discovery.xml").format(path=rest))

    return api


def resident_of(call: Call) -> Actor:
    """The resident a client acts for (its own id for them, ``account_id``), after the
    client's write rate: every write through Open311 is a resident's, through one client."""
    client = call.client()
    rate = getattr(call.request.app.state, "write_rate", None)
    if rate is not None:
        rate.take(f"open311 client {client}")
    account = params.single(call.params, "account_id")
    if not account:
        raise InvalidInput(_("account_id is missing: civicvol records which resident asked "
                             "(the client's own id for them)"))
    return Actor("resident", f"{client}/{account}")


def rate_request_of(call: Call, service_request_id: str) -> Response:
    """Only the resident who placed the request rates it, once, through the same client."""
    resident = resident_of(call)
    stars = params.whole(call.params, "stars", 0, 1, 5)
    if not stars:
        raise InvalidInput(_("stars is missing: give 1 to 5"))
    order = parse_id(service_request_id, "service request")
    call.app.rate_order(resident, order, stars, params.single(call.params, "comment") or "")
    return render(call.fmt, "service_requests", [one_request(call, str(order), True)])


def place_request(call: Call) -> Response:
    form = call.params
    resident = resident_of(call)
    code = params.single(form, "service_code")
    if not code:
        raise InvalidInput(_("service_code is missing; services.xml lists the codes"))
    lat = params.coordinate(form, "lat", 90)
    long = params.coordinate(form, "long", 180)
    address = params.single(form, "address_string") or ""
    if (lat is None) != (long is None):
        raise InvalidInput(_("give lat and long together"))
    if lat is None and not address and not params.single(form, "address_id"):
        raise InvalidInput(_("say where: lat and long, or address_string (the spec requires "
                             "a location)"))
    service = call.app.service(code)
    order = call.app.place_order(
        resident, service.code,
        description=params.single(form, "description") or "", place=address,
        channel="open311", attributes=params.attributes(form),
        position=(lat, long) if lat is not None and long is not None else None)
    return render(call.fmt, "service_requests", [
        {"service_request_id": str(order), "service_notice": service.description,
         "account_id": None}], 201)


def find_requests(call: Call) -> Response:
    form, private = call.params, call.has_key()
    ids_text = params.single(form, "service_request_id")
    page = params.whole(form, "page", 1, 1, 10**6)
    size = params.whole(form, "page_size", 100, 1, 1000)
    if ids_text:  # the spec: other parameters are ignored
        ids = [str(parse_id(i, "service request")) for i in ids_text.split(",") if i.strip()]
        rows = call.app.views.service_requests.requests(ids=ids)
    else:
        start, end = params.moment(form, "start_date"), params.moment(form, "end_date")
        if start is None and end is None:
            start = (clock.now() - timedelta(days=DEFAULT_DAYS)).astimezone(
                DISTRICT_TIME).isoformat(timespec="seconds")
        rows = call.app.views.service_requests.requests(
            service_code=params.single(form, "service_code") or None, start=start, end=end,
            statuses=stages(params.single(form, "status")), limit=size,
            offset=(page - 1) * size)
    return render(call.fmt, "service_requests",
                  [mapping.request_entry(r, private=private) for r in rows])


def stages(status: str | None) -> list[str]:
    chosen: list[str] = []
    for part in (status or "").split(","):
        word = part.strip().lower()
        if word == "open":
            chosen += mapping.OPEN_STAGES
        elif word == "closed":
            chosen += mapping.CLOSED_STAGES
        elif word:
            raise InvalidInput(_("status {status!r} is not open or closed").format(
                status=part))
    return chosen


def one_request(call: Call, ident: str, private: bool) -> dict[str, Any]:
    order = str(parse_id(ident, "service request"))
    rows = call.app.views.service_requests.requests(ids=[order])
    if not rows:
        from civicvol.domain.errors import OrderNotFound

        raise OrderNotFound(_("no service request {order} here; requests.xml lists them")
                            .format(order=order))
    return mapping.request_entry(rows[0], private=private)


def find_updates(call: Call) -> Response:
    form = call.params
    ident = params.single(form, "service_request_id")
    order = str(parse_id(ident, "service request")) if ident else None
    start, end = params.moment(form, "start_date"), params.moment(form, "end_date")
    page = params.whole(form, "page", 1, 1, 10**6)
    size = params.whole(form, "page_size", 100, 1, 1000)
    rows = call.app.views.service_requests.updates(order_id=order, start=start, end=end,
                                                   limit=size, offset=(page - 1) * size)
    return render(call.fmt, "service_request_updates", [mapping.update_entry(r) for r in rows])
