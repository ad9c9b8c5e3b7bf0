"""The PostgreSQL recorder that chains every event in the transaction that stores it.

See :mod:`civicvol.audit.recorders`. eventsourcing's recorder takes an EXCLUSIVE lock on the
events table before inserting; the chain's head is read after that lock, so concurrent
writers (other processes too) queue and the chain stays dense although the notification id
sequence has gaps. Kept apart from the SQLite recorder because it needs psycopg.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from civicvol.audit.chain import ChainLink, link_rows, unchained_store_error
from civicvol.audit.recorders import chain_link_from_row
from civicvol.audit.verifier import GENESIS


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *,
                 events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table_name = f"{events_table_name}_chain"
        names = {
            "schema": Identifier(self.datastore.schema),
            "table": Identifier(self.events_table_name),
            "chain": Identifier(self.chain_table_name),
            "type": Identifier(self.stored_event_type_name),
        }
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{chain} ("
            "position bigint PRIMARY KEY, notification_id bigint NOT NULL, "
            "originator_id text NOT NULL, originator_version bigint NOT NULL, "
            "prev_hash bytea NOT NULL, hash bytea NOT NULL)").format(**names))
        self.insert_returning_statement = SQL(
            "INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%s::{schema}.{type}[]) "
            "RETURNING notification_id, originator_id, originator_version").format(**names)
        self.select_head_statement = SQL(
            "SELECT position, hash FROM {schema}.{chain} ORDER BY position DESC LIMIT 1"
        ).format(**names)
        self.insert_links_statement = SQL(
            "INSERT INTO {schema}.{chain} SELECT * FROM unnest("
            "%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::bytea[], %s::bytea[])"
        ).format(**names)
        self.select_chain_statement = SQL(
            "SELECT * FROM {schema}.{chain} WHERE position>%s ORDER BY position LIMIT %s"
        ).format(**names)
        self.select_link_statement = SQL(
            "SELECT * FROM {schema}.{chain} WHERE originator_id=%s AND originator_version=%s "
            "ORDER BY position LIMIT 1").format(**names)
        self.has_event_statement = SQL(
            "SELECT 1 FROM {schema}.{table} WHERE originator_id=%s AND originator_version=%s"
        ).format(**names)
        self.select_max_id_statement = SQL(
            "SELECT MAX(notification_id) AS max FROM {schema}.{table}").format(**names)

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_max_id_statement)
            row = curs.fetchone()
            has_events = row is not None and row["max"] is not None
            curs.execute(self.select_head_statement)
            if has_events and curs.fetchone() is None:
                raise unchained_store_error(self.events_table_name)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        pg_events = [self.construct_pg_stored_event(e.originator_id, e.originator_version,
                                                    e.topic, e.state) for e in stored_events]
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(self.insert_returning_statement, (pg_events,))
            rows = curs.fetchall()
            # The head is read after the EXCLUSIVE lock: no other writer can move it now.
            curs.execute(self.select_head_statement)
            head = curs.fetchone()
            position, prev = (int(head["position"]), bytes(head["hash"])) if head else \
                (0, GENESIS)
            by_identity = {(str(r["originator_id"]), int(r["originator_version"])):
                           int(r["notification_id"]) for r in rows}
            ids = [by_identity[(str(e.originator_id), e.originator_version)]
                   for e in stored_events]
            ordered = sorted(zip(ids, stored_events, strict=True), key=lambda p: p[0])
            columns = list(zip(*link_rows(position, prev, ordered), strict=True))
            curs.execute(self.insert_links_statement, [list(column) for column in columns])
        return ids

    def chain_head(self) -> tuple[int, bytes]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_head_statement)
            head = curs.fetchone()
            return (int(head["position"]), bytes(head["hash"])) if head else (0, GENESIS)

    def select_chain(self, after: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_chain_statement, (after, limit), prepare=True)
            return [chain_link_from_row(row) for row in curs.fetchall()]

    def chain_link_of(self, originator_id: str, version: int) -> ChainLink | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_link_statement, (originator_id, version))
            row = curs.fetchone()
            return chain_link_from_row(row) if row else None

    def has_event(self, originator_id: str, version: int) -> bool:
        stored_id: UUID | str = originator_id
        if self.datastore.originator_id_type == "uuid":
            try:
                stored_id = UUID(originator_id)
            except ValueError:  # not an id this store can hold: no such event
                return False
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.has_event_statement, (stored_id, version))
            return curs.fetchone() is not None
