"""Tracing a volunteer's points to the events that earned, audited and spent them.

Every entry of the point account is followed to its cause: the account's own event
(position, originator, version, time, actor), the source it names (an order, with the event
that completed it; a plug-in's clue or session, with that record's last event), and the
points auditor who approved it (or the scheme, when credits are approved on credit). A
redemption names the lots it was taken from (oldest first); an expiry names its lot and the
day the lot's validity ended.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.audit.history import events_of, shanghai
from civicvol.audit.recorders import as_chained
from civicvol.domain.point_account import point_account_id
from civicvol.domain.values import Source
from civicvol.plugins.errors import PluginMissing, UnknownEventTopic

_ACTIONS = {"Credited": "credited", "Approved": "approved", "Rejected": "rejected",
            "Reversed": "reversed", "Redeemed": "redeemed", "Expired": "expired"}


def trace_points(app: CivicVol, volunteer_id: UUID | str) -> dict[str, Any]:
    volunteer = app.volunteer(volunteer_id)
    account_id = point_account_id(volunteer.id)
    chain = as_chained(app.recorder)
    actions: list[dict[str, Any]] = []
    entries: dict[str, dict[str, Any]] = {}
    account: Any = None  # rebuilt from the events read here, not loaded a second time
    for event in events_of(app, account_id):
        account = event.mutate(account)
        action = _ACTIONS.get(type(event).__name__)
        if action is None:
            continue
        entry_id = event.entry_id
        link = chain.chain_link_of(str(account_id), event.originator_version)
        cause: dict[str, Any] = {
            "position": link.position if link else None, "originator_id": str(account_id),
            "version": event.originator_version, "time": shanghai(event.timestamp),
            "by": str(event.by)}
        if action in ("credited", "redeemed"):
            source = event.source if action == "credited" else Source("redemption", entry_id)
            entries[entry_id] = {"entry": entry_id, "points": event.points,
                                 "source": str(source), "status": "pending",
                                 "approved_by": None, "approved_at": None}
            if action == "credited":
                entries[entry_id]["origin"] = source_of(app, source, volunteer.id)
                if event.approved:
                    _approve(entries[entry_id], f"{event.by} (approved on credit by the scheme)",
                             cause["time"])
            else:
                entries[entry_id].update(status="redeemed", gift=event.gift,
                                         station=event.station)
        if action == "expired":
            entries[entry_id] = {"entry": entry_id, "points": event.points,
                                 "source": f"expiry:{event.lot}", "status": "expired",
                                 "lot": event.lot, "expired_on": event.expired_on}
            entries[event.lot]["expired"] = entries[event.lot].get("expired", 0) + event.points
        entry = entries[entry_id]
        if action == "approved":
            _approve(entry, str(event.by), cause["time"])
        elif action in ("rejected", "reversed"):
            entry["status"] = action
            entry["reason"] = event.reason
        step = {"action": action, "entry": entry_id, "points": entry["points"],
                "event": cause}
        if action == "redeemed":
            entry["lots"] = step["lots"] = dict(account.spent_from.get(entry_id, {}))
        elif action == "expired":
            step.update(lot=event.lot, expired_on=event.expired_on)
        actions.append(step)
    return {"volunteer_id": str(volunteer.id), "balance": account.balance if account else 0,
            "entries": list(entries.values()), "actions": actions}


def _approve(entry: dict[str, Any], by: str, when: str) -> None:
    entry.update(status="approved", approved_by=by, approved_at=when)


def source_of(app: CivicVol, source: Source,
              volunteer_id: UUID | None = None) -> dict[str, Any]:
    """The record a credit names, and the event that earned it (for an order: its completion)."""
    found: dict[str, Any] = {"kind": source.kind, "id": source.id}
    ident = source.record_id
    if ident is None:
        return found
    try:
        events = list(events_of(app, ident))
    except (PluginMissing, UnknownEventTopic) as missing:  # the rest still traces
        found["missing_plugin"] = {"plugin": missing.plugin or "unknown",
                                   "version": getattr(missing, "version", ""),
                                   "message": str(missing)}
        return found
    if not events:
        found["missing"] = True
        return found
    # What earned the points: an order's completion (or an activity's close with the
    # attendance), hours an administrator added afterwards, else the record's last event.
    earning_events = ("Completed", "Closed", "HoursAdded")
    wanted = [e for e in events if type(e).__name__ in earning_events] or events[-1:]
    if source.kind == "added-hours" and source.id.rsplit("/", 1)[-1].isdigit():
        version = int(source.id.rsplit("/", 1)[-1])
        wanted = [e for e in events if e.originator_version == version] or wanted
    earning = wanted[0]
    link = as_chained(app.recorder).chain_link_of(str(ident), earning.originator_version)
    found["record"] = type(events[0]).__qualname__.split(".")[0]
    found["event"] = {"name": type(earning).__qualname__,
                      "position": link.position if link else None,
                      "version": earning.originator_version,
                      "time": shanghai(earning.timestamp), "by": str(earning.by)}
    if hasattr(earning, "hours"):
        found["hours"] = str(earning.hours)
    attendance = getattr(earning, "attendance", None)
    if isinstance(attendance, dict) and str(volunteer_id) in attendance:
        # An activity's close: the volunteer's own hours, not the activity's total.
        found["hours"] = str(attendance[str(volunteer_id)])
    return found
