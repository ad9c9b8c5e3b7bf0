"""Personal data encrypted at rest with a key per person, so that erasing is deleting a key.

A volunteer's :class:`~civicvol.domain.values.ContactDetails` is the only personal data in
the store. It is written into events sealed with AES-256-GCM under the person's own key
(the details' ``subject`` is the person), and the keys live in a table of the store's own
database (``civicvol_personal_keys``). Destroying the key (crypto-shredding) makes every copy
of the details unreadable, in the database, in backups and in audit bundles, while the
events' stored bytes stay exactly as they were: the hash chain still verifies, and every
count and total (which never reads contact details) still adds up.

Stored forms of the ``contact`` value:

- ``{"subject": HEX, "sealed": BASE64}``: nonce (12 bytes) + AES-GCM ciphertext of the JSON
  ``{"name", "phone"}`` (and ``"national_number"`` when the person has one), with the
  subject's bytes as associated data;
- ``{"subject": HEX, "erased": true}``: written only if an erased value is saved again;
- ``{"name", "phone"}``: details written before encryption at rest (civicvol 0.1.0); read as
  they are, and they cannot be crypto-shredded.

Keys are created on first use and inserted in one statement per saved batch, before the
events (a key whose events were then refused is harmless); keys are cached per process.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import (
    EventStore,
    Mapper,
    Notification,
    Recorder,
    Recording,
    Transcoding,
)

from civicvol.domain.errors import StoreBusy, StoreError
from civicvol.domain.values import ContactDetails
from civicvol.i18n import _

KEYS_TABLE = "civicvol_personal_keys"
CACHE_SIZE = 50_000
_CHUNK = 500
SCRUB_TRIES, SCRUB_WAIT = 50, 0.1  # wait up to 5 s for readers to let the log be truncated


class PersonalKeys:
    """The per-person keys, in a table of the store's own database, with a bounded cache."""

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self._datastore: Any = None
        self._dialect = ""
        self._table = KEYS_TABLE
        self._cache: dict[UUID, bytes] = {}
        self._cache_size = cache_size
        self._pending: dict[UUID, bytes] = {}
        self._known_missing: set[UUID] = set()
        self._lock = threading.Lock()
        self._withheld = False

    # --- wiring ------------------------------------------------------------------------------
    def attach(self, recorder: Recorder) -> None:
        """Use the database of ``recorder``'s datastore, creating the keys table if needed."""
        datastore: Any = getattr(recorder, "datastore", None)
        kind = type(datastore).__module__ if datastore is not None else ""
        if kind.endswith("sqlite"):
            self._dialect = "sqlite"
            ddl = (f"CREATE TABLE IF NOT EXISTS {self._table} "
                   "(subject TEXT PRIMARY KEY, key BLOB NOT NULL)")
        elif kind.endswith("postgres"):
            self._dialect = "postgres"
            self._table = f'"{datastore.schema}".{KEYS_TABLE}'
            ddl = (f"CREATE TABLE IF NOT EXISTS {self._table} "
                   "(subject uuid PRIMARY KEY, key bytea NOT NULL)")
        else:
            raise StoreError(_("personal data cannot be kept in a {value} store; use a "
                               "sqlite://, memory:// or postgresql:// store").format(
                               value=kind or 'unknown'))
        self._datastore = datastore
        # Opening a store that has the table writes nothing; processes creating a fresh
        # store together may race on the DDL, and the losers find the table made.
        for attempt in range(5):
            if self._table_exists():
                return
            try:
                with self._datastore.transaction(commit=True) as cursor:
                    cursor.execute(ddl)
                return
            except Exception:
                if attempt == 4 and not self._table_exists():
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _table_exists(self) -> bool:
        if self._dialect == "sqlite":
            rows = self._select("SELECT name, 0 FROM sqlite_master WHERE type = 'table' AND "
                                "name = ?", [KEYS_TABLE])
        else:
            rows = self._select("SELECT to_regclass(%s)::text, 0", [self._table])
        return bool(rows) and rows[0][0] not in ("", "None")

    @property
    def _mark(self) -> str:
        return "?" if self._dialect == "sqlite" else "%s"

    def _param(self, subject: UUID) -> Any:
        return str(subject) if self._dialect == "sqlite" else subject

    @contextmanager
    def withheld(self) -> Iterator[None]:
        """Read records without their personal data (it reads ``[erased]``): for audits that
        only count, so that they neither need nor touch anyone's key."""
        self._withheld = True
        try:
            yield
        finally:
            self._withheld = False

    @property
    def is_withheld(self) -> bool:
        return self._withheld

    # --- keys --------------------------------------------------------------------------------
    def prefetch(self, subjects: Iterable[UUID]) -> None:
        """Load the keys of ``subjects`` in a few statements; remember which have none yet."""
        wanted = [s for s in dict.fromkeys(subjects)
                  if s not in self._cache and s not in self._pending]
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            marks = ", ".join([self._mark] * len(chunk))
            found = dict(self._select(
                f"SELECT subject, key FROM {self._table} WHERE subject IN ({marks})",
                [self._param(s) for s in chunk]))
            for subject in chunk:
                key = found.get(str(subject))
                if key is None:
                    self._known_missing.add(subject)
                else:
                    self._remember(subject, key)

    def key_for(self, subject: UUID, *, create: bool = False) -> bytes | None:
        """The subject's key; a new one if ``create`` and it has none (saved on :meth:`flush`)."""
        if self._withheld and not create:
            return None
        key = self._cache.get(subject) or self._pending.get(subject)
        if key is None and subject not in self._known_missing:
            rows = self._select(f"SELECT subject, key FROM {self._table} WHERE subject = "
                                f"{self._mark}", [self._param(subject)])
            if rows:
                key = rows[0][1]
                self._remember(subject, key)
        if key is None and create:
            key = AESGCM.generate_key(bit_length=256)
            with self._lock:
                self._pending[subject] = key
                self._known_missing.discard(subject)
        return key

    def flush(self) -> None:
        """Insert the keys created since the last flush, in one statement."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        if self._dialect == "sqlite":
            sql = f"INSERT OR IGNORE INTO {self._table} (subject, key) VALUES (?, ?)"
        else:
            sql = (f"INSERT INTO {self._table} (subject, key) VALUES (%s, %s) "
                   "ON CONFLICT (subject) DO NOTHING")
        rows = sorted((self._param(s), k) for s, k in pending.items())  # in index order
        with self._datastore.transaction(commit=True) as cursor:
            self._zero_what_is_freed(cursor)
            cursor.executemany(sql, rows)
        for subject, key in pending.items():
            self._remember(subject, key)

    def destroy(self, subject: UUID) -> bool:
        """Delete the subject's key for good. Returns False if there was none."""
        with self._lock:
            self._cache.pop(subject, None)
            self._pending.pop(subject, None)
            self._known_missing.add(subject)
        existed = bool(self._select(f"SELECT subject, 0 FROM {self._table} WHERE subject = "
                                    f"{self._mark}", [self._param(subject)]))
        with self._datastore.transaction(commit=True) as cursor:
            self._zero_what_is_freed(cursor)
            cursor.execute(f"DELETE FROM {self._table} WHERE subject = {self._mark}",
                           (self._param(subject),))
        self.scrub()
        return existed

    # --- erasure that sticks -----------------------------------------------------------------
    def _vacuum_keys(self) -> None:
        """VACUUM FULL keeps a deleted row that a transaction begun before the delete may
        still see (anywhere in the database): wait, bounded, until none is left, then
        rewrite the table."""
        older = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid() AND state <> 'idle' AND xact_start < %s")
        with self._datastore.get_connection() as conn:
            autocommit = conn.autocommit
            conn.autocommit = True  # VACUUM runs outside a transaction
            try:
                deleted = _first(conn.execute("SELECT clock_timestamp() AS t").fetchone())
                for _try in range(SCRUB_TRIES):
                    waiting = _first(conn.execute(older, [deleted]).fetchone())
                    if not waiting:
                        break
                    time.sleep(SCRUB_WAIT)
                conn.execute(f"VACUUM FULL {self._table}")
            finally:
                conn.autocommit = autocommit
        if waiting:
            raise StoreBusy(_("the personal key is destroyed, but a transaction that began "
                              "before the erasure is still open in the database and keeps the "
                              "old row; run the erasure again when it has ended"))

    def _zero_what_is_freed(self, cursor: Any) -> None:
        """SQLite overwrites deleted rows and freed pages with zeros only with secure_delete
        on, which is a build option (off by default in SQLite's own sources): turn it on for
        every write to the keys table, so no key survives in the database's free space."""
        if self._dialect == "sqlite":
            cursor.execute("PRAGMA secure_delete=ON")

    def scrub(self) -> None:
        """Make a destroyed key physically gone from the store's files.

        SQLite: the write-ahead log still holds the pages written before the delete (the key
        among them) until a checkpoint copies them back and truncates it; other readers can
        hold that off for a moment, so this waits a little (bounded). PostgreSQL: VACUUM FULL
        rewrites the keys table, leaving no dead row behind (the server's own WAL and old
        backups are the operator's: see docs/privacy.md). Raises :class:`StoreBusy` if the
        log could not be truncated; running the erasure again finishes it.
        """
        if self._dialect == "postgres":
            self._vacuum_keys()
            return
        if self._datastore.pool.is_sqlite_memory_mode:
            return
        for _try in range(SCRUB_TRIES):
            with self._datastore.get_connection(commit=True) as connection:
                cursor = connection.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()
            if not busy[0]:
                return
            time.sleep(SCRUB_WAIT)
        raise StoreBusy(_("the personal key is destroyed, but other processes reading the store "
                          "kept its old copy in the write-ahead log (-wal file); run the erasure "
                          "again when they are done"))

    def held(self, subjects: Iterable[UUID]) -> set[UUID]:
        """Which of ``subjects`` have a key in the store (read from the table, not the
        cache: for audits)."""
        wanted = list(dict.fromkeys(subjects))
        found: set[UUID] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            marks = ", ".join([self._mark] * len(chunk))
            found.update(UUID(s) for s, _ in self._select(
                f"SELECT subject, 0 FROM {self._table} WHERE subject IN ({marks})",
                [self._param(s) for s in chunk]))
        return found

    def exists(self, subject: UUID) -> bool:
        return self.key_for(subject) is not None

    def count(self) -> int:
        rows = self._select(f"SELECT COUNT(*), 0 FROM {self._table}", [])
        return int(rows[0][0])

    def _remember(self, subject: UUID, key: bytes) -> None:
        if len(self._cache) >= self._cache_size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[subject] = bytes(key)

    def _select(self, sql: str, params: Sequence[Any]) -> list[tuple[str, Any]]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        result = []
        for row in rows:
            values = list(row.values()) if isinstance(row, dict) else list(row)
            result.append((str(values[0]), values[1]))
        return result


