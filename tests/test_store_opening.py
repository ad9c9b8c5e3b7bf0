"""A store is opened, never conjured: a mistyped path, another application's database and a
store that keeps nothing are said to be what they are, and nothing is created on a refusal."""

from __future__ import annotations

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from civicvol import Actor, CivicVol
from civicvol.cli import cli
from civicvol.domain.errors import ConcurrentChange, NotACivicVolStore, StoreMissing

ADMIN = "administrator:admin-1"
REGISTER = ("volunteer", "register", "--name", "李师傅", "--phone", "13800138000",
            "--community", "东庄社区")


def civicvol(store: str, *args: str, actor: str | None = None) -> Result:
    argv = ["--store", store] + (["--as", actor] if actor else [])
    return CliRunner().invoke(cli, [*argv, *args], catch_exceptions=False)


def one_error_line(result: Result, exit_code: int = 7) -> str:
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestAMissingStore:
    @pytest.mark.parametrize("command", [
        ("report",), ("audit", "verify"), ("audit", "export", "bundle"),
        ("volunteer", "show", "8c6bd9a4-5b1d-4ab0-9f5c-3c1a0d2e7f10"), ("points", "show", "x"),
        ("audit", "replay"),
    ])
    def test_a_read_command_says_so_and_creates_nothing(
        self, tmp_path: Path, command: tuple[str, ...]
    ) -> None:
        line = one_error_line(civicvol(f"sqlite:///{tmp_path / 'staf.db'}", *command))
        assert "does not exist" in line and "civicvol --store URL init" in line
        assert files_in(tmp_path) == []

    def test_a_refused_write_creates_nothing(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'new.db'}"
        bad_phone = [*REGISTER[:5], "123", *REGISTER[6:]]
        one_error_line(civicvol(store, *bad_phone, actor=ADMIN), exit_code=2)
        one_error_line(civicvol(store, "order", "accept", "8c6bd9a4-5b1d-4ab0-9f5c-3c1a0d2e7f10",
                                actor="volunteer:8c6bd9a4-5b1d-4ab0-9f5c-3c1a0d2e7f10"),
                       exit_code=3)
        assert files_in(tmp_path) == []

    def test_a_write_creates_the_store_and_init_an_empty_one(self, tmp_path: Path) -> None:
        written, empty = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
        assert civicvol(written, *REGISTER, actor=ADMIN).exit_code == 0
        assert civicvol(empty, "init").stdout == f"store {empty} is ready\n"
        assert json.loads(civicvol(empty, "report", "--json").stdout)["events"] == 0
        assert "intact: 0 events" in civicvol(empty, "audit", "verify").stdout
        assert "(1 events)" in civicvol(written, "init").stdout

    def test_the_python_api_opens_without_creating(self, tmp_path: Path) -> None:
        with pytest.raises(StoreMissing, match="does not exist"):
            CivicVol(f"sqlite:///{tmp_path / 'staf.db'}", create=False)
        assert files_in(tmp_path) == []
        CivicVol(f"sqlite:///{tmp_path / 'staf.db'}").close()
        CivicVol(f"sqlite:///{tmp_path / 'staf.db'}", create=False).close()

    def test_a_missing_postgresql_schema_is_not_created(self, pg_schema_url: str) -> None:
        line = one_error_line(civicvol(pg_schema_url, "report"))
        assert "does not exist" in line
        schema = pg_schema_url.rsplit("=", 1)[1]
        with psycopg.connect(pg_schema_url.split("?")[0]) as conn:
            assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                [schema]).fetchone() is None


class TestAnotherApplicationsDatabase:
    def test_a_sqlite_file_of_another_application_is_left_as_it_was(
        self, tmp_path: Path
    ) -> None:
        notes = tmp_path / "notes.db"
        with closing(sqlite3.connect(notes)) as db:
            db.execute("CREATE TABLE notes (body TEXT)")
            db.execute("INSERT INTO notes VALUES ('买菜')")
            db.commit()
        before = notes.read_bytes()
        line = one_error_line(civicvol(f"sqlite:///{notes}", *REGISTER, actor=ADMIN))
        assert "is not a civicvol store" in line and "(notes)" in line
        with pytest.raises(NotACivicVolStore):
            CivicVol(f"sqlite:///{notes}")
        assert notes.read_bytes() == before

    def test_a_postgresql_schema_of_another_application_is_refused(
        self, pg_schema_url: str
    ) -> None:
        schema = pg_schema_url.rsplit("=", 1)[1]
        with psycopg.connect(pg_schema_url.split("?")[0], autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
            conn.execute(f'CREATE TABLE "{schema}".invoices (n int)')
        with pytest.raises(NotACivicVolStore, match="invoices"):
            CivicVol(pg_schema_url)
        with psycopg.connect(pg_schema_url.split("?")[0]) as conn:
            tables = conn.execute("SELECT table_name FROM information_schema.tables WHERE "
                                  "table_schema = %s", [schema]).fetchall()
        assert tables == [("invoices",)]


class TestAStoreThatKeepsNothing:
    def test_a_write_to_memory_is_refused(self) -> None:
        line = one_error_line(civicvol("memory://", *REGISTER, actor=ADMIN))
        assert "memory:// keeps nothing" in line

    def test_reading_memory_still_works(self) -> None:
        assert json.loads(civicvol("memory://", "report", "--json").stdout)["events"] == 0


class TestNewFilesArePrivate:
    def test_the_store_and_its_side_files_are_readable_by_the_owner_only(
        self, tmp_path: Path
    ) -> None:
        with closing(CivicVol(f"sqlite:///{tmp_path / 'civicvol.db'}")) as app:
            app.register_volunteer(Actor("administrator", "a"), "李师傅", "13800138000", "东庄")
            names = files_in(tmp_path)
            assert {"civicvol.db", "civicvol.db-wal", "civicvol.db-shm"} <= set(names)
            modes = {n: stat.S_IMODE((tmp_path / n).stat().st_mode) for n in names}
        assert set(modes.values()) == {0o600}, modes


class TestThePostgresCount:
    def test_the_report_counts_the_chain_not_the_sequence(self, pg_schema_url: str) -> None:
        admin = Actor("administrator", "a")
        with closing(CivicVol(pg_schema_url)) as first, \
                closing(CivicVol(pg_schema_url)) as second:
            volunteer = first.register_volunteer(admin, "李师傅", "13800138000", "东庄")
            mine, theirs = first.volunteer(volunteer), second.volunteer(volunteer)
            mine.suspend("核查", by=admin)
            theirs.suspend("核查", by=admin)
            first.commit("volunteer.suspend", admin, mine)
            with pytest.raises(ConcurrentChange):  # takes a number from the sequence
                second.commit("volunteer.suspend", admin, theirs)
            second.reactivate_volunteer(admin, volunteer)
            assert first.recorder.max_notification_id() == 4  # the sequence has a gap
            assert first.event_count() == 3
