"""Open311 client applications (a WeChat mini-program, a hotline system, a 12345 platform)
and their ``api_key``s, kept in a table of the store's own database.

A key is shown once, when the client is created; the table keeps only its SHA-256 (a key is
32 random bytes, so a plain hash is enough: there is nothing to guess). Revoking a client
refuses its key from then on. Clients are not events: they are the service's own access
list, like the views' tables, and a rebuild of the views leaves them alone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from civicvol.domain.errors import (
    ApiKeyRefused,
    ApiKeyRevoked,
    InvalidInput,
    RuleViolation,
    UnknownClient,
)
from civicvol.domain.text import clean_text
from civicvol.i18n import N_, _
from civicvol.views.database import ViewDatabase

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol

TABLE = "civicvol_open311_clients"
KEY_PREFIX = "c311_"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def check_client_name(name: object) -> str:
    text = clean_text(name, N_("client name")).strip()
    if not NAME_PATTERN.match(text):
        raise InvalidInput(_("client name {name!r} must be 1 to 40 lower-case letters, "
                             "digits or '-', e.g. wechat-mini or hotline-12345").format(
                                 name=name))
    return text


class Clients:
    """The store's Open311 clients."""

    def __init__(self, app: CivicVol) -> None:
        self.db = ViewDatabase(getattr(app.recorder, "datastore", None))
        self.db.create([
            f"CREATE TABLE IF NOT EXISTS {{{TABLE}}} (name TEXT PRIMARY KEY, "
            "key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT, "
            "revoked_because TEXT)"])

    def create(self, name: str) -> str:
        """Create a client; returns its api_key (shown only now)."""
        client = check_client_name(name)
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.db.writing(TABLE) as c:
            if c.execute(f"SELECT 1 FROM {{{TABLE}}} WHERE name = ?", [client]).one():
                raise RuleViolation(_("client {client!r} exists already; choose another "
                                      "name, or revoke it and create a new one under a new "
                                      "name").format(client=client))
            c.execute(f"INSERT INTO {{{TABLE}}} (name, key_hash, created_at) VALUES (?, ?, ?)",
                      [client, key_hash(api_key), _now()])
        return api_key

    def revoke(self, name: str, reason: str) -> None:
        client = check_client_name(name)
        why = clean_text(reason, N_("reason for revoking")).strip()
        if not why:
            raise InvalidInput(_("the reason for revoking is empty; say why in a few words"))
        with self.db.writing(TABLE) as c:
            row = c.execute(f"SELECT revoked_at FROM {{{TABLE}}} WHERE name = ?",
                            [client]).one()
            if row is None:
                raise UnknownClient(_("no Open311 client named {client!r}").format(
                                    client=client)).hinted(
                                    _("'civicvol client list' lists them"))
            if row[0] is not None:
                raise RuleViolation(_("client {client!r} was revoked already, at {at}")
                                    .format(client=client, at=row[0]))
            c.execute(f"UPDATE {{{TABLE}}} SET revoked_at = ?, revoked_because = ? "
                      "WHERE name = ?", [_now(), why[:500], client])

    def list(self) -> list[dict[str, Any]]:
        with self.db.reading() as c:
            rows = c.execute(f"SELECT name, created_at, revoked_at, revoked_because FROM "
                             f"{{{TABLE}}} ORDER BY name").all()
        return [{"name": n, "created_at": created, "status": "revoked" if revoked else "active",
                 "revoked_at": revoked, "revoked_because": why or ""}
                for n, created, revoked, why in rows]

    def authenticate(self, api_key: object) -> str:
        """The name of the active client whose key this is, else :class:`ApiKeyRefused`."""
        if not isinstance(api_key, str) or not api_key:
            raise ApiKeyRefused(_("api_key is missing; every request that creates "
                                  "something carries the api_key its client was given"))
        with self.db.reading() as c:
            row = c.execute(f"SELECT name, revoked_at FROM {{{TABLE}}} WHERE key_hash = ?",
                            [key_hash(api_key)]).one()
        if row is None:
            raise ApiKeyRefused(_("api_key is not known here; ask the district for a key"))
        if row[1] is not None:
            raise ApiKeyRevoked(_("the api_key of client {client!r} was revoked; ask the "
                                  "district for a new one").format(client=row[0]))
        return str(row[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
