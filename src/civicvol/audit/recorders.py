"""Application recorders that chain every event in the transaction that stores it.

They are eventsourcing's own SQLite and PostgreSQL recorders with one addition: the events
table has two more columns, ``chain_position`` and ``chain_hash``, filled
in the same insert, under the writers' lock, after reading the chain's head. One row per event
keeps writes cheap and makes an event's link a primary-key lookup. Set through
``APPLICATION_RECORDER_TOPIC`` by :mod:`civicvol.store`.

SQLite: the insert transaction begins IMMEDIATE, so the head is read under the write lock and
two processes cannot fork the chain; the last row gives both the head and the last
notification id, and the new rows are inserted with the ids after it. PostgreSQL
(:mod:`civicvol.audit.recorders_postgres`): the recorder takes an EXCLUSIVE lock on the
events table before reading the head; the sequence's gaps never reach the chain's positions.

A store whose events were written without the chain is refused on opening
(:class:`~civicvol.audit.chain.UnchainedStore`); an empty old table gets the columns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Notification,
    OperationalError,
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
from civicvol.audit.tree import new_nodes
from civicvol.audit.verifier import GENESIS, leaf_hash, tree_hash
from civicvol.domain.errors import StoreError
from civicvol.i18n import _

CHAIN_COLUMNS = ("chain_position", "chain_hash")
TREE_MIN_LEVEL = 4  # SQLite keeps the tree's subtrees of 16 leaves and up
MARKER_TABLE = "civicvol_chained_tables"
"""Names the events tables civicvol has chained: one of them found later with events but
without the chain's columns or values had its chain stripped, which is tampering."""
ChainedRow = tuple[Notification, ChainLink | None]
# The aggregates a decision read, each with the version it read (see CivicVol.commit).
ReadSet = Sequence[tuple[UUID, int]]


class StaleRead(IntegrityError):
    """An aggregate a decision read changed before the decision was stored."""


def check_read_set(reads: ReadSet, current: dict[UUID, int]) -> None:
    """Refuse the insert if any aggregate read has moved past the version read (``current``
    holds the stored versions, read inside the insert's transaction)."""
    for aggregate_id, version in reads:
        if current.get(aggregate_id, 0) != version:
            raise StaleRead(f"aggregate {aggregate_id} is at version "
                            f"{current.get(aggregate_id, 0)}, the decision read {version}")


class ChainedRecorder(Protocol):
    """What verification, export and the audit queries need from a chained recorder."""

    events_table_name: str

    def chain_head(self) -> tuple[int, bytes]:
        """The last link's position and hash ((0, 32 zero bytes) for an empty store)."""

    def select_chained(self, after_id: int, limit: int) -> Sequence[ChainedRow]:
        """Events after notification id ``after_id`` in notification order, each with its
        link (None where a row has no link)."""

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]:
        """The links after position ``after``, in order."""

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None:
        """The link of one event, by its identity (a primary-key lookup)."""

    def position_stored_after(self, position: int, after_id: int) -> bool:
        """Whether a row after notification id ``after_id`` claims chain ``position``."""

    def select_hidden(self, limit: int) -> Sequence[ChainedRow]:
        """Rows at notification ids below 1, which no reader of notifications ever sees (the
        recorders never write them; only a forger does)."""

    def count_rows(self, up_to_id: int) -> int:
        """How many rows of the events table have a notification id up to ``up_to_id``
        (those below 1 included)."""

    def event_at(self, position: int) -> ChainedRow | None:
        """The stored event that carries chain ``position``, with its link."""

    def tree_node(self, level: int, index: int) -> bytes:
        """A complete subtree's root from the Merkle tree table (:mod:`civicvol.audit.tree`);
        raises :class:`MissingTreeNode` if it is not there."""


class MissingTreeNode(StoreError):
    """The Merkle tree table lacks a node the chain says must be there."""

    exit_code = 1  # the store was tampered with


def missing_tree_node(table: str, level: int, index: int) -> MissingTreeNode:
    return MissingTreeNode(
        _("the Merkle tree table {table} has no node at level {level}, index {index}, "
          "which the chain's length requires: the table was altered; verify the "
          "store").format(table=table, level=level, index=index)).hinted(
          _("'civicvol audit verify' shows where"))


