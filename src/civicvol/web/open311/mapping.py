"""civicvol's records in Open311's words: services, service definitions, requests, updates.

Status: Open311 knows ``open`` and ``closed``; civicvol's stage goes into ``status_notes``
(placed, dispatched to team X, accepted, completed, rated, cancelled with its reason), the
team into ``agency_responsible``. Times are ISO 8601 in district time (+08:00).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civicvol.app.services import attribute_as_dict
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.service_definition import ServiceDefinition
from civicvol.i18n import _

OPEN_STAGES = ("placed", "dispatched", "accepted")
CLOSED_STAGES = ("completed", "rated", "cancelled")


def service_entry(service: ServiceDefinition) -> dict[str, Any]:
    """A member of ``GET services``: the name as residents read it, the English beside it."""
    return {"service_code": service.code,
            "service_name": f"{service.name_zh} / {service.name_en}",
            "description": service.description, "metadata": bool(service.attributes),
            "type": "realtime", "keywords": ", ".join(service.keywords),
            "group": service.group}


def service_definition(service: ServiceDefinition) -> dict[str, Any]:
    return {"service_code": service.code,
            "attributes": [attribute_as_dict(a) for a in service.attributes]}


def open_or_closed(stage: str) -> str:
    return "open" if stage in OPEN_STAGES else "closed"


def status_notes(note: str, team: str | None, reason: str, stars: int | None) -> str:
    """civicvol's stage, said in a sentence (``note`` is the last event's name)."""
    team_name = team or _("a team")
    if note == "placed":
        return _("placed, waiting for dispatch")
    if note == "declined":
        return _("declined ({reason}), waiting for dispatch again").format(reason=reason)
    if note == "dispatched":
        return _("dispatched to team {team}").format(team=team_name)
    if note == "accepted":
        return _("accepted by a volunteer of team {team}").format(team=team_name)
    if note == "completed":
        return _("completed by team {team}").format(team=team_name)
    if note == "rated":
        return _("completed and rated {stars} of 5 stars").format(stars=stars)
    return _("cancelled: {reason}").format(reason=reason)


def request_entry(row: dict[str, Any], *, private: bool) -> dict[str, Any]:
    """A member of ``GET requests``. Where and what (address, position, description) only for
    a client with an api_key: a resident's home is not for every passer-by."""
    return {
        "service_request_id": row["id"],
        "status": open_or_closed(row["status"]),
        "status_notes": status_notes(row["note"], row["team"], row["reason"], row["stars"]),
        "service_name": row["service"],
        "service_code": row["service_code"],
        "description": row["description"] if private else None,
        "agency_responsible": row["team"],
        "service_notice": None,
        "requested_datetime": row["requested_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": expected(row["wanted_time"]),
        "address": (row["place"] or None) if private else None,
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"] if private else None,
        "long": row["long"] if private else None,
        "media_url": None,
    }


def update_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A member of mySociety's ``servicerequestupdates``: one event of the order."""
    return {"update_id": str(row["update_id"]), "service_request_id": row["order_id"],
            "status": open_or_closed(row["status"]),
            "updated_datetime": row["at"],
            "description": status_notes(row["note"], row["team"], row["reason"], row["stars"]),
            "media_url": ""}


def expected(wanted_time: str) -> str | None:
    """The wanted time when it is a date and time (the order's field is free text)."""
    try:
        moment = datetime.fromisoformat(wanted_time)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=DISTRICT_TIME)
    return moment.astimezone(DISTRICT_TIME).isoformat(timespec="seconds")
