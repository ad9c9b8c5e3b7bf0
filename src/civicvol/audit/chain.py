"""The hash chain's links: one per stored event, dense positions 1, 2, 3, ...

The recorders in :mod:`civicvol.audit.recorders` compute the links inside the transaction that
inserts the events, from the bytes exactly as stored; :mod:`civicvol.audit.verifier` defines
the hash (:func:`~civicvol.audit.verifier.chain_hash`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from struct import Struct
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from civicvol.audit.verifier import CHAIN_TAG, GENESIS
from civicvol.domain.errors import StoreError
from civicvol.i18n import _


class UnchainedStore(StoreError):
    """The store holds events that were written without the hash chain."""


@dataclass(frozen=True)
class ChainLink:
    """The chain's record of one event: its position, identity and hash (the previous hash
    is the link before's hash, so it is not stored twice)."""

    position: int
    notification_id: int
    originator_id: str
    originator_version: int
    hash: bytes


def originator_text(originator_id: UUID | str) -> str:
    """An originator id as the chain hashes it: a UUID in its canonical hyphenated form."""
    return str(originator_id)


LinkRow = tuple[int, int, str, int, bytes, bytes]
"""A new link as a row of the chain table: position, notification id, originator id,
version, previous hash, hash."""

_Q = Struct(">Q").pack
_TAG_AND_PREV_LENGTH = _Q(len(CHAIN_TAG)) + CHAIN_TAG + _Q(32)
_topic_frames: dict[str, bytes] = {}


def link_rows(head_position: int, head_hash: bytes,
              events: Iterable[tuple[int, StoredEvent]]) -> list[LinkRow]:
    """The links of newly stored events, given in notification order, after the head.

    The same hash as :func:`~civicvol.audit.verifier.chain_hash`, framed inline because it
    runs inside every write transaction (the tests check both agree on every event).
    """
    rows = []
    prev, position = head_hash, head_position
    for notification_id, event in events:
        position += 1
        oid = originator_text(event.originator_id)
        oid_bytes = oid.encode()
        position_bytes = str(position).encode()
        version_bytes = str(event.originator_version).encode()
        topic_frame = _topic_frames.get(event.topic)
        if topic_frame is None:
            topic_bytes = event.topic.encode()
            topic_frame = _topic_frames[event.topic] = _Q(len(topic_bytes)) + topic_bytes
        digest = sha256(b"".join((
            _TAG_AND_PREV_LENGTH, prev, _Q(len(position_bytes)), position_bytes,
            _Q(len(oid_bytes)), oid_bytes, _Q(len(version_bytes)), version_bytes,
            topic_frame, _Q(len(event.state)), event.state))).digest()
        rows.append((position, notification_id, oid, event.originator_version, prev, digest))
        prev = digest
    return rows


class ChainStripped(UnchainedStore):
    """A store civicvol chained has events without the chain: its chain was stripped."""

    exit_code = 1  # like a verification that finds damage


def unchained_store_error(events_table: str, chained_before: bool = False) -> UnchainedStore:
    if chained_before:
        return ChainStripped(
            _("the store's {events_table} table was chained by civicvol, but its events "
              "now have no hash chain (the chain columns or their values were removed): "
              "the store was tampered with; restore it from a backup and verify it against "
              "your checkpoints").format(events_table=events_table)).hinted(
              _("'civicvol audit verify --checkpoint FILE --public-key KEY' checks it"))
    return UnchainedStore(
        _("the store's {events_table} table has events but no hash chain (it was written "
          "by plain eventsourcing, or its chain was stripped together with civicvol's "
          "record of it), and civicvol will not vouch for a history it did not chain as it "
          "was written; keep records in a new store").format(events_table=events_table)
    )


__all__ = ["GENESIS", "ChainLink", "ChainStripped", "LinkRow", "UnchainedStore", "link_rows",
           "originator_text"]
