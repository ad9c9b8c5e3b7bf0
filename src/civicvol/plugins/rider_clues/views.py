"""A clue as plain data (JSON-ready), for the CLI and for embedding systems."""

from __future__ import annotations

from typing import Any

from civicvol.plugins.rider_clues.categories import ClueCategories
from civicvol.plugins.rider_clues.clue import Clue


def clue_view(clue: Clue, categories: ClueCategories) -> dict[str, Any]:
    return {
        "id": str(clue.id),
        "rider": str(clue.rider_id),
        "team": str(clue.team_id),
        "category": clue.category,
        "category_name": categories.labels.get(clue.category, clue.category),
        "photo": clue.photo,
        "place": clue.place,
        "seen_at": clue.seen_at.isoformat(),
        "description": clue.description,
        "status": clue.status.value,
        "verdict": clue.verdict.value if clue.verdict else None,
        "duplicate_of": str(clue.duplicate_of) if clue.duplicate_of else None,
        "triage_note": clue.judgement_note,
        "handled_by": clue.handled_by,
        "action": clue.action,
        "feedback": clue.feedback,
        "reported_on": clue.created_on.isoformat(),
        "modified_on": clue.modified_on.isoformat(),
    }
