"""Backups that restore: a consistent copy of a live store, and the chain head it holds.

SQLite: the online backup API copies the database page by page as one consistent snapshot,
including the transactions still in the ``-wal`` file (a plain ``cp`` of the main file alone
misses those: see docs/operations.md), while other processes go on writing. PostgreSQL:
``pg_dump`` of the store's schema, run on a snapshot exported from a transaction that also
reads the chain's head, so the head signed beside the dump is exactly the dump's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from civicvol.app.application import CivicVol
from civicvol.audit.recorders import as_chained
from civicvol.domain.errors import StoreError
from civicvol.i18n import _
from civicvol.store import store_environment
from civicvol.store_opening import create_private_file, sqlite_file

PG_DUMP_TIMEOUT = 3600  # seconds: a city's store, dumped over a slow disk


@dataclass(frozen=True)
class Backup:
    """What was copied: the chain's length and head in the copy, and where to read the Merkle
    tree's nodes (the live store's: the tree of the copy's entries never changes)."""

    path: Path
    event_count: int
    head_hash: bytes
    tree: Callable[[int, int], bytes] | None = None

    def chain_head(self) -> tuple[int, bytes]:  # what a checkpoint is signed from
        return self.event_count, self.head_hash

    def tree_node(self, level: int, index: int) -> bytes:
        assert self.tree is not None, "a backup made by backup_store knows its tree"
        return self.tree(level, index)


def backup_store(app: CivicVol, dest: Path) -> Backup:
    """Copy ``app``'s store to ``dest`` (a new file); raises :class:`StoreError`."""
    if dest.exists():
        raise StoreError(_("{dest} exists already; a backup never overwrites a file: "
                           "choose a new name").format(dest=dest))
    if not dest.resolve().parent.is_dir():
        raise StoreError(_("the folder {parent} does not exist; create it or choose "
                           "another place for the backup").format(parent=dest.resolve().parent))
    env = store_environment(app.store_url)
    tree = as_chained(app.recorder).tree_node
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        return replace(_dump_postgres(env, dest), tree=tree)
    source = sqlite_file(env)
    if source is None:
        raise StoreError(_("memory:// keeps nothing to back up; back up a sqlite:/// or "
                           "postgresql:// store"))
    return replace(_copy_sqlite(source, dest), tree=tree)


def _copy_sqlite(source: Path, dest: Path) -> Backup:
    create_private_file(dest)
    try:
        with closing(sqlite3.connect(source, timeout=10)) as src, \
                closing(sqlite3.connect(dest)) as copy:
            src.backup(copy)  # one consistent snapshot, -wal content included
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    except sqlite3.Error as error:
        dest.unlink(missing_ok=True)
        raise StoreError(_("the backup to {dest} failed: {error}; nothing was written, "
                           "retry").format(dest=dest, error=error)) from None
    with closing(CivicVol(f"sqlite:///{dest}", create=False)) as copied:
        count, head = as_chained(copied.recorder).chain_head()
    return Backup(dest, count, head)


def _dump_postgres(env: dict[str, str], dest: Path) -> Backup:
    import psycopg
    from psycopg import sql

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StoreError(_("pg_dump is not installed here; install the PostgreSQL client, or "
                           "follow 'Backing up PostgreSQL by hand' in docs/operations.md"))
    schema = env.get("POSTGRES_SCHEMA") or "public"
    connection = {"dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"],
                  "port": env["POSTGRES_PORT"], "user": env["POSTGRES_USER"]}
    with psycopg.connect(dbname=connection["dbname"], host=connection["host"],
                         port=int(connection["port"]), user=connection["user"],
                         password=env["POSTGRES_PASSWORD"] or None, connect_timeout=5) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        head = conn.execute(sql.SQL(
            "SELECT chain_position, chain_hash FROM {}.civicvol_events WHERE chain_position "
            "IS NOT NULL ORDER BY notification_id DESC LIMIT 1").format(sql.Identifier(schema))
        ).fetchone()
        assert row is not None
        # The snapshot lives as long as this transaction: pg_dump reads exactly what we read.
        _run(pg_dump, "--snapshot", row[0], "--schema", schema, "--format", "custom",
             "--file", str(dest), *(f"--{k}={v}" for k, v in connection.items()
                                   if k != "dbname"), connection["dbname"],
             password=env["POSTGRES_PASSWORD"])
    dest.chmod(0o600)
    count, digest = (int(head[0]), bytes(head[1])) if head else (0, bytes(32))
    return Backup(dest, count, digest)


def _run(*argv: str, password: str) -> None:
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    done = subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=PG_DUMP_TIMEOUT, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise StoreError(_("pg_dump failed: {first}; nothing usable was written, retry").format(
                           first=first))


__all__: Sequence[str] = ["Backup", "backup_store"]
