"""Tampering with a store behind civicvol's back, with plain SQL, as an insider could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

from civicvol import CivicVol
from civicvol.audit.recorders import TREE_MIN_LEVEL, as_chained
from civicvol.audit.tree import new_nodes
from civicvol.audit.verifier import GENESIS, chain_hash


class Tamperer:
    """Direct SQL on the store's events and chain tables (SQLite or PostgreSQL)."""

    def __init__(self, app: CivicVol) -> None:
        recorder = as_chained(app.recorder)
        self.url = app.store_url
        self.events = recorder.events_table_name
        self.postgres = self.url.startswith("postgres")
        self.id_column = "notification_id" if self.postgres else "rowid"
        # The chain as a relation (position, notification_id), to join in raw SQL.
        self.chain = (f"(SELECT chain_position AS position, {self.id_column} AS "
                      f"notification_id FROM {self.events})")

    @contextmanager
    def connection(self) -> Iterator[Any]:
        if self.postgres:
            import psycopg

            schema = parse_qs(urlsplit(self.url).query)["schema"][0]
            with psycopg.connect(self.url.split("?")[0]) as conn:
                conn.execute(f'SET search_path TO "{schema}"')
                yield conn
        else:
            import sqlite3

            conn = sqlite3.connect(urlsplit(self.url).path[1:])
            try:
                yield conn
                conn.commit()
            finally:
                conn.close()

    def sql(self, statement: str, *params: Any) -> list[Any]:
        if self.postgres:
            statement = statement.replace("?", "%s")
        with self.connection() as conn:
            cursor = conn.execute(statement, params)
            try:
                return list(cursor.fetchall())
            except Exception:  # statements without rows
                return []

    def id_at(self, position: int) -> int:
        ((notification_id,),) = self.sql(
            f"SELECT {self.id_column} FROM {self.events} WHERE chain_position=?", position)
        return int(notification_id)

    def state_at(self, position: int) -> bytes:
        ((state,),) = self.sql(f"SELECT state FROM {self.events} WHERE {self.id_column}=?",
                               self.id_at(position))
        return bytes(state)

    # --- the tampering ---------------------------------------------------------------------
    def flip_state_byte(self, position: int, offset: int = 10) -> None:
        state = bytearray(self.state_at(position))
        state[offset] ^= 0x01
        self.sql(f"UPDATE {self.events} SET state=? WHERE {self.id_column}=?", bytes(state),
                 self.id_at(position))

    def change_topic(self, position: int) -> None:
        self.sql(f"UPDATE {self.events} SET topic=topic || 'Forged' WHERE {self.id_column}=?",
                 self.id_at(position))

    def delete_event(self, position: int) -> None:
        self.sql(f"DELETE FROM {self.events} WHERE {self.id_column}=?", self.id_at(position))

    def delete_tail(self, from_position: int) -> None:
        """Cut the log short: what remains is a valid, shorter chain."""
        self.sql(f"DELETE FROM {self.events} WHERE {self.id_column}>=?",
                 self.id_at(from_position))

    def _forged_event(self, like_position: int) -> tuple[Any, int, str, bytes]:
        ((topic, state),) = self.sql(
            f"SELECT topic, state FROM {self.events} WHERE {self.id_column}=?",
            self.id_at(like_position))
        new_id = uuid4()
        return (new_id if self.postgres else new_id.hex), 1, topic, bytes(state)

    def append_event(self, like_position: int) -> None:
        self.sql(f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) "
                 "VALUES (?,?,?,?)", *self._forged_event(like_position))

    def insert_event_before(self, position: int) -> None:
        """Make room in the ids before ``position`` and slip a forged event in."""
        at = self.id_at(position)
        forged = self._forged_event(position)
        col = self.id_column
        self.sql(f"UPDATE {self.events} SET {col}=-{col} WHERE {col}>=?", at)
        self.sql(f"UPDATE {self.events} SET {col}=1-{col} WHERE {col}<0")
        self.sql(f"INSERT INTO {self.events} ({col}, originator_id, originator_version, topic, "
                 "state) VALUES (?,?,?,?,?)", at, *forged)

    def swap(self, first: int, second: int) -> None:
        a, b = self.id_at(first), self.id_at(second)
        col = self.id_column
        self.sql(f"UPDATE {self.events} SET {col}=-1 WHERE {col}=?", a)
        self.sql(f"UPDATE {self.events} SET {col}=? WHERE {col}=?", a, b)
        self.sql(f"UPDATE {self.events} SET {col}=? WHERE {col}=-1", b)

    def rewrite_from(self, position: int) -> None:
        """Change an event and recompute every hash after it: a consistent forged chain."""
        self.flip_state_byte(position)
        col = self.id_column
        rows = self.sql(f"SELECT {col}, chain_position, originator_id, originator_version, "
                        f"topic, state FROM {self.events} ORDER BY {col}")
        prev = GENESIS
        for row_id, pos, oid, version, topic, state in rows:
            digest = chain_hash(prev, pos, str(UUID(str(oid))), version, topic, bytes(state))
            self.sql(f"UPDATE {self.events} SET chain_hash=? WHERE {col}=?", digest, row_id)
            prev = digest
        self.rebuild_tree()

    def rebuild_tree(self) -> None:
        """Recompute the Merkle tree table from the chain as it now stands (as a forger who
        rewrote the chain would, to keep the store consistent)."""
        entries = [bytes(h) for (h,) in self.sql(
            f"SELECT chain_hash FROM {self.events} WHERE chain_position IS NOT NULL "
            f"ORDER BY {self.id_column}")]
        made: dict[tuple[int, int], bytes] = {}
        nodes = new_nodes(0, entries, lambda level, index: made[level, index],
                          min_level=0 if self.postgres else TREE_MIN_LEVEL)
        self.sql(f"DELETE FROM {self.events}_tree")
        for level, index, digest in nodes:
            self.sql(f"INSERT INTO {self.events}_tree VALUES (?,?,?)", level, index, digest)

    def hide_row(self, at_id: int, like_position: int = 1) -> UUID:
        """Store a forged copy of the event at ``like_position``, with its link, at a
        notification id below 1 (where readers of notifications never look), as the record's
        next version; returns the record's id."""
        ((oid, _version, topic, state, position, digest),) = self.sql(
            f"SELECT originator_id, originator_version, topic, state, chain_position, "
            f"chain_hash FROM {self.events} WHERE {self.id_column}=?", self.id_at(like_position))
        newest = self.sql(f"SELECT MAX(originator_version) FROM {self.events} WHERE "
                          "originator_id=?", oid)[0][0]
        self.sql(f"INSERT INTO {self.events} ({self.id_column}, originator_id, "
                 "originator_version, topic, state, chain_position, chain_hash) "
                 "VALUES (?,?,?,?,?,?,?)", at_id, oid, int(newest) + 1, topic, bytes(state),
                 position, bytes(digest))
        return UUID(str(oid))

    def strip_chain_columns(self) -> None:
        for column in ("chain_position", "chain_hash"):
            self.sql(f"ALTER TABLE {self.events} DROP COLUMN {column}")

    def blank_chain_values(self) -> None:
        self.sql(f"UPDATE {self.events} SET chain_position=NULL, chain_hash=NULL")
