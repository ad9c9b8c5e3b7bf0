"""``jurisdiction_id``: the district this endpoint serves, named after its store.

The id is the store's short name: a SQLite file's stem (``panlong`` for panlong.db), a
PostgreSQL schema (else the database), ``memory`` for an in-memory store. The store's full
name is accepted too. A request naming another jurisdiction is refused.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from civicvol.domain.errors import NotFound
from civicvol.i18n import _
from civicvol.store import store_name

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol


class UnknownJurisdiction(NotFound):
    """The jurisdiction_id names a district this endpoint does not serve."""


def jurisdiction_of(app: CivicVol) -> str:
    parts = urlsplit(app.store_url)
    if parts.scheme == "memory":
        return "memory"
    if parts.scheme.startswith("postgres"):
        schema = parse_qs(parts.query).get("schema")
        return schema[0] if schema else parts.path.strip("/") or "postgres"
    return PurePosixPath(parts.path).stem or "civicvol"


def check_jurisdiction(app: CivicVol, given: str | None) -> None:
    if given is None or given == "":
        return
    if given not in (jurisdiction_of(app), store_name(app.store_url)):
        raise UnknownJurisdiction(_(
            "jurisdiction_id {given!r} is not served here; this endpoint serves {served!r} "
            "(see discovery.xml)").format(given=given, served=jurisdiction_of(app)))
