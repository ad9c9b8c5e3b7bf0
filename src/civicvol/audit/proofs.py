"""Inclusion and consistency proofs made from a store's Merkle tree (O(log n) reads each).

They are checked by the stand-alone verifier (:func:`~civicvol.audit.verifier.inclusion_problem`,
:func:`~civicvol.audit.verifier.consistency_problem`) against signed checkpoints, with no
database and no bundle. Their format is specified in docs/audit/proofs.md.
"""

from __future__ import annotations

import base64
from typing import Any

from civicvol.audit.chain import originator_text
from civicvol.audit.checkpoint import AuditFileError
from civicvol.audit.recorders import ChainedRecorder
from civicvol.audit.tree import root_of, stored_subtree
from civicvol.audit.verifier import (
    CONSISTENCY_PROOF_FORMAT,
    GENESIS,
    INCLUSION_PROOF_FORMAT,
    PROOF_FORMAT_VERSION,
    Checkpoint,
    consistency_path,
    inclusion_path,
)
from civicvol.i18n import _


class ProofRefused(AuditFileError):
    """A proof that cannot be made: a position outside the tree, or checkpoints the store
    does not agree with."""

    exit_code = 1


def tree_size_for(recorder: ChainedRecorder, checkpoint: Checkpoint | None) -> int:
    """The size of the tree a proof is made in: the checkpoint's, which the store must still
    agree with, or the chain's head now."""
    size, _head = recorder.chain_head()
    if checkpoint is None:
        return size
    if checkpoint.tree_root is None:
        raise ProofRefused(_("checkpoint {source} has no tree head (v1); take a new "
                             "checkpoint").format(source=checkpoint.source)).hinted(
                             _("'civicvol audit checkpoint' takes one"))
    if checkpoint.event_count > size or root_of(checkpoint.event_count,
                                                recorder.tree_node) != checkpoint.tree_root:
        raise ProofRefused(_("this store's tree of {event_count} events is not the one "
                             "checkpoint {source} signed; verify the store against "
                             "it").format(
                             event_count=checkpoint.event_count, source=checkpoint.source)
                           ).hinted(_("run 'civicvol audit verify --checkpoint FILE'"))
    return checkpoint.event_count


def inclusion_proof(recorder: ChainedRecorder, store: str, position: int,
                    checkpoint: Checkpoint | None = None) -> dict[str, Any]:
    """The proof that the event at ``position`` is in the tree of ``checkpoint`` (or now)."""
    size = tree_size_for(recorder, checkpoint)
    if not 1 <= position <= size:
        raise ProofRefused(_("position {position} is not in a tree of {size} events; give "
                             "a position from 1 to {size}").format(
                             position=position, size=size))
    found = recorder.event_at(position)
    before = recorder.event_at(position - 1) if position > 1 else None
    if found is None or found[1] is None or (position > 1 and (before is None or
                                                              before[1] is None)):
        raise ProofRefused(_("the store has no intact event at position {position}; verify "
                             "the store").format(position=position)).hinted(
                             _("'civicvol audit verify' shows where"))
    event, link = found
    assert link is not None
    prev = before[1].hash if before and before[1] else GENESIS
    return {
        "format": INCLUSION_PROOF_FORMAT, "format_version": PROOF_FORMAT_VERSION,
        "store": store, "tree_size": size,
        "event": {
            "position": position, "originator_id": originator_text(event.originator_id),
            "originator_version": event.originator_version, "topic": event.topic,
            "state": base64.b64encode(event.state).decode("ascii"),
            "prev_hash": prev.hex(), "hash": link.hash.hex()},
        "audit_path": [h.hex() for h in inclusion_path(position - 1, size,
                                                       stored_subtree(recorder.tree_node))],
    }


def consistency_proof(recorder: ChainedRecorder, old: Checkpoint, new: Checkpoint
                      ) -> dict[str, Any]:
    """The proof that ``old``'s tree is a prefix of ``new``'s, from this store's tree."""
    if old.event_count > new.event_count:
        raise ProofRefused(_("checkpoint {source} has more events than {source2}; give the "
                             "older checkpoint first").format(
                             source=old.source, source2=new.source))
    tree_size_for(recorder, old)
    size = tree_size_for(recorder, new)
    hashes = [] if old.event_count in (0, size) else consistency_path(
        old.event_count, size, stored_subtree(recorder.tree_node))
    return {
        "format": CONSISTENCY_PROOF_FORMAT, "format_version": PROOF_FORMAT_VERSION,
        "store": new.store, "first_size": old.event_count, "tree_size": size,
        "proof": [h.hex() for h in hashes],
    }
