"""Verify a store: walk the events in notification order, page by page, with the link each
row carries, recompute every hash, and classify the first damage found.

The k-th event in notification order must carry chain position k and a hash that follows
from the link before it. Where it does not:

* its own position, wrong hash: its stored bytes, topic or identity were **changed**;
* a later position: the events in between are not here; if one of them is stored further on,
  the log was **reordered**, otherwise they are **missing**;
* no link, or a position already passed: an event was **inserted**.

Every row of the events table must be one the walk reached: a row at a notification id below
1 (which no reader of notifications sees, but loading its record does) is **hidden**, reported
at the position it claims (1 if it claims none), before the walk begins; and after the walk,
the rows up to the last one walked are counted, and any beyond the chain's count are
**hidden** too, at the position after the last.

Without a checkpoint, a log cut short at its tail, or rewritten with recomputed hashes, is a
valid shorter or different chain: a signed checkpoint is what catches those (**truncated**,
**checkpoint-mismatch**).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from eventsourcing.persistence import Notification

from civicvol.audit.chain import ChainLink, originator_text
from civicvol.audit.recorders import ChainedRecorder, ChainedRow, MissingTreeNode
from civicvol.audit.tree import root_of
from civicvol.audit.verifier import (
    CHANGED,
    GENESIS,
    HIDDEN,
    INSERTED,
    MISSING,
    REORDERED,
    TREE_MISMATCH,
    Checkpoint,
    CheckpointWatch,
    Finding,
    TreeFrontier,
    VerificationResult,
    chain_hash,
)

PAGE = 2000


def chained_events(recorder: ChainedRecorder, page: int = PAGE) -> Iterator[ChainedRow]:
    """Every stored event with its link, in notification order, one page in memory at a time."""
    after = 0
    while True:
        rows = recorder.select_chained(after, page)
        if not rows:
            return
        yield from rows
        after = rows[-1][0].id


def _describe(event: Notification) -> str:
    return f"{event.topic.rsplit('.', 1)[-1]} v{event.originator_version} of {event.originator_id}"


@dataclass
class Walk:
    """The chain as verified so far: the next position expected and the heads before it."""

    position: int = 1
    head: bytes = GENESIS
    head_before: bytes = GENESIS  # the head before the last accepted link

    def accept(self, link: ChainLink) -> None:
        self.head_before, self.head = self.head, link.hash
        self.position += 1


def classify(recorder: ChainedRecorder, walk: Walk, event: Notification,
             link: ChainLink | None) -> Finding | None:
    """None if ``event`` carries the next link of the chain; else what is wrong there."""
    p = walk.position
    if link is None:
        return Finding(p, INSERTED, f"{_describe(event)} is stored without a link in the chain")
    oid = originator_text(event.originator_id)
    if link.position == p:
        digest = chain_hash(walk.head, p, oid, event.originator_version, event.topic,
                            event.state)
        if digest == link.hash:
            return None
        return Finding(p, CHANGED, f"{_describe(event)} does not hash to its recorded chain "
                       "hash: its stored bytes, topic or identity were changed")
    if link.position > p:
        if recorder.position_stored_after(p, event.id):
            return Finding(p, REORDERED, f"{_describe(event)}, chained at position "
                           f"{link.position}, is stored before the event of position {p}")
        return Finding(p, MISSING, f"the chain jumps from position {p - 1} to "
                       f"{link.position}: the events between are gone")
    # A position already passed: a copy, or a forgery that links like the accepted one.
    twin = link.position == p - 1 and chain_hash(
        walk.head_before, p - 1, oid, event.originator_version, event.topic,
        event.state) == link.hash
    return Finding(p - 1 if twin else p, INSERTED, f"{_describe(event)} claims position "
                   f"{link.position} again: one of the events there is not part of the chain")


def hidden_rows(recorder: ChainedRecorder) -> Finding | None:
    """A row stored where the walk does not look (notification id below 1), if any."""
    rows = recorder.select_hidden(1)
    if not rows:
        return None
    event, link = rows[0]
    return Finding(link.position if link else 1, HIDDEN,
                   f"{_describe(event)} is stored at notification id {event.id}, below 1, "
                   "where no reader of the log sees it but loading its record does: a "
                   "forged row")


def uncovered_rows(recorder: ChainedRecorder, count: int, last_id: int) -> Finding | None:
    """Rows up to notification id ``last_id`` beyond the ``count`` the chain covers, if any."""
    rows = recorder.count_rows(last_id)
    if rows == count:
        return None
    return Finding(count + 1, HIDDEN, f"the events table holds {rows} rows up to notification "
                   f"id {last_id}, but the chain covers {count}: {rows - count} row(s) are "
                   "not part of the chain")


def stored_tree_problem(recorder: ChainedRecorder, count: int, root: bytes) -> Finding | None:
    """Where the stored Merkle tree is not the tree of the verified chain, if it is not."""
    try:
        stored = root_of(count, recorder.tree_node)
    except MissingTreeNode as missing:
        return Finding(count, TREE_MISMATCH, str(missing))
    if stored == root:
        return None
    return Finding(count, TREE_MISMATCH, f"the stored Merkle tree's head of {count} events is "
                   f"{stored.hex()}, but the chain's entries make {root.hex()}: the tree table "
                   "was altered, and proofs made from it would not verify")


def verify_store(recorder: ChainedRecorder, checkpoints: Iterable[Checkpoint] = (),
                 trusted_keys: Iterable[bytes] = (), page: int = PAGE,
                 trust_embedded: bool = False,
                 on_progress: Callable[[int], None] | None = None) -> VerificationResult:
    """Walk the whole log (memory stays flat) and report the first bad position, if any.

    Checkpoints are trusted as :meth:`CheckpointWatch.signatures` says: signed by a pinned
    key in ``trusted_keys``, or, only if ``trust_embedded``, by the key each carries."""
    watch = CheckpointWatch(checkpoints)
    result = VerificationResult()
    result.finding = (watch.signatures(trusted_keys, trust_embedded)
                      or watch.passed(0, GENESIS))
    if result.finding:
        return result
    result.finding = hidden_rows(recorder)
    if result.finding:
        return result
    walk, last_id, tree = Walk(), 0, TreeFrontier()
    for event, link in chained_events(recorder, page):
        last_id = event.id
        finding = classify(recorder, walk, event, link)
        if finding is None:
            assert link is not None
            walk.accept(link)
            tree.append(link.hash)
            result.event_count, result.head_hash = link.position, link.hash
            finding = watch.passed(link.position, link.hash, tree)
        if finding:
            result.finding = finding
            result.checkpoints_checked = watch.checked
            return result
        if on_progress is not None and result.event_count % page == 0:
            on_progress(result.event_count)
    result.finding = (uncovered_rows(recorder, result.event_count, last_id)
                      or stored_tree_problem(recorder, result.event_count, tree.root())
                      or watch.ended(result.event_count))
    result.checkpoints_checked = watch.checked
    if on_progress is not None:
        on_progress(result.event_count)
    return result
