"""How the domain's value objects are written into stored events (JSON, via eventsourcing)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import attrs
from eventsourcing.persistence import JSONTranscoder, Transcoding

from civicvol.audit.privacy import PersonalKeys, SealedContactTranscoding
from civicvol.domain.values import Actor, ContactDetails, EntryStatus, PointsEntry, Source


class AttrsTranscoding(Transcoding):
    """Write a frozen attrs class as a dict of its fields; nested values go through the
    transcoder again, so an entry's ``Source`` is itself transcoded."""

    def __init__(self, cls: type[Any], name: str) -> None:
        self.type = cls
        self.name = name
        self._fields = [f.name for f in attrs.fields(cls)]

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class PointsEntryTranscoding(AttrsTranscoding):
    def decode(self, data: dict[str, Any]) -> Any:
        return PointsEntry(**{**data, "status": EntryStatus(data["status"])})


class DateAsISO(Transcoding):
    """A calendar day (``datetime.date``) as ``"2024-06-26"``."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TimeAsISO(Transcoding):
    """A time of day (``datetime.time``, with its zone if it has one) as ``"09:00:00"``."""

    type = time
    name = "time_iso"

    def encode(self, obj: time) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> time:
        return time.fromisoformat(data)


def register_value_transcodings(transcoder: JSONTranscoder,
                                keys: PersonalKeys | None = None) -> None:
    """The core's value objects, and the plain types events may hold beyond eventsourcing's
    own (UUID, Decimal, datetime): dates and times of day. Contact details are sealed under
    their person's key; without ``keys`` (the bare benchmark) they are written in the clear."""
    transcoder.register(DateAsISO())
    transcoder.register(TimeAsISO())
    transcoder.register(AttrsTranscoding(Actor, "actor"))
    transcoder.register(AttrsTranscoding(Source, "source"))
    transcoder.register(SealedContactTranscoding(keys) if keys is not None
                        else AttrsTranscoding(ContactDetails, "contact"))
    transcoder.register(PointsEntryTranscoding(PointsEntry, "points_entry"))
    from civicvol.app.service_transcodings import register_catalogue_transcodings

    register_catalogue_transcodings(transcoder)
