"""Every event of one aggregate, as an auditor reads it: when (Asia/Shanghai), who, what.

Personal data appears only while the person's key exists: once erased, the contact details
read as ``[erased]``, and the events themselves are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol, parse_id
from civicvol.audit.recorders import as_chained
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import NotFound
from civicvol.domain.values import ContactDetails
from civicvol.i18n import _
from civicvol.plugins.errors import PluginMissing

_NOT_CHANGES = frozenset(("originator_id", "originator_version", "timestamp",
                          "originator_topic", "by", "class_version"))
_MAX = 60


def aggregate_history(app: CivicVol, aggregate_id: UUID | str, whole: bool = False
                      ) -> list[dict[str, Any]]:
    """One row per event of the aggregate, in version order, with its chain position; each
    value shortened for a table, or ``whole`` (for JSON, which must not lose anything)."""
    ident = parse_id(aggregate_id, "record")
    chain = as_chained(app.recorder)
    rows: list[dict[str, Any]] = []
    for stored in app.recorder.select_events(ident):
        link = chain.chain_link_of(str(ident), stored.originator_version)
        try:
            event: Any = app.mapper.to_domain_event(stored)
        except PluginMissing as missing:  # the rest of the history still reads
            rows.append({
                "position": link.position if link else None,
                "version": stored.originator_version,
                "time": None,
                "by": "",
                "event": stored.topic.rpartition(":")[2],
                "changes": {},
                "unreadable": {"plugin": missing.plugin, "version": missing.version},
            })
            continue
        rows.append({
            "position": link.position if link else None,
            "version": event.originator_version,
            "time": shanghai(event.timestamp),
            "by": str(getattr(event, "by", "")),
            "event": type(event).__qualname__,
            "changes": changes_of(event, whole),
        })
    if not rows:
        raise NotFound(_("no record with id {ident} in this store; check the id (it is given "
                         "when the record is created, and the lists of volunteers, teams, orders "
                         "and pending points show it)").format(ident=ident)).hinted(
                         _("'civicvol volunteer search', 'team list', 'order list' and 'points "
                           "pending' list them"))
    return rows


def events_of(app: CivicVol, aggregate_id: UUID) -> Iterator[Any]:
    """The aggregate's domain events in version order (typed loosely: each class differs)."""
    yield from app.events.get(aggregate_id)


def changes_of(event: Any, whole: bool = False) -> dict[str, str]:
    """What the event recorded, field by field, shortened for reading unless ``whole``."""
    return {name: short(value, None if whole else _MAX) for name, value in vars(event).items()
            if name not in _NOT_CHANGES}


def short(value: Any, limit: int | None = _MAX) -> str:
    """The value as text, cut to ``limit`` characters with "…" (None: never cut)."""
    if isinstance(value, ContactDetails):
        text = "[erased]" if value.is_erased else f"{value.name}, {value.phone}"
    elif isinstance(value, bool):
        text = "true" if value else "false"  # as JSON writes it, whatever the language
    elif isinstance(value, dict):
        text = ", ".join(f"{short(k, None)}: {short(v, None)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(short(v, None) for v in value)
    elif hasattr(value, "value") and not isinstance(value, str | int):
        text = str(value.value)
    else:
        text = str(value)
    if limit is None or len(text) <= limit:
        return text
    # Cut between the items of a list or mapping where one fits: never inside an id.
    cut = text[:limit - 1]
    at = cut.rfind(", ")
    return (cut[:at] if at > 0 else cut) + "…"


def shanghai(moment: Any) -> str:
    return str(moment.astimezone(DISTRICT_TIME).isoformat(timespec="seconds"))
