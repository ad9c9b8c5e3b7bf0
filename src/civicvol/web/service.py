"""The ASGI application: the staff API under /api/v1, Open311 under /open311/v2 (when
``civicvol.web.open311`` is installed), the plug-ins' routes, problem details for errors."""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from typing import Any

from fastapi import APIRouter, FastAPI

from civicvol import __version__
from civicvol.app.application import CivicVol
from civicvol.web import problems
from civicvol.web.accounts import Accounts
from civicvol.web.limits import MAX_BODY, BodyLimit, WriteRate

API = "/api/v1"
OPEN311 = "/open311/v2"
STORE_ENV_FOR_WORKERS = "CIVICVOL_SERVE_STORE"
WRITE_RATE_ENV = "CIVICVOL_WRITE_RATE"


def create_app(store: str | CivicVol | None = None, *, plugins: bool = True,
               write_rate: float = 10.0, write_burst: int = 30, max_body: int = MAX_BODY,
               config: str | None = None) -> FastAPI:
    """The web service over ``store``: a store URL (opened with the installed plug-ins unless
    ``plugins=False``) or an application already open. Each account may write
    ``write_rate`` times a second (bursts of ``write_burst``); bodies over ``max_body`` bytes
    are refused with 413."""
    civic = store if isinstance(store, CivicVol) else _open(store, plugins, config)
    app = FastAPI(title="civicvol", version=__version__, openapi_url="/openapi.json",
                  description="A district's volunteer service: the staff API "
                              "(see docs/web.md).")
    app.state.civic = civic
    app.state.civic_lock = threading.RLock()
    app.state.accounts = Accounts(civic)
    app.state.write_rate = WriteRate(write_rate, write_burst)
    problems.install(app)
    app.add_middleware(BodyLimit, limit=max_body)
    app.include_router(staff_api())
    from civicvol.web.console import router as console

    app.include_router(console)
    for name, router in civic.extensions.routes(civic):
        app.include_router(router, prefix=f"{API}/plugins/{name}", tags=[name],
                           responses=problems.RESPONSES)
    mount_open311(app)
    if not isinstance(store, CivicVol):
        app.router.add_event_handler("shutdown", civic.close)
    return app


def mount_open311(app: FastAPI) -> None:
    """The contract with civicvol.web.open311: its ``router()`` is mounted at /open311/v2
    and reads ``request.app.state.civic``; its optional ``error_response(request, error)``
    renders the errors under /open311 in Open311's format instead of problem details."""
    if importlib.util.find_spec("civicvol.web.open311") is None:
        return  # not installed (yet): the staff API works without it
    open311 = importlib.import_module("civicvol.web.open311")
    app.include_router(open311.router(), prefix=OPEN311)
    app.state.open311_errors = getattr(open311, "error_response", None)


def staff_api() -> APIRouter:
    from civicvol.web import api_orders, api_people, api_points

    api = APIRouter(prefix=API, responses=problems.RESPONSES)
    for router in (api_people.volunteers, api_people.teams, api_orders.router,
                   api_points.router):
        api.include_router(router)
    return api


def _open(store: str | None, plugins: bool, config: str | None) -> CivicVol:
    if not plugins:
        return CivicVol(store)
    from civicvol.bootstrap import open_district

    return open_district(store, config=config)


def app_from_environment() -> Any:
    """What ``civicvol serve`` gives each uvicorn worker: the store named by the command."""
    rate = float(os.environ.get(WRITE_RATE_ENV, "10"))
    return create_app(os.environ.get(STORE_ENV_FOR_WORKERS), write_rate=rate,
                      write_burst=max(30, int(rate * 3)),
                      config=os.environ.get("CIVICVOL_CONFIG"))
