"""Verify a store: walk the events and the chain side by side, page by page, recompute every
hash, and classify the first damage found.

The k-th event in notification order must be the event chained at position k. Where they
disagree, a few point queries tell the kinds apart:

* same identity, different hash: the event's stored bytes (or topic) were **changed**;
* the chain skips a position, or the event chained here is gone from the events table, or
  the events end before the chain: **missing** (at the tail: **truncated**);
* the event found here has no link at all while the expected one is still stored further on,
  or events go on after the chain ends: **inserted**;
* the event found here is chained at another position and the expected one is still stored:
  **reordered**.

Without a checkpoint, a log cut short together with its chain, or rewritten with recomputed
hashes, is a valid shorter or different chain: a signed checkpoint is what catches those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from eventsourcing.persistence import Notification

from civicvol.audit.chain import ChainLink, originator_text
from civicvol.audit.recorders import ChainedRecorder
from civicvol.audit.verifier import (
    CHANGED,
    GENESIS,
    INSERTED,
    MISSING,
    REORDERED,
    TRUNCATED,
    Checkpoint,
    CheckpointWatch,
    Finding,
    VerificationResult,
    chain_hash,
)

PAGE = 2000
T = TypeVar("T")


def _paged(fetch: Callable[[int], Sequence[T]], key: Callable[[T], int]) -> Iterator[T]:
    after = 0
    while True:
        page = fetch(after)
        if not page:
            return
        yield from page
        after = key(page[-1])


def stored_events(recorder: ChainedRecorder, page: int = PAGE) -> Iterator[Notification]:
    return _paged(lambda after: recorder.select_notifications(after, page,
                                                              inclusive_of_start=False),
                  lambda n: n.id)


def chain_links(recorder: ChainedRecorder, page: int = PAGE) -> Iterator[ChainLink]:
    return _paged(lambda after: recorder.select_chain(after, page), lambda k: k.position)


def _describe(event: Notification) -> str:
    return f"{event.topic.rsplit('.', 1)[-1]} v{event.originator_version} of {event.originator_id}"


def classify(recorder: ChainedRecorder, position: int, head: bytes, event: Notification | None,
             link: ChainLink | None) -> Finding | None:
    """None if ``event`` is intact at ``position`` after ``head``; else what is wrong there."""
    if link is None and event is None:
        return None
    if link is None:
        assert event is not None
        return Finding(position, INSERTED, f"{_describe(event)} is stored after the chain's "
                       "last link, without a link of its own")
    if link.position != position:
        return Finding(position, MISSING, f"the chain jumps from position {position - 1} to "
                       f"{link.position}")
    if event is None:
        return Finding(position, TRUNCATED, f"the log ends before position {position}, "
                       "which the chain records")
    oid = originator_text(event.originator_id)
    digest = chain_hash(head, position, oid, event.originator_version, event.topic, event.state)
    if digest == link.hash and link.prev_hash == head:
        return None
    if (oid, event.originator_version) == (link.originator_id, link.originator_version):
        if link.prev_hash != head:
            return Finding(position, MISSING, "the link does not follow from the previous "
                           "link: an event before it was taken out")
        return Finding(position, CHANGED, f"{_describe(event)} does not hash to its "
                       "recorded chain hash: its stored bytes or topic were changed")
    expected_still_stored = recorder.has_event(link.originator_id, link.originator_version)
    own_link = recorder.chain_link_of(oid, event.originator_version)
    if own_link is not None:
        if expected_still_stored:
            return Finding(position, REORDERED, f"{_describe(event)} is chained at position "
                           f"{own_link.position} but stored in place of position {position}")
        return Finding(position, MISSING, f"the event chained at position {position} "
                       f"(v{link.originator_version} of {link.originator_id}) is gone")
    if expected_still_stored:
        return Finding(position, INSERTED, f"{_describe(event)} has no link in the chain and "
                       f"sits before the event chained at position {position}")
    return Finding(position, CHANGED, f"{_describe(event)} stands where v"
                   f"{link.originator_version} of {link.originator_id} was chained: its "
                   "identity was changed")


def verify_store(recorder: ChainedRecorder, checkpoints: Iterable[Checkpoint] = (),
                 trusted_keys: Iterable[bytes] = (), page: int = PAGE,
                 on_progress: Callable[[int], None] | None = None) -> VerificationResult:
    """Walk the whole log (memory stays flat) and report the first bad position, if any."""
    watch = CheckpointWatch(checkpoints)
    result = VerificationResult()
    result.finding = watch.signatures(trusted_keys) or watch.passed(0, GENESIS)
    if result.finding:
        return result
    events, links = stored_events(recorder, page), chain_links(recorder, page)
    head, position = GENESIS, 0
    while True:
        event, link = next(events, None), next(links, None)
        if event is None and link is None:
            break
        position += 1
        finding = classify(recorder, position, head, event, link)
        if finding is None:
            assert link is not None
            head = link.hash
            finding = watch.passed(position, head)
        result.event_count, result.head_hash = position - (finding is not None), head
        if finding:
            result.finding = finding
            result.checkpoints_checked = watch.checked
            return result
        if on_progress is not None and position % page == 0:
            on_progress(position)
    result.finding = watch.ended(position)
    result.checkpoints_checked = watch.checked
    if on_progress is not None:
        on_progress(position)
    return result
