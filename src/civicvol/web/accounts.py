"""Staff accounts of the web service, kept in the store's own database.

An account has a role, a name and (for a volunteer or a leader) the volunteer it acts as; its
API token is shown once, when it is created or rotated, and only its SHA-256 is stored. The
table is created on first use, beside the views' tables, in SQLite and PostgreSQL alike.
Accounts are credentials, not evidence: the events an account causes carry its actor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from civicvol.app.authorization import check_role
from civicvol.domain.errors import AccountNotFound, InvalidInput, NotAuthenticated
from civicvol.domain.text import printable
from civicvol.domain.values import Actor, Role
from civicvol.i18n import _

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol
    from civicvol.views.database import ViewDatabase

TABLE = "civicvol_web_accounts"
TOKEN_PREFIX = "cv_"
# Roles that act as a volunteer of the store, so the account names that volunteer.
AS_VOLUNTEER = (Role.VOLUNTEER.value, Role.LEADER.value)
_COLUMNS = "id, role, name, volunteer_id, created_at, revoked_at"


@attrs.frozen
class Account:
    id: str
    role: str
    name: str
    volunteer_id: str | None
    created_at: str
    revoked_at: str | None

    @property
    def actor(self) -> Actor:
        """Who the account's requests act as: a volunteer's account as the volunteer."""
        return Actor(self.role, self.volunteer_id or self.id)

    def as_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "actor": str(self.actor)}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """The store's accounts: create, list, revoke, rotate, and who a token belongs to."""

    def __init__(self, app: CivicVol) -> None:
        self.app = app
        self.db: ViewDatabase = app.views.db
        self.db.create([
            f"CREATE TABLE IF NOT EXISTS {{{TABLE}}} (id TEXT PRIMARY KEY, role TEXT NOT NULL, "
            "name TEXT NOT NULL, volunteer_id TEXT, token_hash TEXT NOT NULL UNIQUE, "
            "created_at TEXT NOT NULL, revoked_at TEXT)",
        ])

    def create(self, role: str, name: str | None = None, volunteer_id: str | None = None
               ) -> tuple[Account, str]:
        """A new account and its token (shown to the operator once, never stored).

        A volunteer's or leader's account keeps no name of its own: the volunteer's record
        names them, sealed with their key, so erasing them leaves nothing readable here."""
        role = str(role).strip()
        check_role(Actor(role or "?", "new-account"))
        if role in AS_VOLUNTEER:
            name = ""
            if not volunteer_id:
                raise InvalidInput(_("a {role} account acts as a volunteer of the store: name "
                                     "the volunteer").format(role=role)).hinted(
                                     _("give --volunteer ID (from 'civicvol volunteer "
                                       "search')"))
            volunteer_id = str(self.app.volunteer(volunteer_id).id)
        elif volunteer_id:
            raise InvalidInput(_("only volunteer and leader accounts name a volunteer, not a "
                                 "{role} account").format(role=role)).hinted(
                                 _("leave out --volunteer"))
        else:
            name = _check_name(name or "")
        account = Account(id=f"acct-{secrets.token_hex(4)}", role=role, name=name,
                          volunteer_id=volunteer_id, created_at=_now(), revoked_at=None)
        token = _new_token()
        with self.db.writing(TABLE) as c:
            c.execute(f"INSERT INTO {{{TABLE}}} (id, role, name, volunteer_id, token_hash, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                      [account.id, role, name, volunteer_id, token_hash(token),
                       account.created_at])
        return account, token

    def list(self, *, include_revoked: bool = True) -> list[Account]:
        where = "" if include_revoked else " WHERE revoked_at IS NULL"
        with self.db.reading() as c:
            rows = c.execute(f"SELECT {_COLUMNS} FROM {{{TABLE}}}{where} "
                             "ORDER BY created_at, id").all()
        return [self._named(Account(*r)) for r in rows]

    def _named(self, account: Account) -> Account:
        """A volunteer's account shows the volunteer's name from the directory ('' once
        they are erased or gone)."""
        if not account.volunteer_id:
            return account
        found = self.app.views.volunteers.get(account.volunteer_id)
        name = found["name"] if found and not found.get("erased") else ""
        return attrs.evolve(account, name=name)

    def get(self, account_id: str) -> Account:
        with self.db.reading() as c:
            row = c.execute(f"SELECT {_COLUMNS} FROM {{{TABLE}}} WHERE id = ?",
                            [str(account_id).strip()]).one()
        if row is None:
            raise AccountNotFound(_("no account with id {id!r}").format(
                                  id=account_id)).hinted(
                                  _("'civicvol account list' lists the accounts"))
        return Account(*row)

    def revoke(self, account_id: str) -> Account:
        """Its token stops working at once, in every server process."""
        account = self.get(account_id)
        if account.revoked_at is None:
            with self.db.writing(TABLE) as c:
                c.execute(f"UPDATE {{{TABLE}}} SET revoked_at = ? WHERE id = ?",
                          [_now(), account.id])
        return self.get(account.id)

    def rotate(self, account_id: str) -> tuple[Account, str]:
        """A new token for an account still in use; the old one stops working."""
        account = self.get(account_id)
        if account.revoked_at is not None:
            raise InvalidInput(_("account {id} is revoked; create a new account instead of "
                                 "rotating its token").format(id=account.id))
        token = _new_token()
        with self.db.writing(TABLE) as c:
            c.execute(f"UPDATE {{{TABLE}}} SET token_hash = ? WHERE id = ?",
                      [token_hash(token), account.id])
        return account, token

    def authenticate(self, token: str) -> Account:
        """The live account the token belongs to, or :class:`NotAuthenticated`."""
        digest = token_hash(token)
        with self.db.reading() as c:
            row = c.execute(f"SELECT {_COLUMNS}, token_hash FROM {{{TABLE}}} "
                            "WHERE token_hash = ?", [digest]).one()
        # The lookup is by hash; the comparison is constant-time all the same.
        if row is None or not hmac.compare_digest(str(row[-1]), digest):
            raise NotAuthenticated(_("the token is not an account's token; ask an "
                                     "administrator for one"))
        account = Account(*row[:-1])
        if account.revoked_at is not None:
            raise NotAuthenticated(_("the token of account {id} was revoked; ask an "
                                     "administrator for a new account").format(id=account.id))
        return account


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_name(name: str) -> str:
    text = str(name).strip()
    if not text or len(text) > 100 or printable(text) != text:
        raise InvalidInput(_("account name {name!r:.60} must be 1 to 100 printable "
                             "characters on one line, e.g. 王调度").format(name=name)).hinted(
                             _("give it with --name, e.g. --name 王调度"))
    return text
