"""A store is opened, never conjured: what is checked before eventsourcing touches a database.

* Opening without ``create`` (what the CLI's read commands do) needs a civicvol store to be
  there: a mistyped path says so instead of reporting "0 events" from an empty new file.
* A database that holds tables but no civicvol events table belongs to another application
  and is refused, with or without ``create``: civicvol never adds its tables to it.
* A new SQLite file is created readable and writable by its owner only (0600) before SQLite
  opens it; SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

from civicvol.domain.errors import NotACivicVolStore, StoreMissing
from civicvol.i18n import _

EVENTS_TABLE = "stored_events"  # eventsourcing's names: SQLite's, and PostgreSQL's below
EVENTS_TABLES = (EVENTS_TABLE, "civicvol_events")
PRIVATE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_file(env: dict[str, str]) -> Path | None:
    """The file of a SQLite store's environment (None for an in-memory database)."""
    name = env.get("SQLITE_DBNAME", "")
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.sqlite" or "mode=memory" in name \
            or ":memory:" in name:
        return None
    return Path(name)


def check_sqlite_store(env: dict[str, str], name: str, *, create: bool) -> None:
    """Refuse a missing store (unless ``create``, which makes a private new file) and a
    database of another application."""
    path = sqlite_file(env)
    if path is None:
        return
    if not path.exists():
        if not create:
            raise _missing(name, f"there is no file {path}")
        create_private_file(path)
        return
    if path.stat().st_size == 0:  # an empty file (e.g. touched): no tables yet
        if not create:
            raise _missing(name, f"the file {path} is empty")
        path.chmod(PRIVATE)
        return
    check_tables(_sqlite_tables(path, name), name, create=create)


def check_tables(tables: set[str], name: str, *, create: bool) -> None:
    """A database with tables but without civicvol's events table is another application's."""
    if tables.intersection(EVENTS_TABLES):
        return
    if tables:
        shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
        raise NotACivicVolStore(
            _("store {name} is not a civicvol store: it holds another application's tables "
              "({shown}) and no civicvol events; civicvol will not add its tables to it. "
              "Give it a new file or an empty schema").format(
              name=name, shown=shown)).hinted(_("name another one with --store (or "
                                                 "CIVICVOL_STORE)"))
    if not create:
        raise _missing(name, "it holds no civicvol tables yet")


def postgres_tables(conn: Any, schema: str) -> set[str]:
    """The tables of a PostgreSQL schema (none if the schema does not exist)."""
    rows = conn.execute("SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = %s", [schema]).fetchall()
    return {str(row[0]) for row in rows}


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (if another process creating the
    same store made it first, that one stands)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def remove_if_empty(path: Path) -> bool:
    """Remove a store that holds no event (made by a command that was then refused), with
    its side files. The check and the removal happen under SQLite's exclusive lock, so a
    store that another process has just written to is kept."""
    try:
        with closing(sqlite3.connect(path, timeout=1, isolation_level=None)) as connection:
            connection.execute("BEGIN EXCLUSIVE")
            tables = {r[0] for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if EVENTS_TABLE in tables and connection.execute(
                    f"SELECT 1 FROM {EVENTS_TABLE} LIMIT 1").fetchone() is not None:
                return False
            for file in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
                file.unlink(missing_ok=True)
    except sqlite3.Error:  # busy: someone else is using the new store, so it stays
        return False
    return True


def _sqlite_tables(path: Path, name: str) -> set[str]:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=10)) as connection:
            rows = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as error:
        raise NotACivicVolStore(_("cannot open store {name}: {error}").format(
                                  name=name, error=error)).hinted(
            _("check that --store (or CIVICVOL_STORE) names a civicvol store")) from None
    return {str(row[0]) for row in rows}


def _missing(name: str, why: str) -> StoreMissing:
    return StoreMissing(
        _("store {name} does not exist ({why}); check its path, or create the store first"
          ).format(name=name, why=why)).hinted(
        _("the path is --store (or CIVICVOL_STORE); 'civicvol --store URL init' creates a "
          "store"))
