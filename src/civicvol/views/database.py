"""The views' tables in the store's own database: one SQL dialect for SQLite and PostgreSQL.

Views write with ``?`` placeholders and portable SQL (``INSERT ... ON CONFLICT``, which both
databases speak); PostgreSQL gets ``%s`` and schema-qualified table names. A view's rows, its
counters and its tracked position are written in one transaction, under a lock that keeps two
followers of the same view from applying the same events (SQLite: the write lock taken at
``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock per view).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from civicvol.domain.errors import StoreError
from civicvol.i18n import _

TRACKING = "civicvol_view_tracking"
COUNTERS = "civicvol_view_counters"
SKIPPED = "civicvol_view_skipped"


class Cursor:
    """A database cursor that speaks the views' dialect (``?`` marks, ``{table}`` names)."""

    def __init__(self, db: ViewDatabase, raw: Any) -> None:
        self.db, self.raw = db, raw
        self._deferred: dict[str, list[tuple[Any, ...]]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self._deferred:
            self.flush()
        self.raw.execute(self.db.sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._deferred:
            self.flush()
        if rows:
            self.raw.executemany(self.db.sql(sql), [tuple(r) for r in rows])

    def defer(self, sql: str, params: Sequence[Any]) -> None:
        """Run an INSERT later, with others of its kind in one executemany: before the next
        statement of any other kind (so a later read sees it), or at the end of the batch."""
        self._deferred.setdefault(sql, []).append(tuple(params))

    def flush(self) -> None:
        deferred, self._deferred = self._deferred, {}
        for sql, rows in deferred.items():
            self.raw.executemany(self.db.sql(sql), rows)

    def all(self) -> list[tuple[Any, ...]]:
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r)
                for r in self.raw.fetchall()]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(r) if isinstance(r, dict) else dict(zip(r.keys(), tuple(r), strict=True))
                for r in self.raw.fetchall()]

    def one(self) -> tuple[Any, ...] | None:
        row = self.raw.fetchone()
        if row is None:
            return None
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    def add(self, view: str, counts: Counter[tuple[str, str]]) -> None:
        """Add ``counts`` ({(name, key): n}) to the view's counters."""
        self.add_all({view: counts})

    def add_all(self, counts: dict[str, Counter[tuple[str, str]]]) -> None:
        """Add each view's counts ({view: {(name, key): n}}) in one statement."""
        rows = [(view, name, key, n) for view, mine in counts.items()
                for (name, key), n in mine.items() if n]
        if not rows:
            return
        self.executemany(
            "INSERT INTO {civicvol_view_counters} (view, name, key, n) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (view, name, key) DO UPDATE SET n = {civicvol_view_counters}.n "
            "+ excluded.n", rows)


def _without_waiting_for_the_disk(connection: Any) -> None:
    """Views commit with SQLite's synchronous=NORMAL: a crash may lose the last view
    transactions, but each takes its tracked position with it, so the next catch-up folds
    those events again. The chained recorder sets FULL back before it stores events (the
    same per-connection marker, see civicvol.audit.recorders)."""
    if getattr(connection, "civicvol_synchronous", "FULL") != "NORMAL":
        connection.cursor().execute("PRAGMA synchronous=NORMAL")
        setattr(connection, "civicvol_synchronous", "NORMAL")  # noqa: B010
    if not getattr(connection, "civicvol_view_cache", False):
        # The views' indexes take rows in random order (ids, tags): a page cache of 64 MiB
        # instead of SQLite's 2 MiB keeps their B-trees in memory while a catch-up runs.
        connection.cursor().execute("PRAGMA cache_size=-65536")
        setattr(connection, "civicvol_view_cache", True)  # noqa: B010


