"""Store URLs: ``sqlite:///path.db`` (the embedded default), ``memory://`` and ``postgresql://``.

A URL is turned into eventsourcing's environment (``PERSISTENCE_MODULE``, ``SQLITE_DBNAME``,
``POSTGRES_*``); the SQL for events is always eventsourcing's own, in recorders that also keep
the audit hash chain (``APPLICATION_RECORDER_TOPIC``, see :mod:`civicvol.audit.recorders`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit
from uuid import uuid4

from civicvol.domain.errors import StoreError
from civicvol.i18n import _
from civicvol.store_opening import check_sqlite_store, check_tables, postgres_tables

STORE_ENV = "CIVICVOL_STORE"
DEFAULT_STORE = "sqlite:///civicvol.db"


def default_store_url() -> str:
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def store_environment(url: str) -> dict[str, str]:
    """The eventsourcing environment for a store URL. Raises :class:`StoreError` if malformed."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "memory":
        # An in-memory SQLite database, private to this application object.
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
               "SQLITE_DBNAME": f"file:civicvol-{uuid4().hex}?mode=memory&cache=shared"}
    elif scheme == "sqlite":
        env = _sqlite_environment(url, parts)
    elif scheme in ("postgresql", "postgres"):
        env = _postgres_environment(url, parts)
    else:
        raise StoreError(
            _("store URL {url!r} is not understood; use sqlite:///file.db, memory:// or "
              "postgresql://user@host:5432/database").format(url=url)
        )
    from civicvol.audit.recorders import CHAINED_RECORDER_TOPICS  # eventsourcing: on use

    env["APPLICATION_RECORDER_TOPIC"] = CHAINED_RECORDER_TOPICS[env["PERSISTENCE_MODULE"]]
    return env


def _sqlite_environment(url: str, parts: SplitResult) -> dict[str, str]:
    if parts.netloc:
        raise StoreError(
            _("store URL {url!r} has a host; write sqlite:///relative.db or "
              "sqlite:////absolute/path.db").format(url=url)
        )
    path = unquote(parts.path)
    path = path[1:] if path.startswith("/") else path
    if not path:
        raise StoreError(_("store URL {url!r} names no file; write e.g. "
                           "sqlite:///civicvol.db").format(url=url))
    if Path(path).is_dir():
        raise StoreError(_("store URL {url!r} names a folder; name a file in it, e.g. "
                           "sqlite:///{value}").format(
                           url=url, value=Path(path) / 'civicvol.db'))
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise StoreError(_("the folder {folder} for store {url!r} does not exist; create "
                           "it or choose another path").format(folder=folder, url=url))
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10"}


def _postgres_environment(url: str, parts: SplitResult) -> dict[str, str]:
    dbname = parts.path.lstrip("/")
    if not dbname:
        raise StoreError(_("store URL {url!r} names no database; write e.g. "
                           "postgresql://postgres@127.0.0.1:5432/test").format(url=url))
    try:
        port = parts.port or 5432
    except ValueError:
        raise StoreError(_("store URL {url!r} has a port that is not a number; write e.g. "
                           "postgresql://postgres@127.0.0.1:5432/test").format(url=url)) from None
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": "10",
    }
    schema = parse_qs(parts.query).get("schema")
    if schema:
        env["POSTGRES_SCHEMA"] = schema[0]
    return env


def store_name(url: str) -> str:
    """The store's name as auditors see it: the URL without any password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", "@")
        return parts._replace(netloc=netloc).geturl()
    return url


def prepare_store(env: dict[str, str]) -> None:
    """Create what eventsourcing expects to exist: a PostgreSQL schema named in the URL."""
    with preparing_store(env):
        pass


@contextmanager
def preparing_store(env: dict[str, str], *, create: bool = True,
                    name: str = "") -> Iterator[None]:
    """Check that the store is there (or, with ``create``, may be made) and is civicvol's
    (see :mod:`civicvol.store_opening`); create the PostgreSQL schema named in the URL, and
    keep other processes from setting up the same store until the block (which creates the
    tables) ends.

    ``CREATE ... IF NOT EXISTS`` is not safe against a concurrent create: two processes
    opening a fresh store at the same moment would otherwise fail with a unique violation.
    """
    name = name or env.get("SQLITE_DBNAME") or env.get("POSTGRES_DBNAME", "")
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        check_sqlite_store(env, name, create=create)
        _use_write_ahead_log(env)
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    try:
        import psycopg
        from psycopg import sql
    except ImportError:  # pragma: no cover - the postgres extra is not installed
        raise StoreError(
            _("PostgreSQL support is not installed; pip install 'civicvol[postgres]'")
        ) from None
    schema = env.get("POSTGRES_SCHEMA")
    try:
        conn = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]), user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None, connect_timeout=5, autocommit=True,
        )
        # A session lock: held until the connection closes, whatever happens in the block.
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))",
                     [f"civicvol-setup:{schema or 'public'}"])
        tables = postgres_tables(conn, schema or "public")
        if schema and create:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    except psycopg.Error as error:
        raise StoreError(_("cannot reach PostgreSQL store "
                           "{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_DBNAME}: "
                           "{splitlines}; start the server, or check the host, port and "
                           "database in the URL").format(
                           POSTGRES_HOST=env['POSTGRES_HOST'], POSTGRES_PORT=env['POSTGRES_PORT'],
                           POSTGRES_DBNAME=env['POSTGRES_DBNAME'],
                           splitlines=str(error).strip().splitlines()[0])) from None
    with conn:
        check_tables(tables, name, create=create)
        yield


def _use_write_ahead_log(env: dict[str, str]) -> None:
    """Put a SQLite file in WAL mode before eventsourcing opens it.

    eventsourcing switches a new file to WAL on its first connection, but SQLite answers
    that switch with "database is locked" at once, without waiting, when another process is
    opening the same new file: so processes opening a fresh store together take turns here.
    """
    name = env["SQLITE_DBNAME"]
    if "mode=memory" in name or ":memory:" in name:
        return
    timeout = float(env.get("SQLITE_LOCK_TIMEOUT") or 5)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with closing(sqlite3.connect(name, timeout=timeout)) as connection:
                if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:  # the caller names the store
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