def _first(row: Any) -> Any:
    """The first column of a row, whether the connection gives tuples or dicts."""
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


class SealedContactTranscoding(Transcoding):
    """Writes :class:`ContactDetails` sealed under its subject's key (see the module notes)."""

    type = ContactDetails
    name = "contact"

    def __init__(self, keys: PersonalKeys) -> None:
        self.keys = keys

    def encode(self, obj: ContactDetails) -> dict[str, Any]:
        if obj.subject is None:  # details from before encryption at rest stay as they were
            return {"name": obj.name, "phone": obj.phone}
        if obj.is_erased:
            return {"subject": obj.subject.hex, "erased": True}
        key = self.keys.key_for(obj.subject, create=True)
        assert key is not None
        nonce = os.urandom(12)
        details = {"name": obj.name, "phone": obj.phone}
        if obj.national_number:  # written only when there is one: older details read the same
            details["national_number"] = obj.national_number
        plain = json.dumps(details, ensure_ascii=False).encode()
        sealed = nonce + AESGCM(key).encrypt(nonce, plain, obj.subject.bytes)
        return {"subject": obj.subject.hex, "sealed": base64.b64encode(sealed).decode()}

    def decode(self, data: dict[str, Any]) -> ContactDetails:
        if "subject" not in data:
            return ContactDetails(name=data["name"], phone=data["phone"])
        subject = UUID(data["subject"])
        key = None if data.get("erased") or self.keys.is_withheld else self.keys.key_for(subject)
        if key is None:
            return ContactDetails.erased(subject)
        sealed = base64.b64decode(data["sealed"])
        try:
            plain = json.loads(AESGCM(key).decrypt(sealed[:12], sealed[12:], subject.bytes))
        except InvalidTag:
            raise StoreError(_("the contact details of subject {subject} do not match its "
                               "key: the stored event or the key was altered; verify the "
                               "store").format(subject=subject)).hinted(
                               _("'civicvol audit verify' shows where")) from None
        return ContactDetails(name=plain["name"], phone=plain["phone"], subject=subject,
                              national_number=plain.get("national_number", ""))


class KeyedEventStore(EventStore[UUID]):
    """An event store that saves the keys of newly sealed personal data before the events."""

    def __init__(self, mapper: Mapper[UUID], recorder: Recorder, keys: PersonalKeys) -> None:
        super().__init__(mapper, recorder)  # type: ignore[arg-type]
        self.keys = keys

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list[Recording[UUID]]:
        subjects = [c.subject for e in domain_events
                    if isinstance(c := getattr(e, "contact", None), ContactDetails)
                    and c.subject is not None]
        if subjects:
            self.keys.prefetch(subjects)
        stored = list(map(self.mapper.to_stored_event, domain_events))
        self.keys.flush()
        return self._insert(domain_events, stored, **kwargs)

    def _insert(self, domain_events: Sequence[Any], stored: list[Any],
                **kwargs: Any) -> list[Recording[UUID]]:
        ids = self.recorder.insert_events(stored, **kwargs)
        if not ids:
            return []
        return [Recording(d, Notification(originator_id=s.originator_id,
                                          originator_version=s.originator_version,
                                          topic=s.topic, state=s.state, id=n))
                for d, s, n in zip(domain_events, stored, ids, strict=True)]
