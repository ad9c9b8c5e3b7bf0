"""The hash chain's links: one per stored event, dense positions 1, 2, 3, ...

The recorders in :mod:`civicvol.audit.recorders` compute the links inside the transaction that
inserts the events, from the bytes exactly as stored; :mod:`civicvol.audit.verifier` defines
the hash (:func:`~civicvol.audit.verifier.chain_hash`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from civicvol.audit.verifier import GENESIS, chain_hash
from civicvol.domain.errors import StoreError


class UnchainedStore(StoreError):
    """The store holds events that were written without the hash chain."""


@dataclass(frozen=True)
class ChainLink:
    """The chain's record of one event: its position, identity and the hashes that bind it."""

    position: int
    notification_id: int
    originator_id: str
    originator_version: int
    prev_hash: bytes
    hash: bytes


def originator_text(originator_id: UUID | str) -> str:
    """An originator id as the chain hashes it: a UUID in its canonical hyphenated form."""
    return str(originator_id)


def link_events(head_position: int, head_hash: bytes,
                events: Iterable[tuple[int, StoredEvent]]) -> list[ChainLink]:
    """The links of newly stored events, given in notification order, after the head."""
    links = []
    prev, position = head_hash, head_position
    for notification_id, event in events:
        position += 1
        oid = originator_text(event.originator_id)
        digest = chain_hash(prev, position, oid, event.originator_version, event.topic,
                            event.state)
        links.append(ChainLink(position, notification_id, oid, event.originator_version,
                               prev, digest))
        prev = digest
    return links


def unchained_store_error(events_table: str) -> UnchainedStore:
    return UnchainedStore(
        f"the store's {events_table} table has events but no hash chain (it was written by an "
        "older civicvol or by plain eventsourcing), and civicvol will not vouch for a "
        "history it did not chain as it was written; keep records in a new store"
    )


__all__ = ["GENESIS", "ChainLink", "UnchainedStore", "link_events", "originator_text"]
