"""Load the stored history written by an earlier civicvol (tests/fixtures/history_v1.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from civicvol import CivicVol

HISTORY_V1 = Path(__file__).parent / "fixtures" / "history_v1.jsonl"


def load_history(app: CivicVol, path: Path = HISTORY_V1) -> int:
    """Insert the stored events exactly as written, in their order; returns how many."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for line in lines:
        app.recorder.insert_events([StoredEvent(
            originator_id=UUID(line["originator_id"]),
            originator_version=line["originator_version"],
            topic=line["topic"],
            state=line["state"].encode("utf-8"),
        )])
    return len(lines)
