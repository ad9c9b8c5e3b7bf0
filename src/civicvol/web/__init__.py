"""The district on the network: the staff JSON API, Open311 (``civicvol.web.open311``) and
the accounts whose tokens prove who acts (see docs/web.md).

``create_app(store)`` gives the ASGI application; FastAPI is imported only when it is called,
so that the accounts (``civicvol account ...``) work without the ``web`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from civicvol.app.application import CivicVol

__all__ = ["create_app"]


def create_app(store: str | CivicVol | None = None, *, plugins: bool = True,
               **options: Any) -> FastAPI:
    """The web service over ``store`` (a store URL or an open application); see
    :func:`civicvol.web.service.create_app` for the options."""
    from civicvol.web.service import create_app as create

    return create(store, plugins=plugins, **options)
