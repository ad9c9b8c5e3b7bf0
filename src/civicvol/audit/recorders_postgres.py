"""The PostgreSQL recorder that chains every event in the transaction that stores it.

See :mod:`civicvol.audit.recorders`. eventsourcing's recorder takes an EXCLUSIVE lock on the
events table before inserting; the chain's head is read after that lock, so concurrent
writers (other processes too) queue and the chain stays dense although the notification id
sequence has gaps. Kept apart from the SQLite recorder because it needs psycopg.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    InterfaceError,
    Notification,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from civicvol.audit.chain import ChainLink, link_rows, unchained_store_error
from civicvol.audit.recorders import (
    CHAIN_COLUMNS,
    MARKER_TABLE,
    ChainedRow,
    ReadSet,
    chain_link,
    chained_row,
    check_read_set,
    missing_tree_node,
)
from civicvol.audit.tree import new_nodes
from civicvol.audit.verifier import GENESIS


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *,
                 events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        names = {
            "schema": Identifier(self.datastore.schema),
            "table": Identifier(self.events_table_name),
            "id_type": Identifier(self.datastore.originator_id_type),
        }
        self.insert_chained_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state, "
            "chain_position, chain_hash) SELECT * FROM unnest(%s::{id_type}[], "
            "%s::bigint[], %s::text[], %s::bytea[], %s::bigint[], %s::bytea[]) "
            "RETURNING notification_id, chain_position").format(**names)
        self.select_head_statement = SQL(
            "SELECT chain_position, chain_hash FROM {schema}.{table} "
            "WHERE chain_position IS NOT NULL AND notification_id>0 "
            "ORDER BY notification_id DESC LIMIT 1"
        ).format(**names)
        self.select_chained_statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE notification_id>%s "
            "ORDER BY notification_id LIMIT %s").format(**names)
        self.select_chain_statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE chain_position>%s "
            "ORDER BY notification_id LIMIT %s").format(**names)
        self.select_link_statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE originator_id=%s AND originator_version=%s"
        ).format(**names)
        self.position_after_statement = SQL(
            "SELECT 1 FROM {schema}.{table} WHERE notification_id>%s AND chain_position=%s "
            "LIMIT 1").format(**names)
        self.select_versions_statement = SQL(
            "SELECT originator_id, max(originator_version) AS version FROM {schema}.{table} "
            "WHERE originator_id = ANY(%s) GROUP BY originator_id").format(**names)
        self.first_row_statement = SQL(
            "SELECT chain_position FROM {schema}.{table} ORDER BY notification_id LIMIT 1"
        ).format(**names)
        self.columns_statement = SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_schema=%s "
            "AND table_name=%s")
        self.add_column_statement = "ALTER TABLE {schema}.{table} ADD COLUMN {column} {kind}"
        self.select_hidden_statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE notification_id<1 "
            "ORDER BY notification_id LIMIT %s").format(**names)
        self.count_rows_statement = SQL(
            "SELECT COUNT(*) AS n FROM {schema}.{table} WHERE notification_id<=%s"
        ).format(**names)
        self.marker = SQL("{schema}.{marker}").format(schema=names["schema"],
                                                      marker=Identifier(MARKER_TABLE))
        self.tree_table = SQL("{schema}.{tree}").format(
            schema=names["schema"], tree=Identifier(f"{self.events_table_name}_tree"))
        self.insert_nodes_statement = SQL("INSERT INTO {tree} VALUES (%s, %s, %s)").format(
            tree=self.tree_table)
        self.select_node_statement = SQL(
            "SELECT hash FROM {tree} WHERE level=%s AND idx=%s").format(tree=self.tree_table)
        self.names = names

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE TABLE IF NOT EXISTS {marker} (events_table text PRIMARY "
                             "KEY)").format(marker=self.marker))
            curs.execute(SQL("SELECT 1 FROM {marker} WHERE events_table=%s").format(
                marker=self.marker), (self.events_table_name,))
            marked = curs.fetchone() is not None
            curs.execute(self.columns_statement, (self.datastore.schema, self.events_table_name))
            present = {row["column_name"] for row in curs.fetchall()}
            missing = [n for n in CHAIN_COLUMNS if n not in present]
            if missing:
                curs.execute(SQL("SELECT 1 FROM {schema}.{table} LIMIT 1").format(**self.names))
                if curs.fetchone() is not None:
                    raise unchained_store_error(self.events_table_name, chained_before=marked)
                for name in missing:  # an empty table made by plain eventsourcing
                    kind = "bigint" if name == "chain_position" else "bytea"
                    curs.execute(SQL(self.add_column_statement).format(
                        column=Identifier(name), kind=SQL(kind), **self.names))
            else:
                curs.execute(self.first_row_statement)
                first = curs.fetchone()
                if first is not None and first["chain_position"] is None:
                    raise unchained_store_error(self.events_table_name, chained_before=marked)
            if not marked:
                curs.execute(SQL("INSERT INTO {marker} VALUES (%s) ON CONFLICT DO NOTHING")
                             .format(marker=self.marker), (self.events_table_name,))
            curs.execute(SQL("CREATE TABLE IF NOT EXISTS {tree} (level smallint, idx bigint, "
                             "hash bytea, PRIMARY KEY (level, idx))").format(
                tree=self.tree_table))
        self._grow_tree()

    def _grow_tree(self) -> None:
        """Add the tree's nodes for links written before the tree was kept (once). Opening
        an up-to-date store reads two rows and takes no lock."""
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            if self._tree_behind(curs) is None:
                return
            self._lock_table(curs)  # no writer moves the head now: look again
            size = self._tree_behind(curs)
            if size is None:
                return
            curs.execute(SQL("SELECT chain_hash FROM {schema}.{table} WHERE chain_position>%s "
                             "AND notification_id>0 ORDER BY notification_id").format(
                **self.names), (size,))
            entries = [bytes(r["chain_hash"]) for r in curs.fetchall()]
            curs.executemany(self.insert_nodes_statement,
                             new_nodes(size, entries, self._node_reader(curs)))

    def _tree_behind(self, curs: Any) -> int | None:
        """The tree's size if it has fewer leaves than the chain has links, else None (each
        statement sees its own moment, so the head is read first: a writer in between can
        only make the tree look larger, never behind)."""
        curs.execute(self.select_head_statement)
        head = curs.fetchone()
        curs.execute(SQL("SELECT COUNT(*) AS n FROM {tree} WHERE level=0").format(
            tree=self.tree_table))
        row = curs.fetchone()
        size = int(row["n"]) if row else 0
        return size if head is not None and int(head["chain_position"]) > size else None

    def _node_reader(self, curs: Any) -> Callable[[int, int], bytes]:
        def read(level: int, index: int) -> bytes:
            curs.execute(self.select_node_statement, (level, index))
            row = curs.fetchone()
            if row is None:
                raise missing_tree_node(f"{self.events_table_name}_tree", level, index)
            return bytes(row["hash"])
        return read

    def tree_node(self, level: int, index: int) -> bytes:
        with self.datastore.transaction(commit=False) as curs:
            return self._node_reader(curs)(level, index)

    def event_at(self, position: int) -> ChainedRow | None:
        # No index on chain_position: the scan in id order stops at the first match.
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT * FROM {schema}.{table} WHERE chain_position=%s AND "
                             "notification_id>0 ORDER BY notification_id LIMIT 1").format(
                **self.names), (position,))
            row = curs.fetchone()
            return self._chained(row) if row else None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._lock_table(curs)
            self._check_reads(curs, kwargs.pop("reads", ()))
            self._notify_channel(curs)
            # The head is read after the EXCLUSIVE lock: no other writer can move it now.
            curs.execute(self.select_head_statement)
            head = curs.fetchone()
            position, prev = (int(head["chain_position"]), bytes(head["chain_hash"])) if head \
                else (0, GENESIS)
            links = link_rows(position, prev, ((0, e) for e in stored_events))
            # The tree's size is the head's position: leaf i is the chain hash at i + 1.
            curs.executemany(self.insert_nodes_statement, new_nodes(
                position, [k[5] for k in links], self._node_reader(curs)))
            curs.execute(self.insert_chained_statement, (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events], [e.state for e in stored_events],
                [k[0] for k in links], [k[5] for k in links]))
            numbered = sorted((int(r["notification_id"]), int(r["chain_position"]))
                              for r in curs.fetchall())
            # Positions must rise with notification ids, or readers would see another order.
            if [p for _, p in numbered] != [k[0] for k in links]:
                raise ProgrammingError("PostgreSQL numbered the new events out of the chain's "
                                       "order; nothing was stored")
            # Ids below 1 are where verification looks for forgeries (a sequence reset there).
            if numbered and numbered[0][0] < 1:
                raise ProgrammingError(
                    f"the notification id sequence of {self.events_table_name} gave id "
                    f"{numbered[0][0]}, below 1; nothing was stored: restore the sequence "
                    "(MINVALUE 1) and verify the store")
        return [notification_id for notification_id, _ in numbered]

    def _check_reads(self, curs: Any, reads: ReadSet) -> None:
        """Under the EXCLUSIVE lock: the aggregates read are still at the versions read."""
        if not reads:
            return
        curs.execute(self.select_versions_statement, ([i for i, _ in reads],))
        check_read_set(reads, {UUID(str(r["originator_id"])): int(r["version"])
                               for r in curs.fetchall()})

    def chain_head(self) -> tuple[int, bytes]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_head_statement)
            head = curs.fetchone()
            return (int(head["chain_position"]), bytes(head["chain_hash"])) if head else \
                (0, GENESIS)

    def select_chained(self, after_id: int, limit: int) -> Sequence[ChainedRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_chained_statement, (after_id, limit), prepare=True)
            return [self._chained(row) for row in curs.fetchall()]

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_chain_statement, (after, limit))
            return [link for row in curs.fetchall() if (link := self._row_link(row))]

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None:
        stored_id: UUID | str = originator_id
        if self.datastore.originator_id_type == "uuid":
            try:
                stored_id = UUID(originator_id)
            except ValueError:  # not an id this store can hold
                return None
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_link_statement, (stored_id, version))
            row = curs.fetchone()
            return self._row_link(row) if row else None

    def position_stored_after(self, position: int, after_id: int) -> bool:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.position_after_statement, (after_id, position))
            return curs.fetchone() is not None

    def select_hidden(self, limit: int) -> Sequence[ChainedRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_hidden_statement, (limit,))
            return [self._chained(row) for row in curs.fetchall()]

    def count_rows(self, up_to_id: int) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.count_rows_statement, (up_to_id,))
            row = curs.fetchone()
            return int(row["n"]) if row else 0

    @staticmethod
    def _chained(row: Any) -> ChainedRow:
        return chained_row(
            Notification(id=row["notification_id"], originator_id=row["originator_id"],
                         originator_version=row["originator_version"], topic=row["topic"],
                         state=bytes(row["state"])),
            row["chain_position"], row["chain_hash"])

    @staticmethod
    def _row_link(row: Any) -> ChainLink | None:
        return chain_link(row["notification_id"], row["originator_id"],
                          row["originator_version"], row["chain_position"], row["chain_hash"])
