"""Who acts: the account behind a request's ``Authorization: Bearer`` token.

Route handlers (the plug-ins' too) take ``account: Account = Depends(reading_account)`` to
read and ``Depends(writing_account)`` to write; the account's ``actor`` goes to the command.
Every call into the application holds the process's civic lock (:func:`civic`): one command
or query at a time per server process, as the CLI makes them; more processes (``--workers``)
share a PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from civicvol.app.application import CivicVol
from civicvol.domain.errors import NotAuthenticated, PermissionDenied
from civicvol.i18n import _
from civicvol.web.accounts import Account

bearer = HTTPBearer(auto_error=False, description="An account's API token "
                    "(civicvol account create).")


@contextmanager
def civic(request: Request) -> Iterator[CivicVol]:
    """The application, held for this process's one command or query at a time."""
    state = request.app.state
    with state.civic_lock:
        yield state.civic


def signed_in(request: Request,
              credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Account:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(_("this request needs an account's token: send "
                                 "'Authorization: Bearer <token>'; an administrator gives "
                                 "one"))
    with civic(request):
        account: Account = request.app.state.accounts.authenticate(credentials.credentials)
        return account


def reading_account(account: Account = Depends(signed_in)) -> Account:
    """Staff reads: every account but a resident's (residents read through Open311)."""
    if account.role == "resident":
        raise PermissionDenied(_("a resident account may not read the staff API; residents "
                                 "follow their requests through Open311"))
    return account


def writing_account(request: Request, account: Account = Depends(signed_in)) -> Account:
    """A write: the account's rate is checked here; its role by the command itself."""
    request.app.state.write_rate.take(account.id)
    return account
