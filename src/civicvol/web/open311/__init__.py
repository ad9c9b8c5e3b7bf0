"""Open311 GeoReport v2 for the district (``/open311/v2``): see docs/open311.md.

``router()`` gives the FastAPI router that ``civicvol.web.create_app`` mounts; it reads the
district from ``request.app.state.civic``. ``standalone_app(store)`` serves the router alone
(tests, a small deployment). FastAPI is imported only when one of them is called, so the
CLI's ``client`` commands (which use :mod:`civicvol.web.open311.clients`) do not need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

    from civicvol.app.application import CivicVol

PREFIX = "/open311/v2"


def router() -> APIRouter:
    from civicvol.web.open311.routes import router as make

    return make()


def standalone_app(store: str | CivicVol, **open_args: Any) -> FastAPI:
    """A FastAPI app serving only Open311 at ``/open311/v2`` for the district in ``store``
    (a URL, opened with its plug-ins, or an open application)."""
    from fastapi import FastAPI

    from civicvol.app.application import CivicVol

    if isinstance(store, CivicVol):
        civic = store
    else:
        from civicvol.bootstrap import open_district

        civic = open_district(store, **open_args)
    app = FastAPI(title="civicvol Open311 GeoReport v2")
    app.state.civic = civic
    app.include_router(router(), prefix=PREFIX)
    return app
