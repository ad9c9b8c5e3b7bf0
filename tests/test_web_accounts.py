"""The accounts table lives in the store's own database, SQLite or PostgreSQL alike: tokens
kept only as hashes, a revoked or rotated-away token refused at once, also by a second
process opening the same store."""

from __future__ import annotations

import pytest

from civicvol import CivicVol
from civicvol.domain.errors import AccountNotFound, InvalidInput, NotAuthenticated
from civicvol.web.accounts import Accounts, token_hash
from tests.conftest import ADMIN


@pytest.mark.shared_store
def test_an_account_made_in_one_process_is_known_revoked_and_rotated_in_another(
        disk_url: str) -> None:
    operator, server = CivicVol(disk_url), CivicVol(disk_url)
    try:
        barber = operator.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
        made, token = Accounts(operator).create("volunteer", "李师傅", str(barber))
        seen = Accounts(server)
        assert seen.authenticate(token).actor.id == str(barber)
        with seen.db.reading() as c:
            stored = c.execute("SELECT token_hash FROM {civicvol_web_accounts}").all()
        assert stored == [(token_hash(token),)]
        _, new = Accounts(operator).rotate(made.id)
        with pytest.raises(NotAuthenticated):
            seen.authenticate(token)
        assert seen.authenticate(new).id == made.id
        Accounts(operator).revoke(made.id)
        with pytest.raises(NotAuthenticated, match="revoked"):
            seen.authenticate(new)
        with pytest.raises(InvalidInput, match="revoked"):
            Accounts(operator).rotate(made.id)
        with pytest.raises(AccountNotFound):
            Accounts(operator).revoke("acct-nobody")
        assert operator.event_count() == 1  # accounts are credentials, not events
        with seen.db.reading() as c:
            names = c.execute("SELECT name FROM {civicvol_web_accounts}").all()
        assert names == [("",)]  # the volunteer's name lives only in their sealed record
        assert [a.name for a in Accounts(operator).list()] == ["李师傅"]
    finally:
        operator.close()
        server.close()