def chain_link(notification_id: int, originator_id: Any, version: int, position: Any,
               digest: Any) -> ChainLink | None:
    """The link a stored row carries (None where it has none)."""
    if position is None or digest is None:
        return None
    return ChainLink(int(position), int(notification_id), str(originator_id), int(version),
                     bytes(digest))


def chained_row(notification: Notification, position: Any, digest: Any) -> ChainedRow:
    return notification, chain_link(notification.id, notification.originator_id,
                                    notification.originator_version, position, digest)


# --- SQLite ----------------------------------------------------------------------------------
class _ImmediateTransaction(SQLiteTransaction):
    """A write transaction that takes SQLite's write lock at BEGIN, before the head is read."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:  # busy past the lock timeout
            raise OperationalError(error) from error
        return cursor


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore,
                 events_table_name: str = "stored_events") -> None:
        self.tree_table = f"{events_table_name}_tree"  # the create statements name it
        super().__init__(datastore, events_table_name)
        t = self.events_table_name
        self.insert_events_statement = (
            f"INSERT INTO {t} (rowid, originator_id, originator_version, topic, state,"
            " chain_position, chain_hash) VALUES (?,?,?,?,?,?,?)")
        self.select_last_statement = (
            f"SELECT rowid, chain_position, chain_hash FROM {t} WHERE rowid>0 "
            "ORDER BY rowid DESC LIMIT 1")
        # Rows below id 1 are forgeries (see select_hidden): the chain never continues them.
        self.select_head_statement = (
            f"SELECT chain_position, chain_hash FROM {t} WHERE chain_position IS NOT NULL "
            "AND rowid>0 ORDER BY rowid DESC LIMIT 1")
        self.select_chained_statement = (
            f"SELECT rowid, * FROM {t} WHERE rowid>? ORDER BY rowid LIMIT ?")
        self.insert_nodes_statement = f"INSERT INTO {self.tree_table} VALUES (?,?,?)"
        self.select_node_statement = (
            f"SELECT hash FROM {self.tree_table} WHERE level=? AND idx=?")
        self.select_leaves_statement = (
            f"SELECT chain_position, chain_hash FROM {t} WHERE rowid BETWEEN ? AND ? "
            "ORDER BY rowid")
        self.uuid_ids = datastore.originator_id_type == "uuid"
        self.synchronous = "FULL"

    def construct_create_table_statements(self) -> list[str]:
        return [(
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name} ("
            "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
            "chain_position INTEGER, chain_hash BLOB, "
            "PRIMARY KEY (originator_id, originator_version))"
        ), f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (events_table TEXT PRIMARY KEY)",
            f"CREATE TABLE IF NOT EXISTS {self.tree_table} (level INTEGER, idx INTEGER, "
            "hash BLOB, PRIMARY KEY (level, idx)) WITHOUT ROWID"]

    def create_table(self) -> None:
        super().create_table()  # also the marker and tree tables (see below)
        t = self.events_table_name
        # Reads first, in their own transaction; the writes below, rarely needed, take the
        # write lock at BEGIN, so processes opening a fresh store together wait their turn.
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"PRAGMA table_info({t})")
            present = {row["name"] for row in c.fetchall()}
            missing = [name for name in CHAIN_COLUMNS if name not in present]
            c.execute(f"SELECT {'chain_position' if not missing else 'NULL'} FROM {t} "
                      "ORDER BY rowid LIMIT 1")
            first = c.fetchone()
            c.execute(f"SELECT 1 FROM {MARKER_TABLE} WHERE events_table=?", (t,))
            marked = c.fetchone() is not None
        if first is not None and first[0] is None:
            raise unchained_store_error(t, chained_before=marked)
        if missing or not marked:
            connection: SQLiteConnection
            with self.datastore.get_connection(commit=True) as connection, \
                    _ImmediateTransaction(connection, commit=True) as c, c:
                c.execute(f"PRAGMA table_info({t})")
                present = {row["name"] for row in c.fetchall()}
                for name in CHAIN_COLUMNS:  # an empty table made by plain eventsourcing
                    if name not in present:
                        kind = "INTEGER" if name == "chain_position" else "BLOB"
                        c.execute(f"ALTER TABLE {t} ADD COLUMN {name} {kind}")
                c.execute(f"INSERT OR IGNORE INTO {MARKER_TABLE} VALUES (?)", (t,))
        self._grow_tree()

    def _grow_tree(self) -> None:
        """Add the tree's nodes for links written before the tree was kept (once). Opening
        an up-to-date store reads two rows and takes no write lock."""
        if self._tree_behind(None) is None:
            return
        connection: SQLiteConnection
        with self.datastore.get_connection(commit=True) as connection, \
                _ImmediateTransaction(connection, commit=True) as c, c:
            size = self._tree_behind(c)
            if size is None:
                return
            c.execute(f"SELECT chain_hash FROM {self.events_table_name} WHERE "
                      "chain_position>? AND rowid>0 ORDER BY rowid", (size,))
            entries = [bytes(row[0]) for row in c.fetchall()]
            c.executemany(self.insert_nodes_statement,
                          new_nodes(size, entries, self._node_reader(c), min_level=TREE_MIN_LEVEL))

    def _tree_behind(self, cursor: SQLiteCursor | None) -> int | None:
        """The tree's size if it has fewer leaves than the chain has links, else None."""
        def sizes(c: SQLiteCursor) -> int | None:
            # The lowest stored level tells the size, to within a subtree of it.
            c.execute(f"SELECT COUNT(*) FROM {self.tree_table} WHERE level=?",
                      (TREE_MIN_LEVEL,))
            width = 1 << TREE_MIN_LEVEL
            size = width * int(c.fetchone()[0])
            c.execute(self.select_head_statement)
            head = c.fetchone()
            return size if head is not None and int(head[0]) >= size + width else None
        if cursor is not None:
            return sizes(cursor)
        with self.datastore.transaction(commit=False) as c:
            return sizes(c)

    def _node_reader(self, c: SQLiteCursor) -> Callable[[int, int], bytes]:
        def read(level: int, index: int) -> bytes:
            if level < TREE_MIN_LEVEL:  # from its leaves: chain hashes at ids = positions
                first, width = index << level, 1 << level
                c.execute(self.select_leaves_statement, (first + 1, first + width))
                rows = c.fetchall()
                if [row[0] for row in rows] != list(range(first + 1, first + width + 1)):
                    raise missing_tree_node(self.events_table_name, level, index)
                return tree_hash([leaf_hash(bytes(row[1])) for row in rows])
            c.execute(self.select_node_statement, (level, index))
            row = c.fetchone()
            if row is None:
                raise missing_tree_node(self.tree_table, level, index)
            return bytes(row[0])
        return read

    def tree_node(self, level: int, index: int) -> bytes:
        with self.datastore.transaction(commit=False) as c:
            return self._node_reader(c)(level, index)

    def event_at(self, position: int) -> ChainedRow | None:
        with self.datastore.transaction(commit=False) as c:  # an id is its position here
            c.execute(f"SELECT rowid, * FROM {self.events_table_name} WHERE rowid=?",
                      (position,))
            row = c.fetchone()
            found = self._chained(row) if row else None
            return found if found and found[1] and found[1].position == position else None

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        connection: SQLiteConnection
        with self.datastore.get_connection(commit=True) as connection:
            self._match_synchronous(connection)
            with _ImmediateTransaction(connection, commit=True) as c, c:
                self._check_reads(c, kwargs.pop("reads", ()))
                return self._insert_events(c, stored_events, **kwargs)

    def _check_reads(self, c: SQLiteCursor, reads: ReadSet) -> None:
        """Under the write lock: the aggregates read are still at the versions read."""
        current: dict[UUID, int] = {}
        for aggregate_id, _version in reads:
            c.execute(f"SELECT max(originator_version) FROM {self.events_table_name} "
                      "WHERE originator_id=?", (aggregate_id.hex,))
            row = c.fetchone()
            current[aggregate_id] = int(row[0]) if row and row[0] is not None else 0
        check_read_set(reads, current)

    def set_durable(self, durable: bool) -> None:
        """Wait for the disk at every commit (the default), or not, for a bulk import.

        Without waiting (WAL with synchronous=NORMAL) a crash can lose the last transactions
        but never corrupts the store or its chain. Turning durability back on checkpoints the
        log, so everything imported so far is on disk.
        """
        self.synchronous = "FULL" if durable else "NORMAL"
        with self.datastore.get_connection(commit=True) as connection:
            self._match_synchronous(connection)
            if durable and not self.datastore.pool.is_sqlite_memory_mode:
                connection.cursor().execute("PRAGMA wal_checkpoint(FULL)")

    def _match_synchronous(self, connection: SQLiteConnection) -> None:
        """Set the connection's synchronous to the recorder's, if it differs (a pragma that is
        per connection and must run outside a transaction; SQLite's default is FULL)."""
        if getattr(connection, "civicvol_synchronous", "FULL") != self.synchronous:
            connection.cursor().execute(f"PRAGMA synchronous={self.synchronous}")
            setattr(connection, "civicvol_synchronous", self.synchronous)  # noqa: B010

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        # The write lock is held since BEGIN IMMEDIATE: the last row gives both the chain's
        # head and the last notification id, and the new rows take the ids after it.
        c.execute(self.select_last_statement)
        last = c.fetchone()
        if last is None:
            last_id, position, prev = 0, 0, GENESIS
        elif last[1] is not None:
            last_id, position, prev = int(last[0]), int(last[1]), bytes(last[2])
        else:  # the last row has no link (put there by hand): chain after the last link
            last_id = int(last[0])
            c.execute(self.select_head_statement)
            head = c.fetchone()
            position, prev = (int(head[0]), bytes(head[1])) if head else (0, GENESIS)
        ids = range(last_id + 1, last_id + 1 + len(stored_events))
        if self.uuid_ids:
            stored_events = [_with_uuid(e) for e in stored_events]
        links = link_rows(position, prev, zip(ids, stored_events, strict=True))
        c.executemany(self.insert_events_statement, [
            (n, e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
             e.originator_version, e.topic, e.state, k[0], k[5])
            for n, e, k in zip(ids, stored_events, links, strict=True)])
        # The tree's size is the head's position: leaf i is the chain hash at i + 1.
        c.executemany(self.insert_nodes_statement, new_nodes(
            position, [k[5] for k in links], self._node_reader(c), min_level=TREE_MIN_LEVEL))
        return list(ids)

    def chain_head(self) -> tuple[int, bytes]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_head_statement)
            head = c.fetchone()
            return (int(head[0]), bytes(head[1])) if head else (0, GENESIS)

    def select_chained(self, after_id: int, limit: int) -> Sequence[ChainedRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_chained_statement, (after_id, limit))
            return [self._chained(row) for row in c.fetchall()]

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, * FROM {self.events_table_name} WHERE chain_position>? "
                      "ORDER BY rowid LIMIT ?", (after, limit))
            return [link for row in c.fetchall() if (link := self._row_link(row))]

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None:
        stored_id = originator_id
        if self.uuid_ids:
            try:
                stored_id = UUID(originator_id).hex
            except ValueError:  # not an id this store can hold
                return None
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, * FROM {self.events_table_name} WHERE originator_id=? "
                      "AND originator_version=?", (stored_id, version))
            row = c.fetchone()
            return self._row_link(row) if row else None

    def position_stored_after(self, position: int, after_id: int) -> bool:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT 1 FROM {self.events_table_name} WHERE rowid>? AND "
                      "chain_position=? LIMIT 1", (after_id, position))
            return c.fetchone() is not None

    def select_hidden(self, limit: int) -> Sequence[ChainedRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, * FROM {self.events_table_name} WHERE rowid<1 "
                      "ORDER BY rowid LIMIT ?", (limit,))
            return [self._chained(row) for row in c.fetchall()]

    def count_rows(self, up_to_id: int) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {self.events_table_name} WHERE rowid<=?",
                      (up_to_id,))
            return int(c.fetchone()[0])

    def _chained(self, row: Any) -> ChainedRow:
        return chained_row(
            Notification(id=row["rowid"],
                         originator_id=self.convert_originator_id(row["originator_id"]),
                         originator_version=row["originator_version"], topic=row["topic"],
                         state=row["state"]),
            row["chain_position"], row["chain_hash"])

    def _row_link(self, row: Any) -> ChainLink | None:
        return chain_link(row["rowid"], self.convert_originator_id(row["originator_id"]),
                          row["originator_version"], row["chain_position"], row["chain_hash"])


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


__all__ = [
    "CHAINED_RECORDER_TOPICS",
    "ChainedRecorder",
    "ChainedRow",
    "ChainedSQLiteApplicationRecorder",
    "MissingTreeNode",
    "ReadSet",
    "StaleRead",
    "as_chained",
    "chain_link",
    "chained_row",
    "check_read_set",
]
