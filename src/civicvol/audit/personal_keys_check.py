"""A personal key that is gone without an erasure event is tampering.

Erasing a volunteer records ``PersonalDataErased`` and then destroys their key; the chain
proves the events, but the keys live beside it in their own table, outside the chain. So
verification also checks that every person whose details were stored sealed still has a key,
unless their erasure is recorded: a key deleted by hand (or lost with a table restored from
an older backup) makes their name and phone unreadable with no erasure in the history.

The check reads only the subjects written in the stored events (no decryption) and asks the
keys table which of them it holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic
from civicvol.domain.volunteer import Volunteer

SEALING = (event_topic(Volunteer, "Registered"), event_topic(Volunteer, "ContactUpdated"))
ERASED = event_topic(Volunteer, "PersonalDataErased")


def sealed_subjects(app: CivicVol) -> dict[UUID, UUID]:
    """Each subject whose details are stored sealed, with the volunteer it belongs to,
    less the volunteers whose erasure is recorded."""
    subjects: dict[UUID, UUID] = {}
    erased: set[UUID] = set()
    for n in app.all_events(topics=(*SEALING, ERASED)):
        volunteer = UUID(str(n.originator_id))
        if n.topic == ERASED:
            erased.add(volunteer)
            continue
        contact = json.loads(n.state).get("contact", {}).get("_data_", {})
        if "sealed" in contact:
            subjects[UUID(contact["subject"])] = volunteer
    return {s: v for s, v in subjects.items() if v not in erased}


def keys_lost_without_erasure(app: CivicVol) -> list[UUID]:
    """The volunteers whose personal key is gone although no erasure of them is recorded."""
    subjects = sealed_subjects(app)
    held = app.personal_keys.held(subjects)
    return sorted(v for s, v in subjects.items() if s not in held)


def describe(volunteers: Iterable[UUID]) -> str:
    lost = list(volunteers)
    shown = ", ".join(str(v) for v in lost[:3]) + (f" and {len(lost) - 3} more"
                                                    if len(lost) > 3 else "")
    return (f"the personal key of {len(lost)} volunteer(s) ({shown}) is gone without an "
            "erasure event: someone deleted keys outside civicvol, or the keys table was "
            "restored from an older copy; restore it from a backup taken with "
            "'civicvol backup'")
