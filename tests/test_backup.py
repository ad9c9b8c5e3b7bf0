"""Backups that restore: ``civicvol backup`` copies a live store while another process writes
to it, and the copy restores, verifies and matches the checkpoint signed beside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from civicvol import Actor, CivicVol
from civicvol.cli import cli

ADMIN = Actor("administrator", "admin-1")
WRITER = """
import sys
from civicvol import Actor, CivicVol
app = CivicVol(sys.argv[1])
for i in range(int(sys.argv[2])):
    app.register_volunteer(Actor("administrator", "a"), f"王{i}", f"138{i:08d}", "东庄")
    if i == 5:
        print("writing", flush=True)
app.close()
"""


def civicvol(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, *args])


def verified(store: str, checkpoint: Path, key: Path) -> dict[str, object]:
    """The store verified against the backup's checkpoint, with the signer's key pinned."""
    from civicvol.audit.checkpoint import public_key_path

    outcome = civicvol(store, "audit", "verify", "--checkpoint", str(checkpoint),
                       "--public-key", str(public_key_path(key)), "--json")
    assert outcome.exit_code == 0, outcome.output
    report: dict[str, object] = json.loads(outcome.stdout)
    return report


@pytest.fixture
def key(tmp_path: Path) -> Path:
    assert civicvol("memory://", "audit", "keygen", "--out", str(tmp_path / "k")).exit_code == 0
    return tmp_path / "k"


def start_writer(store: str, commits: int) -> subprocess.Popen[str]:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, store, str(commits)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    return writer


class TestSQLiteBackup:
    def test_a_backup_during_writes_restores_verifies_and_matches(
        self, tmp_path: Path, key: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'live.db'}"
        CivicVol(store).close()
        writer = start_writer(store, 400)
        try:
            outcome = civicvol(store, "backup", str(tmp_path / "copy.db"), "--key", str(key))
            assert outcome.exit_code == 0, outcome.output
            still_writing = writer.poll() is None
        finally:
            assert writer.wait(timeout=120) == 0
        checkpoint = tmp_path / "copy.db.checkpoint.json"
        signed = json.loads(checkpoint.read_text())
        assert still_writing and 5 < signed["event_count"] < 400
        restored = tmp_path / "restored" / "civicvol.db"  # a restore is a plain copy of it
        restored.parent.mkdir()
        shutil.copy(tmp_path / "copy.db", restored)
        report = verified(f"sqlite:///{restored}", checkpoint, key)
        assert (report["intact"], report["event_count"], report["checkpoints_checked"]) == (
            True, signed["event_count"], 1)
        assert report["head_hash"] == outcome.stdout.strip() == signed["head_hash"]
        assert verified(store, checkpoint, key)["event_count"] == 400  # the live store went on

    def test_a_plain_copy_of_the_main_file_loses_committed_events(self, tmp_path: Path) -> None:
        """Why docs/operations.md says: never cp a live SQLite store without its -wal."""
        live = tmp_path / "live.db"
        with closing(CivicVol(f"sqlite:///{live}")) as app:
            app.register_volunteers(ADMIN, [(f"王{i}", f"138{i:08d}", "东庄", ())
                                            for i in range(20)])
            shutil.copy(live, tmp_path / "cp.db")  # while the store is open, as in a cron job
            assert app.event_count() == 20
        with closing(CivicVol(f"sqlite:///{tmp_path / 'cp.db'}")) as copy:
            assert copy.event_count() < 20

    def test_a_backup_never_overwrites_and_needs_an_existing_store(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'live.db'}"
        (tmp_path / "taken").write_text("keep me")
        assert "does not exist" in civicvol(store, "backup", str(tmp_path / "b.db")).stderr
        CivicVol(store).close()
        outcome = civicvol(store, "backup", str(tmp_path / "taken"))
        assert outcome.exit_code == 7 and "exists already" in outcome.stderr
        assert (tmp_path / "taken").read_text() == "keep me"


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
class TestPostgresBackup:
    def test_a_dump_during_writes_restores_and_matches(
        self, pg_schema_url: str, tmp_path: Path, key: Path
    ) -> None:
        CivicVol(pg_schema_url).close()
        writer = start_writer(pg_schema_url, 150)
        try:
            outcome = civicvol(pg_schema_url, "backup", str(tmp_path / "dump"), "--key",
                               str(key))
            assert outcome.exit_code == 0, outcome.output
        finally:
            assert writer.wait(timeout=120) == 0
        checkpoint = tmp_path / "dump.checkpoint.json"
        schema, server = pg_schema_url.rsplit("=", 1)[1], pg_schema_url.split("?")[0]
        with psycopg.connect(server, autocommit=True) as conn:  # the store is lost ...
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        subprocess.run(["pg_restore", "--dbname", server, str(tmp_path / "dump")],  # ... restored
                       check=True, timeout=120)
        report = verified(pg_schema_url, checkpoint, key)
        assert report["event_count"] == json.loads(checkpoint.read_text())["event_count"]
        assert report["checkpoints_checked"] == 1 and report["event_count"] >= 6