class ViewDatabase:
    """Where the views live: the database of the application's recorder."""

    def __init__(self, datastore: Any) -> None:
        kind = type(datastore).__module__
        self.datastore = datastore
        if kind.endswith("sqlite"):
            self.dialect, self.schema = "sqlite", ""
        elif kind.endswith("postgres"):
            self.dialect, self.schema = "postgres", str(datastore.schema)
        else:  # pragma: no cover - civicvol opens only these stores
            raise StoreError(_("views cannot be kept in a {kind} store").format(kind=kind))
        self._sql_cache: dict[str, str] = {}

    def sql(self, statement: str) -> str:
        """The statement in this database's dialect."""
        cached = self._sql_cache.get(statement)
        if cached is None:
            text = re.sub(r"\{(\w+)\}", lambda m: self.table(m.group(1)), statement.replace(
                "{without_rowid}", "WITHOUT ROWID" if self.dialect == "sqlite" else ""))
            if self.dialect == "postgres":
                text = text.replace("?", "%s")
            cached = self._sql_cache[statement] = text
        return cached

    def table(self, name: str) -> str:
        return f'"{self.schema}".{name}' if self.schema else name

    @property
    def blob(self) -> str:
        return "BLOB" if self.dialect == "sqlite" else "bytea"

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=False) as raw:
            yield Cursor(self, raw)

    @contextmanager
    def writing(self, *views: str) -> Iterator[Cursor]:
        """A write transaction holding the lock of each view named."""
        if self.dialect == "sqlite":
            from civicvol.audit.recorders import _ImmediateTransaction

            with self.datastore.get_connection(commit=True) as connection:
                _without_waiting_for_the_disk(connection)
                with _ImmediateTransaction(connection, commit=True) as raw, raw:
                    cursor = Cursor(self, raw)
                    yield cursor
                    cursor.flush()
            return
        with self.datastore.transaction(commit=True) as raw:
            cursor = Cursor(self, raw)
            for view in sorted(views):  # one order, so two followers never deadlock
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(?))",
                               [f"civicvol-view:{self.schema}:{view}"])
            yield cursor
            cursor.flush()

    def create(self, statements: Sequence[str]) -> None:
        # One process at a time: PostgreSQL's CREATE ... IF NOT EXISTS races with itself.
        with self.writing("(tables)") as c:
            for statement in statements:
                c.execute(statement)

    def create_common(self) -> None:
        self.create([
            f"CREATE TABLE IF NOT EXISTS {{{TRACKING}}} (view TEXT PRIMARY KEY, "
            "position BIGINT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {{{COUNTERS}}} (view TEXT, name TEXT, key TEXT, "
            "n BIGINT NOT NULL, PRIMARY KEY (view, name, key))",
            f"CREATE TABLE IF NOT EXISTS {{{SKIPPED}}} (view TEXT, position BIGINT, topic TEXT, "
            "reason TEXT, PRIMARY KEY (view, position))",
        ])

    def skip(self, c: Cursor, view: str, position: int, topic: str, reason: str) -> None:
        c.execute(f"INSERT INTO {{{SKIPPED}}} (view, position, topic, reason) VALUES "
                  "(?, ?, ?, ?) ON CONFLICT (view, position) DO NOTHING",
                  [view, position, topic, reason[:500]])

    def skipped(self) -> list[dict[str, Any]]:
        with self.reading() as c:
            return [{"view": v, "position": int(p), "topic": t, "reason": r} for v, p, t, r in
                    c.execute(f"SELECT view, position, topic, reason FROM {{{SKIPPED}}} "
                              "ORDER BY position, view").all()]

    # --- tracking ----------------------------------------------------------------------------
    def positions(self, c: Cursor | None = None) -> dict[str, int]:
        if c is None:
            with self.reading() as r:
                return self.positions(r)
        return {str(v): int(p) for v, p in c.execute(
            f"SELECT view, position FROM {{{TRACKING}}}").all()}

    def track(self, c: Cursor, view: str, position: int) -> None:
        c.execute(f"INSERT INTO {{{TRACKING}}} (view, position) VALUES (?, ?) "
                  f"ON CONFLICT (view) DO UPDATE SET position = excluded.position", [view,
                                                                                    position])

    def track_all(self, c: Cursor, views: Sequence[str], position: int) -> None:
        c.executemany(f"INSERT INTO {{{TRACKING}}} (view, position) VALUES (?, ?) "
                      "ON CONFLICT (view) DO UPDATE SET position = excluded.position",
                      [(v, position) for v in views])

    def counters(self, view: str, name: str) -> dict[str, int]:
        with self.reading() as c:
            return {str(k): int(n) for k, n in c.execute(
                f"SELECT key, n FROM {{{COUNTERS}}} WHERE view = ? AND name = ?",
                [view, name]).all()}

    def all_counters(self, view: str) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        with self.reading() as c:
            for name, key, n in c.execute(
                    f"SELECT name, key, n FROM {{{COUNTERS}}} WHERE view = ?", [view]).all():
                result.setdefault(str(name), {})[str(key)] = int(n)
        return result
