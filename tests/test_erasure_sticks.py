"""Erasure that sticks: after ``volunteer erase`` the destroyed key is nowhere in the store's
files, not in the write-ahead log and not in the database's free space, also on a SQLite
whose build leaves secure_delete off (simulated: every new connection turns it off, as a
build without SQLITE_SECURE_DELETE does by default)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from civicvol import Actor, CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.cli import cli

ADMIN = Actor("administrator", "admin-1")


@pytest.fixture
def without_secure_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SQLite connection starts with secure_delete off, as on such a build."""
    connect = sqlite3.connect

    def connect_insecurely(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_insecurely)


@pytest.fixture
def district(tmp_path: Path, without_secure_delete: None) -> Iterator[CivicVol]:
    with closing(CivicVol(f"sqlite:///{tmp_path / 'civicvol.db'}")) as app:
        for batch in range(4):  # several flushes of keys, so the keys table's pages split
            app.register_volunteers(ADMIN, [
                (f"王{batch}号{i}", f"138{batch:02d}{i:06d}", "东庄社区", ())
                for i in range(150)])
        yield app


def store_files(app: CivicVol) -> bytes:
    db = Path(app.store_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


class TestTheDestroyedKeyIsPhysicallyGone:
    def test_the_simulated_build_really_leaves_secure_delete_off(
        self, without_secure_delete: None
    ) -> None:
        with closing(sqlite3.connect(":memory:")) as connection:
            assert connection.execute("PRAGMA secure_delete").fetchone() == (0,)

    def test_not_in_the_log_nor_in_free_pages_while_the_store_is_open(
        self, district: CivicVol
    ) -> None:
        volunteer = next(iter(district.repository.event_store.recorder.select_notifications(
            start=1, limit=1))).originator_id
        subject = district.volunteer(volunteer).contact.subject
        assert subject is not None
        key = district.personal_keys.key_for(subject)
        assert key is not None and key in store_files(district)
        erase_volunteer(district, ADMIN, volunteer, "本人申请")
        assert key not in store_files(district)
        assert district.volunteer(volunteer).contact.name == "[erased]"

    def test_erasing_many_leaves_none_of_their_keys(self, district: CivicVol) -> None:
        ids = [n.originator_id for n in district.recorder.select_notifications(
            start=1, limit=600)][::37]
        keys = []
        for volunteer in ids:
            subject = district.volunteer(volunteer).contact.subject
            assert subject is not None
            keys.append(district.personal_keys.key_for(subject))
            erase_volunteer(district, ADMIN, volunteer, "本人申请")
        files = store_files(district)
        assert [k for k in keys if k is not None and k in files] == []


def raw_pages(conn: psycopg.Connection[Any], table: str) -> bytes:
    """The table's pages as stored, dead rows included (the pageinspect extension)."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    size = conn.execute("SELECT pg_relation_size(%s::regclass)", [table]).fetchone()
    assert size is not None
    return b"".join(bytes(conn.execute("SELECT get_raw_page(%s, %s)", [table, n]).fetchone()[0])
                    for n in range(size[0] // 8192))


class TestOnPostgres:
    def test_the_key_table_keeps_no_dead_row(self, pg_schema_url: str) -> None:
        schema = pg_schema_url.rsplit("=", 1)[1]
        table = f'"{schema}".civicvol_personal_keys'
        with closing(CivicVol(pg_schema_url)) as app, \
                psycopg.connect(pg_schema_url.split("?")[0], autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{schema}", public')
            ids = app.register_volunteers(ADMIN, [("王伟", "13800138000", "东庄", ()),
                                                  ("李娜", "13900139000", "东庄", ())])
            subject = app.volunteer(ids[0]).contact.subject
            assert subject is not None
            key = app.personal_keys.key_for(subject)
            assert key is not None and key in raw_pages(conn, table)
            erase_volunteer(app, ADMIN, ids[0], "本人申请")
            pages = raw_pages(conn, table)
            other = app.personal_keys.key_for(app.volunteer(ids[1]).contact.subject or subject)
        assert key not in pages
        assert other is not None and other in pages


class TestAKeyLostWithoutAnErasure:
    """The keys are outside the chain: verify checks them against the erasures recorded."""

    def test_audit_verify_names_a_key_deleted_by_hand(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'civicvol.db'}"
        with closing(CivicVol(store)) as app:
            kept, erased, tampered = app.register_volunteers(ADMIN, [
                ("王伟", "13800138000", "东庄", ()), ("李娜", "13900139000", "东庄", ()),
                ("张敏", "13700137000", "东庄", ())])
            erase_volunteer(app, ADMIN, erased, "本人申请")
            subject = app.volunteer(tampered).contact.subject
        intact = verify(store)
        assert intact.exit_code == 0 and "is intact: 4 events" in intact.stdout
        with closing(sqlite3.connect(tmp_path / "civicvol.db")) as db:
            db.execute("DELETE FROM civicvol_personal_keys WHERE subject = ?", [str(subject)])
            assert db.total_changes == 1
            db.commit()
        outcome = verify(store)
        assert outcome.exit_code == 1, outcome.output
        assert "NOT intact" in outcome.stdout and str(tampered) in outcome.stdout
        assert str(erased) not in outcome.stdout and str(kept) not in outcome.stdout
        report = json.loads(verify(store, "--json").stdout)
        assert (report["intact"], report["personal_keys_lost"]) == (False, [str(tampered)])


def verify(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, "audit", "verify", *args])
