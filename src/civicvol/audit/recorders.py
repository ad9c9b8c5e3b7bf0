"""Application recorders that chain every event in the transaction that stores it.

They are eventsourcing's own SQLite and PostgreSQL recorders with one addition: in the same
transaction as the insert, under the writers' lock, they read the chain's head and append one
link per event to the ``<events table>_chain`` table (position, notification id, identity,
previous hash, hash). Set through ``APPLICATION_RECORDER_TOPIC`` by :mod:`civicvol.store`.

SQLite: the insert transaction begins IMMEDIATE, so the head is read under the write lock and
two processes cannot fork the chain. PostgreSQL: the recorder takes an EXCLUSIVE lock on the
events table before inserting; the head is read after it, and the sequence's gaps never reach
the chain's positions.

A store whose events table is not empty while its chain is, is refused on opening
(:class:`~civicvol.audit.chain.UnchainedStore`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTransaction,
)

from civicvol.audit.chain import ChainLink, link_rows, unchained_store_error
from civicvol.audit.verifier import GENESIS


class ChainedRecorder(Protocol):
    """What verification and export need from a chained recorder."""

    events_table_name: str
    chain_table_name: str

    def chain_head(self) -> tuple[int, bytes]: ...

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]: ...

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None: ...

    def has_event(self, originator_id: str, version: int) -> bool: ...

    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None,
        topics: Sequence[str] = (), *, inclusive_of_start: bool = True,
    ) -> Sequence[Notification]: ...


def chain_link_from_row(row: Any) -> ChainLink:
    return ChainLink(int(row["position"]), int(row["notification_id"]),
                     str(row["originator_id"]), int(row["originator_version"]),
                     bytes(row["prev_hash"]), bytes(row["hash"]))


# --- SQLite ----------------------------------------------------------------------------------
class _ImmediateTransaction(SQLiteTransaction):
    """A write transaction that takes SQLite's write lock at BEGIN, before the head is read."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore,
                 events_table_name: str = "stored_events") -> None:
        self.chain_table_name = f"{events_table_name}_chain"
        super().__init__(datastore, events_table_name)
        chain = self.chain_table_name
        self.insert_links_statement = f"INSERT INTO {chain} VALUES (?,?,?,?,?,?)"
        self.select_head_statement = (
            f"SELECT position, hash FROM {chain} ORDER BY position DESC LIMIT 1")
        self.uuid_ids = datastore.originator_id_type == "uuid"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), (
            f"CREATE TABLE IF NOT EXISTS {self.chain_table_name} ("
            "position INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, "
            "prev_hash BLOB NOT NULL, hash BLOB NOT NULL)"
        )]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=False) as c:
            has_events = self._max_notification_id(c) is not None
            c.execute(self.select_head_statement)
            if has_events and c.fetchone() is None:
                raise unchained_store_error(self.events_table_name)

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        connection: SQLiteConnection
        with (self.datastore.get_connection(commit=True) as connection,
              _ImmediateTransaction(connection, commit=True) as c, c):
            return self._insert_events(c, stored_events, **kwargs)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        # The write lock is held since BEGIN IMMEDIATE, so SQLite numbers the new rows after
        # the largest rowid, in order: one executemany instead of a statement per event
        # (checked below) pays for the chain.
        c.execute(self.select_max_notification_id_statement)
        last_id = c.fetchone()[0] or 0
        c.executemany(self.insert_events_statement, [
            (e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
             e.originator_version, e.topic, e.state) for e in stored_events])
        ids = range(last_id + 1, last_id + 1 + len(stored_events))
        c.execute(self.select_max_notification_id_statement)
        if stored_events and c.fetchone()[0] != ids[-1]:
            raise ProgrammingError("SQLite did not number the new events densely after the "
                                   "largest rowid; the chain cannot be kept")
        c.execute(self.select_head_statement)
        head = c.fetchone()
        position, prev = (head[0], head[1]) if head else (0, GENESIS)
        if self.uuid_ids:
            stored_events = [_with_uuid(e) for e in stored_events]
        c.executemany(self.insert_links_statement,
                      link_rows(position, prev, zip(ids, stored_events, strict=True)))
        return list(ids)

    def chain_head(self) -> tuple[int, bytes]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_head_statement)
            head = c.fetchone()
            return (int(head[0]), bytes(head[1])) if head else (0, GENESIS)

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.chain_table_name} WHERE position>? "
                      "ORDER BY position LIMIT ?", (after, limit))
            return [chain_link_from_row(row) for row in c.fetchall()]

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.chain_table_name} WHERE originator_id=? "
                      "AND originator_version=? ORDER BY position LIMIT 1",
                      (originator_id, version))
            row = c.fetchone()
            return chain_link_from_row(row) if row else None

    def has_event(self, originator_id: str, version: int) -> bool:
        stored_id = originator_id
        if self.uuid_ids:
            try:
                stored_id = UUID(originator_id).hex
            except ValueError:  # not an id this store can hold: no such event
                return False
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT 1 FROM {self.events_table_name} WHERE originator_id=? "
                      "AND originator_version=?", (stored_id, version))
            return c.fetchone() is not None


def _with_uuid(event: StoredEvent) -> StoredEvent:
    """The event with its id as it reads back from a UUID-typed store."""
    if isinstance(event.originator_id, UUID):
        return event
    return StoredEvent(UUID(str(event.originator_id)), event.originator_version, event.topic,
                       event.state)


CHAINED_RECORDER_TOPICS = {
    "eventsourcing.sqlite": f"{__name__}:ChainedSQLiteApplicationRecorder",
    "eventsourcing.postgres":
        "civicvol.audit.recorders_postgres:ChainedPostgresApplicationRecorder",
}


def as_chained(recorder: ApplicationRecorder) -> ChainedRecorder:
    """The recorder, if it keeps the chain; raises UnchainedStore otherwise."""
    if hasattr(recorder, "chain_head"):
        return cast(ChainedRecorder, recorder)
    raise unchained_store_error(getattr(recorder, "events_table_name", "events"))


__all__ = ["CHAINED_RECORDER_TOPICS", "ChainedRecorder", "ChainedSQLiteApplicationRecorder",
           "as_chained", "chain_link_from_row"]
