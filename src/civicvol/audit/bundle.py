"""Export an audit bundle: the events with their chain links as JSON Lines, and a manifest.

The bundle is checked by :func:`civicvol.audit.verifier.verify_bundle` without any database;
its format is specified in docs/audit/bundle-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from civicvol.audit.chain import originator_text
from civicvol.audit.checkpoint import AuditFileError
from civicvol.audit.recorders import ChainedRecorder
from civicvol.audit.store_verification import (
    PAGE,
    Walk,
    chained_events,
    classify,
    hidden_rows,
    uncovered_rows,
)
from civicvol.audit.verifier import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    CHAIN_TAG,
    EVENTS_FILE,
    HASH_ALGORITHM,
    MANIFEST_FILE,
    BundleEvent,
    Checkpoint,
    Finding,
    event_line,
)
from civicvol.i18n import _

FRAMING: dict[str, Any] = {
    "tag": CHAIN_TAG.decode("ascii"),
    "fields": ["tag", "prev_hash", "position", "originator_id", "originator_version", "topic",
               "state"],
    "field_encoding": {
        "tag": "ASCII bytes of the tag",
        "prev_hash": "the 32 raw bytes of the previous event's hash (32 zero bytes for "
                     "position 1)",
        "position": "decimal ASCII",
        "originator_id": "UTF-8 text (a UUID in lowercase hyphenated form)",
        "originator_version": "decimal ASCII",
        "topic": "UTF-8 text",
        "state": "the stored state bytes exactly as stored (base64 in events.jsonl)",
    },
    "length_prefix": "each field is preceded by its length in bytes as an 8-byte unsigned "
                     "big-endian integer",
    "hash": "SHA-256 over the concatenation of the length-prefixed fields",
}


class TamperedStore(AuditFileError):
    """The store does not verify, so no bundle is written from it."""


def export_bundle(recorder: ChainedRecorder, store: str, out: Path,
                  checkpoints: Iterable[Checkpoint] = (),
                  on_progress: Callable[[int], None] | None = None) -> int:
    """Write events.jsonl and manifest.json into ``out``; returns the number of events.

    Every event is checked against its link while it is written: a store that does not
    verify is refused (a bundle vouches for what it holds).
    """
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise AuditFileError(_("{out} is not empty; export into a new folder").format(out=out))
    checkpoints = list(checkpoints)
    walk, last_id = Walk(), 0
    _refuse(hidden_rows(recorder))
    with open(out / EVENTS_FILE, "wb") as file:
        for event, link in chained_events(recorder):
            last_id = event.id
            _refuse(classify(recorder, walk, event, link))
            assert link is not None
            file.write(event_line(BundleEvent(
                position=link.position, originator_id=originator_text(event.originator_id),
                originator_version=event.originator_version, topic=event.topic,
                state=event.state, prev_hash=walk.head, hash=link.hash)))
            walk.accept(link)
            if on_progress is not None and link.position % PAGE == 0:
                on_progress(link.position)
    count, head = walk.position - 1, walk.head
    _refuse(uncovered_rows(recorder, count, last_id))
    keys = sorted({c.public_key.hex() for c in checkpoints})
    manifest = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "hash_algorithm": HASH_ALGORITHM,
        "framing": FRAMING,
        "store": store,
        "events_file": EVENTS_FILE,
        "event_count": count,
        "head_hash": head.hex(),
        "checkpoints": [c.to_json() for c in checkpoints],
        "public_keys": keys,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    if on_progress is not None:
        on_progress(count)
    return count


def _refuse(finding: Finding | None) -> None:
    if finding is not None:
        raise TamperedStore(_("the store does not verify at {finding}; verify it and "
                              "investigate before exporting").format(
                              finding=finding)).hinted(_("'civicvol audit verify' shows where"))
